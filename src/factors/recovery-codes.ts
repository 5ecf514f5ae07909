import { randomInt } from 'node:crypto';
import { sha256Hex } from '#src/lib/secrets.ts';

/**
 * Bulwark's own factor type: a set of one-time codes to print or store, for when the other factors are out of
 * reach. A code answers where a TOTP code does, and counts as `otp` in a session's `amr`: RFC 8176 has no
 * value for NIST's look-up secrets, and `otp` fits (a password good once, proving possession of the list),
 * where `kba` is for answers the user knows, as to security questions, which a random code is not.
 */
export const RECOVERY_CODE = 'recovery_code';
export const RECOVERY_CODE_PROVIDER = 'BULWARK';

/** How many codes a set holds. */
export const RECOVERY_CODE_COUNT = 10;

/** Crockford's base32: no I, L, O or U, so that a code copied by hand or read aloud is not misread. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Three groups of five characters, 75 bits. Codes are stored as plain SHA-256 (a code is random, so there is
 * nothing for a salt or a slow hash to protect), which only holds if guessing a code from its hash is out of
 * reach: hence at least 64 bits, where the look-up secrets of NIST SP 800-63B need only 20 behind a rate limit.
 */
const LENGTH = 15;

function newCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** A new set of codes, formatted for people: `xxxxx-xxxxx-xxxxx`. */
export function newRecoveryCodes(): string[] {
  const codes = new Set<string>();
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(newCode());
  return [...codes].map((c) => c.replace(/(.{5})(?=.)/g, '$1-'));
}

/**
 * A code as typed back: case, spaces and dashes do not matter, and the letters Crockford's alphabet leaves out
 * are read as the digits they look like. Undefined for anything that cannot be a code.
 */
export function normalizeRecoveryCode(input: string): string | undefined {
  const code = input.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

/** What is stored of a code: the SHA-256 of its normal form. */
export function recoveryCodeHash(code: string): string | undefined {
  const normal = normalizeRecoveryCode(code);
  return normal === undefined ? undefined : sha256Hex(normal);
}
