/**
 * The cost of checking a session cookie. Two measurements in one run:
 * - the check alone: `sessionForCookie` (src/sessions/service.ts) called in a loop in this process against
 *   the real database, p50 per call (target < 0.2 ms);
 * - what it adds to a request: the same trivial route served with and without the check in front of it
 *   (both find the tenant by Host), under the same load, in the server's own process (target ≤ 10% fewer
 *   requests per second), as the median over pairs of short rounds: on these machines two runs of the
 *   same route minutes apart differ by 10%, more than the figure measured.
 */
import { systemClock } from '../src/lib/clock.ts';
import { sessionForCookie } from '../src/sessions/service.ts';
import { createTenant, operatorServiceContext } from '../src/tenants/service.ts';
import { createUser } from '../src/users/service.ts';
import { log, percentile, round, runBench, sized } from './lib/bench.ts';
import { startBenchDatabase } from './lib/database.ts';
import { hostRequest } from './lib/host-request.ts';
import { load, type LoadResult } from './lib/load.ts';
import { startServerProcess } from './lib/server-process.ts';

const CONNECTIONS = 50;
const PAIRS = sized(10, 4);
const ROUND_SECONDS = sized(2, 2);
const CHECKS = sized(20_000, 5_000);
const TARGET_MS = 0.2;
const TARGET_OVERHEAD = 0.1;
const PASSWORD = 'Bench-Password-42';

await runBench('session-check', async () => {
  const { db, url } = await startBenchDatabase(4);
  const tenant = await createTenant(db, systemClock, { slug: 'bench', adminEmail: 'admin@bench.example.com' });
  const login = 'user@bench.example.com';
  await createUser(operatorServiceContext(db, systemClock, tenant.tenant.id, 'bench-seed'), {
    profile: { login, email: login, firstName: 'Bench', lastName: 'User' }, password: PASSWORD, activate: true, expirePassword: false,
  });
  const server = await startServerProcess('bulwark', { BENCH_DATABASE_URL: url, BENCH_SESSION_ROUTES: '1' });
  const host = `bench.localhost:${new URL(server.url).port}`;
  const authn = await hostRequest(`${server.url}/api/v1/authn`, host, 'POST', { username: login, password: PASSWORD });
  const { sessionToken } = JSON.parse(authn.text) as { sessionToken: string };
  const redirect = await hostRequest(`${server.url}/login/sessionCookieRedirect?token=${sessionToken}&redirectUrl=%2F`, host, 'GET');
  const cookie = (redirect.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
  const value = cookie.slice('sid='.length);
  if (redirect.status !== 302 || value.length !== 43) throw new Error(`no session cookie: ${redirect.status} ${cookie}`);

  const times: number[] = [];
  for (let i = 0; i < CHECKS; i++) {
    const began = performance.now();
    const session = await sessionForCookie(db, systemClock, tenant.tenant.id, value);
    times.push(performance.now() - began);
    if (!session) throw new Error('the session check failed');
  }
  times.sort((a, b) => a - b);
  const checkP50 = percentile(times, 50);
  log(`sessionForCookie: p50 ${round(checkP50 * 1000, 1)} µs, p99 ${round(percentile(times, 99) * 1000, 1)} µs over ${CHECKS} calls`);

  const spec = (path: string) => ({ url: server.url, connections: CONNECTIONS, requests: [{ path, headers: { host, cookie } }] });
  const withCheck = spec('/bench/with-session');
  const without = spec('/bench/without-session');
  for (const s of [withCheck, without]) await load({ ...s, seconds: 1 });
  const check = (r: LoadResult, label: string) => {
    if (r.failed > 0) throw new Error(`${label}: ${r.failed} requests failed`);
    log(`${label}: ${round(r.rps)} req/s, p50 ${r.p50Ms} ms`);
    return r.rps;
  };
  // Short rounds in pairs, each pair in ABBA order, and the median of the pairs' ratios: a drift in the
  // machine's speed falls on both routes of a pair alike, and one disturbed pair does not move the median.
  const ratios: number[] = [];
  const rates = { with: [] as number[], without: [] as number[] };
  for (let i = 0; i < PAIRS; i++) {
    const runWith = async () => check(await load({ ...withCheck, seconds: ROUND_SECONDS }), 'same route with the session check');
    const runWithout = async () => check(await load({ ...without, seconds: ROUND_SECONDS }), 'route without the check');
    let w: number;
    let wo: number;
    if (i % 2 === 0) {
      w = await runWith();
      wo = await runWithout();
    } else {
      wo = await runWithout();
      w = await runWith();
    }
    rates.with.push(w);
    rates.without.push(wo);
    ratios.push(w / wo);
  }
  await server.stop();
  ratios.sort((x, y) => x - y);
  const overhead = 1 - percentile(ratios, 50);
  const median = (xs: number[]) => percentile([...xs].sort((x, y) => x - y), 50);
  return {
    figures: { check_p50_ms: round(checkP50, 4), with_rps: round(median(rates.with)), without_rps: round(median(rates.without)), overhead: round(overhead, 3), pairs: PAIRS },
    target: `check_p50_ms<${TARGET_MS},overhead<=${TARGET_OVERHEAD}`,
    met: checkP50 < TARGET_MS && overhead <= TARGET_OVERHEAD,
  };
});
