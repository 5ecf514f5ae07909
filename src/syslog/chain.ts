import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The hash before a tenant's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Keys JavaScript would not keep in insertion order (array-index-like), or that would set the prototype. */
function needsLibrary(key: string): boolean {
  const c = key.charCodeAt(0);
  return (c >= 48 && c <= 57) || key === '__proto__';
}

/**
 * Rebuilds objects with their keys in RFC 8785 order, or returns undefined when a key may look like an array
 * index (JavaScript orders those numerically whatever the insertion order) or is `__proto__`: such values
 * go to the library.
 */
function sortedKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = sortedKeys(value[i]);
      if (v === undefined && value[i] !== undefined) return undefined;
      out[i] = v;
    }
    return out;
  }
  // RFC 8785 sorts by UTF-16 code units, which is exactly what the default sort compares.
  const keys = Object.keys(value).sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (needsLibrary(key)) return undefined;
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    const v = sortedKeys(item);
    if (v === undefined) return undefined;
    out[key] = v;
  }
  return out;
}

/**
 * RFC 8785 canonical JSON: the exact bytes that are hashed, stored and exported. JSON.stringify over
 * key-sorted objects produces it (same string escaping, same number format) at a third of the library's
 * cost; values the fast path cannot order fall back to the `canonicalize` package, and a property test
 * holds the two to the same output.
 */
export function canonicalJson(value: unknown): string {
  const sorted = sortedKeys(value);
  const text = sorted === undefined ? canonicalize(value) : JSON.stringify(sorted);
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return text;
}

/** hash(n) = SHA-256(hash(n-1) as 32 raw bytes || UTF-8 canonical JSON of event n), hex encoded. */
export function chainHash(prevHashHex: string, canonicalEvent: string): string {
  return createHash('sha256').update(Buffer.from(prevHashHex, 'hex')).update(canonicalEvent, 'utf8').digest('hex');
}
