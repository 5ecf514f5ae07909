import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '#src/db/database.ts';
import { applyPage, type Page } from '#src/db/paging.ts';

export type GroupRow = {
  id: string;
  type: 'OKTA_GROUP' | 'BUILT_IN';
  name: string;
  description: string | null;
  created: Date;
  lastUpdated: Date;
  lastMembershipUpdated: Date;
};

const columns = ['id', 'type', 'name', 'description', 'created', 'last_updated', 'last_membership_updated'] as const;

type Selected = { id: string; type: string; name: string; description: string | null; created: Date; last_updated: Date; last_membership_updated: Date };

export function toGroupRow(r: Selected): GroupRow {
  return {
    id: r.id,
    type: r.type as GroupRow['type'],
    name: r.name,
    description: r.description,
    created: r.created,
    lastUpdated: r.last_updated,
    lastMembershipUpdated: r.last_membership_updated,
  };
}

export async function insertGroup(db: Executor, tenantId: string, g: GroupRow): Promise<void> {
  await db.insertInto('groups').values({
    tenant_id: tenantId, id: g.id, type: g.type, name: g.name, name_lower: g.name.toLowerCase(), description: g.description,
    created: g.created, last_updated: g.lastUpdated, last_membership_updated: g.lastMembershipUpdated,
  }).execute();
}

export async function findGroup(db: Executor, tenantId: string, id: string, lock = false): Promise<GroupRow | undefined> {
  let q = db.selectFrom('groups').select(columns).where('tenant_id', '=', tenantId).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toGroupRow(row);
}

/** Case-insensitive, as Okta's uniqueness of group names is; `exceptId` lets a group keep its own name. */
export async function findGroupByName(db: Executor, tenantId: string, name: string, exceptId?: string): Promise<GroupRow | undefined> {
  let q = db.selectFrom('groups').select(columns).where('tenant_id', '=', tenantId).where('name_lower', '=', name.toLowerCase());
  if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
  const row = await q.executeTakeFirst();
  return row && toGroupRow(row);
}

export async function saveGroup(db: Executor, tenantId: string, g: GroupRow): Promise<void> {
  await db.updateTable('groups').set({
    name: g.name, name_lower: g.name.toLowerCase(), description: g.description, last_updated: g.lastUpdated,
  }).where('tenant_id', '=', tenantId).where('id', '=', g.id).execute();
}

/** Memberships go with the group (foreign key `on delete cascade`). */
export async function deleteGroupRow(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('groups').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** Adds the membership; false when it already existed. */
export async function insertMember(db: Executor, tenantId: string, groupId: string, userId: string, at: Date): Promise<boolean> {
  const r = await db.insertInto('group_members').values({ tenant_id: tenantId, group_id: groupId, user_id: userId, created: at })
    .onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/** Removes the membership; false when there was none. */
export async function deleteMember(db: Executor, tenantId: string, groupId: string, userId: string): Promise<boolean> {
  const r = await db.deleteFrom('group_members')
    .where('tenant_id', '=', tenantId).where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export async function touchMembership(db: Executor, tenantId: string, groupId: string, at: Date): Promise<void> {
  await db.updateTable('groups').set({ last_membership_updated: at }).where('tenant_id', '=', tenantId).where('id', '=', groupId).execute();
}

/**
 * A predicate over the users table for the users capability's own query: "is a member of this group". Users
 * are read only through that capability; this is the one piece of group knowledge it needs.
 */
export function memberOfGroup(groupId: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from group_members m where m.tenant_id = users.tenant_id and m.group_id = ${groupId} and m.user_id = users.id)`;
}

/** A predicate over groups: the groups a user belongs to, the built-in ones (every user is in them) included. */
export function groupsOfUser(userId: string): RawBuilder<boolean> {
  return sql<boolean>`(groups.type = 'BUILT_IN' or exists (select 1 from group_members m where m.tenant_id = groups.tenant_id and m.group_id = groups.id and m.user_id = ${userId}))`;
}

export type GroupQuery = Page & { where?: RawBuilder<boolean> };

/** A page of groups (see db/paging.ts), one row beyond `limit` telling whether more exist. */
export async function queryGroups(db: Executor, tenantId: string, query: GroupQuery): Promise<GroupRow[]> {
  let q = db.selectFrom('groups').select(columns).where('tenant_id', '=', tenantId);
  if (query.where) q = q.where(query.where);
  const rows = await applyPage(q, query).execute();
  return rows.map(toGroupRow);
}

/** Removes every membership of a user and returns the groups it was in, locked, in id order. */
export async function deleteMembershipsOfUser(db: Executor, tenantId: string, userId: string): Promise<GroupRow[]> {
  const removed = await db.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('user_id', '=', userId).returning('group_id').execute();
  if (removed.length === 0) return [];
  const rows = await db.selectFrom('groups').select(columns).where('tenant_id', '=', tenantId)
    .where('id', 'in', removed.map((r) => r.group_id)).orderBy('id').forUpdate().execute();
  return rows.map(toGroupRow);
}

/** Which of `groupIds` the user is in; a built-in group (Everyone) counts for every user. */
export async function groupsOfUserAmong(db: Executor, tenantId: string, userId: string, groupIds: readonly string[]): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set();
  const rows = await db.selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('id', 'in', [...groupIds]).where(groupsOfUser(userId)).execute();
  return new Set(rows.map((r) => r.id));
}

/** Which of `groupIds` exist in the tenant. */
export async function existingGroupIds(db: Executor, tenantId: string, groupIds: readonly string[]): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set();
  const rows = await db.selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('id', 'in', [...groupIds]).execute();
  return new Set(rows.map((r) => r.id));
}

/** The names of the groups a user is in (Everyone included), for the OpenID Connect `groups` claim. */
export async function groupNamesOfUser(db: Executor, tenantId: string, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('groups').select('name').where('tenant_id', '=', tenantId).where(groupsOfUser(userId)).orderBy('name').execute();
  return rows.map((r) => r.name);
}
