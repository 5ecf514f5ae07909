import { AppError } from '#src/http/errors.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { EventInput, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { performAction } from './actions.ts';
import { RemediationErrors } from './errors.ts';
import {
  actorRef, changePlan, countsData, remediationAudit, remediationStatus, remediationTarget, Refusal, STALE_AFTER_HOURS, summaryOf, type ItemRow, type PlanCounts, type RemediationRow,
} from './service.ts';
import { findRemediation, finishItem, lockItem, pendingItems, planCounts, setStatus } from './store.ts';

/** `tenantOrigin`: the tenant's address, for the recovery link a password reset issues (it goes to the user). */
export type ApplyOptions = { tenantOrigin: string; onItem?: (item: ItemRow, state: 'DONE' | 'SKIPPED' | 'FAILED') => void };

const BATCH = 100;

type ItemResult = { state: 'DONE' | 'SKIPPED' | 'FAILED'; reason: string | null; user: LogTarget };

function itemEvent(r: RemediationRow, item: ItemRow, result: ItemResult): EventInput {
  return {
    eventType: 'bulwark.remediation.item.apply',
    displayMessage: 'Apply a remediation action to a user',
    outcome: result.state === 'DONE' ? { result: 'SUCCESS' } : { result: result.state === 'SKIPPED' ? 'SKIPPED' : 'FAILURE', reason: result.reason },
    target: [result.user, remediationTarget(r)],
    debugData: { remediationId: r.id, action: item.action, state: result.state, ...(result.reason === null ? {} : { reason: result.reason }) },
  };
}

/**
 * Starts an APPROVED plan (APPLYING), or resumes one left APPLYING by a crash, logged as
 * `bulwark.remediation.apply.start` (`resumed` says which). A plan COMPLETED is answered as it is, without a
 * change: applying twice is applying once. Not approved yet: refused and logged (DENY NOT_APPROVED).
 */
async function startApply(ctx: ServiceContext, id: string): Promise<RemediationRow> {
  return changePlan(ctx, id, async (tx, r) => {
    const now = ctx.clock.now();
    const status = remediationStatus(r, now);
    if (status === 'COMPLETED') return r;
    if (status === 'EXPIRED') throw RemediationErrors.stale(STALE_AFTER_HOURS);
    if (status === 'CANCELLED') throw RemediationErrors.wrongStatus(status, 'applied');
    if (status === 'PLANNED') {
      throw new Refusal(RemediationErrors.notApproved(), {
        eventType: 'bulwark.remediation.apply.start', displayMessage: 'Applying a remediation refused: not approved', severity: 'WARN',
        outcome: { result: 'DENY', reason: 'NOT_APPROVED' }, target: [remediationTarget(r)], debugData: { remediationId: r.id },
      });
    }
    const resumed = status === 'APPLYING';
    if (!resumed) await setStatus(tx, ctx.tenantId, r.id, { status: 'APPLYING', at: now, by: actorRef(ctx.audit) });
    const counts = (await planCounts(tx, ctx.tenantId, [r.id])).get(r.id) as PlanCounts;
    await recordEvent(tx, ctx.clock, ctx.tenantId, remediationAudit(ctx.audit, r.id), {
      eventType: 'bulwark.remediation.apply.start', displayMessage: resumed ? 'Resume applying a remediation' : 'Start applying a remediation', target: [remediationTarget(r)],
      debugData: { remediationId: r.id, resumed, ...countsData(counts) },
    });
    return { ...r, status: 'APPLYING' };
  });
}

/**
 * One item in a transaction of its own: the action, its events, the item marked done (or skipped) and
 * `bulwark.remediation.item.apply`, committed together or not at all. The plan is held FOR SHARE, so a cancel
 * waits for the item under way and the next one sees it. Answers false once the plan is no longer applying.
 * A refusal by the service acting (an AppError) marks the item FAILED, logged, in a transaction of its own.
 */
