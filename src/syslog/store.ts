import type { Executor, Tx } from '#src/db/database.ts';
import { GENESIS_HASH } from './chain.ts';

export type ChainHead = { seq: number; hash: string };

export type StoredEventRow = { seq: number; uuid: string; published: Date; eventType: string; actorId: string | null; event: string; hash: string };

export async function createChainHead(db: Executor, tenantId: string): Promise<void> {
  await db.insertInto('log_chain_heads').values({ tenant_id: tenantId, seq: 0, hash: GENESIS_HASH, anchor_seq: 0, anchor_hash: GENESIS_HASH }).execute();
}

/**
 * Locks the tenant's chain head until the transaction ends. Appends of one tenant are therefore serialized
 * in commit order, which is what makes `seq` both the chain order and the polling order.
 */
export async function lockChainHead(tx: Tx, tenantId: string): Promise<ChainHead> {
  const row = await tx.selectFrom('log_chain_heads').select(['seq', 'hash']).where('tenant_id', '=', tenantId).forUpdate().executeTakeFirstOrThrow();
  return { seq: Number(row.seq), hash: row.hash };
}

export async function appendRows(tx: Tx, tenantId: string, rows: StoredEventRow[], head: ChainHead): Promise<void> {
  await tx
    .insertInto('log_events')
    .values(rows.map((r) => ({
      tenant_id: tenantId,
      seq: r.seq,
      uuid: r.uuid,
      published: r.published,
      event_type: r.eventType,
      actor_id: r.actorId,
      event: r.event,
      hash: r.hash,
    })))
    .execute();
  await tx.updateTable('log_chain_heads').set({ seq: head.seq, hash: head.hash }).where('tenant_id', '=', tenantId).execute();
}
