/**
 * `bulwark log verify`'s engine, `verifyLog` from src/syslog/verify.ts, over a valid chain of real events:
 * every event re-hashed from its predecessor, every checkpoint's Merkle proof and batch signature checked.
 * Target: ≥ 100,000 events/s on one core (the verifier is one Node thread; PostgreSQL serves it meanwhile).
 *
 * The chain is built here with the production code (buildEvent, canonicalJson, chainHash) and bulk-inserted
 * in multi-row batches. Checkpoints come from the production signer (`signCheckpoints`), driven the way the
 * server drives it, twice over the same events:
 * - busy (the figure judged): tenants take turns at BENCH_EVENTS_PER_SECOND across the installation, and
 *   the signer runs every 60 s of that timeline, so each batch holds every tenant's head once;
 * - quiet (the worst case): every event is followed by a batch, as when each tenant logs one event per
 *   interval; each batch still holds one head per tenant, so it costs one signature per TENANTS events.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../src/db/database.ts';
import { manualClock } from '../src/lib/clock.ts';
import { buildEvent } from '../src/syslog/build-event.ts';
import { canonicalJson, chainHash, GENESIS_HASH } from '../src/syslog/chain.ts';
import { insertBatch, nextBatchId } from '../src/syslog/checkpoint-store.ts';
import { batchPayload, keyIdOf, signCheckpoints, type SigningKey } from '../src/syslog/checkpoints.ts';
import { buildTree, headLeaf } from '../src/syslog/merkle.ts';
import { verifyLog } from '../src/syslog/verify.ts';
import { log, profiled, round, runBench, sized } from './lib/bench.ts';
import { startBenchDatabase } from './lib/database.ts';
import { EVENT_KINDS, webAudit, type Scene } from './lib/events.ts';
import { cpuShares } from './lib/proc.ts';
import { benchTenantId, insertTenants } from './lib/tenants.ts';

const TENANTS = sized(100, 50);
const EVENTS = sized(300_000, 100_000);
const PER_TENANT = EVENTS / TENANTS;
const BATCH = 2_000;
/** Events per second across all tenants in the busy timeline: 100 tenants at 30 events a minute each. */
const EVENTS_PER_SECOND = Number(process.env['BENCH_EVENTS_PER_SECOND'] ?? 50);
/** The server's default BULWARK_CHECKPOINT_INTERVAL_SECONDS. */
const INTERVAL_MS = 60_000;
const TARGET = 100_000;

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const key: SigningKey = { keyId: keyIdOf(publicKey), privateKey, publicKey };

const COLUMNS = 8;
const PLACEHOLDERS = Array.from({ length: BATCH }, (_, i) => `(${Array.from({ length: COLUMNS }, (_, c) => `$${i * COLUMNS + c + 1}`).join(',')})`);

/** A multi-row insert with one plain text parameter per value: no per-value query building, no array escaping. */
function insertRows(db: Db, rows: unknown[][]): Promise<unknown> {
  const text = `insert into log_events (tenant_id, seq, uuid, published, event_type, actor_id, event, hash) values ${PLACEHOLDERS.slice(0, rows.length).join(',')}`;
  return db.executeQuery(CompiledQuery.raw(text, rows.flat()));
}

/** When event `seq` of tenant `t` happens: tenants take turns, EVENTS_PER_SECOND across all of them. */
function publishedAt(start: number, t: number, seq: number): number {
  return start + Math.floor((((seq - 1) * TENANTS + t) * 1000) / EVENTS_PER_SECOND);
}

