/**
 * How soon a support action shows in the tenant's live view (docs/support-access.md): 100 admins watch the
 * tenant's support activity over server-sent events (`GET /api/v1/support-access/activity`) while a staff
 * member under an approved grant reads the tenant's users, one request at a time; each read is logged as
 * support activity before it is answered. The latency of an action is from the moment its request was sent
 * (so before its transaction committed: an upper bound) to the moment each viewer has the event, over every
 * viewer and every action. Target: p99 < 1 s. The reference, in the same run, is PostgreSQL's own
 * LISTEN/NOTIFY: a notification sent by one connection and heard by another, the floor under any live view
 * built on it.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openCase } from '../src/cases/service.ts';
import { systemClock } from '../src/lib/clock.ts';
import { decide, issueAccessToken, requestAccess } from '../src/support-access/service.ts';
import { createTenant, operatorServiceContext } from '../src/tenants/service.ts';
import { openSse, type SseStream } from '../test/support/sse.ts';
import { log, percentile, round, runBench, sized } from './lib/bench.ts';
import { startBenchDatabase } from './lib/database.ts';
import { BENCH_CELL, benchSupportStaff } from './lib/support-staff.ts';
import { startServerProcess } from './lib/server-process.ts';

const TARGET_MS = 1000;
const VIEWERS = 100;
const ACTIONS = sized(200, 60);

/** The action number a read's event carries in its query (`q=live-N`), or undefined for any other event. */
function actionOf(data: string): number | undefined {
  const event = JSON.parse(data) as { eventType: string; debugContext: { debugData: { query?: string } } };
  if (event.eventType !== 'bulwark.support.api.read') return undefined;
  const n = /(?:^|&)q=live-(\d+)/.exec(event.debugContext.debugData.query ?? '')?.[1];
  return n === undefined ? undefined : Number(n);
}

/** LISTEN/NOTIFY on the bench's own database: send on one connection, hear on another; milliseconds each. */
async function notifyReference(url: string, count: number): Promise<number[]> {
  const listener = new pg.Client({ connectionString: url });
  const sender = new pg.Client({ connectionString: url });
  await Promise.all([listener.connect(), sender.connect()]);
  await listener.query('listen bench_reference');
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const heard = new Promise<void>((resolve) => listener.once('notification', () => resolve()));
      const began = performance.now();
      await sender.query('select pg_notify($1, $2)', ['bench_reference', String(i)]);
      await heard;
      times.push(performance.now() - began);
    }
  } finally {
    await Promise.all([listener.end(), sender.end()]);
  }
  return times.sort((a, b) => a - b);
}

await runBench('live-view', async () => {
  const bench = await startBenchDatabase(4);
  const { db } = bench;
  const clock = systemClock;
  const { signIn, staff, audit } = await benchSupportStaff(db, clock, 'bench-live-view');
  const tenant = await createTenant(db, clock, { slug: 'live', adminEmail: 'admin@live.example.com' });
  const customer = await signIn(tenant.tenant.id, { subject: '00ulivecustomer', name: 'Bench Customer', email: 'c@live.example.com', adminRoles: [], staffRoles: [] });
  const opened = await openCase({ db, clock, cell: BENCH_CELL, user: customer, audit: audit() }, { title: 'Bench', description: 'Bench case', severity: 'SEV2', productArea: 'SIGN_IN' });
  const grant = await requestAccess(staff, opened.id, { scopes: ['okta.users.read'], justification: 'Benchmarking the live view.' });
  await decide(operatorServiceContext(db, clock, tenant.tenant.id, 'bench'), grant.id, { id: 'bench-admin', name: 'Bench Admin' }, 'APPROVED', {});
  const support = `Support ${(await issueAccessToken(staff, grant.id)).token}`;

  const server = await startServerProcess('bulwark', { BENCH_DATABASE_URL: bench.url });
  const viewers: SseStream[] = [];
  for (let v = 0; v < VIEWERS; v++) {
    const viewer = await openSse(`${server.url}/api/v1/support-access/activity`, { authorization: `SSWS ${tenant.apiToken}` });
    if (viewer.status !== 200) throw new Error(`viewer ${v}: ${viewer.status}`);
    viewers.push(viewer);
  }
  log(`${VIEWERS} viewers watching on ${bench.server}`);

  const latencies: number[] = [];
  const read = async (n: number) => {
    const res = await fetch(`${server.url}/api/v1/users?limit=1&q=live-${n}`, { headers: { authorization: support, accept: 'application/json' } });
    if (res.status !== 200) throw new Error(`action ${n}: ${res.status}`);
    await res.arrayBuffer();
  };
  for (let n = 0; n < 5; n++) await read(-1 - n);
  for (let n = 0; n < ACTIONS; n++) {
    const from = viewers.map((v) => v.messages.length);
    const sent = performance.now();
    await read(n);
    const arrivals = await Promise.all(viewers.map((v, i) => v.next((m) => m.event === 'activity' && actionOf(m.data) === n, 10_000, from[i])));
    for (const m of arrivals) latencies.push(m.at - sent);
  }
  for (const v of viewers) v.close();
  await server.stop();
  latencies.sort((a, b) => a - b);

  const reference = await notifyReference(bench.url, ACTIONS);
  const p99 = percentile(latencies, 99);
  const refP99 = percentile(reference, 99);
  log(`action to viewer: p50 ${round(percentile(latencies, 50), 1)} ms, p99 ${round(p99, 1)} ms, max ${round(latencies.at(-1) ?? 0, 1)} ms over ${latencies.length} deliveries (${ACTIONS} actions × ${VIEWERS} viewers)`);
  log(`bare LISTEN/NOTIFY: p50 ${round(percentile(reference, 50), 2)} ms, p99 ${round(refP99, 2)} ms`);
  return {
    figures: {
      viewers: VIEWERS, actions: ACTIONS, p50_ms: round(percentile(latencies, 50), 1), p99_ms: round(p99, 1),
      notify_p99_ms: round(refP99, 2), ratio_to_notify: round(p99 / refP99, 1),
    },
    target: `p99_ms<${TARGET_MS}`,
    met: p99 < TARGET_MS,
  };
});
