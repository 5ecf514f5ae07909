import type { KeyObject } from 'node:crypto';
import type { Executor } from '#src/db/database.ts';
import { batchPayload, legacyCheckpointPayload, verifySignature } from './checkpoints.ts';
import { headLeaf, rootFromProof } from './merkle.ts';
import { batchesById, checkpointsAfter, type BatchRow, type CheckpointRow } from './verify-store.ts';

export type CheckpointProblem = { seq: number; message: string };

/** What a verified batch still has to tell: the root its checkpoints' proofs must lead to, and its size. */
type SignedTree = { root: string; size: number };

/**
 * Checks checkpoints against their signed batches for one verification run. A batch's signature is verified
 * once however many tenants' checkpoints it holds, which is what keeps dense checkpoints cheap: afterwards
 * only its root and size are kept. Reusing them for a later tenant is sound even if the batch row changed in
 * between: the checkpoint is then checked against a statement this key really signed.
 */
export class CheckpointChecker {
  private readonly verified = new Map<number, SignedTree>();
  private readonly key: KeyObject;
  private readonly keyId: string;

  constructor(key: KeyObject, keyId: string) {
    this.key = key;
    this.keyId = keyId;
  }

  /** Whether `batchId` still has to be read from the database to check its checkpoints. */
  needs(batchId: number): boolean {
    return !this.verified.has(batchId);
  }

  private signedTree(tenantId: string, cp: CheckpointRow, batch: BatchRow | undefined): SignedTree | string {
    if (!batch) return 'has no signed batch';
    if (batch.keyId !== this.keyId) return `is signed by unknown key ${batch.keyId}`;
    const signedAt = batch.signedAt.toISOString();
    // A legacy signature covers its one checkpoint, not a batch, so it is checked with that checkpoint.
    const payload = batch.legacy
      ? legacyCheckpointPayload({ tenantId, seq: cp.seq, hash: cp.hash, signedAt, keyId: batch.keyId })
      : batchPayload({ batchId: batch.id, root: batch.root, size: batch.size, signedAt, keyId: batch.keyId });
    if (!verifySignature(payload, batch.signature, this.key)) return 'has an invalid signature';
    const tree = { root: batch.root, size: batch.size };
    if (!batch.legacy) this.verified.set(batch.id, tree);
    return tree;
  }

  /** A checkpoint is sound when its batch is signed by this installation's key and its proof leads to the root. */
  problem(tenantId: string, cp: CheckpointRow, batches: ReadonlyMap<number, BatchRow>): CheckpointProblem | undefined {
    const tree = this.verified.get(cp.batchId) ?? this.signedTree(tenantId, cp, batches.get(cp.batchId));
    if (typeof tree === 'string') return { seq: cp.seq, message: `checkpoint at seq ${cp.seq} ${tree}` };
    if (rootFromProof(headLeaf(tenantId, cp.seq, cp.hash), cp.leafIndex, tree.size, cp.proof) !== tree.root) {
      return { seq: cp.seq, message: `checkpoint at seq ${cp.seq} has an invalid Merkle proof: it is not in its signed batch` };
    }
    return undefined;
  }
}

type Page = { rows: CheckpointRow[]; batches: Map<number, BatchRow> };

/**
 * One tenant's checkpoints in seq order, read a page ahead together with the batches the checker has not
 * verified yet. `nextSeq` and `current()` are plain so that the hot loop awaits only at page boundaries.
 */
export class CheckpointCursor {
  nextSeq = Number.POSITIVE_INFINITY;
  private page: Page = { rows: [], batches: new Map() };
  private index = 0;
  private pending: Promise<Page> | undefined;
  private readonly db: Executor;
  private readonly tenantId: string;
  private readonly limit: number;
  private readonly checker: CheckpointChecker;

  constructor(db: Executor, tenantId: string, limit: number, checker: CheckpointChecker) {
    this.db = db;
    this.tenantId = tenantId;
    this.limit = limit;
    this.checker = checker;
  }

  private fetch(afterSeq: number): Promise<Page> {
    const p = (async () => {
      const rows = await checkpointsAfter(this.db, this.tenantId, afterSeq, this.limit);
      const ids = [...new Set(rows.map((r) => r.batchId))].filter((id) => this.checker.needs(id));
      const batches = new Map((await batchesById(this.db, ids)).map((b) => [b.id, b]));
      return { rows, batches };
    })();
    // A walk that stops early leaves the prefetched page unread; its failure must not be an unhandled rejection.
    p.catch(() => undefined);
    return p;
  }

  /** Reads the first page; call once before the walk. */
  async start(): Promise<void> {
    this.pending = this.fetch(-1);
    await this.turnPage();
  }

  private async turnPage(): Promise<void> {
    this.page = await (this.pending as Promise<Page>);
    this.index = 0;
    const last = this.page.rows.at(-1);
    this.pending = this.page.rows.length === this.limit && last ? this.fetch(last.seq) : undefined;
    this.nextSeq = this.page.rows[0]?.seq ?? Number.POSITIVE_INFINITY;
  }

  current(): CheckpointRow | undefined {
    return this.page.rows[this.index];
  }

  problem(tenantId: string, cp: CheckpointRow): CheckpointProblem | undefined {
    return this.checker.problem(tenantId, cp, this.page.batches);
  }

  /** Moves to the next checkpoint; the promise is only there at the end of a page. */
  advance(): Promise<void> | undefined {
    this.index += 1;
    if (this.index === this.page.rows.length && this.pending) return this.turnPage();
    this.nextSeq = this.page.rows[this.index]?.seq ?? Number.POSITIVE_INFINITY;
    return undefined;
  }
}