/** One tenant's whole chain, written in batches; at most one insert runs while the next batch is built. */
async function buildChain(db: Db, t: number, start: number): Promise<string[]> {
  const tenantId = benchTenantId(t);
  const hashes = [GENESIS_HASH];
  let hash = GENESIS_HASH;
  let rows: unknown[][] = [];
  let inFlight: Promise<unknown> = Promise.resolve();
  for (let seq = 1; seq <= PER_TENANT; seq++) {
    const a = seq % 10;
    const scene: Scene = {
      actorId: `00u${String(t).padStart(8, '0')}x${String(a).padStart(8, '0')}`,
      actorLogin: `user${a}@bench-${t}.example.com`,
      actorName: `Bench User ${a}`,
      targetId: `00u${String(t).padStart(8, '0')}x${String((seq * 7) % 10).padStart(8, '0')}`,
      targetLogin: `user${(seq * 7) % 10}@bench-${t}.example.com`,
      ip: `10.${t % 256}.${seq % 256}.${1 + (seq % 254)}`,
      requestId: `req${t}x${seq}`.padEnd(25, '0'),
    };
    const kind = EVENT_KINDS[seq % EVENT_KINDS.length] as (typeof EVENT_KINDS)[number];
    const event = buildEvent(webAudit(scene, `/api/v1/users/${scene.targetId}`), kind.input(scene), new Date(publishedAt(start, t, seq)));
    const text = canonicalJson(event);
    hash = chainHash(hash, text);
    hashes.push(hash);
    rows.push([tenantId, seq, event.uuid, event.published, event.eventType, event.actor.id, text, hash]);
    if (rows.length === BATCH || seq === PER_TENANT) {
      await inFlight;
      inFlight = insertRows(db, rows);
      rows = [];
    }
  }
  await inFlight;
  return hashes;
}

/**
 * Moves every tenant's head to `seqOf(t)` and runs the production signer at `at`, as the server's timer would
 * find the heads then. Returns the heads it checkpointed.
 */
async function signRound(db: Db, hashes: string[][], seqOf: (t: number) => number, at: number): Promise<number> {
  const seqs = hashes.map((_, t) => seqOf(t));
  await sql`
    update log_chain_heads h set seq = v.seq, hash = v.hash
    from unnest(${hashes.map((_, t) => benchTenantId(t))}::text[], ${seqs}::bigint[], ${seqs.map((q, t) => hashes[t]?.[q])}::text[]) as v(tenant_id, seq, hash)
    where h.tenant_id = v.tenant_id`.execute(db);
  return signCheckpoints(db, manualClock(new Date(at)), key);
}

/** Checkpoints as the server signs them while tenants take turns at EVENTS_PER_SECOND: a batch every 60 s. */
async function signBusy(db: Db, hashes: string[][], start: number): Promise<void> {
  const end = publishedAt(start, TENANTS - 1, PER_TENANT);
  for (let at = start + INTERVAL_MS; ; at += INTERVAL_MS) {
    // Turn k is published by `at` when k < due; tenant t has had the turns t, t + TENANTS, … below it.
    const due = ((at - start + 1) * EVENTS_PER_SECOND) / 1000;
    const seqOf = (t: number) => Math.min(PER_TENANT, Math.max(0, Math.ceil((due - t) / TENANTS)));
    await signRound(db, hashes, seqOf, at);
    if (at >= end) return;
  }
}

/**
 * Checkpoints when every event is followed by a batch: each round, every tenant has moved by one event. The
 * signer's own steps (tree, statement, signature, insert), without its per-round head query and lock: 3,000
 * rounds of the full signer would take most of a minute and measure nothing the busy rounds do not.
 */
async function signQuiet(db: Db, hashes: string[][], start: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (let seq = 1; seq <= PER_TENANT; seq++) {
      const heads = hashes.map((h, t) => ({ tenantId: benchTenantId(t), seq, hash: h[seq] as string }));
      const tree = buildTree(heads.map((h) => headLeaf(h.tenantId, h.seq, h.hash)));
      const signedAt = new Date(start + seq * INTERVAL_MS);
      const statement = { batchId: await nextBatchId(tx), root: tree.root, size: heads.length, signedAt: signedAt.toISOString(), keyId: key.keyId };
      const signature = sign(null, batchPayload(statement), privateKey).toString('base64');
      await insertBatch(tx, { id: statement.batchId, signedAt, keyId: key.keyId, root: tree.root, size: heads.length, signature }, heads, tree.proofs);
    }
  });
}

