import type { Db, Executor } from '#src/db/database.ts';
import { GENESIS_HASH } from './chain.ts';
import { proofToHex } from './merkle.ts';
import { batchesById, checkpointsAfter, exportRowsAfter, findHead, hashAt, seqRange, type BatchRow, type CheckpointRow } from './verify-store.ts';

export type ExportOptions = {
  /** Events published at or after this instant. */
  since?: Date;
  /** Events published before this instant. */
  until?: Date;
  batchSize?: number;
};

const DEFAULT_BATCH = 10_000;

/** The hash an event at `seq` was chained onto, when the previous event was not part of the export. */
async function hashBefore(db: Executor, tenantId: string, seq: number, anchor: { seq: number; hash: string }): Promise<string> {
  if (seq - 1 === anchor.seq) return anchor.hash;
  if (seq === 1) return GENESIS_HASH;
  const hash = await hashAt(db, tenantId, seq - 1);
  if (hash === undefined) throw new Error(`event seq ${seq - 1} is missing from the System Log; run \`bulwark log verify\``);
  return hash;
}

/**
 * The stored canonical event with Bulwark's chain fields appended. Canonical JSON is an object ending in `}`,
 * so appending keeps the stored bytes untouched; key order in the export does not matter because a verifier
 * removes `bulwark` and canonicalizes again (docs/system-log.md).
 */
function exportLine(event: string, seq: number, hash: string, prevHash: string): string {
  return `${event.slice(0, -1)},"bulwark":{"seq":${seq},"hash":"${hash}","prevHash":"${prevHash}"}}\n`;
}

/**
 * Writes a tenant's System Log as NDJSON in seq order: each line is the Okta LogEvent plus
 * `bulwark: {seq, hash, prevHash}`, and ends with a newline. Reads in batches inside one snapshot so a
 * concurrent append cannot tear the chain; awaits `write` so a slow sink applies back-pressure.
 * Returns the number of events written.
 */
export async function exportLog(db: Db, tenantId: string, write: (line: string) => void | Promise<void>, opts: ExportOptions = {}): Promise<number> {
  const batch = opts.batchSize ?? DEFAULT_BATCH;
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (tx) => {
    const head = await findHead(tx, tenantId);
    const anchor = { seq: head?.anchorSeq ?? 0, hash: head?.anchorHash ?? GENESIS_HASH };
    const range = await seqRange(tx, tenantId, opts.since, opts.until);
    if (!range) return 0;
    let after = Math.max(range.first - 1, anchor.seq);
    let prev: { seq: number; hash: string } | undefined;
    let written = 0;
    for (;;) {
      const rows = await exportRowsAfter(tx, tenantId, after, range.last, batch, opts.since, opts.until);
      for (const row of rows) {
        const seq = Number(row.seq);
        const prevHash = prev?.seq === seq - 1 ? prev.hash : await hashBefore(tx, tenantId, seq, anchor);
        await write(exportLine(row.event, seq, row.hash, prevHash));
        prev = { seq, hash: row.hash };
        written += 1;
      }
      if (rows.length < batch || !prev) return written;
      after = prev.seq;
    }
  });
}

/**
 * One checkpoint as an outside verifier needs it (docs/system-log.md): the head, its leaf index and audit path,
 * and its batch's signed statement. Other tenants appear only as the hashes on the path. A legacy checkpoint
 * keeps the form it was signed in: `{tenantId, seq, hash, signedAt, keyId, signature}`.
 */
function checkpointLine(tenantId: string, c: CheckpointRow, b: BatchRow | undefined): string {
  if (!b) throw new Error(`checkpoint at seq ${c.seq} has no signed batch; run \`bulwark log verify\``);
  const signedAt = b.signedAt.toISOString();
  if (b.legacy) return `${JSON.stringify({ tenantId, seq: c.seq, hash: c.hash, signedAt, keyId: b.keyId, signature: b.signature })}\n`;
  const batch = { id: b.id, root: b.root, size: b.size, signedAt, keyId: b.keyId, signature: b.signature };
  return `${JSON.stringify({ tenantId, seq: c.seq, hash: c.hash, leafIndex: c.leafIndex, proof: proofToHex(c.proof), batch })}\n`;
}

/**
 * Writes a tenant's checkpoints as NDJSON in seq order: `{tenantId, seq, hash, leafIndex, proof, batch: {id,
 * root, size, signedAt, keyId, signature}}`. The signature covers the canonical JSON of `{batchId, root, size,
 * signedAt, keyId}` (`batchPayload`); the proof leads from the head's leaf to `root`. One snapshot.
 */
export async function exportCheckpoints(db: Db, tenantId: string, write: (line: string) => void | Promise<void>, batchSize = DEFAULT_BATCH): Promise<number> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (tx) => {
    let after = -1;
    let written = 0;
    for (;;) {
      const rows = await checkpointsAfter(tx, tenantId, after, batchSize);
      const batches = new Map((await batchesById(tx, [...new Set(rows.map((r) => r.batchId))])).map((b) => [b.id, b]));
      for (const c of rows) {
        await write(checkpointLine(tenantId, c, batches.get(c.batchId)));
        written += 1;
      }
      const last = rows.at(-1);
      if (rows.length < batchSize || !last) return written;
      after = last.seq;
    }
  });
}
