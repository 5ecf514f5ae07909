import type { Severity } from '#src/cases/service.ts';
import type { Executor } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { LogActor, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { findPolicy, savePolicy, type PreApprovalRule } from './policy-store.ts';
import { SUPPORT_SCOPES, type SupportScope } from './scopes.ts';

export type { PreApprovalRule };

export type PreApprovalPolicy = { rules: PreApprovalRule[]; lastUpdated: Date | null };

/** The tenant's pre-approval rules: none until its admins set some, so every request waits for an admin. */
export async function preApprovalPolicy(ctx: Pick<ServiceContext, 'db' | 'tenantId'>): Promise<PreApprovalPolicy> {
  return (await findPolicy(ctx.db, ctx.tenantId)) ?? { rules: [], lastUpdated: null };
}

/**
 * Why a policy cannot be saved, if it cannot. No rule may pre-approve a write scope: a write scope reaches
 * users' factors and passwords, and one that reached an admin's would hand over the tenant, so every write
 * needs an admin's decision on the request in front of them.
 */
function problemsOf(rules: readonly PreApprovalRule[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, rule] of rules.entries()) {
    const writes = rule.scopes.filter((s) => SUPPORT_SCOPES[s].write);
    if (writes.length > 0) {
      problems.push(`rules[${i}].scopes: ${writes.join(', ')} ${writes.length === 1 ? 'is a write scope' : 'are write scopes'}; write scopes are never pre-approved, an admin decides each request for one (a write scope on an admin's account would hand over the organization)`);
    }
    const key = rule.name.trim().toLowerCase();
    if (names.has(key)) problems.push(`rules[${i}].name: another rule is named ${rule.name.trim()}`);
    names.add(key);
  }
  return problems;
}

const policyTarget = (tenantId: string): LogTarget => ({ id: tenantId, type: 'SupportAccessPolicy', alternateId: null, displayName: 'Support access pre-approval', detailEntry: null });

/** Replaces the tenant's rules, logged with the rules before and after. Requests already made are not looked at again. */
export async function updatePreApprovalPolicy(ctx: ServiceContext, input: readonly PreApprovalRule[]): Promise<PreApprovalPolicy> {
  const problems = problemsOf(input);
  if (problems.length > 0) throw OktaErrors.validation('support access policy', problems);
  const rules = input.map((r) => ({ name: r.name.trim(), scopes: [...new Set(r.scopes)], severities: [...new Set(r.severities)], maxDurationMinutes: r.maxDurationMinutes }));
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const before = await findPolicy(tx, ctx.tenantId, true);
    const saved = { rules, lastUpdated: now };
    await savePolicy(tx, ctx.tenantId, saved);
    await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, {
      eventType: 'bulwark.support.access.policy.update',
      displayMessage: 'Update support access pre-approval policy',
      target: [{ ...policyTarget(ctx.tenantId), changeDetails: { from: { rules: before?.rules ?? [] }, to: { rules } } }],
    });
    return saved;
  });
}

/**
 * The first rule of the tenant's policy that covers a request, if any: every scope asked for within the rule's
 * (which are read scopes only), the case's severity one of the rule's, and the duration within its maximum.
 * A request naming a write scope never matches, whatever a stored rule says.
 */
export async function preApprovingRule(db: Executor, tenantId: string, request: { scopes: readonly SupportScope[]; durationMinutes: number; severity: Severity }): Promise<PreApprovalRule | undefined> {
  if (request.scopes.some((s) => SUPPORT_SCOPES[s].write)) return undefined;
  const policy = await findPolicy(db, tenantId);
  return policy?.rules.find((rule) => request.scopes.every((s) => rule.scopes.includes(s)) && rule.severities.includes(request.severity) && request.durationMinutes <= rule.maxDurationMinutes);
}

/** The actor of an approval a rule gave: the tenant's policy, not a person. */
export const policyActor = (rule: PreApprovalRule): LogActor => ({
  id: 'support-access-policy', type: 'SystemPrincipal', alternateId: 'system@bulwark', displayName: 'Support access pre-approval policy', detailEntry: { rule: rule.name },
});
