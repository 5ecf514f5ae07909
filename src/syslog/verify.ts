import type { KeyObject } from 'node:crypto';
import type { Db, Executor } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { listTenants, type TenantRow } from '#src/tenants/service.ts';
import { chainHash } from './chain.ts';
import { keyIdOf } from './checkpoints.ts';
import { CheckpointChecker, CheckpointCursor } from './verify-checkpoints.ts';
import { findHead, lastEventOfType, linksAfter, type CheckpointRow, type HeadRow, type LinkRow } from './verify-store.ts';

export type VerifyProblem = { seq: number; message: string };
export type TenantVerdict = { slug: string; events: number; ok: boolean; problem?: VerifyProblem };
export type VerifyReport = { ok: boolean; tenants: TenantVerdict[]; eventsChecked: number; ms: number };

export type VerifyOptions = {
  /** One tenant; all tenants when absent. */
  tenantId?: string;
  /** The Ed25519 key whose signatures the checkpoints must carry. */
  publicKey: KeyObject;
  /** Rows per query; small values only make tests cross batch boundaries cheaply. */
  batchSize?: number;
};

const DEFAULT_BATCH = 10_000;

type TenantResult = { events: number; problem?: VerifyProblem };

/**
 * A chain that does not start at genesis must have been cut by the retention purge, which logs itself on the
 * chain right after the cut (src/syslog/retention.ts). Without that event, someone deleted the oldest events
 * and moved the anchor by hand. Runs after the walk, so the event it reads has been verified.
 */
async function anchorProblem(db: Executor, tenantId: string, head: HeadRow): Promise<VerifyProblem | undefined> {
  if (head.anchorSeq === 0) return undefined;
  const text = await lastEventOfType(db, tenantId, 'bulwark.log.retention.purge', head.anchorSeq);
  let data: Record<string, unknown> | undefined;
  try {
    data = text === undefined ? undefined : (JSON.parse(text) as { debugContext?: { debugData?: Record<string, unknown> } }).debugContext?.debugData;
  } catch {
    // A stored event that is not JSON vouches for nothing.
  }
  if (data?.['purgedThroughSeq'] === head.anchorSeq && data['anchorHash'] === head.anchorHash) return undefined;
  return { seq: head.anchorSeq, message: `events up to seq ${head.anchorSeq} were removed without a retention purge` };
}

/**
 * Walks one tenant's chain from its anchor to its head. The next batch is requested before the current one is
 * hashed, so PostgreSQL reads while this process hashes.
 */
async function walkChain(db: Executor, tenantId: string, checker: CheckpointChecker, batch: number): Promise<TenantResult> {
  const head = await findHead(db, tenantId);
  if (!head) return { events: 0, problem: { seq: 0, message: 'the chain head is missing' } };
  const checkpoints = new CheckpointCursor(db, tenantId, batch, checker);
  await checkpoints.start();
  let seq = head.anchorSeq;
  let hash = head.anchorHash;
  let events = 0;

  // Checkpoints before the anchor sign events a retention purge removed: only their signatures and proofs
  // can be checked.
  for (let cp = checkpoints.current(); cp && cp.seq <= seq; cp = checkpoints.current()) {
    const problem = checkpoints.problem(tenantId, cp)
      ?? (cp.seq === seq && cp.hash !== hash ? { seq, message: `checkpoint at seq ${seq} does not match the chain's anchor` } : undefined);
    if (problem) return { events, problem };
    await checkpoints.advance();
  }

  const fetch = (after: number) => {
    const p = linksAfter(db, tenantId, after, batch);
    // An early return leaves the prefetched batch unread; its failure must not surface as an unhandled rejection.
    p.catch(() => undefined);
    return p;
  };
  let pending: Promise<LinkRow[]> | undefined = fetch(seq);
  while (pending) {
    const rows: LinkRow[] = await pending;
    const last = rows.at(-1);
    pending = rows.length === batch && last ? fetch(Number(last.seq)) : undefined;
    for (let i = 0; i < rows.length; i += 1) {
      const row = rows[i] as LinkRow;
      // Letting the event loop in now and then keeps the socket read, so PostgreSQL goes on sending the
      // prefetched batch instead of waiting on a full socket buffer until this batch is hashed.
      if (i % 512 === 511) await new Promise((r) => setImmediate(r));
      const rowSeq = Number(row.seq);
      if (rowSeq !== seq + 1) return { events, problem: { seq: seq + 1, message: `event seq ${seq + 1} is missing` } };
      seq = rowSeq;
      hash = chainHash(hash, row.event);
      if (hash !== row.hash) return { events, problem: { seq, message: `event seq ${seq} does not match its hash` } };
      events += 1;
      while (checkpoints.nextSeq === seq) {
        const cp = checkpoints.current() as CheckpointRow;
        const problem = checkpoints.problem(tenantId, cp)
          ?? (cp.hash === hash ? undefined : { seq, message: `checkpoint at seq ${seq} does not match the chain: events up to seq ${seq} were changed` });
        if (problem) return { events, problem };
        const turning = checkpoints.advance();
        if (turning) await turning;
      }
    }
  }

  const cut = await anchorProblem(db, tenantId, head);
  if (cut) return { events, problem: cut };
  if (head.seq > seq) return { events, problem: { seq: seq + 1, message: `events after seq ${seq} are missing (head says ${head.seq})` } };
  const beyond = checkpoints.current();
  if (beyond) return { events, problem: { seq: seq + 1, message: `checkpoint at seq ${beyond.seq} is beyond the last event ${seq}` } };
  if (head.seq < seq) return { events, problem: { seq: head.seq + 1, message: `event seq ${head.seq + 1} is beyond the chain head (head says ${head.seq})` } };
  if (head.hash !== hash) return { events, problem: { seq, message: `the chain head does not match event seq ${seq}` } };
  return { events };
}

/**
 * One snapshot per tenant: events, head and checkpoints committed while the walk runs (the server keeps
 * appending) stay out of it, so they can neither hide a problem nor look like one.
 */
function verifyTenant(db: Db, tenantId: string, checker: CheckpointChecker, batch: number): Promise<TenantResult> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only')
    .execute((tx) => walkChain(tx, tenantId, checker, batch));
}

/**
 * Re-verifies the System Log of one tenant or of all: every event re-hashed from its predecessor in seq order
 * without gaps, the last event equal to the chain head, and every checkpoint equal to the chain at its seq and
 * proven (Merkle audit path) to be in a batch signed by `publicKey`. The first problem of each tenant is
 * reported.
 */
export async function verifyLog(db: Db, opts: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const all = await listTenants(db);
  let tenants: TenantRow[] = all;
  if (opts.tenantId !== undefined) {
    tenants = all.filter((t) => t.id === opts.tenantId);
    if (tenants.length === 0) throw OktaErrors.notFound(`${opts.tenantId} (Tenant)`);
  }
  const checker = new CheckpointChecker(opts.publicKey, keyIdOf(opts.publicKey));
  const batch = opts.batchSize ?? DEFAULT_BATCH;
  const verdicts: TenantVerdict[] = [];
  let eventsChecked = 0;
  for (const tenant of tenants) {
    const result = await verifyTenant(db, tenant.id, checker, batch);
    eventsChecked += result.events;
    verdicts.push({ slug: tenant.slug, events: result.events, ok: !result.problem, ...(result.problem ? { problem: result.problem } : {}) });
  }
  return { ok: verdicts.every((v) => v.ok), tenants: verdicts, eventsChecked, ms: Math.round(performance.now() - started) };
}
