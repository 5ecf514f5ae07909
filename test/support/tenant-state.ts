/**
 * Everything a tenant owns, read straight from the tables: the "nothing was written" check compares two of
 * these. Rows are sorted so that the same state always prints the same way.
 */
import type { Db } from '../../src/db/database.ts';

const TABLES = ['users', 'groups', 'group_members', 'admin_roles', 'api_tokens', 'log_chain_heads', 'log_events', 'tenants'] as const;

export async function tenantState(db: Db, tenantId: string): Promise<Record<string, string[]>> {
  const state: Record<string, string[]> = {};
  for (const table of TABLES) {
    const column = table === 'tenants' ? 'id' : 'tenant_id';
    const rows = await db.selectFrom(table).selectAll().where(column, '=', tenantId).execute();
    state[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return state;
}

/** Every id, login and name of the tenant's objects: text that must never appear in another tenant's answers. */
export async function tenantSecrets(db: Db, tenantId: string): Promise<Set<string>> {
  const out = new Set<string>();
  const tenant = await db.selectFrom('tenants').select(['id', 'slug']).where('id', '=', tenantId).executeTakeFirstOrThrow();
  out.add(tenant.id).add(tenant.slug);
  for (const u of await db.selectFrom('users').select(['id', 'login_lower']).where('tenant_id', '=', tenantId).execute()) out.add(u.id).add(u.login_lower);
  for (const g of await db.selectFrom('groups').select(['id', 'name', 'type']).where('tenant_id', '=', tenantId).execute()) {
    out.add(g.id);
    // Every tenant has a group called Everyone; its name says nothing about this one.
    if (g.type !== 'BUILT_IN') out.add(g.name);
  }
  for (const r of await db.selectFrom('admin_roles').select('id').where('tenant_id', '=', tenantId).execute()) out.add(r.id);
  for (const t of await db.selectFrom('api_tokens').select('id').where('tenant_id', '=', tenantId).execute()) out.add(t.id);
  for (const e of await db.selectFrom('log_events').select('uuid').where('tenant_id', '=', tenantId).execute()) out.add(e.uuid);
  return out;
}
