/**
 * Authenticated `GET /api/v1/users/{id}` (token check, tenant check, role check, Okta JSON) against a bare
 * Fastify hello-world measured in the same run with the same load: target ≥ 50% of hello-world's req/s.
 *
 * Fairness: each server runs in a child process of its own and autocannon runs here, so neither server
 * shares an event loop with the load generator; both get the same connections, duration, warm-up and
 * prebuilt requests. Bulwark's child also needs PostgreSQL, which shares the machine's cores: that is the
 * cost being measured. BENCH_CPU_PROF=DIR writes a --cpu-prof profile of the Bulwark child to DIR.
 */
import { systemClock } from '../src/lib/clock.ts';
import { createTenant, operatorServiceContext } from '../src/tenants/service.ts';
import { createUser } from '../src/users/service.ts';
import { log, round, runBench, sized } from './lib/bench.ts';
import { startBenchDatabase } from './lib/database.ts';
import { load, type LoadResult, type LoadSpec } from './lib/load.ts';
import { cpuShares } from './lib/proc.ts';
import { startServerProcess } from './lib/server-process.ts';

const CONNECTIONS = 50;
/** The two servers are measured in alternating rounds, so a change in the machine's other load hits both. */
const ROUNDS = sized(2, 1);
const ROUND_SECONDS = sized(5, 3);
const WARMUP_SECONDS = sized(3, 1);
const FLOOR_SECONDS = sized(5, 2);
const USERS = 100;
const TARGET = 0.5;

type Subject = { label: string; spec: Omit<LoadSpec, 'seconds'>; serverPid: number };
type Tally = { ok: number; seconds: number; serverCpu: number; p50Ms: number; p99Ms: number };

function emptyTally(): Tally {
  return { ok: 0, seconds: 0, serverCpu: 0, p50Ms: 0, p99Ms: 0 };
}

/**
 * One measured run, added to `tally`, with the CPU each party used meanwhile: the server process, PostgreSQL,
 * this load generator, and whatever else the machine ran (other work on a shared machine skews the figures).
 * Latency percentiles keep the worst round's.
 */
async function measure(subject: Subject, seconds: number, pgData: string | undefined, tally: Tally): Promise<LoadResult> {
  const stop = cpuShares({ serverPid: subject.serverPid, pgData });
  const result = await load({ ...subject.spec, seconds });
  const cpu = stop();
  if (result.failed > 0) throw new Error(`${subject.label}: ${result.failed} requests did not get a 2xx answer`);
  tally.ok += result.ok;
  tally.seconds += cpu.wall;
  tally.serverCpu += cpu.server * cpu.wall;
  tally.p50Ms = Math.max(tally.p50Ms, result.p50Ms);
  tally.p99Ms = Math.max(tally.p99Ms, result.p99Ms);
  log(`${subject.label}: ${round(result.rps)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; CPU ${cpu.describe()}, server ${Math.round((cpu.server * 1e6) / result.rps)} µs per request`);
  return result;
}

function rps(t: Tally): number {
  return t.ok / t.seconds;
}

await runBench('api-read', async () => {
  const { db, url, pgData } = await startBenchDatabase(4);
  const tenant = await createTenant(db, systemClock, { slug: 'bench', adminEmail: 'admin@bench.example.com' });
  const ctx = operatorServiceContext(db, systemClock, tenant.tenant.id, 'bench-seed');
  const ids: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const login = `user${i}@bench.example.com`;
    const user = await createUser(ctx, { profile: { login, email: login, firstName: 'Bench', lastName: `User ${i}` }, activate: true, expirePassword: false });
    ids.push(user.id);
  }
  log(`seeded tenant "bench" with ${USERS} users`);

  const profDir = process.env['BENCH_CPU_PROF'];
  const [hello, bulwark] = await Promise.all([
    startServerProcess('hello'),
    startServerProcess('bulwark', { BENCH_DATABASE_URL: url }, profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
  ]);
  const headers = { authorization: `SSWS ${tenant.apiToken}`, accept: 'application/json' };
  const probe = await fetch(`${bulwark.url}/api/v1/users/${ids[0]}`, { headers });
  const body = (await probe.json()) as { id?: string };
  if (probe.status !== 200 || body.id !== ids[0]) throw new Error(`GET user answered ${probe.status} ${JSON.stringify(body)}`);

  const reference: Subject = { label: 'hello world', spec: { url: hello.url, connections: CONNECTIONS }, serverPid: hello.pid };
  const api: Subject = {
    label: 'GET /api/v1/users/{id}',
    spec: { url: bulwark.url, connections: CONNECTIONS, requests: ids.map((id) => ({ path: `/api/v1/users/${id}`, headers })) },
    serverPid: bulwark.pid,
  };
  log(`${CONNECTIONS} connections; ${WARMUP_SECONDS} s warm-up each, then ${ROUNDS} alternating round(s) of ${ROUND_SECONDS} s per server; each server in its own process`);
  for (const subject of [reference, api]) await load({ ...subject.spec, seconds: WARMUP_SECONDS });
  const ref = emptyTally();
  const measured = emptyTally();
  for (let i = 0; i < ROUNDS; i++) {
    await measure(reference, ROUND_SECONDS, undefined, ref);
    await measure(api, ROUND_SECONDS, pgData, measured);
  }
  await hello.stop();

  // Floors that locate the cost: Bulwark's own stack without a database (/healthz), then with one trivial
  // query (/readyz runs `select 1`). Printed for diagnosis only; the target compares the API route.
  for (const path of ['/healthz', '/readyz']) {
    const floor = emptyTally();
    await measure({ label: `floor: Bulwark ${path}`, spec: { url: bulwark.url, connections: CONNECTIONS, requests: [{ path }] }, serverPid: bulwark.pid }, FLOOR_SECONDS, pgData, floor);
    log(`  ${path} reaches ${round(rps(floor) / rps(ref), 2)} of hello world's req/s`);
  }
  await bulwark.stop();
  if (profDir) log(`CPU profile of the Bulwark process written to ${profDir}`);

  const perRequest = (t: Tally) => Math.round((t.serverCpu * 1e6) / t.ok);
  log(`server CPU per request: hello world ${perRequest(ref)} µs, GET user ${perRequest(measured)} µs`);
  const ratio = rps(measured) / rps(ref);
  return {
    figures: { hello_rps: round(rps(ref)), api_rps: round(rps(measured)), ratio: round(ratio, 2), p50_ms: measured.p50Ms, p99_ms: measured.p99Ms },
    target: `ratio>=${TARGET.toFixed(2)}`,
    met: ratio >= TARGET,
  };
});
