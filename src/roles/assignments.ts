import type { ServiceContext } from '#src/service-context.ts';
import { getUser, userTarget } from '#src/users/service.ts';
import type { RoleType } from './permissions.ts';
import { grantRole, listRoles, revokeRole, type RoleRow } from './service.ts';

/** Role assignment by user id or login, as /api/v1/users/{id}/roles and the CLI call it. */
export async function rolesOfUser(ctx: ServiceContext, idOrLogin: string): Promise<RoleRow[]> {
  const user = await getUser(ctx, idOrLogin);
  return listRoles(ctx, user.id);
}

export async function assignRole(ctx: ServiceContext, idOrLogin: string, type: RoleType): Promise<RoleRow> {
  const user = await getUser(ctx, idOrLogin);
  return ctx.db.transaction().execute((tx) => grantRole(tx, ctx, userTarget(user), type));
}

export async function unassignRole(ctx: ServiceContext, idOrLogin: string, roleId: string): Promise<void> {
  const user = await getUser(ctx, idOrLogin);
  await ctx.db.transaction().execute((tx) => revokeRole(tx, ctx, userTarget(user), roleId));
}
