import { DOWNLOAD_TICKET, idParams, LIMIT } from '#src/http/schemas.ts';
import { CASE_STATUSES, PRODUCT_AREAS, SEVERITIES } from './store.ts';

/** Text a person typed: at least one character that is not a space, at most `max`. */
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '\\S' }) as const;

export const caseIdParams = idParams('caseId', 'cas');

export const newCaseBody = {
  type: 'object',
  properties: {
    title: text(200),
    description: text(20_000),
    severity: { type: 'string', enum: SEVERITIES },
    productArea: { type: 'string', enum: PRODUCT_AREAS },
  },
  required: ['title', 'description', 'severity', 'productArea'],
  additionalProperties: false,
} as const;

export const commentBody = {
  type: 'object',
  properties: { body: text(20_000) },
  required: ['body'],
  additionalProperties: false,
} as const;

export const caseListQuery = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: CASE_STATUSES },
    limit: LIMIT,
  },
  additionalProperties: false,
} as const;

export const queueQuery = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: CASE_STATUSES },
    q: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
    assignee: { type: 'string', enum: ['me', 'nobody'] },
    limit: LIMIT,
  },
  additionalProperties: false,
} as const;

export const assigneeBody = {
  type: 'object',
  properties: { assigneeId: { type: ['string', 'null'], pattern: '^hcu[0-9A-Za-z]{17}$' } },
  required: ['assigneeId'],
  additionalProperties: false,
} as const;

export const statusBody = {
  type: 'object',
  properties: { status: { type: 'string', enum: CASE_STATUSES } },
  required: ['status'],
  additionalProperties: false,
} as const;

export const attachmentParams = {
  type: 'object',
  properties: { caseId: caseIdParams.properties.caseId, attachmentId: { type: 'string', pattern: '^cat[0-9A-Za-z]{17}$' } },
  required: ['caseId', 'attachmentId'],
  additionalProperties: false,
} as const;

/** A staff download of an attachment: a navigation, opened by a download ticket instead of a device proof. */
export const staffAttachmentQuery = { type: 'object', properties: { ticket: DOWNLOAD_TICKET }, additionalProperties: false } as const;

/** The file's name as the customer's computer knew it: shown and offered back on download, never trusted for its kind. */
export const attachmentQuery = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^/\\\\\\u0000-\\u001f\\u007f]+$' } },
  required: ['name'],
  additionalProperties: false,
} as const;
