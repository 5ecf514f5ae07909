import type { Tx } from '#src/db/database.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import { roleTypesOfUsers } from '#src/roles/service.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { AuditContext, EventInput, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { logRetentionStart } from '#src/syslog/window.ts';
import { userTarget, usersByIds } from '#src/users/service.ts';
import { USER_DEACTIVATED, USER_GONE } from './actions.ts';
import { ACTIONS, checkCriteria, type CriteriaInput, type RemediationAction } from './criteria.ts';
import { RemediationErrors } from './errors.ts';
import { selectUsers, type Candidate } from './selection.ts';
import {
  findRemediation, insertPlan, itemsOf, listRemediations, planCounts, setStatus, targetsOf,
  type ActorRef, type ItemRow, type PlanCounts, type RemediationRow, type RemediationStatus, type TargetRow,
} from './store.ts';

export type { ActorRef, ItemRow, PlanCounts, RemediationRow };

/** A dry run older than this is stale: the log has moved on, so the plan is made again rather than approved or started. */
export const STALE_AFTER_HOURS = 24;
const STALE_MS = STALE_AFTER_HOURS * 3_600_000;

export type PlanRequest = { name: string; criteria: CriteriaInput; actions: RemediationAction[] };

/** A plan with what it selected and where each item stands. */
export type PlanView = { remediation: RemediationRow; counts: PlanCounts; targets: TargetRow[]; items: ItemRow[] };

/** What a plan is now: one planned or approved but not started within STALE_AFTER_HOURS has expired. */
export function remediationStatus(r: RemediationRow, now: Date): RemediationStatus | 'EXPIRED' {
  if ((r.status === 'PLANNED' || r.status === 'APPROVED') && now.getTime() - r.created.getTime() >= STALE_MS) return 'EXPIRED';
  return r.status;
}

/** When the plan's dry run goes stale, past which it can be neither approved nor started. */
export function staleAt(r: RemediationRow): Date {
  return new Date(r.created.getTime() + STALE_MS);
}

export function remediationTarget(r: Pick<RemediationRow, 'id' | 'name'>): LogTarget {
  return { id: r.id, type: 'Remediation', alternateId: r.name, displayName: r.name, detailEntry: null };
}

/** A plan's counts as its events carry them. */
export function countsData(c: PlanCounts): Record<string, number> {
  return { users: c.users, pending: c.PENDING, done: c.DONE, skipped: c.SKIPPED, failed: c.FAILED };
}

/** The actor of the request, as a plan records who acted on it: a user, or the operator (SystemPrincipal). */
export function actorRef(audit: AuditContext): ActorRef {
  return { id: audit.actor.id, type: audit.actor.type, name: audit.actor.displayName ?? audit.actor.alternateId ?? audit.actor.id };
}

/** Every event of a remediation names it in `transaction.detail`, the users' own events (a reset, a clear) too. */
export function remediationAudit(audit: AuditContext, id: string): AuditContext {
  return { ...audit, transaction: { ...audit.transaction, detail: { ...audit.transaction.detail, remediationId: id } } };
}

/** Why an item is skipped from the start: the user the events name is gone, or can no longer sign in. */
function skippedAtPlan(status: string | null): string | null {
  if (status === null) return USER_GONE;
  if (status === 'DEPROVISIONED') return USER_DEACTIVATED;
  return null;
}

/** The selected users as the plan keeps them, by login: named as they are now, or as the events named them. */
async function targetsFor(ctx: ServiceContext, candidates: readonly Candidate[]): Promise<TargetRow[]> {
  const ids = candidates.map((c) => c.userId);
  const users = new Map((await usersByIds(ctx.db, ctx.tenantId, ids)).map((u) => [u.id, u]));
  const roles = await roleTypesOfUsers(ctx.db, ctx.tenantId, ids);
  const targets = candidates.map((c) => {
    const user = users.get(c.userId);
    const named = user ? userTarget(user) : undefined;
    return {
      userId: c.userId, position: 0, login: named?.alternateId ?? c.login, displayName: named?.displayName ?? c.displayName,
      status: user?.status ?? null, adminRoles: [...(roles.get(c.userId) ?? [])].sort(), matched: c.matched,
    };
  });
  targets.sort((a, b) => (a.login < b.login ? -1 : a.login > b.login ? 1 : a.userId < b.userId ? -1 : 1));
  return targets.map((t, i) => ({ ...t, position: i }));
}

