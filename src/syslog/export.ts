import type { Db, Executor } from '#src/db/database.ts';
import { GENESIS_HASH } from './chain.ts';
import { checkpointsAfter, exportRowsAfter, findHead, hashAt, seqRange } from './verify-store.ts';

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
 * Writes a tenant's signed checkpoints as NDJSON in seq order: `{tenantId, seq, hash, signedAt, keyId,
 * signature}`. The signature covers the canonical JSON of the other five fields (`checkpointPayload`).
 */
export async function exportCheckpoints(db: Db, tenantId: string, write: (line: string) => void | Promise<void>, batchSize = DEFAULT_BATCH): Promise<number> {
  let after = -1;
  let written = 0;
  for (;;) {
    const rows = await checkpointsAfter(db, tenantId, after, batchSize);
    for (const c of rows) {
      await write(`${JSON.stringify({ tenantId, seq: c.seq, hash: c.hash, signedAt: c.signedAt.toISOString(), keyId: c.keyId, signature: c.signature })}\n`);
      written += 1;
    }
    const last = rows.at(-1);
    if (rows.length < batchSize || !last) return written;
    after = last.seq;
  }
}
