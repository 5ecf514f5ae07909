/** Reads the System Log over HTTP as a client would: page by page, following `Link: <…>; rel="next"`. */
import type { Api, ApiResponse } from '../helpers.ts';

/** The URL of the `rel="next"` link, if the response has one. */
export function nextLink(res: ApiResponse): string | undefined {
  const header = res.headers.get('link') ?? '';
  for (const part of header.split(/,\s*(?=<)/)) {
    const m = /^<([^>]+)>;\s*rel="next"$/.exec(part.trim());
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** Path and query of an absolute link, for the API client. */
export function pathOf(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

export type LogEventJson = { uuid: string; eventType: string; published: string; target: { id: string; type: string; alternateId: string | null }[]; [k: string]: unknown };

/**
 * Every event from `first` on: follows next links until a page comes back empty (a polling query never ends
 * on its own) or there is no next link (a bounded query). Fails on any non-200 page.
 */
export async function readAllEvents(api: Api, first: string, maxPages = 1000): Promise<LogEventJson[]> {
  const events: LogEventJson[] = [];
  let path: string | undefined = first;
  for (let page = 0; path !== undefined; page++) {
    if (page >= maxPages) throw new Error(`more than ${maxPages} pages from ${first}`);
    const res = await api('GET', path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
    const batch = res.body as LogEventJson[];
    events.push(...batch);
    const next = nextLink(res);
    path = batch.length === 0 || next === undefined ? undefined : pathOf(next);
  }
  return events;
}
