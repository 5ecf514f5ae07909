import type { ServiceContext } from '#src/service-context.ts';
import { clearSessionsOfUser } from '#src/sessions/service.ts';
import { getUser, userTarget } from '#src/users/service.ts';
import type { RoleType } from './permissions.ts';
import { grantRole, listRoles, revokeRole, type RoleRow } from './service.ts';

/** Role assignment by user id or login, as /api/v1/users/{id}/roles and the CLI call it. */
export async function rolesOfUser(ctx: ServiceContext, idOrLogin: string): Promise<RoleRow[]> {
  const user = await getUser(ctx, idOrLogin);
  return listRoles(ctx, user.id);
}

/**
 * A change of privilege ends the user's sessions, in the same transaction: a session carries the privilege
 * it was signed in with, so the next one starts with a new id, a new cookie and a sign-in that meets the
 * sign-on rules for the new role.
 */
export async function assignRole(ctx: ServiceContext, idOrLogin: string, type: RoleType): Promise<RoleRow> {
  const target = userTarget(await getUser(ctx, idOrLogin));
  return ctx.db.transaction().execute(async (tx) => {
    const role = await grantRole(tx, ctx, target, type);
    await clearSessionsOfUser(tx, ctx.clock, ctx.tenantId, ctx.audit, target, 'privilege');
    return role;
  });
}

export async function unassignRole(ctx: ServiceContext, idOrLogin: string, roleId: string): Promise<void> {
  const target = userTarget(await getUser(ctx, idOrLogin));
  await ctx.db.transaction().execute(async (tx) => {
    await revokeRole(tx, ctx, target, roleId);
    await clearSessionsOfUser(tx, ctx.clock, ctx.tenantId, ctx.audit, target, 'privilege');
  });
}
