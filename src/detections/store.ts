import { sql } from 'kysely';
import type { Executor, Tx } from '#src/db/database.ts';

export type Cursor = { tenantId: string; seq: number };

/** Every tenant's cursor; a tenant without a row has not been read yet. */
export async function readCursors(db: Executor): Promise<Map<string, number>> {
  const rows = await db.selectFrom('detection_cursors').select(['tenant_id', 'seq']).execute();
  return new Map(rows.map((r) => [r.tenant_id, Number(r.seq)]));
}

/** The cursors of `tenantIds` that exist, locked until the transaction ends. */
export async function lockCursors(tx: Tx, tenantIds: readonly string[]): Promise<Map<string, number>> {
  if (tenantIds.length === 0) return new Map();
  const rows = await tx.selectFrom('detection_cursors').select(['tenant_id', 'seq']).where('tenant_id', 'in', tenantIds).forUpdate().execute();
  return new Map(rows.map((r) => [r.tenant_id, Number(r.seq)]));
}

/**
 * Moves existing cursors and creates new ones. New ones are plain inserts, so that a second writer creating
 * the same cursor fails on the key instead of overwriting it.
 */
export async function writeCursors(tx: Tx, moved: readonly Cursor[], created: readonly Cursor[], now: Date): Promise<void> {
  if (moved.length > 0) {
    await sql`
      update detection_cursors c set seq = v.seq, updated = ${now}
      from unnest(${moved.map((m) => m.tenantId)}::text[], ${moved.map((m) => String(m.seq))}::bigint[]) as v(tenant_id, seq)
      where c.tenant_id = v.tenant_id`.execute(tx);
  }
  if (created.length > 0) {
    await tx.insertInto('detection_cursors').values(created.map((c) => ({ tenant_id: c.tenantId, seq: c.seq, updated: now }))).execute();
  }
}
