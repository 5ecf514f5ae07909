/**
 * Everything a tenant owns, read straight from the tables: the "nothing was written" check compares two of
 * these. Rows are sorted so that the same state always prints the same way.
 *
 * Every table with tenant rows is compared, found in the database's catalog rather than listed: the directory
 * (users, groups, roles, tokens), the System Log, sign-in (unfinished sign-ins, unused sessionTokens, sessions
 * and the networks they were started from), second factors and recovery codes, password recoveries and their
 * tokens, security alerts, the password policy with its history, and whatever table is added next. A refused
 * request that used up a token, ended a session, moved its idle clock, touched a factor's last accepted code or
 * raised an alert has written something, even though no directory row changed.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { builtInRules, signOnPolicyId } from '../../src/policy/sign-on-rules.ts';

/**
 * The tables this comparison must at least find: a check that the discovery below works, not the list of what
 * it compares (that is every table with tenant rows, so a table added later is covered without anyone adding it).
 */
const EXPECTED = [
  'tenants', 'users', 'groups', 'group_members', 'admin_roles', 'api_tokens', 'log_chain_heads', 'log_events',
  'authn_transactions', 'session_tokens', 'sessions', 'sign_in_networks',
  'factors', 'security_alerts', 'password_policies', 'password_history', 'network_zones', 'sign_on_rules',
  'recovery_tokens', 'recovery_transactions', 'recovery_codes',
] as const;

/**
 * Tables with a tenant_id that the comparison leaves out on purpose: the log's signed checkpoints are written
 * by the operator's signing job, never by a request.
 */
const NOT_COMPARED = new Set(['log_checkpoints']);

let tables: Promise<string[]> | undefined;

/** Every table with a tenant_id column (the tenants table, by its id), sorted; the same for every test database. */
function tenantTables(db: Db): Promise<string[]> {
  tables ??= sql<{ table_name: string }>`
    select distinct table_name from information_schema.columns where column_name = 'tenant_id' and table_schema = current_schema()
  `.execute(db).then(({ rows }) => {
    const found = ['tenants', ...rows.map((r) => r.table_name).filter((t) => !NOT_COMPARED.has(t))].sort();
    const missing = EXPECTED.filter((t) => !found.includes(t));
    if (missing.length > 0) throw new Error(`tenant-state.ts did not find the tables ${missing.join(', ')}`);
    return found;
  });
  return tables;
}

export async function tenantState(db: Db, tenantId: string): Promise<Record<string, string[]>> {
  const state: Record<string, string[]> = {};
  for (const table of await tenantTables(db)) {
    const column = table === 'tenants' ? 'id' : 'tenant_id';
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)} where ${sql.ref(column)} = ${tenantId}`.execute(db);
    state[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return state;
}

/** The function that computes a tenant's digest, created once in each test database (one per test file). */
const fingerprintFunctions = new WeakMap<Db, Promise<void>>();

/**
 * A plpgsql function, so that each connection plans the statement over every table once rather than on every
 * call: the matrix tests call it thousands of times, and planning a union of fifty tables cost as much as running it.
 */
function fingerprintFunction(db: Db): Promise<void> {
  let made = fingerprintFunctions.get(db);
  if (!made) {
    made = tenantTables(db).then(async (all) => {
      const parts = all.map((table) => sql`
        select ${sql.lit(table)}::text, count(*)::text || ':' || coalesce(sum(hashtextextended(x::text, 0)::numeric), 0)::text
        from ${sql.table(table)} x where ${sql.ref(`x.${table === 'tenants' ? 'id' : 'tenant_id'}`)} = tid`);
      await sql`create or replace function test_tenant_fingerprint(tid text) returns table (t text, d text) language plpgsql stable as $fp$
        begin return query ${sql.join(parts, sql` union all `)}; end $fp$`.execute(db);
    });
    fingerprintFunctions.set(db, made);
  }
  return made;
}

/**
 * The same comparison as tenantState, as one digest the database computes: per table, the row count and the sum
 * of a 64-bit hash of each row as text (the same rows in any order give the same sum), all tables in one call.
 * For the matrix tests, which compare before and after thousands of refused calls on a tenant whose log keeps
 * growing; when two differ, tenantState says what changed.
 */
export async function tenantFingerprint(db: Db, tenantId: string): Promise<string> {
  await fingerprintFunction(db);
  const { rows } = await sql<{ t: string; d: string }>`select t, d from test_tenant_fingerprint(${tenantId})`.execute(db);
  return rows.map((r) => `${r.t}=${r.d}`).sort().join('\n');
}

/**
 * Every id, login and name of the tenant's objects: text that must never appear in another tenant's answers.
 * Its password policy's id too: `00p` and the tenant id without its prefix, which a search for the tenant id
 * itself would not find.
 */
export async function tenantSecrets(db: Db, tenantId: string): Promise<Set<string>> {
  const out = new Set<string>();
  const tenant = await db.selectFrom('tenants').select(['id', 'slug']).where('id', '=', tenantId).executeTakeFirstOrThrow();
  out.add(tenant.id).add(tenant.slug).add(`00p${tenant.id.slice(3)}`);
  for (const u of await db.selectFrom('users').select(['id', 'login_lower']).where('tenant_id', '=', tenantId).execute()) out.add(u.id).add(u.login_lower);
  for (const g of await db.selectFrom('groups').select(['id', 'name', 'type']).where('tenant_id', '=', tenantId).execute()) {
    out.add(g.id);
    // Every tenant has a group called Everyone; its name says nothing about this one.
    if (g.type !== 'BUILT_IN') out.add(g.name);
  }
  for (const r of await db.selectFrom('admin_roles').select('id').where('tenant_id', '=', tenantId).execute()) out.add(r.id);
  for (const t of await db.selectFrom('api_tokens').select('id').where('tenant_id', '=', tenantId).execute()) out.add(t.id);
  for (const e of await db.selectFrom('log_events').select('uuid').where('tenant_id', '=', tenantId).execute()) out.add(e.uuid);
  for (const s of await db.selectFrom('sessions').select('id').where('tenant_id', '=', tenantId).execute()) out.add(s.id);
  for (const f of await db.selectFrom('factors').select('id').where('tenant_id', '=', tenantId).execute()) out.add(f.id);
  for (const a of await db.selectFrom('security_alerts').select('id').where('tenant_id', '=', tenantId).execute()) out.add(a.id);
  for (const p of await db.selectFrom('password_policies').select('id').where('tenant_id', '=', tenantId).execute()) out.add(p.id);
  out.add(signOnPolicyId(tenantId));
  for (const r of builtInRules(tenantId, { idleMinutes: 1, maxMinutes: 1 })) out.add(r.id);
  for (const r of await db.selectFrom('sign_on_rules').select('id').where('tenant_id', '=', tenantId).execute()) out.add(r.id);
  for (const z of await db.selectFrom('network_zones').select('id').where('tenant_id', '=', tenantId).execute()) out.add(z.id);
  for (const a of await db.selectFrom('apps').select(['id', 'label']).where('tenant_id', '=', tenantId).execute()) out.add(a.id).add(a.label);
  for (const s of await db.selectFrom('app_client_secrets').select('id').where('tenant_id', '=', tenantId).execute()) out.add(s.id);
  return out;
}
