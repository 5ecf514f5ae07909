import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '#src/db/database.ts';
import { GENESIS_HASH } from './chain.ts';

/** One event as appended: its canonical text, and the columns queries look it up by. */
export type StoredEventRow = { uuid: string; eventType: string; actorId: string; event: string };

export async function createChainHead(db: Executor, tenantId: string): Promise<void> {
  await db.insertInto('log_chain_heads').values({ tenant_id: tenantId, seq: 0, hash: GENESIS_HASH, anchor_seq: 0, anchor_hash: GENESIS_HASH }).execute();
}

/** Joins one column's values for string_to_array; a value holding the separator would shift every row after it. */
function column(values: readonly string[], name: string): string {
  for (const v of values) if (v.includes('\n')) throw new Error(`System Log ${name} must not contain a line break`);
  return values.join('\n');
}

/**
 * The call that appends `rows` to the tenant's chain (bulwark_append_events, migration log-append): it locks
 * the head, chains each event's hash, inserts the events and moves the head, all in the database. Appends of
 * one tenant are therefore serialized in commit order, which is what makes `seq` both the chain order and the
 * polling order. Each column travels as one text parameter, its values joined by line breaks: no array-literal
 * escaping of every quote in every event on the way out, and the statement stays the same whatever it carries.
 */
export function appendCall(tenantId: string, published: Date, rows: readonly StoredEventRow[]): RawBuilder<string> {
  return sql<string>`bulwark_append_events(${tenantId}, ${published}, ${column(rows.map((r) => r.uuid), 'uuid')}, ${column(rows.map((r) => r.eventType), 'eventType')}, ${column(rows.map((r) => r.actorId), 'actor id')}, ${column(rows.map((r) => r.event), 'event')})`;
}
