import { authenticationResponse } from '#src/factors/webauthn-schemas.ts';

/** Wire schemas of verification: the admins' /api/v1/users/{id}/verifications and the user's link. */

const userId = { type: 'string', minLength: 1, maxLength: 100 } as const;
const verificationId = { type: 'string', pattern: '^pvr[0-9A-Za-z]{17}$' } as const;

export const userParams = { type: 'object', properties: { id: userId }, required: ['id'], additionalProperties: false } as const;
export const verificationParams = { type: 'object', properties: { id: userId, verificationId }, required: ['id', 'verificationId'], additionalProperties: false } as const;

/** Lists are short (a user's verifications, those waiting): one page of at most 200, newest first. */
const limit = { type: 'integer', minimum: 1, maximum: 200, default: 20 } as const;

export const userListQuery = { type: 'object', properties: { limit }, additionalProperties: false } as const;

export const listQuery = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['PENDING', 'VERIFIED', 'DENIED', 'USED', 'EXPIRED'] },
    method: { type: 'string', enum: ['TARGET_PASSKEY', 'ADMIN_ATTESTATION'] },
    limit,
  },
  additionalProperties: false,
} as const;

export const requestBody = {
  type: 'object',
  properties: { action: { type: 'string', enum: ['RESET_PASSWORD', 'RESET_FACTORS'] }, method: { type: 'string', enum: ['TARGET_PASSKEY', 'ADMIN_ATTESTATION'] } },
  required: ['action', 'method'],
  additionalProperties: false,
} as const;

/** How the admin verified the person: said in words a reviewer of the System Log can check, so at least 10 characters. */
export const attestBody = {
  type: 'object',
  properties: { statement: { type: 'string', minLength: 10, maxLength: 2000, pattern: '\\S' } },
  required: ['statement'],
  additionalProperties: false,
} as const;

export const denyBody = { type: 'object', properties: { note: { type: 'string', maxLength: 2000 } }, additionalProperties: false } as const;

/** The link's token (256 bits, base64url) as the user's page read it from the link's fragment. */
const token = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' } as const;

export const challengeBody = { type: 'object', properties: { token }, required: ['token'], additionalProperties: false } as const;

export const answerBody = { type: 'object', properties: { token, credential: authenticationResponse }, required: ['token', 'credential'], additionalProperties: false } as const;