/**
 * The dry run: selects the users the criteria name from the tenant's live System Log, now, and keeps the plan,
 * one item per user and action, PLANNED. Bad criteria are refused whole, with nothing written. Logged as
 * `bulwark.remediation.plan.create`.
 */
export async function planRemediation(ctx: ServiceContext, req: PlanRequest): Promise<PlanView> {
  const now = ctx.clock.now();
  const checked = checkCriteria(req.criteria, now, await logRetentionStart(ctx.db, ctx.tenantId, now));
  if ('causes' in checked) throw RemediationErrors.invalid(checked.causes);
  const targets = await targetsFor(ctx, await selectUsers(ctx.db, ctx.tenantId, checked.criteria));
  const actions = ACTIONS.filter((a) => req.actions.includes(a));
  const items: ItemRow[] = targets.flatMap((t) => actions.map((action) => {
    const reason = skippedAtPlan(t.status);
    return { userId: t.userId, action, position: t.position * ACTIONS.length + ACTIONS.indexOf(action), state: reason === null ? 'PENDING' : 'SKIPPED', reason, finished: null };
  }));
  const plan: RemediationRow = {
    id: newId('rmd'), name: req.name.trim(), status: 'PLANNED', criteria: checked.criteria, actions, created: now, createdBy: actorRef(ctx.audit),
    approved: null, approvedBy: null, applyStarted: null, appliedBy: null, completed: null, cancelled: null, cancelledBy: null,
  };
  const counts: PlanCounts = { users: targets.length, PENDING: 0, DONE: 0, SKIPPED: 0, FAILED: 0 };
  for (const it of items) counts[it.state] += 1;
  await ctx.db.transaction().execute(async (tx) => {
    await insertPlan(tx, ctx.tenantId, plan, targets, items);
    await recordEvent(tx, ctx.clock, ctx.tenantId, remediationAudit(ctx.audit, plan.id), {
      eventType: 'bulwark.remediation.plan.create', displayMessage: 'Plan a remediation (dry run)', target: [remediationTarget(plan)],
      debugData: {
        remediationId: plan.id, criteria: plan.criteria, actions: actions.join(','), ...countsData(counts),
        adminUsers: targets.filter((t) => t.adminRoles.length > 0).length,
      },
    });
  });
  return { remediation: plan, counts, targets, items };
}

async function planOf(ctx: ServiceContext, id: string): Promise<RemediationRow> {
  const r = await findRemediation(ctx.db, ctx.tenantId, id);
  if (!r) throw OktaErrors.notFound(`${id} (Remediation)`);
  return r;
}

async function countsOf(ctx: ServiceContext, id: string): Promise<PlanCounts> {
  return (await planCounts(ctx.db, ctx.tenantId, [id])).get(id) as PlanCounts;
}

/** A plan with its users and items, as it stands now. */
export async function getRemediation(ctx: ServiceContext, id: string): Promise<PlanView> {
  const remediation = await planOf(ctx, id);
  const [counts, targets, items] = await Promise.all([countsOf(ctx, id), targetsOf(ctx.db, ctx.tenantId, id), itemsOf(ctx.db, ctx.tenantId, id)]);
  return { remediation, counts, targets, items };
}

/** The tenant's newest plans, with their counts. */
export async function listPlans(ctx: ServiceContext, limit: number): Promise<{ remediation: RemediationRow; counts: PlanCounts }[]> {
  const plans = await listRemediations(ctx.db, ctx.tenantId, limit);
  const counts = await planCounts(ctx.db, ctx.tenantId, plans.map((p) => p.id));
  return plans.map((remediation) => ({ remediation, counts: counts.get(remediation.id) as PlanCounts }));
}

