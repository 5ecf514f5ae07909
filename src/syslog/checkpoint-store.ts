import { sql } from 'kysely';
import type { Executor, Tx } from '#src/db/database.ts';

export type Head = { tenantId: string; seq: number; hash: string };

export type BatchInsert = { id: number; signedAt: Date; keyId: string; root: string; size: number; signature: string };

/** Rows per insert: 6 parameters each stays far below PostgreSQL's 65,535. */
const INSERT_CHUNK = 1_000;

/** An arbitrary constant naming "the checkpoint signer" among PostgreSQL advisory locks. */
const SIGNER_LOCK = 0x6c6f6763; // "logc"

/**
 * Serializes signers (every server process runs one) until the transaction ends, so the second signer sees the
 * first one's checkpoints and does not put the same heads in a second batch.
 */
export async function lockSigner(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${SIGNER_LOCK})`.execute(tx);
}

/** Chain heads that are ahead of their tenant's latest checkpoint, by tenant id so a batch's order is stable. */
export async function headsNeedingCheckpoint(db: Executor): Promise<Head[]> {
  const rows = await db
    .selectFrom('log_chain_heads as h')
    .select(['h.tenant_id', 'h.seq', 'h.hash'])
    .where('h.seq', '>', sql<string>`coalesce((select max(c.seq) from log_checkpoints c where c.tenant_id = h.tenant_id), 0)`)
    .orderBy('h.tenant_id')
    .execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, seq: Number(r.seq), hash: r.hash }));
}

/** The id the next batch will have: it is part of the signed statement, so it is drawn before signing. */
export async function nextBatchId(tx: Tx): Promise<number> {
  const { rows } = await sql<{ id: string }>`select nextval(pg_get_serial_sequence('log_checkpoint_batches', 'id')) as id`.execute(tx);
  return Number(rows[0]?.id);
}

/** The batch and one checkpoint row per head (leaf `i` is `heads[i]`, its audit path `proofs[i]`). */
export async function insertBatch(tx: Tx, batch: BatchInsert, heads: readonly Head[], proofs: readonly Buffer[]): Promise<void> {
  await tx.insertInto('log_checkpoint_batches')
    .values({ id: batch.id, signed_at: batch.signedAt, key_id: batch.keyId, root: batch.root, size: batch.size, signature: batch.signature })
    .execute();
  for (let start = 0; start < heads.length; start += INSERT_CHUNK) {
    const rows = heads.slice(start, start + INSERT_CHUNK).map((h, i) => ({
      tenant_id: h.tenantId, seq: h.seq, hash: h.hash, batch_id: batch.id, leaf_index: start + i, proof: proofs[start + i] as Buffer,
    }));
    await tx.insertInto('log_checkpoints').values(rows).execute();
  }
}
