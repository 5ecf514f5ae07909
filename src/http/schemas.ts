/** JSON Schema pieces that routes of several capabilities share. */

/** Path parameters that are one id of ours (lib/ids.ts): the prefix, then 17 base62 characters. */
export function idParams<N extends string>(name: N, prefix: string) {
  return {
    type: 'object',
    properties: { [name]: { type: 'string', pattern: `^${prefix}[0-9A-Za-z]{17}$` } } as Record<N, { type: 'string'; pattern: string }>,
    required: [name],
    additionalProperties: false,
  } as const;
}

/** How many of a list to answer: 50 unless asked, at most 200. */
export const LIMIT = { type: 'integer', minimum: 1, maximum: 200, default: 50 } as const;

export const limitQuery = { type: 'object', properties: { limit: LIMIT }, additionalProperties: false } as const;

/** A staff download ticket (docs/help-center.md, "Staff sessions"): the token of `POST /help/v1/staff/download-tickets`. */
export const DOWNLOAD_TICKET = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;
