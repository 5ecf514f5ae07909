import { sql } from 'kysely';
import type { Executor, Tx } from '#src/db/database.ts';
import { GENESIS_HASH } from './chain.ts';

export type ChainHead = { seq: number; hash: string };

/** One event as appended: its canonical text and chain hash, and the columns queries look it up by. */
export type StoredEventRow = { uuid: string; eventType: string; actorId: string; event: string; hash: string };

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

/** Joins one column's values for string_to_array; a value holding the separator would shift every row after it. */
function column(values: readonly string[], name: string): string {
  for (const v of values) if (v.includes('\n')) throw new Error(`System Log ${name} must not contain a line break`);
  return values.join('\n');
}

/**
 * Inserts the events and moves the head in one statement. Each column travels as one text parameter, its values
 * joined by line breaks (canonical JSON never holds a raw one) and split again by string_to_array: no
 * array-literal escaping of every quote in every event on the way out, no array parsing on the way in, and the
 * statement stays the same size however many events it carries. `rows` are the events that took the chain to
 * `head`, in order, all published at `published`.
 */
export async function appendRows(tx: Tx, tenantId: string, published: Date, rows: readonly StoredEventRow[], head: ChainHead): Promise<void> {
  await sql`
    with appended as (
      insert into log_events (tenant_id, seq, uuid, published, event_type, actor_id, event, hash)
      select ${tenantId}, ${head.seq - rows.length}::bigint + n, uuid::uuid, ${published}, event_type, actor_id, event, hash
      from unnest(
        string_to_array(${column(rows.map((r) => r.uuid), 'uuid')}, E'\n'),
        string_to_array(${column(rows.map((r) => r.eventType), 'eventType')}, E'\n'),
        string_to_array(${column(rows.map((r) => r.actorId), 'actor id')}, E'\n'),
        string_to_array(${column(rows.map((r) => r.event), 'event')}, E'\n'),
        string_to_array(${column(rows.map((r) => r.hash), 'hash')}, E'\n')
      ) with ordinality as t(uuid, event_type, actor_id, event, hash, n)
    )
    update log_chain_heads set seq = ${head.seq}, hash = ${head.hash} where tenant_id = ${tenantId}`.execute(tx);
}
