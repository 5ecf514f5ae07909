import { idParams } from '#src/http/schemas.ts';
import { ACTIONS } from './criteria.ts';

const date = { type: 'string', minLength: 10, maxLength: 40 } as const;

/** Criteria and actions as a client sends them; the checks that need the clock or the log are the service's (criteria.ts). */
export const planBody = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
    criteria: {
      type: 'object',
      properties: {
        window: { type: 'object', properties: { since: date, until: date }, required: ['since'], additionalProperties: false },
        passwordOrFactorChange: { type: 'boolean' },
        targetedBy: {
          type: 'object',
          properties: { actorIds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100, pattern: '^\\S+$' }, minItems: 1, maxItems: 100, uniqueItems: true } },
          required: ['actorIds'],
          additionalProperties: false,
        },
        signedInFrom: {
          type: 'object',
          properties: {
            ips: { type: 'array', items: { type: 'string', minLength: 2, maxLength: 45 }, maxItems: 1000, uniqueItems: true },
            cidrs: { type: 'array', items: { type: 'string', minLength: 4, maxLength: 50 }, maxItems: 100, uniqueItems: true },
            asns: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 4294967295 }, maxItems: 100, uniqueItems: true },
          },
          additionalProperties: false,
        },
      },
      required: ['window'],
      additionalProperties: false,
    },
    actions: { type: 'array', items: { type: 'string', enum: ACTIONS }, minItems: 1, maxItems: ACTIONS.length, uniqueItems: true },
  },
  required: ['name', 'criteria', 'actions'],
  additionalProperties: false,
} as const;

export const remediationParams = idParams('id', 'rmd');

export const reportQuery = {
  type: 'object',
  properties: { format: { type: 'string', enum: ['json', 'csv'], default: 'json' } },
  additionalProperties: false,
} as const;

export { limitQuery as listQuery } from '#src/http/schemas.ts';
