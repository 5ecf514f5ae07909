import { idParams } from '#src/http/schemas.ts';
import { MAX_MINUTES, MIN_MINUTES, SCOPE_NAMES } from './scopes.ts';

const scopes = { type: 'array', items: { type: 'string', enum: SCOPE_NAMES }, minItems: 1, maxItems: SCOPE_NAMES.length, uniqueItems: true } as const;
const minutes = { type: 'integer', minimum: MIN_MINUTES, maximum: MAX_MINUTES } as const;

export const accessRequestBody = {
  type: 'object',
  properties: { scopes, durationMinutes: minutes, justification: { type: 'string', minLength: 10, maxLength: 2000, pattern: '\\S' } },
  required: ['scopes', 'justification'],
  additionalProperties: false,
} as const;

const note = { type: 'string', maxLength: 2000 } as const;

export const denialBody = { type: 'object', properties: { note }, additionalProperties: false } as const;

export const decisionBody = {
  type: 'object',
  properties: { scopes, durationMinutes: minutes, note },
  additionalProperties: false,
} as const;

export const grantIdParams = idParams('grantId', 'sag');
export { limitQuery as listQuery } from '#src/http/schemas.ts';
