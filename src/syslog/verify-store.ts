import { sql } from 'kysely';
import type { Executor } from '#src/db/database.ts';

/** The tenant's chain head: where its log ends, and where a retention purge last cut its beginning. */
export type HeadRow = { seq: number; hash: string; anchorSeq: number; anchorHash: string };

/** One stored link: only what re-hashing needs, so no JSON is parsed on the way. */
export type LinkRow = { seq: string; event: string; hash: string };

/** A signed batch as stored; `legacy` batches hold one checkpoint signed on its own (checkpoints.ts). */
export type BatchRow = { id: number; root: string; size: number; signedAt: Date; keyId: string; signature: string; legacy: boolean };

/** A checkpoint: a chain head, the batch it was signed in, and its leaf index and audit path there. */
export type CheckpointRow = { seq: number; hash: string; batchId: number; leafIndex: number; proof: Buffer };

export async function findHead(db: Executor, tenantId: string): Promise<HeadRow | undefined> {
  const row = await db.selectFrom('log_chain_heads').select(['seq', 'hash', 'anchor_seq', 'anchor_hash']).where('tenant_id', '=', tenantId).executeTakeFirst();
  return row && { seq: Number(row.seq), hash: row.hash, anchorSeq: Number(row.anchor_seq), anchorHash: row.anchor_hash };
}

/** Up to `limit` events after `afterSeq`, in chain order, over the primary key (keyset paging). */
export function linksAfter(db: Executor, tenantId: string, afterSeq: number, limit: number): Promise<LinkRow[]> {
  return db.selectFrom('log_events').select(['seq', 'event', 'hash'])
    .where('tenant_id', '=', tenantId).where('seq', '>', String(afterSeq))
    .orderBy('seq').limit(limit).execute();
}

/** The newest event of one type after `afterSeq`, as its stored canonical JSON. */
export async function lastEventOfType(db: Executor, tenantId: string, eventType: string, afterSeq: number): Promise<string | undefined> {
  const row = await db.selectFrom('log_events').select('event')
    .where('tenant_id', '=', tenantId).where('event_type', '=', eventType).where('seq', '>', String(afterSeq))
    .orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row?.event;
}

export async function checkpointsAfter(db: Executor, tenantId: string, afterSeq: number, limit: number): Promise<CheckpointRow[]> {
  const rows = await db.selectFrom('log_checkpoints').select(['seq', 'hash', 'batch_id', 'leaf_index', 'proof'])
    .where('tenant_id', '=', tenantId).where('seq', '>', String(afterSeq))
    .orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({ seq: Number(r.seq), hash: r.hash, batchId: Number(r.batch_id), leafIndex: r.leaf_index, proof: r.proof }));
}

/** The batches with these ids; a deleted one is simply absent. */
export async function batchesById(db: Executor, ids: readonly number[]): Promise<BatchRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('log_checkpoint_batches').select(['id', 'root', 'size', 'signed_at', 'key_id', 'signature', 'legacy'])
    .where('id', '=', sql<string>`any(${ids.map(String)}::bigint[])`).execute();
  return rows.map((r) => ({ id: Number(r.id), root: r.root, size: r.size, signedAt: r.signed_at, keyId: r.key_id, signature: r.signature, legacy: r.legacy }));
}

export type ExportRow = { seq: string; event: string; hash: string };

/**
 * The first and last seq of the events published in [since, until). Published times follow seq order, so the
 * export walks that seq range; the time bounds are applied again per row for a clock that stepped back.
 */
export async function seqRange(db: Executor, tenantId: string, since?: Date, until?: Date): Promise<{ first: number; last: number } | undefined> {
  let q = db.selectFrom('log_events')
    .select((eb) => [eb.fn.min('seq').as('first'), eb.fn.max('seq').as('last')])
    .where('tenant_id', '=', tenantId);
  if (since) q = q.where('published', '>=', since);
  if (until) q = q.where('published', '<', until);
  const row = await q.executeTakeFirst();
  if (row?.first === null || row?.first === undefined || row.last === null) return undefined;
  return { first: Number(row.first), last: Number(row.last) };
}

/** Up to `limit` events in (afterSeq, lastSeq] published in [since, until), in chain order. */
export function exportRowsAfter(db: Executor, tenantId: string, afterSeq: number, lastSeq: number, limit: number, since?: Date, until?: Date): Promise<ExportRow[]> {
  let q = db.selectFrom('log_events').select(['seq', 'event', 'hash'])
    .where('tenant_id', '=', tenantId).where('seq', '>', String(afterSeq)).where('seq', '<=', String(lastSeq));
  if (since) q = q.where('published', '>=', since);
  if (until) q = q.where('published', '<', until);
  return q.orderBy('seq').limit(limit).execute();
}

export async function hashAt(db: Executor, tenantId: string, seq: number): Promise<string | undefined> {
  const row = await db.selectFrom('log_events').select('hash').where('tenant_id', '=', tenantId).where('seq', '=', String(seq)).executeTakeFirst();
  return row?.hash;
}
