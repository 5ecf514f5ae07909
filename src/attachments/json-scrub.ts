import { looksLikeHarEntry, sanitizeEntry } from './har-entry.ts';
import { rawNumber } from './json-text.ts';
import { redactNamedValue } from './named-values.ts';
import type { Redactions, RemovalKind } from './redactions.ts';
import { classifyName, isOAuthMessage } from './sensitive-names.ts';
import { scrubText } from './text-scrub.ts';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && rawNumber(value) === undefined;
}

/**
 * Scrubs a parsed JSON value, in place where it can, and returns what to keep in its place. Under a sensitive
 * name (`kind`) every leaf is a secret: `"password": {"value": "…"}` is how Okta's API carries one. Elsewhere,
 * names decide, free text goes through `scrubText`, and a HAR entry found inside (a HAR pasted into a JSON
 * report) gets the HAR rules.
 */
export function scrubJson(value: unknown, r: Redactions, kind?: RemovalKind): unknown {
  if (typeof value === 'string') return kind ? redactNamedValue(kind, value, r) : scrubText(value, r);
  if (typeof value === 'number') return kind ? r.redact(kind, String(value)) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = scrubJson(item, r, kind);
      if (next !== item) value[i] = next;
    }
    return value;
  }
  const raw = rawNumber(value);
  if (raw !== undefined) return kind ? r.redact(kind, raw) : value;
  const obj = value as JsonObject;
  if (!kind && looksLikeHarEntry(obj)) sanitizeEntry(obj, r);
  else scrubMembers(obj, r, kind);
  return obj;
}

/**
 * Scrubs an object's members except those in `skip` (already handled by a caller that knows the shape).
 * `{ "name": "Authorization", "value": "…" }` and `{ "key": "apiKey", "value": "…" }` (headers, parameters,
 * Postman variables) are judged by the name they carry.
 */
export function scrubMembers(obj: JsonObject, r: Redactions, kind?: RemovalKind, skip?: ReadonlySet<string>): void {
  const pairName = typeof obj['name'] === 'string' ? obj['name'] : typeof obj['key'] === 'string' ? obj['key'] : undefined;
  const pairKind = kind ?? (pairName !== undefined && Object.hasOwn(obj, 'value') ? classifyName(pairName, 'param') : undefined);
  const oauth = kind === undefined && isOAuthMessage(obj);
  const jwk = kind === undefined && typeof obj['kty'] === 'string';
  for (const key of Object.keys(obj)) {
    if (skip?.has(key)) continue;
    const v = obj[key];
    const memberKind = kind ?? (key === 'value' && pairKind ? pairKind : jwk && JWK_PRIVATE.has(key) ? 'private_key' : classifyName(key, 'field', oauth));
    if (memberKind && kind === undefined && isLink(v)) {
      // A HAL link under a sensitive name (Okta's `_links.qrcode`): its `href` is the secret, `type` and `hints` are not.
      v['href'] = scrubJson(v['href'], r, memberKind);
      scrubMembers(v, r, undefined, HREF);
      continue;
    }
    const next = scrubJson(v, r, memberKind);
    if (next !== v) setMember(obj, key, next);
  }
}

const HREF = new Set(['href']);

function isLink(value: unknown): value is JsonObject {
  return isJsonObject(value) && typeof value['href'] === 'string';
}

/**
 * A JSON Web Key's private members (RFC 7518 §6.2.2, §6.3.2, §6.4.1): `d`, the RSA primes and CRT values and
 * other primes, an octet key's `k`. The public members (`kid`, `n`, `e`, `x`, `y`) stay.
 */
const JWK_PRIVATE = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/** Assignment to `__proto__` would change the prototype instead of the member JSON.parse created. */
export function setMember(obj: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
