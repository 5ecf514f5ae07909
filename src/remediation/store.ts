import type { Selectable } from 'kysely';
import type { Executor, Tx } from '#src/db/database.ts';
import type { RemediationItemsTable, RemediationsTable, RemediationTargetsTable } from '#src/db/schema.ts';
import type { Criteria, Criterion, RemediationAction } from './criteria.ts';
import type { Match } from './selection.ts';

/** Who acted on a plan, as the System Log names its actor. */
export type ActorRef = { id: string; type: string; name: string };

export type RemediationStatus = 'PLANNED' | 'APPROVED' | 'APPLYING' | 'COMPLETED' | 'CANCELLED';

export type RemediationRow = {
  id: string;
  name: string;
  status: RemediationStatus;
  criteria: Criteria;
  actions: RemediationAction[];
  created: Date;
  createdBy: ActorRef;
  approved: Date | null;
  approvedBy: ActorRef | null;
  applyStarted: Date | null;
  appliedBy: ActorRef | null;
  completed: Date | null;
  cancelled: Date | null;
  cancelledBy: ActorRef | null;
};

/** A selected user as the dry run saw them: `status` null when the events name a user who no longer exists. */
export type TargetRow = {
  userId: string;
  position: number;
  login: string;
  displayName: string;
  status: string | null;
  adminRoles: string[];
  matched: Partial<Record<Criterion, Match>>;
};

export type ItemState = 'PENDING' | 'DONE' | 'SKIPPED' | 'FAILED';

export type ItemRow = { userId: string; action: RemediationAction; position: number; state: ItemState; reason: string | null; finished: Date | null };

/** How many users a plan selected, and how many of its items are in each state. */
export type PlanCounts = Record<ItemState, number> & { users: number };

/** Rows per INSERT: well within PostgreSQL's 65,535 parameters per statement. */
const CHUNK = 1000;

const toRemediation = (r: Selectable<RemediationsTable>): RemediationRow => ({
  id: r.id, name: r.name, status: r.status as RemediationStatus, criteria: r.criteria as Criteria, actions: r.actions as RemediationAction[],
  created: r.created, createdBy: r.created_by, approved: r.approved, approvedBy: r.approved_by, applyStarted: r.apply_started, appliedBy: r.applied_by,
  completed: r.completed, cancelled: r.cancelled, cancelledBy: r.cancelled_by,
});

const toTarget = (r: Selectable<RemediationTargetsTable>): TargetRow => ({
  userId: r.user_id, position: r.position, login: r.login, displayName: r.display_name, status: r.status, adminRoles: r.admin_roles,
  matched: r.matched as TargetRow['matched'],
});

const toItem = (r: Selectable<RemediationItemsTable>): ItemRow => ({
  userId: r.user_id, action: r.action as RemediationAction, position: r.position, state: r.state as ItemState, reason: r.reason, finished: r.finished,
});

const json = (v: unknown) => JSON.stringify(v);

/** A new plan with its selected users and items, inside the caller's transaction. */
export async function insertPlan(tx: Tx, tenantId: string, plan: RemediationRow, targets: readonly TargetRow[], items: readonly ItemRow[]): Promise<void> {
  await tx.insertInto('remediations').values({
    tenant_id: tenantId, id: plan.id, name: plan.name, status: plan.status, criteria: json(plan.criteria), actions: plan.actions,
    created: plan.created, created_by: json(plan.createdBy),
  }).execute();
  for (let i = 0; i < targets.length; i += CHUNK) {
    await tx.insertInto('remediation_targets').values(targets.slice(i, i + CHUNK).map((t) => ({
      tenant_id: tenantId, remediation_id: plan.id, user_id: t.userId, position: t.position, login: t.login, display_name: t.displayName,
      status: t.status, admin_roles: t.adminRoles, matched: json(t.matched),
    }))).execute();
  }
  for (let i = 0; i < items.length; i += CHUNK) {
    await tx.insertInto('remediation_items').values(items.slice(i, i + CHUNK).map((it) => ({
      tenant_id: tenantId, remediation_id: plan.id, user_id: it.userId, action: it.action, position: it.position, state: it.state, reason: it.reason, finished: it.finished,
    }))).execute();
  }
}

/** A plan of the tenant; locked FOR UPDATE (a change of its status) or FOR SHARE (an item applied under it). */
export async function findRemediation(db: Executor, tenantId: string, id: string, lock: 'update' | 'share' | null = null): Promise<RemediationRow | undefined> {
  let q = db.selectFrom('remediations').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (lock === 'update') q = q.forUpdate();
  if (lock === 'share') q = q.forShare();
  const row = await q.executeTakeFirst();
  return row && toRemediation(row);
}

