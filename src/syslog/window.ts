import type { Executor } from '#src/db/database.ts';
import type { LogEvent } from './log-event.ts';
import { retentionDays } from './query-store.ts';
import { windowRows, type TenantWindow } from './window-store.ts';

export type { TenantWindow };

const PAGE = 1000;
const DAY = 86_400_000;

/**
 * A tenant's events published in [since, until), oldest first, read a page at a time: for capabilities that
 * judge what happened in a window (remediation selects users by it). `eventTypes` and `actorIds`, when given,
 * keep only events of those types or by those actors; an empty list keeps none.
 */
export async function* tenantEventsInWindow(db: Executor, tenantId: string, window: TenantWindow): AsyncGenerator<LogEvent> {
  if (window.eventTypes?.length === 0 || window.actorIds?.length === 0) return;
  let after: { published: Date; seq: string } | undefined;
  for (;;) {
    const rows = await windowRows(db, tenantId, window, after, PAGE);
    for (const row of rows) yield JSON.parse(row.event) as LogEvent;
    const last = rows.at(-1);
    if (rows.length < PAGE || !last) return;
    after = { published: last.published, seq: last.seq };
  }
}

/** The oldest instant the tenant's System Log still holds events of: before it, retention has removed them. */
export async function logRetentionStart(db: Executor, tenantId: string, now: Date): Promise<Date> {
  return new Date(now.getTime() - (await retentionDays(db, tenantId)) * DAY);
}
