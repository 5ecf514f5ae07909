/**
 * What makes a line an Okta LogEvent worth keeping: a JSON object with a `uuid` in UUID syntax (the key events
 * are de-duplicated by, so a placeholder such as "redacted" would silently merge distinct events), a `published`
 * time and an `eventType` string. Everything else in the event is kept as read, without judgement.
 */

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * ISO 8601 as Okta writes it (`2021-06-26T21:27:03.490Z`), and the `2022-06-22 18:18:29.015` form SIEM exports
 * (Panther) rewrite it to: a space for the `T`, up to nanoseconds, and no zone, which means UTC.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Microseconds since the epoch (what a DuckDB TIMESTAMP holds), or undefined when `text` is no such time. */
function parsePublished(text: string): bigint | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone = 'Z'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const at = new Date(ms);
  // Date.UTC rolls 2021-02-30 over into March; a date that does not round-trip does not exist.
  if (at.getUTCDate() !== Number(d) || at.getUTCMonth() !== Number(mo) - 1 || at.getUTCHours() !== Number(h) || Number(s) > 59 || Number(mi) > 59) return undefined;
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  const micros = BigInt(Math.round(Number(frac.padEnd(6, '0').slice(0, 6))));
  return BigInt(ms - offsetMinutes * 60_000) * 1000n + micros;
}

/** What is wrong with one parsed value, first thing first, as the operator reads it in the reject report; undefined if nothing. */
function problemOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return `not a JSON object but ${value === null ? 'null' : typeof value}`;
  if (Array.isArray(value)) return 'not a JSON object but an array';
  const event = value as Record<string, unknown>;
  const { uuid, published, eventType, actor } = event;
  if (uuid === undefined || uuid === null || uuid === '') return 'no uuid';
  if (typeof uuid !== 'string' || !UUID.test(uuid)) return `uuid is not a UUID: ${JSON.stringify(uuid).slice(0, 60)}`;
  if (published === undefined || published === null || published === '') return 'no published';
  const at = typeof published === 'string' ? parsePublished(published) : undefined;
  if (at === undefined) return `published is not a date: ${JSON.stringify(published).slice(0, 60)}`;
  if (typeof eventType !== 'string' || eventType === '') return eventType === undefined ? 'no eventType' : 'eventType is not a string';
  if (actor !== undefined && actor !== null && (typeof actor !== 'object' || Array.isArray(actor))) return 'actor is not an object';
  return undefined;
}

/** The reason for a line whose bytes are not UTF-8: decoding it would replace them and so change the event. */
export const NOT_UTF8 = 'not UTF-8 text';

/**
 * Why the workspace refused a record, in words: records are parsed and checked in bulk by DuckDB, and only the
 * few refused ones are parsed again here to say which rule they broke.
 */
export function explainReject(raw: string): string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return `not JSON: ${(err instanceof Error ? err.message : String(err)).slice(0, 200)}`;
  }
  return problemOf(value) ?? `published is not a time the workspace can store: ${JSON.stringify((value as { published?: unknown }).published)}`;
}
