/**
 * Following every tenant's System Log as it grows, for a consumer that keeps its own cursor per tenant (the
 * detection worker, src/detections/worker.ts). The chain heads say how far each log reaches: a head and the
 * events up to it commit in one transaction, and appends of a tenant are serialized (store.ts), so every
 * event up to a head that can be read is committed, and none commits later below it. Polling the heads is
 * one row per tenant; nothing is announced per append (live.ts says why).
 */
import type { Executor } from '#src/db/database.ts';
import { allHeads, eventsInRanges, type ChainHead, type TailedEvent, type TenantRange } from './tail-store.ts';

export type { ChainHead, TailedEvent, TenantRange };

/** Every tenant's chain head: the sequence number of its last committed event (0 for an empty log). */
export function chainHeads(db: Executor): Promise<ChainHead[]> {
  return allHeads(db);
}

/**
 * The events after `after` up to `through` (sequence numbers) of each tenant, at most `perTenant` of each,
 * each tenant's in sequence order; the text is the stored canonical JSON. Events purged by retention in the
 * meantime are simply not there.
 */
export function eventsAfter(db: Executor, ranges: readonly TenantRange[], perTenant: number): Promise<TailedEvent[]> {
  return eventsInRanges(db, ranges, perTenant);
}
