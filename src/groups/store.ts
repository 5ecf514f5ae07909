import type { Executor } from '#src/db/database.ts';

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

export async function findGroupByName(db: Executor, tenantId: string, name: string): Promise<GroupRow | undefined> {
  const row = await db.selectFrom('groups').select(columns).where('tenant_id', '=', tenantId).where('name_lower', '=', name.toLowerCase()).executeTakeFirst();
  return row && toGroupRow(row);
}

/** Adds the membership; false when it already existed. */
export async function insertMember(db: Executor, tenantId: string, groupId: string, userId: string, at: Date): Promise<boolean> {
  const r = await db.insertInto('group_members').values({ tenant_id: tenantId, group_id: groupId, user_id: userId, created: at })
    .onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function touchMembership(db: Executor, tenantId: string, groupId: string, at: Date): Promise<void> {
  await db.updateTable('groups').set({ last_membership_updated: at }).where('tenant_id', '=', tenantId).where('id', '=', groupId).execute();
}
