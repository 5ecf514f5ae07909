import { OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { recordEvent } from '#src/syslog/service.ts';
import type { LogTarget } from '#src/syslog/log-event.ts';
import { ROLE_TYPES, type RoleType } from './permissions.ts';
import { countUsersWithRole, deleteRole, insertRole, lockRoleAssignments, rolesOfUser, rolesOfUsers, type RoleRow } from './store.ts';
import type { Executor, Tx } from '#src/db/database.ts';

export type { RoleRow };

const isRoleType = (t: string): t is RoleType => (ROLE_TYPES as readonly string[]).includes(t);

export async function roleTypesOf(db: Executor, tenantId: string, userId: string): Promise<Set<RoleType>> {
  const rows = await rolesOfUser(db, tenantId, userId);
  return new Set(rows.map((r) => r.type).filter(isRoleType));
}

/** The admin roles of each of `userIds` that holds any. */
export async function roleTypesOfUsers(db: Executor, tenantId: string, userIds: readonly string[]): Promise<Map<string, Set<RoleType>>> {
  const out = new Map<string, Set<RoleType>>();
  for (const r of await rolesOfUsers(db, tenantId, userIds)) {
    if (!isRoleType(r.type)) continue;
    let roles = out.get(r.userId);
    if (!roles) out.set(r.userId, roles = new Set());
    roles.add(r.type);
  }
  return out;
}

export function listRoles(ctx: ServiceContext, userId: string): Promise<RoleRow[]> {
  return rolesOfUser(ctx.db, ctx.tenantId, userId);
}

const ROLE_LABELS: Record<RoleType, string> = {
  SUPER_ADMIN: 'Super Administrator',
  ORG_ADMIN: 'Organizational Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  READ_ONLY_ADMIN: 'Read Only Administrator',
};

export function roleLabel(type: string): string {
  return ROLE_LABELS[type as RoleType] ?? type;
}

/** Grants a role inside an open transaction; the caller has already checked the user exists in the tenant. */
export async function grantRole(tx: Tx, ctx: ServiceContext, user: LogTarget, type: RoleType): Promise<RoleRow> {
  await lockRoleAssignments(tx, ctx.tenantId);
  const existing = await rolesOfUser(tx, ctx.tenantId, user.id);
  if (existing.some((r) => r.type === type)) {
    throw OktaErrors.validation('type', ['The role specified is already assigned to the user.']);
  }
  const now = ctx.clock.now();
  const role: RoleRow = { id: newId('ra1'), userId: user.id, type, created: now, lastUpdated: now };
  await insertRole(tx, ctx.tenantId, role);
  await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, {
    eventType: 'user.account.privilege.grant',
    displayMessage: 'Grant user privilege',
    target: [user],
    debugData: { privilegeGranted: ROLE_LABELS[type], roleType: type, roleId: role.id },
  });
  ctx.authChanged();
  return role;
}

/** Removes one role; the tenant's last super admin cannot lose the role, or nobody could manage admins again. */
export async function revokeRole(tx: Tx, ctx: ServiceContext, user: LogTarget, roleId: string): Promise<void> {
  await lockRoleAssignments(tx, ctx.tenantId);
  const roles = await rolesOfUser(tx, ctx.tenantId, user.id);
  const role = roles.find((r) => r.id === roleId);
  if (!role) throw OktaErrors.notFound(`${roleId} (Role)`);
  if (role.type === 'SUPER_ADMIN' && (await countUsersWithRole(tx, ctx.tenantId, 'SUPER_ADMIN', user.id)) === 0) {
    throw OktaErrors.validation('role', ['The last super administrator of an organization cannot lose that role.']);
  }
  await deleteRole(tx, ctx.tenantId, user.id, roleId);
  const remaining = roles.filter((r) => r.id !== roleId);
  await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, {
    eventType: remaining.length === 0 ? 'user.account.privilege.revoke' : 'user.account.privilege.grant',
    displayMessage: remaining.length === 0 ? 'Revoke user privilege' : 'Grant user privilege',
    target: [user],
    debugData: { privilegeRevoked: roleLabel(role.type), roleType: role.type, roleId, remainingRoles: remaining.map((r) => r.type).join(',') },
  });
  ctx.authChanged();
}

export { activeAdminContacts, type AdminContactRow } from './store.ts';
