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

export const runIdParams = {
  type: 'object',
  properties: { runId: { type: 'string', pattern: '^rrn[0-9A-Za-z]{17}$' } },
  required: ['runId'],
  additionalProperties: false,
} as const;

export const downloadIdParams = {
  type: 'object',
  properties: { downloadId: { type: 'string', pattern: '^rdl[0-9A-Za-z]{17}$' } },
  required: ['downloadId'],
  additionalProperties: false,
} as const;

export const decisionBody = {
  type: 'object',
  properties: { note: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } },
  required: ['note'],
  additionalProperties: false,
} as const;

export const downloadQuery = {
  type: 'object',
  properties: { format: { type: 'string', enum: ['csv', 'xlsx'], default: 'csv' } },
  additionalProperties: false,
} as const;

export const listQuery = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
  additionalProperties: false,
} as const;

export const reconcileBody = {
  type: 'object',
  properties: {
    bytes: { type: 'integer', minimum: 0 },
    sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
  },
  additionalProperties: false,
} as const;
