import { splitPage } from '#src/db/paging.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { isOktaId } from '#src/lib/ids.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { getGroup, groupTarget } from '#src/groups/service.ts';
import { listUsersWhere } from '#src/users/search.ts';
import { getUser, userTarget, type UserRow } from '#src/users/service.ts';
import { AppErrors } from './errors.ts';
import { appTarget, loadApp } from './lookup.ts';
import {
  assignedTo, deleteGroupAssignment, deleteUserAssignment, findGroupAssignment, findUserAssignment, insertUserAssignment, queryGroupAssignments, upsertGroupAssignment, userAssignmentsAmong,
  type GroupAssignmentRow, type UserAssignmentRow,
} from './store.ts';

export type PageQuery = { limit?: number; after?: string };
export type AppUser = { user: UserRow; assignment: UserAssignmentRow };

/** Okta pages app users and app groups by 50 by default, at most 500; Bulwark caps at 200 like its other lists. */
const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

function pageOf(q: PageQuery) {
  if (q.after !== undefined && !isOktaId(q.after)) throw OktaErrors.invalidPaging();
  return { limit: Math.min(q.limit ?? DEFAULT_PAGE, MAX_PAGE), ...(q.after === undefined ? {} : { after: q.after }) };
}

/** The users assigned to the app directly, in user id order. */
export async function listAppUsers(ctx: ServiceContext, appId: string, query: PageQuery): Promise<{ users: AppUser[]; next: string | null }> {
  const app = await loadApp(ctx.db, ctx, appId);
  const page = await listUsersWhere(ctx, assignedTo(app.id), pageOf(query));
  const assignments = await userAssignmentsAmong(ctx.db, ctx.tenantId, app.id, page.users.map((u) => u.id));
  const users = page.users.flatMap((user) => {
    const assignment = assignments.get(user.id);
    return assignment ? [{ user, assignment }] : [];
  });
  return { users, next: page.next };
}

export async function getAppUser(ctx: ServiceContext, appId: string, userId: string): Promise<AppUser> {
  const app = await loadApp(ctx.db, ctx, appId);
  const user = await getUser(ctx, userId);
  const assignment = await findUserAssignment(ctx.db, ctx.tenantId, app.id, user.id);
  if (!assignment) throw AppErrors.assignmentNotFound(userId);
  return { user, assignment };
}

const isForeignKeyViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23503';

/** Okta's POST /apps/{id}/users: assigns the user directly; assigning again changes and logs nothing. */
export async function assignUser(ctx: ServiceContext, appId: string, userId: string): Promise<AppUser> {
  const user = await getUser(ctx, userId);
  try {
    await ctx.db.transaction().execute(async (tx) => {
      const app = await loadApp(tx, ctx, appId, true);
      if (!(await insertUserAssignment(tx, ctx.tenantId, app.id, user.id, ctx.clock.now()))) return;
      await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
        eventType: 'application.user_membership.add', displayMessage: 'Add user to application membership', target: [userTarget(user), appTarget(app)],
      }]);
    });
  } catch (err) {
    // The user was deleted between the lookup and the insert.
    if (isForeignKeyViolation(err)) throw OktaErrors.notFound(`${userId} (User)`);
    throw err;
  }
  return getAppUser(ctx, appId, user.id);
}

/** Okta's DELETE /apps/{id}/users/{userId}: only a direct assignment can be removed; none is a 404. */
export async function unassignUser(ctx: ServiceContext, appId: string, userId: string): Promise<void> {
  const user = await getUser(ctx, userId);
  await ctx.db.transaction().execute(async (tx) => {
    const app = await loadApp(tx, ctx, appId, true);
    if (!(await deleteUserAssignment(tx, ctx.tenantId, app.id, user.id))) throw AppErrors.assignmentNotFound(userId);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: 'application.user_membership.remove', displayMessage: "Remove user's application membership", target: [userTarget(user), appTarget(app)],
    }]);
  });
}

export async function listAppGroups(ctx: ServiceContext, appId: string, query: PageQuery): Promise<{ groups: GroupAssignmentRow[]; next: string | null }> {
  const app = await loadApp(ctx.db, ctx, appId);
  const page = pageOf(query);
  const { items, next } = splitPage(await queryGroupAssignments(ctx.db, ctx.tenantId, app.id, page), page);
  return { groups: items, next };
}

export async function getAppGroup(ctx: ServiceContext, appId: string, groupId: string): Promise<GroupAssignmentRow> {
  const app = await loadApp(ctx.db, ctx, appId);
  const group = await getGroup(ctx, groupId);
  const assignment = await findGroupAssignment(ctx.db, ctx.tenantId, app.id, group.id);
  if (!assignment) throw AppErrors.groupAssignmentNotFound(groupId);
  return assignment;
}

/**
 * Okta's PUT /apps/{id}/groups/{groupId}: assigns the group (`group.application_assignment.add`), or changes
 * the priority of its assignment (`.update`); the same priority again changes and logs nothing.
 */
export async function assignGroup(ctx: ServiceContext, appId: string, groupId: string, priority: number): Promise<GroupAssignmentRow> {
  const group = await getGroup(ctx, groupId);
  try {
    await ctx.db.transaction().execute(async (tx) => {
      const app = await loadApp(tx, ctx, appId, true);
      const existing = await findGroupAssignment(tx, ctx.tenantId, app.id, group.id);
      if (existing?.priority === priority) return;
      await upsertGroupAssignment(tx, ctx.tenantId, app.id, group.id, priority, ctx.clock.now());
      await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [existing
        ? { eventType: 'group.application_assignment.update', displayMessage: 'Update assigned application in group', target: [appTarget(app), groupTarget(group)], debugData: { priority } }
        : { eventType: 'group.application_assignment.add', displayMessage: 'Add assigned application to group', target: [appTarget(app), groupTarget(group)], debugData: { priority } }]);
    });
  } catch (err) {
    if (isForeignKeyViolation(err)) throw OktaErrors.notFound(`${groupId} (UserGroup)`);
    throw err;
  }
  return getAppGroup(ctx, appId, group.id);
}

/** Okta's DELETE /apps/{id}/groups/{groupId}; a group that is not assigned is a 404. */
export async function unassignGroup(ctx: ServiceContext, appId: string, groupId: string): Promise<void> {
  const group = await getGroup(ctx, groupId);
  await ctx.db.transaction().execute(async (tx) => {
    const app = await loadApp(tx, ctx, appId, true);
    if (!(await deleteGroupAssignment(tx, ctx.tenantId, app.id, group.id))) throw AppErrors.groupAssignmentNotFound(groupId);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: 'group.application_assignment.remove', displayMessage: 'Remove assigned application from group', target: [appTarget(app), groupTarget(group)],
    }]);
  });
}
