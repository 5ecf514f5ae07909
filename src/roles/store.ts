import { sql } from 'kysely';
import type { Executor } from '#src/db/database.ts';

export type RoleRow = { id: string; userId: string; type: string; created: Date; lastUpdated: Date };

const columns = ['id', 'user_id', 'type', 'created', 'last_updated'] as const;

function toRow(r: { id: string; user_id: string; type: string; created: Date; last_updated: Date }): RoleRow {
  return { id: r.id, userId: r.user_id, type: r.type, created: r.created, lastUpdated: r.last_updated };
}

export async function rolesOfUser(db: Executor, tenantId: string, userId: string): Promise<RoleRow[]> {
  const rows = await db.selectFrom('admin_roles').select(columns).where('tenant_id', '=', tenantId).where('user_id', '=', userId).orderBy('created').orderBy('id').execute();
  return rows.map(toRow);
}

/** The role assignments of the users among `ids` (one query for a list of users). */
export async function rolesOfUsers(db: Executor, tenantId: string, ids: readonly string[]): Promise<RoleRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('admin_roles').select(columns).where('tenant_id', '=', tenantId).where('user_id', 'in', [...ids]).execute();
  return rows.map(toRow);
}

export async function insertRole(db: Executor, tenantId: string, role: RoleRow): Promise<void> {
  await db.insertInto('admin_roles').values({
    tenant_id: tenantId, id: role.id, user_id: role.userId, type: role.type, created: role.created, last_updated: role.lastUpdated,
  }).execute();
}

export async function deleteRole(db: Executor, tenantId: string, userId: string, roleId: string): Promise<RoleRow | undefined> {
  const row = await db.deleteFrom('admin_roles').where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('id', '=', roleId).returning(columns).executeTakeFirst();
  return row && toRow(row);
}

export async function countUsersWithRole(db: Executor, tenantId: string, type: string, exceptUserId: string): Promise<number> {
  const row = await db.selectFrom('admin_roles').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId).where('type', '=', type).where('user_id', '<>', exceptUserId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Serializes role changes within a tenant, so "the last super admin keeps the role" holds under concurrency. */
export async function lockRoleAssignments(db: Executor, tenantId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`roles:${tenantId}`}, 0))`.execute(db);
}

export type AdminContactRow = { tenant_id: string; email: string; name: string | null };

/** The active super and org admins of the given tenants, who are told when something happens to their tenant. */
export async function activeAdminContacts(db: Executor, tenantIds: readonly string[]): Promise<AdminContactRow[]> {
  if (tenantIds.length === 0) return [];
  const rows = await db.selectFrom('admin_roles as r')
    .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'r.tenant_id').onRef('u.id', '=', 'r.user_id'))
    .select(['r.tenant_id', sql<string>`coalesce(u.profile->>'email', u.profile->>'login')`.as('email'),
      sql<string | null>`nullif(trim(concat_ws(' ', u.profile->>'firstName', u.profile->>'lastName')), '')`.as('name')])
    .where('r.tenant_id', 'in', tenantIds).where('r.type', 'in', ['SUPER_ADMIN', 'ORG_ADMIN']).where('u.status', '=', 'ACTIVE')
    .distinct().orderBy('r.tenant_id').orderBy('email').execute();
  return rows;
}