async function measure(db: Db, pgData: string | undefined, label: string): Promise<number> {
  // A log is verified long after it was written: vacuumed, hint bits set. A fresh load would make the first
  // read pay for setting them, which no real verification run does.
  await sql`vacuum analyze`.execute(db);
  const counts = await sql<{ batches: string; checkpoints: string }>`
    select (select count(*) from log_checkpoint_batches) as batches, (select count(*) from log_checkpoints) as checkpoints`.execute(db);
  const { batches, checkpoints } = counts.rows[0] as { batches: string; checkpoints: string };
  log(`${label}: ${TENANTS} tenants, ${EVENTS.toLocaleString('en')} events, ${Number(checkpoints).toLocaleString('en')} checkpoints in ${Number(batches).toLocaleString('en')} signed batches (one checkpoint per ${round(EVENTS / Number(checkpoints), 1)} events)`);
  const stop = cpuShares({ pgData });
  const report = await profiled(`verify-${label}`, () => verifyLog(db, { publicKey }));
  const cpu = stop();
  if (!report.ok) throw new Error(`verifyLog found a problem in a valid chain: ${JSON.stringify(report.tenants.find((t) => !t.ok))}`);
  if (report.eventsChecked !== EVENTS) throw new Error(`verifyLog checked ${report.eventsChecked} events, expected ${EVENTS}`);
  const eps = report.eventsChecked / (report.ms / 1000);
  const cpuPerEvent = (cpu.self * cpu.wall * 1e6) / report.eventsChecked;
  log(`${label}: verifyLog: ${report.eventsChecked} events in ${report.ms} ms (${round(eps).toLocaleString('en')} events/s); CPU: ${cpu.describe()}`);
  log(`${label}: verifier CPU per event ${round(cpuPerEvent, 1)} µs: at most ${round(1e6 / cpuPerEvent).toLocaleString('en')} events/s on one core it had to itself`);
  return eps;
}

await runBench('log-verify', async () => {
  if (EVENTS % TENANTS !== 0) throw new Error('EVENTS must be a multiple of TENANTS');
  if (!(EVENTS_PER_SECOND > 0)) throw new Error('BENCH_EVENTS_PER_SECOND must be a positive number');
  const { db, pgData } = await startBenchDatabase(4);
  await insertTenants(db, TENANTS);
  const began = performance.now();
  const building = cpuShares({ pgData });
  const start = Date.now() - 30 * 86_400_000;
  const hashes: string[][] = [];
  for (let t = 0; t < TENANTS; t++) {
    hashes.push(await buildChain(db, t, start));
    if ((t + 1) % Math.ceil(TENANTS / 5) === 0) log(`built ${(((t + 1) * EVENTS) / TENANTS).toLocaleString('en')} chained events (${round((performance.now() - began) / 1000, 1)} s)`);
  }
  log(`built in ${round((performance.now() - began) / 1000, 1)} s; CPU: ${building().describe()}`);

  let signing = performance.now();
  await signBusy(db, hashes, start);
  log(`busy: signed in ${round((performance.now() - signing) / 1000, 1)} s`);
  const eps = await measure(db, pgData, 'busy');

  await sql`truncate log_checkpoints, log_checkpoint_batches`.execute(db);
  signing = performance.now();
  await signQuiet(db, hashes, start);
  log(`quiet: signed in ${round((performance.now() - signing) / 1000, 1)} s`);
  const quietEps = await measure(db, pgData, 'quiet');
  return {
    figures: { events: EVENTS, eps: round(eps), quiet_eps: round(quietEps) },
    target: `eps>=${TARGET}`,
    met: eps >= TARGET,
  };
});
