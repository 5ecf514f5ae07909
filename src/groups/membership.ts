import type { Executor } from '#src/db/database.ts';
import { splitPage } from '#src/db/paging.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { isOktaId } from '#src/lib/ids.ts';
import { mayActOn } from '#src/roles/permissions.ts';
import { roleTypesOf } from '#src/roles/service.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { listUsersWhere, type UserPage } from '#src/users/search.ts';
import { getUser, userTarget } from '#src/users/service.ts';
import { MAX_PAGE, type GroupPage } from './search.ts';
import { getGroup, groupTarget, lockGroupForChange } from './service.ts';
import { deleteMember, groupsOfUser, insertMember, memberOfGroup, queryGroups, touchMembership } from './store.ts';

export type PageQuery = { after?: string; limit?: number };

const pageOf = (q: PageQuery) => ({ limit: Math.min(q.limit ?? MAX_PAGE, MAX_PAGE), ...(q.after === undefined ? {} : { after: q.after }) });

/** Members of a group; a BUILT_IN group (Everyone) has every user of the tenant as an implicit member. */
export async function listMembers(ctx: ServiceContext, groupId: string, query: PageQuery): Promise<UserPage> {
  const group = await getGroup(ctx, groupId);
  return listUsersWhere(ctx, group.type === 'BUILT_IN' ? undefined : memberOfGroup(group.id), pageOf(query));
}

/** The groups of a user, Everyone included, in id order. */
export async function listGroupsOfUser(ctx: ServiceContext, userId: string, query: PageQuery): Promise<GroupPage> {
  const user = await getUser(ctx, userId);
  const page = pageOf(query);
  if (page.after !== undefined && !isOktaId(page.after)) throw OktaErrors.invalidPaging();
  const { items, next } = splitPage(await queryGroups(ctx.db, ctx.tenantId, { ...page, where: groupsOfUser(user.id) }), page);
  return { groups: items, next };
}

/** Who may change a user's memberships follows who may change the user: an ORG_ADMIN cannot touch a SUPER_ADMIN. */
async function checkMayActOn(db: Executor, ctx: ServiceContext, userId: string): Promise<void> {
  if (!mayActOn(ctx.actor.roles, await roleTypesOf(db, ctx.tenantId, userId))) throw OktaErrors.forbidden();
}

const isForeignKeyViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23503';

/** Okta's PUT /groups/{id}/users/{userId}: idempotent; logs only an actual change. */
export async function addMember(ctx: ServiceContext, groupId: string, userId: string): Promise<void> {
  const user = await getUser(ctx, userId);
  try {
    await ctx.db.transaction().execute(async (tx) => {
      const group = await lockGroupForChange(tx, ctx, groupId);
      await checkMayActOn(tx, ctx, user.id);
      const now = ctx.clock.now();
      if (!(await insertMember(tx, ctx.tenantId, group.id, user.id, now))) return;
      await touchMembership(tx, ctx.tenantId, group.id, now);
      await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, {
        eventType: 'group.user_membership.add', displayMessage: 'Add user to group membership', target: [userTarget(user), groupTarget(group)],
      });
    });
  } catch (err) {
    // The user was deleted between the lookup and the insert.
    if (isForeignKeyViolation(err)) throw OktaErrors.notFound(`${userId} (User)`);
    throw err;
  }
}

/** Okta's DELETE /groups/{id}/users/{userId}: removing a non-member is a 204 that changes and logs nothing. */
export async function removeMember(ctx: ServiceContext, groupId: string, userId: string): Promise<void> {
  const user = await getUser(ctx, userId);
  await ctx.db.transaction().execute(async (tx) => {
    const group = await lockGroupForChange(tx, ctx, groupId);
    await checkMayActOn(tx, ctx, user.id);
    if (!(await deleteMember(tx, ctx.tenantId, group.id, user.id))) return;
    await touchMembership(tx, ctx.tenantId, group.id, ctx.clock.now());
    await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, {
      eventType: 'group.user_membership.remove', displayMessage: 'Remove user from group membership', target: [userTarget(user), groupTarget(group)],
    });
  });
}
