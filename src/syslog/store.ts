import { sql } from 'kysely';
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

/**
 * Inserts the events and moves the head in one statement: arrays bound as eight parameters (however many
 * events) keep the statement small to send and cheap to plan.
 */
export async function appendRows(tx: Tx, tenantId: string, rows: StoredEventRow[], head: ChainHead): Promise<void> {
  await sql`
    with appended as (
      insert into log_events (tenant_id, seq, uuid, published, event_type, actor_id, event, hash)
      select ${tenantId}, * from unnest(
        ${rows.map((r) => r.seq)}::bigint[], ${rows.map((r) => r.uuid)}::uuid[], ${rows.map((r) => r.published)}::timestamptz[],
        ${rows.map((r) => r.eventType)}::text[], ${rows.map((r) => r.actorId)}::text[], ${rows.map((r) => r.event)}::text[],
        ${rows.map((r) => r.hash)}::text[])
    )
    update log_chain_heads set seq = ${head.seq}, hash = ${head.hash} where tenant_id = ${tenantId}`.execute(tx);
}
