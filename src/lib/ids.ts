import { createHash, randomBytes, randomFillSync, randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Okta-style object ids: a 3-character type prefix and 17 random base62 characters (~101 bits). */
export type IdPrefix = '00u' | '00g' | '00o' | '00T' | 'ra1' | '102' | 'uft' | 'alr' | 'fwf' | 'rcf' | 'nzo' | '0pr' | '00p' | '0oa' | 'ocs' | 'hcu' | 'hcs' | 'cas' | 'ccm' | 'cat' | 'rrn' | 'rdl' | 'sag' | 'sat' | 'sax' | 'pvr' | 'hdt' | 'rmd' | 'inv';

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

/**
 * The id of a built-in object that exists before anyone stores it (a tenant's sign-on policy and its built-in
 * rules): derived from `seed`, so every process names it alike without a row to look up.
 */
export function derivedId(prefix: IdPrefix, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (const byte of digest.subarray(0, 17)) out += BASE62[byte % 62];
  return out;
}

/** 19 random bytes: 25 base64url characters, 150 bits, as unguessable and collision-free as a UUID and more. */
const REQUEST_ID_BYTES = 19;
/** Random bytes for this many request ids are drawn at once: one call into the CSPRNG instead of one per request. */
const requestIdPool = Buffer.alloc(REQUEST_ID_BYTES * 256);
let requestIdOffset = requestIdPool.length;

/** Request ids look like Okta's `X-Okta-Request-Id` values. */
export function newRequestId(): string {
  if (requestIdOffset === requestIdPool.length) {
    randomFillSync(requestIdPool);
    requestIdOffset = 0;
  }
  const id = requestIdPool.toString('base64url', requestIdOffset, requestIdOffset + REQUEST_ID_BYTES).slice(0, 25);
  requestIdOffset += REQUEST_ID_BYTES;
  return id;
}

export function newUuid(): string {
  return randomUUID();
}

export function isOktaId(value: string, prefix?: IdPrefix): boolean {
  return /^[0-9A-Za-z]{20}$/.test(value) && (prefix === undefined || value.startsWith(prefix));
}
