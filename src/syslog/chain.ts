import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The hash before a tenant's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** RFC 8785 canonical JSON: the exact bytes that are hashed, stored and exported. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return text;
}

/** hash(n) = SHA-256(hash(n-1) as 32 raw bytes || UTF-8 canonical JSON of event n), hex encoded. */
export function chainHash(prevHashHex: string, canonicalEvent: string): string {
  return createHash('sha256').update(Buffer.from(prevHashHex, 'hex')).update(canonicalEvent, 'utf8').digest('hex');
}
