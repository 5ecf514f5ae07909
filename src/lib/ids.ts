import { randomBytes, randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Okta-style object ids: a 3-character type prefix and 17 random base62 characters (~101 bits). */
export type IdPrefix = '00u' | '00g' | '00o' | '00T' | 'ra1';

function randomBase62(length: number): string {
  // Rejection sampling keeps every character uniform: 248 = 4 * 62 is the largest multiple below 256.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function newId(prefix: IdPrefix): string {
  return prefix + randomBase62(17);
}

/** Request ids look like Okta's `X-Okta-Request-Id` values. */
export function newRequestId(): string {
  return randomBytes(19).toString('base64url').slice(0, 25);
}

export function newUuid(): string {
  return randomUUID();
}

export function isOktaId(value: string, prefix?: IdPrefix): boolean {
  return /^[0-9A-Za-z]{20}$/.test(value) && (prefix === undefined || value.startsWith(prefix));
}
