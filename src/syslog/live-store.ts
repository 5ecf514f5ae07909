import type { Executor } from '#src/db/database.ts';
import { supportActivityFilter } from './live.ts';

/** An event as the live view sends it: its place in the tenant's chain and its stored canonical JSON. */
export type StoredEvent = { seq: number; event: string };

const rowsOf = (rows: { seq: string | number; event: string }[]): StoredEvent[] => rows.map((r) => ({ seq: Number(r.seq), event: r.event }));

/** The tenant's events from `first` to `last` (sequence numbers, both included), in order. */
export async function eventsBetween(db: Executor, tenantId: string, first: number, last: number): Promise<StoredEvent[]> {
  const rows = await db.selectFrom('log_events').select(['seq', 'event'])
    .where('tenant_id', '=', tenantId).where('seq', '>=', String(first)).where('seq', '<=', String(last)).orderBy('seq').execute();
  return rowsOf(rows);
}

type Window = { since: Date; until?: Date };

function supportActivity(db: Executor, tenantId: string, window: Window) {
  let query = db.selectFrom('log_events').select(['seq', 'event'])
    .where('tenant_id', '=', tenantId).where('published', '>=', window.since)
    .where((eb) => eb.or([
      ...supportActivityFilter.eventTypes.map((t) => eb('event_type', 'like', t)),
      eb('event', 'like', supportActivityFilter.eventText),
    ]));
  if (window.until !== undefined) query = query.where('published', '<', window.until);
  return query;
}

/** The newest `limit` events since `since` that may be support activity (live.ts decides), oldest first. */
export async function recentSupportActivity(db: Executor, tenantId: string, since: Date, limit: number): Promise<StoredEvent[]> {
  const rows = await supportActivity(db, tenantId, { since }).orderBy('seq', 'desc').limit(limit).execute();
  return rowsOf(rows.reverse());
}

/** The first `limit` events after sequence number `after`, in the window, that may be support activity. */
export async function supportActivityAfter(db: Executor, tenantId: string, window: Window, after: number, limit: number): Promise<StoredEvent[]> {
  const rows = await supportActivity(db, tenantId, window).where('seq', '>', String(after)).orderBy('seq').limit(limit).execute();
  return rowsOf(rows);
}
