import { adminPage } from '../client.ts';
import type { LogEvent } from '../types.ts';
import { listPath, type LogQuery } from './log-query.ts';

/** The most events one export fetches: enough for an investigation, not the whole retention of a busy tenant. */
export const EXPORT_CAP = 10_000;
const EXPORT_PAGE = 1000;

export type ExportFormat = 'ndjson' | 'csv';

/** Every event of the query, newest first, page by page up to the cap; `until` is pinned so the list ends. */
async function fetchAll(query: LogQuery, onProgress: (count: number) => void, signal: AbortSignal): Promise<{ events: LogEvent[]; capped: boolean }> {
  const now = Date.now();
  const until = query.range ? new Date(now).toISOString() : (query.until || new Date(now).toISOString());
  const events: LogEvent[] = [];
  let path: string | null = listPath(query, now, { until, limit: EXPORT_PAGE });
  while (path !== null && events.length < EXPORT_CAP) {
    if (signal.aborted) throw new DOMException('Export cancelled', 'AbortError');
    const page: { items: LogEvent[]; next: string | null } = await adminPage<LogEvent>(path);
    events.push(...page.items);
    onProgress(Math.min(events.length, EXPORT_CAP));
    path = page.next;
  }
  return { events: events.slice(0, EXPORT_CAP), capped: path !== null };
}

const targets = (e: LogEvent) => (e.target ?? []).map((t) => `${t.type}:${t.displayName ?? t.alternateId ?? ''} (${t.id})`).join('; ');

/** One row per event with the fields investigators sort and filter on; the full event is in the NDJSON export. */
async function toCsv(events: readonly LogEvent[]): Promise<string> {
  // Loaded only when someone exports: it is not part of the console's first load.
  const Papa = (await import('papaparse')).default;
  const fields = ['published', 'uuid', 'eventType', 'severity', 'displayMessage', 'outcome.result', 'outcome.reason', 'actor.id', 'actor.type', 'actor.alternateId', 'actor.displayName',
    'client.ipAddress', 'client.userAgent', 'securityContext.asNumber', 'securityContext.asOrg', 'target', 'transaction.id'];
  const data = events.map((e) => [
    e.published, e.uuid, e.eventType, e.severity, e.displayMessage, e.outcome.result, e.outcome.reason, e.actor.id, e.actor.type, e.actor.alternateId, e.actor.displayName,
    e.client?.ipAddress ?? null, e.client?.userAgent?.rawUserAgent ?? null, e.securityContext?.asNumber ?? null, e.securityContext?.asOrg ?? null, targets(e), e.transaction?.id ?? null,
  ]);
  // A cell starting with = + - @ would run as a formula in a spreadsheet: event text comes from users.
  return Papa.unparse({ fields, data }, { escapeFormulae: true });
}

/** Saves `content` as a file named `name`, as a link with `download` does. */
export function download(content: string | Blob, type: string, name: string): void {
  const url = URL.createObjectURL(typeof content === 'string' ? new Blob([content], { type }) : content);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference to the blob once started.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Exports the query's events as a file; resolves with how many, and whether the cap cut the export short. */
export async function exportLogs(query: LogQuery, format: ExportFormat, onProgress: (count: number) => void, signal: AbortSignal): Promise<{ count: number; capped: boolean }> {
  const { events, capped } = await fetchAll(query, onProgress, signal);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  if (format === 'ndjson') download(events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : ''), 'application/x-ndjson', `system-log-${stamp}.ndjson`);
  else download(await toCsv(events), 'text/csv;charset=utf-8', `system-log-${stamp}.csv`);
  return { count: events.length, capped };
}
