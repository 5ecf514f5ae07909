/**
 * Sustained System Log appends through the real hash chain (`recordEvents`, one transaction per call) on
 * PostgreSQL: (a) one event per transaction from as many concurrent writers as the pool has connections,
 * each on a random one of many tenants (interactive admin traffic); (b) 100 events per transaction, same
 * writers (a bulk job). Target ≥ 20,000 events/s; `met` judges the better of the two.
 */
import { sql } from 'kysely';
import type { Db } from '../src/db/database.ts';
import { loadConfig } from '../src/config.ts';
import { systemClock } from '../src/lib/clock.ts';
import type { EventInput } from '../src/syslog/log-event.ts';
import { recordEvents } from '../src/syslog/service.ts';
import { operatorContext } from '../src/tenants/service.ts';
import { log, round, runBench, sized } from './lib/bench.ts';
import { startBenchDatabase } from './lib/database.ts';
import { cpuShares } from './lib/proc.ts';
import { EVENT_KINDS, type Scene } from './lib/events.ts';
import { benchTenantId, insertTenants } from './lib/tenants.ts';

const TENANTS = 1_000;
const SECONDS = sized(10, 3);
const WARMUP_SECONDS = 1;
const BATCH = 100;
const TARGET = 20_000;

const audit = operatorContext('bench');

function randomScene(): Scene {
  const n = Math.floor(Math.random() * 1e8).toString().padStart(8, '0');
  return { actorId: audit.actor.id, actorLogin: 'system@bulwark', actorName: 'Bulwark operator', targetId: `00ubench${n}0000`, targetLogin: `user${n}@example.com`, ip: '', requestId: '' };
}

function inputs(count: number): EventInput[] {
  return Array.from({ length: count }, (_, i) => (EVENT_KINDS[i % EVENT_KINDS.length] as (typeof EVENT_KINDS)[number]).input(randomScene()));
}

/** `writers` loops appending `perTx` events per transaction until `seconds` have passed; events per second. */
async function sustain(db: Db, writers: number, perTx: number, seconds: number): Promise<{ eps: number; events: number }> {
  const deadline = performance.now() + seconds * 1000;
  let events = 0;
  const writer = async () => {
    while (performance.now() < deadline) {
      const tenantId = benchTenantId(Math.floor(Math.random() * TENANTS));
      const batch = inputs(perTx);
      await db.transaction().execute((tx) => recordEvents(tx, systemClock, tenantId, audit, batch));
      events += perTx;
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: writers }, writer));
  return { eps: events / ((performance.now() - began) / 1000), events };
}

async function measure(db: Db, pgData: string | undefined, label: string, writers: number, perTx: number): Promise<{ eps: number; events: number }> {
  const warm = await sustain(db, writers, perTx, WARMUP_SECONDS);
  const stop = cpuShares({ pgData });
  const result = await sustain(db, writers, perTx, SECONDS);
  const cpu = stop();
  log(`${label}: ${round(result.eps)} events/s (${result.events} events in ${SECONDS} s, ${writers} writers)`);
  log(`  CPU: ${cpu.describe()}; per event: Node ${Math.round((cpu.self * 1e6) / result.eps)} µs, PostgreSQL ${Math.round((cpu.pg * 1e6) / result.eps)} µs`);
  return { eps: result.eps, events: warm.events + result.events };
}

await runBench('append', async () => {
  const loaded = loadConfig({});
  if (!loaded.ok) throw new Error(loaded.message);
  const writers = loaded.config.dbPoolSize;
  const { db, pgData } = await startBenchDatabase(writers);
  await insertTenants(db, TENANTS);
  log(`${TENANTS} tenants, ${writers} concurrent writers (the default pool size), ${WARMUP_SECONDS} s warm-up then ${SECONDS} s per mode`);
  const single = await measure(db, pgData, 'one event per transaction', writers, 1);
  const batch = await measure(db, pgData, `${BATCH} events per transaction`, writers, BATCH);

  // Every counted event must really be there, chained: the heads' seq sum is the number of events appended.
  const check = await sql<{ rows: string; seqs: string }>`
    select (select count(*) from log_events) as rows, (select sum(seq) from log_chain_heads) as seqs`.execute(db);
  const expected = single.events + batch.events;
  if (Number(check.rows[0]?.rows) !== expected || Number(check.rows[0]?.seqs) !== expected) {
    throw new Error(`expected ${expected} events, found ${check.rows[0]?.rows} rows and head seq sum ${check.rows[0]?.seqs}`);
  }
  const best = Math.max(single.eps, batch.eps);
  return {
    figures: { single_eps: round(single.eps), batch_eps: round(batch.eps) },
    target: `eps>=${TARGET}`,
    met: best >= TARGET,
  };
});
