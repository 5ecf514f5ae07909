import type { Executor } from '#src/db/database.ts';
import { isSupportActivity } from './live.ts';
import type { LogEvent } from './log-event.ts';
import { recentSupportActivity, supportActivityAfter, type StoredEvent } from './live-store.ts';

const PAGE = 1000;
/** How many recent events a viewer who names no event is given, and how far back they may be. */
const RECENT_LIMIT = 50;
const RECENT_MS = 24 * 3_600_000;
/** What a resuming viewer missed comes in pages of this many. */
const RESUME_PAGE = 500;

export type { StoredEvent };

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
  for (let from = after; ;) {
    const page = await supportActivityAfter(db, tenantId, { since }, from, RESUME_PAGE);
    yield supportOnly(page);
    if (page.length < RESUME_PAGE) return;
    from = page.at(-1)?.seq ?? from;
  }
}

/** A tenant's support activity published in [since, until), oldest first, read page by page. */
export async function* supportActivityHistory(db: Executor, tenantId: string, window: { since: Date; until: Date }): AsyncGenerator<LogEvent> {
  let after = 0;
  for (;;) {
    const page = await supportActivityAfter(db, tenantId, window, after, PAGE);
    for (const row of page) {
      const event = JSON.parse(row.event) as LogEvent;
      if (isSupportActivity(event)) yield event;
    }
    if (page.length < PAGE) return;
    after = page.at(-1)?.seq ?? after;
  }
}
