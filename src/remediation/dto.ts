import { CRITERIA } from './criteria.ts';
import { remediationStatus, staleAt, type ActorRef, type ItemRow, type PlanCounts, type PlanView, type RemediationRow } from './service.ts';

const actor = (a: ActorRef) => ({ id: a.id, type: a.type, name: a.name });

/** A plan without its users: what a list shows, and the head of a plan and its report. */
export const toPublicRemediation = (r: RemediationRow, counts: PlanCounts, now: Date, base: string) => {
  const status = remediationStatus(r, now);
  const self = `${base}/api/v1/remediations/${r.id}`;
  return {
    id: r.id,
    name: r.name,
    status,
    criteria: r.criteria,
    actions: r.actions,
    created: r.created.toISOString(),
    createdBy: actor(r.createdBy),
    dryRunExpiresAt: staleAt(r).toISOString(),
    approval: r.approved && r.approvedBy ? { by: actor(r.approvedBy), at: r.approved.toISOString() } : null,
    applying: r.applyStarted && r.appliedBy ? { startedBy: actor(r.appliedBy), started: r.applyStarted.toISOString() } : null,
    completed: r.completed?.toISOString() ?? null,
    cancellation: r.cancelled && r.cancelledBy ? { by: actor(r.cancelledBy), at: r.cancelled.toISOString() } : null,
    counts: { users: counts.users, items: counts.PENDING + counts.DONE + counts.SKIPPED + counts.FAILED, pending: counts.PENDING, done: counts.DONE, skipped: counts.SKIPPED, failed: counts.FAILED },
    _links: {
      self: { href: self },
      report: { href: `${self}/report` },
      ...(status === 'PLANNED' ? { approve: { href: `${self}/approve`, hints: { allow: ['POST'] } } } : {}),
      ...(status === 'APPROVED' || status === 'APPLYING' ? { apply: { href: `${self}/apply`, hints: { allow: ['POST'] } } } : {}),
      ...(status !== 'COMPLETED' && status !== 'CANCELLED' ? { cancel: { href: `${self}/cancel`, hints: { allow: ['POST'] } } } : {}),
    },
  };
};

const toPublicItem = (i: ItemRow) => ({ action: i.action, state: i.state, reason: i.reason, finished: i.finished?.toISOString() ?? null });

function itemsByUser(items: readonly ItemRow[]): Map<string, ItemRow[]> {
  const out = new Map<string, ItemRow[]>();
  for (const i of items) {
    const list = out.get(i.userId);
    if (list) list.push(i);
    else out.set(i.userId, [i]);
  }
  return out;
}

/**
 * A plan whole: each selected user as the dry run saw them, the criteria they matched with the events that
 * matched them (`evidence`, the first ten per criterion and how many there were), and their items.
 */
export const toPublicPlan = (v: PlanView, now: Date, base: string) => {
  const items = itemsByUser(v.items);
  return {
    ...toPublicRemediation(v.remediation, v.counts, now, base),
    users: v.targets.map((t) => ({
      id: t.userId,
      login: t.login,
      displayName: t.displayName,
      status: t.status,
      adminRoles: t.adminRoles,
      matched: CRITERIA.filter((c) => t.matched[c] !== undefined),
      evidence: t.matched,
      items: (items.get(t.userId) ?? []).map(toPublicItem),
    })),
  };
};

/** The final report: the plan's head, per action how its items ended, and per user what was done and why. */
export const toReport = (v: PlanView, now: Date, base: string) => {
  const items = itemsByUser(v.items);
  return {
    remediation: toPublicRemediation(v.remediation, v.counts, now, base),
    generated: now.toISOString(),
    actions: v.remediation.actions.map((action) => {
      const of = v.items.filter((i) => i.action === action);
      const count = (state: ItemRow['state']) => of.filter((i) => i.state === state).length;
      return { action, done: count('DONE'), skipped: count('SKIPPED'), failed: count('FAILED'), pending: count('PENDING') };
    }),
    users: v.targets.map((t) => ({
      id: t.userId,
      login: t.login,
      displayName: t.displayName,
      adminRoles: t.adminRoles,
      matched: CRITERIA.filter((c) => t.matched[c] !== undefined),
      eventIds: CRITERIA.flatMap((c) => t.matched[c]?.events.map((e) => e.uuid) ?? []),
      items: (items.get(t.userId) ?? []).map(toPublicItem),
    })),
  };
};

export const REPORT_CSV_COLUMNS = ['remediationId', 'userId', 'login', 'displayName', 'adminRoles', 'matched', 'action', 'state', 'reason', 'finished', 'eventIds'] as const;

/** The report as CSV rows: one per user and action. */
export function reportRows(v: PlanView): Record<(typeof REPORT_CSV_COLUMNS)[number], string>[] {
  const targets = new Map(v.targets.map((t) => [t.userId, t]));
  return v.items.map((i) => {
    const t = targets.get(i.userId);
    return {
      remediationId: v.remediation.id,
      userId: i.userId,
      login: t?.login ?? '',
      displayName: t?.displayName ?? '',
      adminRoles: t?.adminRoles.join(' ') ?? '',
      matched: CRITERIA.filter((c) => t?.matched[c] !== undefined).join(' '),
      action: i.action,
      state: i.state,
      reason: i.reason ?? '',
      finished: i.finished?.toISOString() ?? '',
      eventIds: CRITERIA.flatMap((c) => t?.matched[c]?.events.map((e) => e.uuid) ?? []).join(' '),
    };
  });
}
