/**
 * What a sanitizer may remove, and the tally the uploader is shown. The tally holds counts only. In a HAR or
 * JSON file a secret value is held just long enough to notice that it appears twice in one unit (a HAR entry's
 * URL and its `queryString`, a Cookie header and its `cookies` array), so that it is counted once, then
 * forgotten; in a log every occurrence counts.
 */

export const REMOVAL_KINDS = [
  'cookie',
  'set_cookie',
  'authorization_header',
  'api_key',
  'bearer_token',
  'jwt',
  'saml',
  'oauth_parameter',
  'password',
  'session_id',
  'csrf_token',
  'url_credentials',
  'private_key',
  'secret_field',
] as const;

export type RemovalKind = (typeof REMOVAL_KINDS)[number];

/** Stands in for every removed value; it needs no escaping in JSON, URLs, cookies or HTML attributes. */
export const PLACEHOLDER = '[redacted]';

function dedupeKey(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export class Redactions {
  readonly counts: Partial<Record<RemovalKind, number>> = {};
  /** Every replacement made, counted or not: tells a caller whether a re-serialization is needed. */
  replaced = 0;
  #seen: Set<string> | undefined;

  constructor(opts: { perOccurrence?: boolean } = {}) {
    this.#seen = opts.perOccurrence ? undefined : new Set();
  }

  /** Records one removed value and returns the placeholder to put in its place. */
  redact(kind: RemovalKind, value: string): string {
    this.replaced++;
    const seen = this.#seen;
    if (seen) {
      const key = dedupeKey(value);
      if (seen.has(key)) return PLACEHOLDER;
      seen.add(key);
    }
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    return PLACEHOLDER;
  }

  /** Ends one unit of counting (a HAR entry, a JSON element, a batch of log lines): values seen are dropped. */
  endUnit(): void {
    this.#seen?.clear();
  }
}

/** What other tools leave where they removed something (Polly's `[REDACTED]`, Rails' `[FILTERED]`, `****`). */
const ALREADY_MASKED = /^(?:[[<(]?(?:redacted|filtered|removed|hidden|masked)[\]>)]?|[*•]{3,})$/i;

/** A value worth removing: not empty, and not already removed by us or by another tool (so not counted twice). */
export function isRedactable(value: string): boolean {
  return value.length > 0 && value !== PLACEHOLDER && !ALREADY_MASKED.test(value);
}
