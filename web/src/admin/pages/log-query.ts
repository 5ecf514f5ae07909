import { withQuery } from '../format.ts';

/** Quick picks for the start of the window, relative to when the query runs. */
export const RANGES = [
  { value: '15m', label: 'Last 15 minutes', minutes: 15 },
  { value: '1h', label: 'Last hour', minutes: 60 },
  { value: '24h', label: 'Last 24 hours', minutes: 1440 },
  { value: '7d', label: 'Last 7 days', minutes: 10080 },
] as const;

/**
 * A System Log query as the page's address holds it (`/admin/logs?range=24h&filter=…`), so a query can be
 * shared, bookmarked and gone back to. `range` is relative to the time it runs; `since`/`until` are instants.
 */
export type LogQuery = { range: string; since: string; until: string; filter: string; q: string };

export function queryFromSearch(search: URLSearchParams): LogQuery {
  const since = search.get('since') ?? '';
  return {
    range: search.get('range') ?? (since ? '' : '24h'),
    since,
    until: search.get('until') ?? '',
    filter: search.get('filter') ?? '',
    q: search.get('q') ?? '',
  };
}

export function searchOf(query: LogQuery): string {
  return withQuery('/admin/logs', query.range ? { range: query.range, filter: query.filter, q: query.q } : { since: query.since, until: query.until, filter: query.filter, q: query.q });
}

/** The window's start as an instant, at `now` for a relative range. */
export function sinceOf(query: LogQuery, now: number): string | undefined {
  const range = RANGES.find((r) => r.value === query.range);
  if (range) return new Date(now - range.minutes * 60_000).toISOString();
  return query.since || undefined;
}

export const PAGE_SIZE = 100;

/** The first page of the query, newest first; `until` pinned when given so the list ends. */
export function listPath(query: LogQuery, now: number, extra: { until?: string; limit?: number } = {}): string {
  return withQuery('/api/v1/logs', {
    since: sinceOf(query, now),
    until: extra.until ?? (query.range ? undefined : query.until || undefined),
    filter: query.filter,
    q: query.q,
    sortOrder: 'DESCENDING',
    limit: extra.limit ?? PAGE_SIZE,
  });
}

/** A polling query: oldest first from `since`, no end, so its `next` link always exists (Okta's live tail). */
export function tailPath(query: LogQuery, since: string): string {
  return withQuery('/api/v1/logs', { since, filter: query.filter, q: query.q, sortOrder: 'ASCENDING', limit: PAGE_SIZE });
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a datetime-local input shows it, in the admin's time zone. */
export function toLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local input's value (local time, no zone) as an instant. */
export function fromLocalInput(value: string): string {
  return value ? new Date(value).toISOString() : '';
}
