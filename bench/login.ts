/**
 * Password sign-in (`POST /api/v1/authn`, correct password, answered with a sessionToken) against the bare
 * argon2id verification it is built on, with the same parameters, measured in the same run. Both get one
 * core for hashing (UV_THREADPOOL_SIZE=1: @node-rs/argon2 hashes on libuv's pool) so the ratio says how
 * much of a sign-in is the hash. Target: sign-ins per second ≥ 90% of verifications per second.
 *
 * The rest of a sign-in (HTTP, the user lookup, the transaction that clears the failure count, issues the
 * sessionToken and logs `user.authentication.verify`) runs on the main thread and PostgreSQL meanwhile.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/lib/clock.ts';
import { createTenant, operatorServiceContext } from '../src/tenants/service.ts';
import { createUser } from '../src/users/service.ts';
import { log, onCleanup, round, runBench, sized } from './lib/bench.ts';
import { startBenchDatabase } from './lib/database.ts';
import { hostRequest } from './lib/host-request.ts';
import { load } from './lib/load.ts';
import { cpuShares } from './lib/proc.ts';
import { startServerProcess } from './lib/server-process.ts';

const USERS = 50;
const CONNECTIONS = 16;
const ROUNDS = sized(2, 1);
const ROUND_SECONDS = sized(8, 4);
const WARMUP_SECONDS = sized(2, 1);
const PASSWORD = 'Bench-Password-42';
const TARGET = 0.9;
const ONE_HASHING_THREAD = { UV_THREADPOOL_SIZE: '1' };

/** Verifications per second of bare argon2id in a fresh process with one hashing thread. */
function referenceRate(seconds: number): Promise<number> {
  const child = fork(fileURLToPath(new URL('./lib/argon2-reference.ts', import.meta.url)), [], {
    env: { ...process.env, ...ONE_HASHING_THREAD, BENCH_SECONDS: String(seconds) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  onCleanup(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { perSecond?: number }) => (typeof m.perSecond === 'number' ? resolve(m.perSecond) : reject(new Error('argon2 reference: unexpected message'))));
    child.once('exit', (code) => { if (code !== 0) reject(new Error(`argon2 reference exited with ${code}`)); });
  });
}

await runBench('login', async () => {
  const { db, url, pgData } = await startBenchDatabase(4);
  const tenant = await createTenant(db, systemClock, { slug: 'bench', adminEmail: 'admin@bench.example.com' });
  const ctx = operatorServiceContext(db, systemClock, tenant.tenant.id, 'bench-seed');
  const logins: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const login = `user${i}@bench.example.com`;
    await createUser(ctx, { profile: { login, email: login, firstName: 'Bench', lastName: `User ${i}` }, password: PASSWORD, activate: true, expirePassword: false });
    logins.push(login);
  }
  log(`seeded tenant "bench" with ${USERS} users`);

  const server = await startServerProcess('bulwark', { BENCH_DATABASE_URL: url, ...ONE_HASHING_THREAD });
  const host = `bench.localhost:${new URL(server.url).port}`;
  const requests = logins.map((login) => ({
    path: '/api/v1/authn',
    method: 'POST' as const,
    headers: { host, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username: login, password: PASSWORD }),
  }));
  const probe = await hostRequest(`${server.url}/api/v1/authn`, host, 'POST', { username: logins[0], password: PASSWORD });
  if (probe.status !== 200 || !probe.text.includes('"SUCCESS"')) throw new Error(`sign-in answered ${probe.status} ${probe.text}`);

  log(`${CONNECTIONS} connections; ${WARMUP_SECONDS} s warm-up, then ${ROUNDS} alternating round(s) of ${ROUND_SECONDS} s; one hashing thread each`);
  await load({ url: server.url, connections: CONNECTIONS, seconds: WARMUP_SECONDS, requests });
  let refTotal = 0;
  let signIns = 0;
  let signInSeconds = 0;
  let p50 = 0;
  let p99 = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const ref = await referenceRate(ROUND_SECONDS);
    refTotal += ref;
    log(`argon2id verify: ${round(ref, 1)} /s`);
    const stop = cpuShares({ serverPid: server.pid, pgData });
    const result = await load({ url: server.url, connections: CONNECTIONS, seconds: ROUND_SECONDS, requests });
    const cpu = stop();
    if (result.failed > 0) throw new Error(`${result.failed} sign-ins did not get a 2xx answer`);
    signIns += result.ok;
    signInSeconds += cpu.wall;
    p50 = Math.max(p50, result.p50Ms);
    p99 = Math.max(p99, result.p99Ms);
    log(`sign-in: ${round(result.rps, 1)} /s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; CPU ${cpu.describe()}`);
  }
  await server.stop();
  const verifyRate = refTotal / ROUNDS;
  const signInRate = signIns / signInSeconds;
  const ratio = signInRate / verifyRate;
  return {
    figures: { verify_per_s: round(verifyRate, 1), signin_per_s: round(signInRate, 1), ratio: round(ratio, 2), p50_ms: p50, p99_ms: p99 },
    target: `ratio>=${TARGET.toFixed(2)}`,
    met: ratio >= TARGET,
  };
});
