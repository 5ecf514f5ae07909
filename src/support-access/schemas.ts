import { SEVERITIES } from '#src/cases/service.ts';
import { idParams } from '#src/http/schemas.ts';
import { MAX_MINUTES, MIN_MINUTES, SCOPE_NAMES } from './scopes.ts';

const scopes = { type: 'array', items: { type: 'string', enum: SCOPE_NAMES }, minItems: 1, maxItems: SCOPE_NAMES.length, uniqueItems: true } as const;
const minutes = { type: 'integer', minimum: MIN_MINUTES, maximum: MAX_MINUTES } as const;
const justification = { type: 'string', minLength: 10, maxLength: 2000, pattern: '\\S' } as const;

export const accessRequestBody = {
  type: 'object',
  properties: { scopes, durationMinutes: minutes, justification },
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

/** More time on a running grant: how much, and why. */
export const extensionRequestBody = {
  type: 'object',
  properties: { durationMinutes: minutes, justification },
  required: ['durationMinutes', 'justification'],
  additionalProperties: false,
} as const;

export const extensionDecisionBody = { type: 'object', properties: { durationMinutes: minutes, note }, additionalProperties: false } as const;

/**
 * A pre-approval rule. Its scopes may name any scope here so that a write scope is refused with the reason
 * (policy-service.ts), not as an unknown value.
 */
const rule = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
    scopes,
    severities: { type: 'array', items: { type: 'string', enum: SEVERITIES }, minItems: 1, maxItems: SEVERITIES.length, uniqueItems: true },
    maxDurationMinutes: minutes,
  },
  required: ['name', 'scopes', 'severities', 'maxDurationMinutes'],
  additionalProperties: false,
} as const;

/** The whole policy at once: what the admins set is what is kept, and its change is logged before and after. */
export const policyBody = {
  type: 'object',
  properties: { rules: { type: 'array', items: rule, maxItems: 20 } },
  required: ['rules'],
  additionalProperties: false,
} as const;

export const grantIdParams = idParams('grantId', 'sag');
export { limitQuery as listQuery } from '#src/http/schemas.ts';
