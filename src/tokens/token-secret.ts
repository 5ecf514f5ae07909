import { newSecret, sha256Hex } from '#src/lib/secrets.ts';

/** `00` + 40 base64url characters (240 bits), the shape of Okta's SSWS tokens. Only its SHA-256 is stored. */
export function newTokenValue(): string {
  return `00${newSecret(30)}`;
}

export function hashToken(value: string): string {
  return sha256Hex(value);
}
