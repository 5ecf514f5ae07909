/**
 * What enforcing a support access grant costs a support request (docs/support-access.md): the check the auth
 * hook runs for `Authorization: Support …` (src/support-access/authenticate.ts), which reads the token, its
 * grant, the grant's case, the organization and the staff member's account in one query and judges them, with
 * nothing cached so that a revocation counts at the next request. p50 per check, one at a time, on a database
 * holding 2,000 grants (quick: 200) across 200 organizations. Target: < 0.3 ms. The reference, in the same run
 * and on the same pool, is a bare `select 1`: one round trip to PostgreSQL, the least any check that asks the
 * database can cost.
 */
import { sql } from 'kysely';
import { openCase } from '../src/cases/service.ts';
import { systemClock } from '../src/lib/clock.ts';
import { authenticateSupport } from '../src/support-access/authenticate.ts';
import { decide, issueAccessToken, requestAccess } from '../src/support-access/service.ts';
import { createTenant, operatorServiceContext } from '../src/tenants/service.ts';
import { log, percentile, round, runBench, sized } from './lib/bench.ts';
import { startBenchDatabase } from './lib/database.ts';
import { BENCH_CELL, benchSupportStaff } from './lib/support-staff.ts';

const TARGET_MS = 0.3;
const TENANTS = sized(200, 50);
const GRANTS_PER_TENANT = sized(10, 4);
const CHECKS = sized(20_000, 4_000);

await runBench('grant-check', async () => {
  const bench = await startBenchDatabase(4);
  const { db } = bench;
  const clock = systemClock;
  const { plane, signIn, staff, audit } = await benchSupportStaff(db, clock, 'bench-grant-check');

  const started = performance.now();
  const headers: string[] = [];
  for (let t = 0; t < TENANTS; t++) {
    const tenant = await createTenant(db, clock, { slug: `bench${t}`, adminEmail: `admin@bench${t}.example.com` });
    const customer = await signIn(tenant.tenant.id, { subject: `00ubenchcustomer${t}`, name: 'Bench Customer', email: `c@bench${t}.example.com`, adminRoles: [], staffRoles: [] });
    const opened = await openCase({ db, clock, cell: BENCH_CELL, user: customer, audit: audit() }, { title: 'Bench', description: 'Bench case', severity: 'SEV3', productArea: 'SIGN_IN' });
    const admin = operatorServiceContext(db, clock, tenant.tenant.id, 'bench');
    for (let g = 0; g < GRANTS_PER_TENANT; g++) {
      const grant = await requestAccess(staff, opened.id, { scopes: ['okta.users.read', 'okta.users.factors.reset'], justification: 'Benchmarking the grant check.' });
      await decide(admin, grant.id, { id: 'bench-admin', name: 'Bench Admin' }, 'APPROVED', {});
      headers.push(`Support ${(await issueAccessToken(staff, grant.id)).token}`);
    }
    // The request limit across organizations is for people; the bench asks for far more than an hour's worth.
    await sql`update support_access_grants set requested = requested - interval '2 hours' where plane_id = ${plane.tenant.id}`.execute(db);
  }
  log(`${TENANTS} organizations, ${headers.length} approved grants with a token each, made in ${round(performance.now() - started)} ms`);

  for (const header of headers.slice(0, 500)) if (!(await authenticateSupport(db, clock, header))) throw new Error('a grant was refused');
  const times: number[] = [];
  for (let i = 0; i < CHECKS; i++) {
    const header = headers[(i * 7919) % headers.length] as string;
    const began = performance.now();
    const principal = await authenticateSupport(db, clock, header);
    times.push(performance.now() - began);
    if (!principal) throw new Error(`check ${i} refused`);
  }
  times.sort((a, b) => a - b);
  const reference: number[] = [];
  for (let i = 0; i < CHECKS; i++) {
    const began = performance.now();
    await sql`select 1`.execute(db);
    reference.push(performance.now() - began);
  }
  reference.sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  const refP50 = percentile(reference, 50);
  log(`grant check: p50 ${round(p50 * 1000, 1)} µs, p99 ${round(percentile(times, 99) * 1000, 1)} µs over ${CHECKS}; bare select 1 p50 ${round(refP50 * 1000, 1)} µs`);
  return {
    figures: { check_p50_ms: round(p50, 4), check_p99_ms: round(percentile(times, 99), 4), select1_p50_ms: round(refP50, 4), ratio_to_select1: round(p50 / refP50, 2) },
    target: `check_p50_ms<${TARGET_MS}`,
    met: p50 < TARGET_MS,
  };
});
