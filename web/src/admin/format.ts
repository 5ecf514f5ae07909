const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const precise = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A timestamp as people read it, in their time zone; an empty cell says "never" rather than nothing. */
export function formatDate(iso: string | null | undefined, empty = '—'): string {
  return iso ? dateTime.format(new Date(iso)) : empty;
}

/** To the second, for events that happen many to a minute. */
export function formatSeconds(iso: string): string {
  return precise.format(new Date(iso));
}

export function userName(profile: { firstName?: unknown; lastName?: unknown; login: string }): string {
  const name = [profile.firstName, profile.lastName].filter((p) => typeof p === 'string' && p !== '').join(' ');
  return name || profile.login;
}

/** An Okta filter/search string literal: JSON's escapes are the grammar's. */
export function quoted(value: string): string {
  return JSON.stringify(value);
}

/** A path with its query, leaving out empty parameters. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, String(v));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
