import type { Executor } from '#src/db/database.ts';
import { isSupportActivity } from './live.ts';
import type { LogEvent } from './log-event.ts';
import { recentSupportActivity, supportActivityAfter, type StoredEvent } from './live-store.ts';

/** How many recent events a viewer who names no event is given, and how far back they may be. */
const RECENT_LIMIT = 50;
const RECENT_MS = 24 * 3_600_000;
/** What a resuming viewer missed comes in pages of this many; a history export reads pages of HISTORY_PAGE. */
const RESUME_PAGE = 500;
const HISTORY_PAGE = 1000;

/** Only the support activity of `events` (the stored-text filter lets a few others through). */
export const supportOnly = (events: readonly StoredEvent[]) => events.filter((e) => isSupportActivity(JSON.parse(e.event) as LogEvent));

/**
 * What a viewer of the live view has not seen, in pages, oldest first: the support activity after sequence
 * number `after` in the last day, or when it names none the day's most recent events.
 */
export async function* missedActivity(db: Executor, tenantId: string, after: number | null, now: Date): AsyncGenerator<StoredEvent[]> {
  const since = new Date(now.getTime() - RECENT_MS);
  if (after === null) {
    yield supportOnly(await recentSupportActivity(db, tenantId, since, RECENT_LIMIT));
    return;
  }
  for await (const page of pagesAfter(db, tenantId, { since }, after, RESUME_PAGE)) yield supportOnly(page);
}

/** A tenant's support activity published in [since, until), oldest first, read page by page. */
export async function* supportActivityHistory(db: Executor, tenantId: string, window: { since: Date; until: Date }): AsyncGenerator<LogEvent> {
  for await (const page of pagesAfter(db, tenantId, window, 0, HISTORY_PAGE)) {
    for (const row of page) {
      const event = JSON.parse(row.event) as LogEvent;
      if (isSupportActivity(event)) yield event;
    }
  }
}

/** The events of the window after sequence number `after` that may be support activity, `size` at a time, in order. */
async function* pagesAfter(db: Executor, tenantId: string, window: { since: Date; until?: Date }, after: number, size: number): AsyncGenerator<StoredEvent[]> {
  for (let from = after; ;) {
    const page = await supportActivityAfter(db, tenantId, window, from, size);
    if (page.length > 0) yield page;
    if (page.length < size) return;
    from = page.at(-1)?.seq ?? from;
  }
}
