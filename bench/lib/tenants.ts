import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { GENESIS_HASH } from '../../src/syslog/chain.ts';
import { systemClock } from '../../src/lib/clock.ts';
import type { RoleType } from '../../src/roles/permissions.ts';
import { grantRole } from '../../src/roles/service.ts';
import { operatorServiceContext } from '../../src/tenants/service.ts';
import { issueToken } from '../../src/tokens/service.ts';
import { insertNewUser, passwordHashFor, userTarget } from '../../src/users/service.ts';

export type BenchTenant = { id: string; slug: string };

/** Okta-shaped 20-character tenant id of bench tenant `i`. */
export function benchTenantId(i: number): string {
  return `00obench${String(i).padStart(12, '0')}`;
}

/**
 * `count` tenants with empty log chains, inserted in one statement: a benchmark's scenery, not the thing it
 * measures (createTenant hashes an admin password per tenant and would take minutes for a thousand).
 */
export async function insertTenants(db: Db, count: number): Promise<BenchTenant[]> {
  await sql`
    insert into tenants (id, slug, name, cell, created)
    select '00obench' || lpad(i::text, 12, '0'), 'bench-' || i, 'Bench tenant ' || i, 'commercial', now() - interval '60 days'
    from generate_series(0, ${count - 1}::int) i`.execute(db);
  await sql`
    insert into log_chain_heads (tenant_id, seq, hash, anchor_seq, anchor_hash)
    select '00obench' || lpad(i::text, 12, '0'), 0, ${GENESIS_HASH}, 0, ${GENESIS_HASH}
    from generate_series(0, ${count - 1}::int) i`.execute(db);
  return Array.from({ length: count }, (_, i) => ({ id: benchTenantId(i), slug: `bench-${i}` }));
}

/**
 * An active admin holding `role` in each tenant, with an API token, created through the real services (so
 * their own System Log events are appended too). One password hash serves every admin: hashing is slow on
 * purpose and is not what the benchmarks measure.
 */
export async function addAdmins(db: Db, tenants: readonly BenchTenant[], role: RoleType, concurrency = 4): Promise<Map<string, string>> {
  const hash = await passwordHashFor(db, tenants[0]?.id ?? '', 'Correct-Horse-Battery-9', 'admin@bench.example.com');
  const tokens = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < tenants.length) {
      const tenant = tenants[next++] as BenchTenant;
      const ctx = operatorServiceContext(db, systemClock, tenant.id, `bench-admin-${tenant.id}`);
      const login = `admin@${tenant.slug}.example.com`;
      const token = await db.transaction().execute(async (tx) => {
        const user = await insertNewUser(tx, ctx, { profile: { login, email: login, firstName: 'Bench', lastName: 'Admin' }, activate: true, expirePassword: false }, hash);
        await grantRole(tx, ctx, userTarget(user), role);
        return (await issueToken(tx, ctx, userTarget(user), 'bench')).value;
      });
      tokens.set(tenant.id, token);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return tokens;
}