/** A plan and its counts, after a change of its status. */
export async function summaryOf(ctx: ServiceContext, id: string): Promise<{ remediation: RemediationRow; counts: PlanCounts }> {
  return { remediation: await planOf(ctx, id), counts: await countsOf(ctx, id) };
}

/**
 * Runs `change` on the plan locked FOR UPDATE. A refusal it throws with `denied` set is logged (outcome DENY) in a
 * transaction of its own, since the change's rolled back.
 */
export async function changePlan<T>(ctx: ServiceContext, id: string, change: (tx: Tx, r: RemediationRow) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const r = await findRemediation(tx, ctx.tenantId, id, 'update');
      if (!r) throw OktaErrors.notFound(`${id} (Remediation)`);
      return change(tx, r);
    });
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    await ctx.db.transaction().execute((tx) => recordEvent(tx, ctx.clock, ctx.tenantId, remediationAudit(ctx.audit, id), err.event));
    throw err.error;
  }
}

/** A refused step of a plan's life, with its DENY event. */
export class Refusal extends Error {
  readonly error: AppError;
  readonly event: EventInput;
  constructor(error: AppError, event: EventInput) {
    super(error.message);
    this.error = error;
    this.event = event;
  }
}

/**
 * Approves a PLANNED plan whose dry run is not stale: a super admin other than the one who planned it (four
 * eyes; a refusal is logged, DENY SELF_APPROVAL), or the operator through the CLI, the break-glass path.
 * Logged as `bulwark.remediation.approve`.
 */
export async function approveRemediation(ctx: ServiceContext, id: string): Promise<void> {
  await changePlan(ctx, id, async (tx, r) => {
    const now = ctx.clock.now();
    const status = remediationStatus(r, now);
    if (status === 'EXPIRED') throw RemediationErrors.stale(STALE_AFTER_HOURS);
    if (status !== 'PLANNED') throw RemediationErrors.wrongStatus(status, 'approved');
    const by = actorRef(ctx.audit);
    if (by.type !== 'SystemPrincipal' && by.id === r.createdBy.id) {
      throw new Refusal(RemediationErrors.selfApproval(), {
        eventType: 'bulwark.remediation.approve', displayMessage: 'Approval of a remediation refused: planned by the same admin', severity: 'WARN',
        outcome: { result: 'DENY', reason: 'SELF_APPROVAL' }, target: [remediationTarget(r)], debugData: { remediationId: r.id },
      });
    }
    await setStatus(tx, ctx.tenantId, r.id, { status: 'APPROVED', at: now, by });
    await recordEvent(tx, ctx.clock, ctx.tenantId, remediationAudit(ctx.audit, r.id), {
      eventType: 'bulwark.remediation.approve', displayMessage: 'Approve a remediation', target: [remediationTarget(r)],
      debugData: { remediationId: r.id, plannedBy: r.createdBy.name, planned: r.created.toISOString() },
    });
  });
}

/**
 * Cancels a plan that is not finished: planned, approved (stale or not), or applying, which then stops before
 * its next item (items applied stay applied). Logged as `bulwark.remediation.cancel` with where the items stood.
 */
export async function cancelRemediation(ctx: ServiceContext, id: string): Promise<void> {
  await changePlan(ctx, id, async (tx, r) => {
    if (r.status === 'COMPLETED' || r.status === 'CANCELLED') throw RemediationErrors.wrongStatus(r.status, 'cancelled');
    const now = ctx.clock.now();
    await setStatus(tx, ctx.tenantId, r.id, { status: 'CANCELLED', at: now, by: actorRef(ctx.audit) });
    const counts = (await planCounts(tx, ctx.tenantId, [r.id])).get(r.id) as PlanCounts;
    await recordEvent(tx, ctx.clock, ctx.tenantId, remediationAudit(ctx.audit, r.id), {
      eventType: 'bulwark.remediation.cancel', displayMessage: 'Cancel a remediation', target: [remediationTarget(r)],
      debugData: { remediationId: r.id, from: remediationStatus(r, now), ...countsData(counts) },
    });
  });
}
