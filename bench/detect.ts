/**
 * The Sigma evaluator (src/detections) over a live-like System Log stream: every SigmaHQ Okta rule in
 * shared/data/sigma-okta (all must load) run by `matchAll` over 1,000,000 events (quick: 200,000) on the main
 * thread, in batches of 1,000 as a poller of the live log hands them over. The events are already parsed:
 * 20,000 distinct LogEvents from bench/lib/okta-stream.ts (a mix of event types modelled on the real ones in
 * shared/data), replayed in turn. The reference, in the same run over the same batches, is a bare loop that
 * reads each event's `eventType`: what any consumer of the stream pays at least.
 *
 * Then the live figure: 200,000 events (quick: 50,000) appended through the real append path across 100
 * tenants, and the detection worker as the server runs it (every Sigma rule and the built-in rules, alerts
 * raised with their System Log events), timed from its start until its cursors reach the heads
 * (bench/lib/live-detect.ts). Its reference, in the same run: the same events read the worker's way and
 * parsed, nothing run and nothing written.
 * Target: ≥ 20,000 events/s on one core, for both.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSigmaRules } from '../src/detections/sigma-load.ts';
import { sigmaRuleSet, type SigmaEvent } from '../src/detections/sigma-match.ts';
import { log, profiled, round, runBench, sized } from './lib/bench.ts';
import { startBenchDatabase } from './lib/database.ts';
import { appendLiveLog, readOnly, runWorker } from './lib/live-detect.ts';
import { KINDS, oktaEventStream } from './lib/okta-stream.ts';
import { cpuShares } from './lib/proc.ts';
import { insertTenants } from './lib/tenants.ts';

const TARGET = 20_000;
const EVENTS = sized(1_000_000, 200_000);
const POOL = 20_000;
const BATCH = 1_000;
const LIVE_EVENTS = sized(200_000, 50_000);
const LIVE_TENANTS = 100;
const WRITERS = 8;
/** The public sample data beside the checkout, or where BULWARK_SHARED_DATA says (as for the tests). */
const SHARED_DATA = process.env['BULWARK_SHARED_DATA'] ?? fileURLToPath(new URL('../../shared/data/', import.meta.url));
/** The trusted domain the placeholder rule needs, as an operator would configure it. */
const PLACEHOLDERS = { legtimate_identifiers: ['@acme.example'] };

await runBench('detect', async () => {
  const { rules, unsupported } = await loadSigmaRules(join(SHARED_DATA, 'sigma-okta'), { placeholders: PLACEHOLDERS });
  if (rules.length === 0) throw new Error('no Sigma rules found');
  if (unsupported.length > 0) throw new Error(`rules not loaded: ${unsupported.map((u) => `${u.file}: ${u.reason}`).join('; ')}`);
  const set = sigmaRuleSet(rules);
  const pool: SigmaEvent[] = oktaEventStream(POOL, 42);
  const batches: SigmaEvent[][] = [];
  for (let i = 0; i < POOL; i += BATCH) batches.push(pool.slice(i, i + BATCH));
  const rounds = EVENTS / BATCH;
  log(`${rules.length} rules (${rules.filter((r) => r.eventTypes === null).length} on any event type); ${POOL} distinct events of ${KINDS.length} kinds, ${EVENTS} in batches of ${BATCH}`);

  // The evaluator runs for as long as the server does: measure it compiled, after one pass over the pool.
  const perRule = new Map<string, number>();
  for (const batch of batches) for (const m of set.matchAll(batch)) perRule.set(m.title, (perRule.get(m.title) ?? 0) + 1);
  let matches = 0;
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  await profiled('detect', async () => {
    for (let r = 0; r < rounds; r++) matches += set.matchAll(batches[r % batches.length] as SigmaEvent[]).length;
  });
  const ms = performance.now() - began;
  const cpu = process.cpuUsage(cpuBefore);
  const eventsPerS = EVENTS / (ms / 1000);
  log(`${matches} matches (${round((matches / EVENTS) * 100, 2)}% of events) in ${round(ms)} ms: ${round(eventsPerS)} events/s, CPU ${round((cpu.user + cpu.system) / 1000)} ms`);
  log(`matches per rule in the ${POOL} distinct events: ${[...perRule].sort((a, b) => b[1] - a[1]).map(([title, n]) => `${title} ${n}`).join('; ')}`);

  // The reference: the same batches, each event's eventType read and nothing else (also after a warm-up pass).
  let chars = 0;
  const readTypes = (count: number) => {
    for (let r = 0; r < count; r++) {
      const batch = batches[r % batches.length] as SigmaEvent[];
      for (let i = 0; i < batch.length; i++) chars += ((batch[i] as SigmaEvent)['eventType'] as string).length;
    }
  };
  readTypes(batches.length);
  const refBegan = performance.now();
  readTypes(rounds);
  const refMs = performance.now() - refBegan;
  const refPerS = EVENTS / (refMs / 1000);
  log(`reference (read eventType of each event, ${chars} characters): ${round(refPerS)} events/s`);

  // The live stream: written through the real append path, then the worker from its start to the heads.
  const { db, pgData } = await startBenchDatabase(10);
  await insertTenants(db, LIVE_TENANTS);
  const appendPerS = await appendLiveLog(db, LIVE_TENANTS, LIVE_EVENTS, WRITERS);
  log(`live: ${LIVE_EVENTS} events appended across ${LIVE_TENANTS} tenants at ${round(appendPerS)} events/s (recordEvents, ${WRITERS} writers)`);
  const liveShares = cpuShares({ pgData });
  const live = await runWorker(db, rules);
  const liveCpu = liveShares();
  log(`live: the worker read ${live.stats.events} events in ${live.stats.cycles} cycles in ${round(live.ms)} ms: ${round(live.eventsPerS)} events/s; ${live.stats.alerts} alerts raised (${live.stats.alertsLeftToBulwark} left to Bulwark's own)`);
  log(`live: CPU ${liveCpu.describe()}`);
  const readPerS = await readOnly(db, live.events);
  log(`live reference (the same events read the worker's way and parsed, no rules, no writes): ${round(readPerS)} events/s`);

  return {
    figures: {
      events_per_s: round(eventsPerS), reference_events_per_s: round(refPerS), ratio: round(eventsPerS / refPerS, 4), rules: rules.length, matches,
      live_events_per_s: round(live.eventsPerS), live_alerts: live.stats.alerts, live_read_events_per_s: round(readPerS), live_ratio_to_read: round(live.eventsPerS / readPerS, 3),
      live_ratio_to_in_memory: round(live.eventsPerS / eventsPerS, 4),
    },
    target: `events_per_s>=${TARGET} live_events_per_s>=${TARGET}`,
    met: eventsPerS >= TARGET && live.eventsPerS >= TARGET,
  };
});
