/**
 * `bulwark log verify`'s engine, `verifyLog` from src/syslog/verify.ts, over a valid chain of real events:
 * every event re-hashed from its predecessor, every checkpoint's Ed25519 signature checked.
 * Target: ≥ 100,000 events/s on one core (the verifier is one Node thread; PostgreSQL serves it meanwhile).
 *
 * The chain is built here with the production code (buildEvent, canonicalJson, chainHash), bulk-inserted
 * in multi-row batches, and signed every CHECKPOINT_EVERY events as the server's checkpoint timer would
 * sign a busy tenant's head.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../src/db/database.ts';
import { buildEvent } from '../src/syslog/build-event.ts';
import { canonicalJson, chainHash, GENESIS_HASH } from '../src/syslog/chain.ts';
import { insertCheckpoint } from '../src/syslog/checkpoint-store.ts';
import { checkpointPayload, keyIdOf, type Checkpoint } from '../src/syslog/checkpoints.ts';
import { verifyLog } from '../src/syslog/verify.ts';
import { log, round, runBench, sized } from './lib/bench.ts';
import { startBenchDatabase } from './lib/database.ts';
import { EVENT_KINDS, webAudit, type Scene } from './lib/events.ts';
import { cpuShares } from './lib/proc.ts';
import { benchTenantId, insertTenants } from './lib/tenants.ts';

const TENANTS = sized(100, 50);
const EVENTS = sized(300_000, 100_000);
const BATCH = 2_000;
/**
 * One checkpoint per 1,000 events is a busy tenant (the signer signs each moved head once a minute). Quiet
 * tenants get one per event or so, and each costs an Ed25519 verification: BENCH_CHECKPOINT_EVERY=1 shows that.
 */
const CHECKPOINT_EVERY = Number(process.env['BENCH_CHECKPOINT_EVERY'] ?? 1_000);
const DAYS = 30;
const TARGET = 100_000;

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keyId = keyIdOf(publicKey);

const COLUMNS = 8;
const PLACEHOLDERS = Array.from({ length: BATCH }, (_, i) => `(${Array.from({ length: COLUMNS }, (_, c) => `$${i * COLUMNS + c + 1}`).join(',')})`);

/** A multi-row insert with one plain text parameter per value: no per-value query building, no array escaping. */
function insertRows(db: Db, rows: unknown[][]): Promise<unknown> {
  const text = `insert into log_events (tenant_id, seq, uuid, published, event_type, actor_id, event, hash) values ${PLACEHOLDERS.slice(0, rows.length).join(',')}`;
  return db.executeQuery(CompiledQuery.raw(text, rows.flat()));
}

async function signAt(db: Db, tenantId: string, seq: number, hash: string, at: Date): Promise<void> {
  const c: Checkpoint = { tenantId, seq, hash, signedAt: at.toISOString(), keyId };
  await insertCheckpoint(db, c, at, sign(null, checkpointPayload(c), privateKey).toString('base64'));
}

/** One tenant's whole chain, written in batches; at most one insert runs while the next batch is built. */
async function buildChain(db: Db, t: number, count: number, start: number): Promise<void> {
  const tenantId = benchTenantId(t);
  const step = (DAYS * 86_400_000) / count;
  let hash = GENESIS_HASH;
  let rows: unknown[][] = [];
  let inFlight: Promise<unknown> = Promise.resolve();
  for (let seq = 1; seq <= count; seq++) {
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
    const published = new Date(start + seq * step);
    const event = buildEvent(webAudit(scene, `/api/v1/users/${scene.targetId}`), kind.input(scene), published);
    const text = canonicalJson(event);
    hash = chainHash(hash, text);
    rows.push([tenantId, seq, event.uuid, event.published, event.eventType, event.actor.id, text, hash]);
    if (seq % CHECKPOINT_EVERY === 0 || seq === count) {
      await signAt(db, tenantId, seq, hash, new Date(published.getTime() + 30_000));
    }
    if (rows.length === BATCH || seq === count) {
      await inFlight;
      inFlight = insertRows(db, rows);
      rows = [];
    }
  }
  await inFlight;
  await db.updateTable('log_chain_heads').set({ seq: count, hash }).where('tenant_id', '=', tenantId).execute();
}

await runBench('log-verify', async () => {
  if (EVENTS % TENANTS !== 0) throw new Error('EVENTS must be a multiple of TENANTS');
  if (!Number.isInteger(CHECKPOINT_EVERY) || CHECKPOINT_EVERY < 1) throw new Error('BENCH_CHECKPOINT_EVERY must be a positive integer');
  const { db, pgData } = await startBenchDatabase(4);
  await insertTenants(db, TENANTS);
  const began = performance.now();
  const building = cpuShares({ pgData });
  const start = Date.now() - DAYS * 86_400_000;
  for (let t = 0; t < TENANTS; t++) {
    await buildChain(db, t, EVENTS / TENANTS, start);
    if ((t + 1) % Math.ceil(TENANTS / 5) === 0) log(`built ${(((t + 1) * EVENTS) / TENANTS).toLocaleString('en')} chained events (${round((performance.now() - began) / 1000, 1)} s)`);
  }
  log(`built in ${round((performance.now() - began) / 1000, 1)} s; CPU: ${building().describe()}`);
  // A log is verified long after it was written: vacuumed, hint bits set. A fresh load would make the first
  // read pay for setting them, which no real verification run does.
  await sql`vacuum analyze`.execute(db);
  const checkpoints = await db.selectFrom('log_checkpoints').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  log(`${TENANTS} tenants, ${EVENTS.toLocaleString('en')} events, ${checkpoints.n} signed checkpoints`);

  const stop = cpuShares({ pgData });
  const report = await verifyLog(db, { publicKey });
  const cpu = stop();
  if (!report.ok) throw new Error(`verifyLog found a problem in a valid chain: ${JSON.stringify(report.tenants.find((t) => !t.ok))}`);
  if (report.eventsChecked !== EVENTS) throw new Error(`verifyLog checked ${report.eventsChecked} events, expected ${EVENTS}`);
  const eps = report.eventsChecked / (report.ms / 1000);
  const cpuPerEvent = (cpu.self * cpu.wall * 1e6) / report.eventsChecked;
  log(`verifyLog: ${report.eventsChecked} events in ${report.ms} ms; CPU: ${cpu.describe()}`);
  log(`verifier CPU per event ${round(cpuPerEvent, 1)} µs: at most ${round(1e6 / cpuPerEvent)} events/s on one core it had to itself`);
  return {
    figures: { events: report.eventsChecked, eps: round(eps) },
    target: `eps>=${TARGET}`,
    met: eps >= TARGET,
  };
});
