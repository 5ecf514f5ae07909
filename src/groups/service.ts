import type { Tx } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { EventInput, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { newId } from '#src/lib/ids.ts';
import {
  deleteGroupRow, deleteMembershipsOfUser, findGroup, findGroupByName, insertGroup, insertMember, saveGroup, touchMembership, type GroupRow,
} from './store.ts';

export type { GroupRow };
export { existingGroupIds, groupNamesOfUser, groupsOfUserAmong } from './store.ts';

export function groupTarget(group: GroupRow): LogTarget {
  return { id: group.id, type: 'UserGroup', alternateId: 'unknown', displayName: group.name, detailEntry: null };
}

/**
 * Adds a user (already locked or created in `tx`) to groups and returns the events for the caller to record
 * with its own, after all row locks: taking the log's chain head last, and groups in id order, keeps two
 * concurrent changes from deadlocking. An unknown group id fails the whole change.
 */
export async function addUserToGroups(tx: Tx, ctx: ServiceContext, user: LogTarget, groupIds: readonly string[]): Promise<EventInput[]> {
  const events: EventInput[] = [];
  for (const groupId of [...new Set(groupIds)].sort()) {
    const group = await findGroup(tx, ctx.tenantId, groupId, true);
    if (!group) throw OktaErrors.validation('groupIds', [`groupIds: Group ${groupId} was not found`]);
    if (group.type === 'BUILT_IN') continue;
    const now = ctx.clock.now();
    if (!(await insertMember(tx, ctx.tenantId, group.id, user.id, now))) continue;
    await touchMembership(tx, ctx.tenantId, group.id, now);
    events.push({ eventType: 'group.user_membership.add', displayMessage: 'Add user to group membership', target: [user, groupTarget(group)] });
  }
  return events;
}

/** Every tenant has Okta's built-in "Everyone" group; it is made with the tenant, in the same transaction. */
export async function createEveryoneGroup(tx: Tx, ctx: ServiceContext): Promise<GroupRow> {
  const now = ctx.clock.now();
  const group: GroupRow = {
    id: newId('00g'), type: 'BUILT_IN', name: 'Everyone', description: 'All users in your organization',
    created: now, lastUpdated: now, lastMembershipUpdated: now,
  };
  await insertGroup(tx, ctx.tenantId, group);
  await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, { eventType: 'group.lifecycle.create', displayMessage: 'Create Okta group', target: [groupTarget(group)] });
  return group;
}

export type GroupInput = { name: string; description: string | null };

/** Runs `work` in a transaction and turns a lost race on the unique name into Okta's validation error. */
async function inTransaction<T>(ctx: ServiceContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.transaction().execute(work);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw groupNameTaken();
    throw err;
  }
}

/** Creates an OKTA_GROUP; names are unique in a tenant, case-insensitively. */
export async function createGroup(ctx: ServiceContext, input: GroupInput): Promise<GroupRow> {
  return inTransaction(ctx, async (tx) => {
    if (await findGroupByName(tx, ctx.tenantId, input.name)) throw groupNameTaken();
    const now = ctx.clock.now();
    const group: GroupRow = { id: newId('00g'), type: 'OKTA_GROUP', name: input.name, description: input.description, created: now, lastUpdated: now, lastMembershipUpdated: now };
    await insertGroup(tx, ctx.tenantId, group);
    await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, { eventType: 'group.lifecycle.create', displayMessage: 'Create Okta group', target: [groupTarget(group)] });
    return group;
  });
}

function groupNameTaken() {
  return OktaErrors.validation('name', ['name: An object with this field already exists in the current organization']);
}

const groupNotFound = (id: string) => OktaErrors.notFound(`${id} (UserGroup)`);

/** A group of this tenant; absent groups and other tenants' groups look exactly alike. */
export async function getGroup(ctx: ServiceContext, id: string): Promise<GroupRow> {
  const group = await findGroup(ctx.db, ctx.tenantId, id);
  if (!group) throw groupNotFound(id);
  return group;
}

/**
 * Loads and locks a group that is about to change. Okta manages BUILT_IN groups itself: profile, existence and
 * membership are all out of an admin's reach, and it answers such attempts with E0000006.
 */
export async function lockGroupForChange(tx: Tx, ctx: ServiceContext, id: string): Promise<GroupRow> {
  const group = await findGroup(tx, ctx.tenantId, id, true);
  if (!group) throw groupNotFound(id);
  if (group.type !== 'OKTA_GROUP') throw OktaErrors.forbidden();
  return group;
}

/** Replaces the profile (name and description); no event and no new `lastUpdated` when nothing changed. */
export async function updateGroup(ctx: ServiceContext, id: string, input: GroupInput): Promise<GroupRow> {
  return inTransaction(ctx, async (tx) => {
    const group = await lockGroupForChange(tx, ctx, id);
    const changed = (['name', 'description'] as const).filter((k) => group[k] !== input[k]);
    if (changed.length === 0) return group;
    if (await findGroupByName(tx, ctx.tenantId, input.name, group.id)) throw groupNameTaken();
    const updated: GroupRow = { ...group, name: input.name, description: input.description, lastUpdated: ctx.clock.now() };
    await saveGroup(tx, ctx.tenantId, updated);
    await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, {
      eventType: 'group.profile.update',
      displayMessage: 'Okta group profile updated',
      target: [groupTarget(updated)],
      debugData: { changedAttributes: changed.join(',') },
    });
    return updated;
  });
}

/**
 * Deletes an OKTA_GROUP and, with it, its memberships. `beforeDelete` runs first in the same transaction and
 * may refuse (a sign-on rule that names the group).
 */
export async function deleteGroup(ctx: ServiceContext, id: string, beforeDelete: (tx: Tx, groupId: string) => Promise<void>): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const group = await lockGroupForChange(tx, ctx, id);
    await beforeDelete(tx, group.id);
    await deleteGroupRow(tx, ctx.tenantId, group.id);
    await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, { eventType: 'group.lifecycle.delete', displayMessage: 'Delete Okta group', target: [groupTarget(group)] });
  });
}

/**
 * Takes a user out of every group before the user is deleted, and returns the membership events for the
 * caller to record: a deletion leaves no membership change unlogged.
 */
export async function removeUserFromAllGroups(tx: Tx, ctx: ServiceContext, user: LogTarget): Promise<EventInput[]> {
  const groups = await deleteMembershipsOfUser(tx, ctx.tenantId, user.id);
  const now = ctx.clock.now();
  for (const group of groups) await touchMembership(tx, ctx.tenantId, group.id, now);
  return groups.map((group) => ({
    eventType: 'group.user_membership.remove',
    displayMessage: 'Remove user from group membership',
    target: [user, groupTarget(group)],
  }));
}