export async function listRemediations(db: Executor, tenantId: string, limit: number): Promise<RemediationRow[]> {
  const rows = await db.selectFrom('remediations').selectAll().where('tenant_id', '=', tenantId).orderBy('created', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRemediation);
}

export async function targetsOf(db: Executor, tenantId: string, id: string): Promise<TargetRow[]> {
  const rows = await db.selectFrom('remediation_targets').selectAll().where('tenant_id', '=', tenantId).where('remediation_id', '=', id).orderBy('position').execute();
  return rows.map(toTarget);
}

export async function itemsOf(db: Executor, tenantId: string, id: string): Promise<ItemRow[]> {
  const rows = await db.selectFrom('remediation_items').selectAll().where('tenant_id', '=', tenantId).where('remediation_id', '=', id).orderBy('position').execute();
  return rows.map(toItem);
}

/** How many users each plan selected and how many of its items are in each state. */
export async function planCounts(db: Executor, tenantId: string, ids: readonly string[]): Promise<Map<string, PlanCounts>> {
  const out = new Map<string, PlanCounts>(ids.map((id) => [id, { users: 0, PENDING: 0, DONE: 0, SKIPPED: 0, FAILED: 0 }]));
  if (ids.length === 0) return out;
  const items = await db.selectFrom('remediation_items').select((eb) => ['remediation_id', 'state', eb.fn.countAll<string>().as('n')])
    .where('tenant_id', '=', tenantId).where('remediation_id', 'in', [...ids]).groupBy(['remediation_id', 'state']).execute();
  for (const r of items) {
    const counts = out.get(r.remediation_id);
    if (counts) counts[r.state as ItemState] = Number(r.n);
  }
  const users = await db.selectFrom('remediation_targets').select((eb) => ['remediation_id', eb.fn.countAll<string>().as('n')])
    .where('tenant_id', '=', tenantId).where('remediation_id', 'in', [...ids]).groupBy('remediation_id').execute();
  for (const r of users) {
    const counts = out.get(r.remediation_id);
    if (counts) counts.users = Number(r.n);
  }
  return out;
}

/** The next pending items of a plan, in plan order. */
export async function pendingItems(db: Executor, tenantId: string, id: string, limit: number): Promise<ItemRow[]> {
  const rows = await db.selectFrom('remediation_items').selectAll().where('tenant_id', '=', tenantId).where('remediation_id', '=', id)
    .where('state', '=', 'PENDING').orderBy('position').limit(limit).execute();
  return rows.map(toItem);
}

/** One item, locked: of two runs reaching it together, the second finds it no longer pending. */
export async function lockItem(tx: Tx, tenantId: string, id: string, userId: string, action: RemediationAction): Promise<ItemRow | undefined> {
  const row = await tx.selectFrom('remediation_items').selectAll().where('tenant_id', '=', tenantId).where('remediation_id', '=', id)
    .where('user_id', '=', userId).where('action', '=', action).forUpdate().executeTakeFirst();
  return row && toItem(row);
}

export async function finishItem(tx: Tx, tenantId: string, id: string, item: Pick<ItemRow, 'userId' | 'action'>, state: Exclude<ItemState, 'PENDING'>, reason: string | null, at: Date): Promise<void> {
  await tx.updateTable('remediation_items').set({ state, reason, finished: at })
    .where('tenant_id', '=', tenantId).where('remediation_id', '=', id).where('user_id', '=', item.userId).where('action', '=', item.action).execute();
}

export type StatusChange =
  | { status: 'APPROVED'; at: Date; by: ActorRef }
  | { status: 'APPLYING'; at: Date; by: ActorRef }
  | { status: 'COMPLETED'; at: Date }
  | { status: 'CANCELLED'; at: Date; by: ActorRef };

export async function setStatus(tx: Tx, tenantId: string, id: string, change: StatusChange): Promise<void> {
  const set = change.status === 'APPROVED' ? { status: change.status, approved: change.at, approved_by: json(change.by) }
    : change.status === 'APPLYING' ? { status: change.status, apply_started: change.at, applied_by: json(change.by) }
      : change.status === 'COMPLETED' ? { status: change.status, completed: change.at }
        : { status: change.status, cancelled: change.at, cancelled_by: json(change.by) };
  await tx.updateTable('remediations').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}
