/**
 * The Sigma evaluator (src/detections) over a live-like System Log stream: every SigmaHQ Okta rule in
 * shared/data/sigma-okta (all must load) run by `matchAll` over 1,000,000 events (quick: 200,000) on the main
 * thread, in batches of 1,000 as a poller of the live log hands them over. The events are already parsed:
 * 20,000 distinct LogEvents from bench/lib/okta-stream.ts (a mix of event types modelled on the real ones in
 * shared/data), replayed in turn. The reference, in the same run over the same batches, is a bare loop that
 * reads each event's `eventType`: what any consumer of the stream pays at least.
 * Target: ≥ 20,000 events/s on one core.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSigmaRules } from '../src/detections/sigma-load.ts';
import { sigmaRuleSet, type SigmaEvent } from '../src/detections/sigma-match.ts';
import { log, profiled, round, runBench, sized } from './lib/bench.ts';
import { KINDS, oktaEventStream } from './lib/okta-stream.ts';

const TARGET = 20_000;
const EVENTS = sized(1_000_000, 200_000);
const POOL = 20_000;
const BATCH = 1_000;
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

  return {
    figures: { events_per_s: round(eventsPerS), reference_events_per_s: round(refPerS), ratio: round(eventsPerS / refPerS, 4), rules: rules.length, matches },
    target: `events_per_s>=${TARGET}`,
    met: eventsPerS >= TARGET,
  };
});