async function applyItem(ctx: ServiceContext, r: RemediationRow, item: ItemRow, opts: ApplyOptions): Promise<boolean> {
  let result: ItemResult | 'stopped' | 'taken';
  try {
    result = await ctx.db.transaction().execute(async (tx) => {
      if ((await findRemediation(tx, ctx.tenantId, r.id, 'share'))?.status !== 'APPLYING') return 'stopped';
      if ((await lockItem(tx, ctx.tenantId, r.id, item.userId, item.action))?.state !== 'PENDING') return 'taken';
      const outcome = await performAction(tx, ctx, item.userId, item.action, opts.tenantOrigin);
      const done: ItemResult = { state: outcome.state, reason: outcome.state === 'SKIPPED' ? outcome.reason : null, user: outcome.user };
      await finishItem(tx, ctx.tenantId, r.id, item, done.state, done.reason, ctx.clock.now());
      await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, itemEvent(r, item, done));
      return done;
    });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const reason = `REFUSED: ${err.causes.length > 0 ? err.causes.join('; ') : err.message}`;
    result = await ctx.db.transaction().execute(async (tx) => {
      if ((await findRemediation(tx, ctx.tenantId, r.id, 'share'))?.status !== 'APPLYING') return 'stopped';
      if ((await lockItem(tx, ctx.tenantId, r.id, item.userId, item.action))?.state !== 'PENDING') return 'taken';
      const failed: ItemResult = { state: 'FAILED', reason, user: { id: item.userId, type: 'User', alternateId: null, displayName: null, detailEntry: null } };
      await finishItem(tx, ctx.tenantId, r.id, item, 'FAILED', reason, ctx.clock.now());
      await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, itemEvent(r, item, failed));
      return failed;
    });
  }
  if (result === 'stopped') return false;
  if (result !== 'taken') {
    if (result.state === 'DONE') ctx.authChanged();
    opts.onItem?.(item, result.state);
  }
  return true;
}

/** Once no item is pending, the plan is COMPLETED, logged as `bulwark.remediation.complete` with its counts. */
async function finish(ctx: ServiceContext, id: string): Promise<void> {
  await changePlan(ctx, id, async (tx, r) => {
    if (r.status !== 'APPLYING') return;
    const counts = (await planCounts(tx, ctx.tenantId, [r.id])).get(r.id) as PlanCounts;
    if (counts.PENDING > 0) return;
    await setStatus(tx, ctx.tenantId, r.id, { status: 'COMPLETED', at: ctx.clock.now() });
    await recordEvent(tx, ctx.clock, ctx.tenantId, remediationAudit(ctx.audit, r.id), {
      eventType: 'bulwark.remediation.complete', displayMessage: 'Complete a remediation', target: [remediationTarget(r)],
      outcome: { result: counts.FAILED > 0 ? 'FAILURE' : 'SUCCESS', reason: counts.FAILED > 0 ? `${counts.FAILED} items failed` : null },
      debugData: { remediationId: r.id, ...countsData(counts) },
    });
  });
}

/**
 * Applies an approved plan, item by item, each in its own transaction (applyItem): a crash, even `kill -9`,
 * leaves every item wholly done or not done, and applying again resumes with the items still pending. Items
 * done are never done again. Any super admin (or the operator) may start or resume it: approval is the four-eyes
 * step. Answers the plan as it ends: COMPLETED, or CANCELLED if it was cancelled meanwhile.
 */
export async function applyRemediation(ctx: ServiceContext, id: string, opts: ApplyOptions): Promise<{ remediation: RemediationRow; counts: PlanCounts }> {
  const started = await startApply(ctx, id);
  if (started.status === 'APPLYING') {
    const itemCtx: ServiceContext = { ...ctx, audit: remediationAudit(ctx.audit, id) };
    for (let running = true; running;) {
      const batch = await pendingItems(ctx.db, ctx.tenantId, id, BATCH);
      if (batch.length === 0) break;
      for (const item of batch) {
        running = await applyItem(itemCtx, started, item, opts);
        if (!running) break;
      }
    }
    await finish(ctx, id);
  }
  return summaryOf(ctx, id);
}
