import { DOWNLOAD_TICKET, idParams } from '#src/http/schemas.ts';
import { TEMPLATES, USER_TYPES } from './templates.ts';

const FIELD_NAMES = [...new Set(TEMPLATES.flatMap((t) => t.fields.map((f) => f.name)))];
const dateTime = { type: 'string', format: 'date-time' } as const;

export const runBody = {
  type: 'object',
  properties: {
    template: { type: 'string', enum: TEMPLATES.map((t) => t.id) },
    filters: {
      type: 'object',
      properties: {
        organization: { type: 'string', minLength: 1, maxLength: 100 },
        userType: { type: 'string', enum: USER_TYPES },
        createdAfter: dateTime,
        createdBefore: dateTime,
        lastLoginAfter: dateTime,
      },
      additionalProperties: false,
      default: {},
    },
    fields: { type: 'array', items: { type: 'string', enum: FIELD_NAMES }, maxItems: 50, uniqueItems: true },
    reason: { type: 'string', maxLength: 2000 },
  },
  required: ['template'],
  additionalProperties: false,
} as const;

export const runIdParams = idParams('runId', 'rrn');
export const downloadIdParams = idParams('downloadId', 'rdl');

export const decisionBody = {
  type: 'object',
  properties: { note: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } },
  required: ['note'],
  additionalProperties: false,
} as const;

export const downloadQuery = {
  type: 'object',
  properties: { format: { type: 'string', enum: ['csv', 'xlsx'], default: 'csv' }, ticket: DOWNLOAD_TICKET },
  additionalProperties: false,
} as const;

export { limitQuery as listQuery } from '#src/http/schemas.ts';

export const reconcileBody = {
  type: 'object',
  properties: {
    bytes: { type: 'integer', minimum: 0 },
    sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
  },
  additionalProperties: false,
} as const;
