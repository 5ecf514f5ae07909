import { sql } from 'kysely';
import type { Executor } from '#src/db/database.ts';
import type { Checkpoint } from './checkpoints.ts';

export type Head = { tenantId: string; seq: number; hash: string };

/** Chain heads that are ahead of their tenant's latest checkpoint. */
export async function headsNeedingCheckpoint(db: Executor): Promise<Head[]> {
  const rows = await db
    .selectFrom('log_chain_heads as h')
    .select(['h.tenant_id', 'h.seq', 'h.hash'])
    .where('h.seq', '>', sql<string>`coalesce((select max(c.seq) from log_checkpoints c where c.tenant_id = h.tenant_id), 0)`)
    .execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, seq: Number(r.seq), hash: r.hash }));
}

export async function insertCheckpoint(db: Executor, c: Checkpoint, signedAt: Date, signature: string): Promise<void> {
  await db.insertInto('log_checkpoints').values({ tenant_id: c.tenantId, seq: c.seq, hash: c.hash, signed_at: signedAt, key_id: c.keyId, signature })
    .onConflict((oc) => oc.doNothing()).execute();
}
