import { raiseAlert } from '#src/alerts/service.ts';
import { caseTarget } from '#src/cases/service.ts';
import { cellCase, logInPlane, staffActor, type StaffContext } from '#src/cases/staff-service.ts';
import type { Executor, Tx } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { AuditContext, EventInput, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { DECIDE_WITHIN_MS, DEFAULT_MINUTES, TENANTS_PER_HOUR_ALERT, TENANTS_PER_HOUR_LIMIT, type SupportScope } from './scopes.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import { findTenantOfId, listTenants } from '#src/tenants/service.ts';
import type { Clock } from '#src/lib/clock.ts';
import {
  decideGrant, findGrant, findStaffGrant, grantsOfStaff, grantsOfTenant, insertAccessToken, insertGrant, latestExtensions, preApproveGrant, revokeGrant, revokePendingExtension,
  revokeTokensOfStaff, tenantsAskedSince, type ExtensionRow, type GrantRow,
} from './store.ts';
import { policyActor, preApprovingRule } from './policy-service.ts';

export type { ExtensionRow, GrantRow };

/** A grant with the latest request for more time made on it, if any: what both sides are shown. */
export type GrantView = GrantRow & { extension: ExtensionRow | null };

export type AccessRequest = { scopes: SupportScope[]; durationMinutes?: number; justification: string };

/** What a grant is now: a request not decided in time, or a grant past its end, has expired. */
export function grantStatus(grant: GrantRow, now: Date): GrantRow['status'] | 'EXPIRED' {
  if (grant.status === 'PENDING' && now >= grant.decideBy) return 'EXPIRED';
  if (grant.status === 'APPROVED' && grant.expires !== null && now >= grant.expires) return 'EXPIRED';
  return grant.status;
}

/** What a request for more time is now: one still waiting when its grant ends (or ended) has lapsed. */
export function extensionStatus(extension: ExtensionRow, grant: GrantRow, now: Date): ExtensionRow['status'] | 'EXPIRED' {
  if (extension.status === 'PENDING' && grantStatus(grant, now) !== 'APPROVED') return 'EXPIRED';
  return extension.status;
}

/** Each grant with its latest extension. */
export async function withExtensions<G extends GrantRow>(db: Executor, grants: readonly G[]): Promise<(G & { extension: ExtensionRow | null })[]> {
  const latest = await latestExtensions(db, grants);
  return grants.map((g) => ({ ...g, extension: latest.get(g.id) ?? null }));
}

const withExtension = async (db: Executor, grant: GrantRow): Promise<GrantView> => (await withExtensions(db, [grant]))[0] as GrantView;

export function grantTarget(grant: GrantRow): LogTarget {
  return { id: grant.id, type: 'SupportAccessGrant', alternateId: grant.staff.email ?? grant.staff.subject, displayName: grant.staff.name, detailEntry: { caseId: grant.caseId, scopes: grant.scopes.join(' ') } };
}

export const details = (grant: GrantRow) => ({
  grantId: grant.id, caseId: grant.caseId, cell: grant.cell, staff: grant.staff.name, scopes: grant.scopes, durationMinutes: grant.durationMinutes,
  expires: grant.expires?.toISOString() ?? null,
});

export const invalid = (field: string, detail: string) => OktaErrors.validation('support access', [`${field}: ${detail}`]);

/**
 * A staff member asks for access to the tenant of an open case of their cell. The tenant's admins see the
 * request in their System Log and as an alert; the support plane's log has it too. Nothing is granted yet,
 * unless a pre-approval rule of the tenant covers the request (read scopes only): then the rule approves it at
 * once, logged as a grant whose actor is the policy, and the admins' alert says so.
 * Asking for many organizations in an hour alerts the plane's security staff, and past a limit is refused.
 */
export async function requestAccess(ctx: StaffContext, caseId: string, request: AccessRequest): Promise<GrantView> {
  const now = ctx.clock.now();
  const outcome = await ctx.db.transaction().execute(async (tx) => {
    const found = await cellCase(tx, ctx.cell, caseId, true);
    if (!found) throw OktaErrors.notFound(`${caseId} (Case)`);
    if (found.status === 'CLOSED') throw invalid('case', 'access is asked for against an open case; this one is closed');
    const spread = await tenantsAskedSince(tx, ctx.planeId, ctx.user.id, new Date(now.getTime() - 3_600_000), found.tenantId);
    if (spread > TENANTS_PER_HOUR_LIMIT) return { refused: spread } as const;
    const grant: GrantRow = {
      tenantId: found.tenantId, id: newId('sag'), caseId: found.id, cell: ctx.cell, planeId: ctx.planeId,
      staff: { id: ctx.user.id, subject: ctx.user.subject, name: ctx.user.name, email: ctx.user.email },
      justification: request.justification.trim(), scopes: [...new Set(request.scopes)], durationMinutes: request.durationMinutes ?? DEFAULT_MINUTES,
      status: 'PENDING', requested: now, decideBy: new Date(now.getTime() + DECIDE_WITHIN_MS), decision: null, expires: null, revocation: null,
    };
    await insertGrant(tx, grant);
    const debugData = { ...details(grant), justification: grant.justification, decideBy: grant.decideBy.toISOString() };
    const event: EventInput = { eventType: 'bulwark.support.access.request', displayMessage: 'Support staff asked for access to the organization', target: [grantTarget(grant), caseTarget(found)], debugData };
    await logBoth(tx, ctx, grant, ctx.audit(staffActor(ctx)), event);
    if (spread === TENANTS_PER_HOUR_ALERT + 1) {
      await raiseAlert(tx, ctx.planeId, { type: 'SUPPORT_STAFF_MANY_TENANTS', severity: 'HIGH', userId: ctx.user.subject, created: now, details: { staff: ctx.user.name, tenantsInLastHour: spread, grantId: grant.id } });
    }
    const rule = await preApprovingRule(tx, grant.tenantId, { scopes: grant.scopes, durationMinutes: grant.durationMinutes, severity: found.severity });
    if (!rule) {
      await raiseAlert(tx, grant.tenantId, { type: 'SUPPORT_ACCESS_REQUESTED', severity: 'MEDIUM', userId: null, created: now, details: debugData });
      return { ...grant, extension: null };
    }
    const expires = new Date(now.getTime() + grant.durationMinutes * 60_000);
    await preApproveGrant(tx, grant.tenantId, grant.id, { rule: rule.name, at: now, expires });
    const approved: GrantView = { ...grant, status: 'APPROVED', decision: { kind: 'POLICY', rule: rule.name, at: now, note: null }, expires, extension: null };
    const granted = { ...details(approved), rule, caseSeverity: found.severity };
    await logBoth(tx, ctx, approved, ctx.audit(policyActor(rule)), {
      eventType: 'user.session.impersonation.grant', legacyEventType: 'core.user.impersonation.grant.enabled', displayMessage: 'Enable impersonation grant', target: [grantTarget(approved), caseTarget(found)], debugData: granted,
    });
    await raiseAlert(tx, grant.tenantId, { type: 'SUPPORT_ACCESS_PREAPPROVED', severity: 'INFO', userId: null, created: now, details: { ...granted, justification: grant.justification } });
    return approved;
  });
  if ('refused' in outcome) {
    await ctx.db.transaction().execute((tx) => logInPlane(tx, ctx, 'bulwark.support.access.request', 'Support access request refused: too many organizations in an hour', [], {
      caseId, tenantsInLastHour: outcome.refused, limit: TENANTS_PER_HOUR_LIMIT,
    }, { result: 'DENY', reason: 'TENANT_SPREAD' }));
    throw OktaErrors.rateLimited({ 'x-rate-limit-limit': String(TENANTS_PER_HOUR_LIMIT), 'x-rate-limit-remaining': '0' });
  }
  return outcome;
}

/** A staff member's grants, each with the organization it is for (staff work across the cell's organizations). */
export async function staffGrants(ctx: StaffContext, limit: number): Promise<(GrantView & { organization: { slug: string; name: string } })[]> {
  const grants = await withExtensions(ctx.db, await grantsOfStaff(ctx.db, ctx.planeId, ctx.user.id, limit));
  const tenants = new Map((await listTenants(ctx.db)).map((t) => [t.id, { slug: t.slug, name: t.name }]));
  return grants.map((g) => ({ ...g, organization: tenants.get(g.tenantId) ?? { slug: '', name: '' } }));
}

/** An event of a grant's life, in the tenant's System Log and the support plane's, in one transaction. */
export async function logBoth(tx: Tx, ctx: { clock: ServiceContext['clock'] }, grant: GrantRow, audit: ServiceContext['audit'], event: EventInput): Promise<void> {
  await recordEvent(tx, ctx.clock, grant.tenantId, audit, event);
  await recordEvent(tx, ctx.clock, grant.planeId, audit, event);
}

/** The staff member ends their own grant (or withdraws their request) before its time, and any request for more time with it. */
export async function endOwnGrant(ctx: StaffContext, id: string): Promise<GrantView> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const grant = await findStaffGrant(tx, ctx.planeId, ctx.user.id, id, true);
    if (!grant) throw OktaErrors.notFound(`${id} (SupportAccessGrant)`);
    const status = grantStatus(grant, now);
    if (status !== 'APPROVED' && status !== 'PENDING') throw invalid('status', `the grant is ${status}`);
    await revokeGrant(tx, grant.tenantId, grant.id, { by: ctx.user.id, byName: ctx.user.name, kind: 'STAFF', at: now });
    const extensionEnded = await revokePendingExtension(tx, grant.tenantId, grant.id) ?? null;
    await logBoth(tx, ctx, grant, ctx.audit(staffActor(ctx)), {
      eventType: 'user.session.impersonation.end', displayMessage: 'End impersonation session', target: [grantTarget(grant)], debugData: { ...details(grant), endedBy: 'STAFF', was: status, extensionEnded },
    });
    return withExtension(tx, { ...grant, status: 'REVOKED', revocation: { by: ctx.user.id, byName: ctx.user.name, kind: 'STAFF', at: now } });
  });
}

/**
 * Revokes the support tokens that a staff member (the user `staffSubject` of support plane `planeId`) holds, in
 * the caller's transaction: part of clearing their sessions in the plane (sessions/service.ts), since a token is
 * a session of theirs in a tenant. The grants stay as they are (they are the tenants' decisions); a new
 * passkey sign-in may take a token again. Each tenant's log and the plane's get
 * `bulwark.support.access.token.revoke` per grant. None when `planeId` is no support plane. Returns the token ids.
 */
export async function revokeStaffTokens(tx: Tx, clock: Clock, planeId: string, staffSubject: string, audit: AuditContext): Promise<string[]> {
  const revoked = await revokeTokensOfStaff(tx, planeId, staffSubject, clock.now());
  const byGrant = Map.groupBy(revoked, (r) => `${r.grant.tenantId}/${r.grant.id}`);
  for (const tokens of byGrant.values()) {
    const { grant } = tokens[0] as (typeof revoked)[number];
    await logBoth(tx, { clock }, grant, audit, {
      eventType: 'bulwark.support.access.token.revoke', displayMessage: 'Support access tokens revoked: the staff member\'s sessions were ended',
      target: [grantTarget(grant)], debugData: { ...details(grant), supportAccessTokenIds: tokens.map((t) => t.tokenId), reason: 'STAFF_SESSIONS_CLEARED' },
    });
  }
  return revoked.map((r) => r.tokenId);
}

/** How long one support token lasts at most (never past its grant). */
const TOKEN_MINUTES = 60;

/**
 * The credential a staff member acts with under an approved grant of theirs, for an hour at most and never past
 * the grant: `Authorization: Support {token}` on the tenant's management API. Stored only as its hash. Each
 * one opens an impersonation session, logged in the tenant's log and the plane's. The token keeps its own hour
 * and every request checks the grant's end as it is then, so an extension approved meanwhile lets the token
 * run on (within its hour) and a revocation stops it; `expires` is its end as the grant stands now.
 */
export async function issueAccessToken(ctx: StaffContext, id: string): Promise<{ token: string; expires: Date; tenantSlug: string; grant: GrantView }> {
  const now = ctx.clock.now();
  const outcome = await ctx.db.transaction().execute(async (tx) => {
    const grant = await findStaffGrant(tx, ctx.planeId, ctx.user.id, id, true);
    if (!grant) throw OktaErrors.notFound(`${id} (SupportAccessGrant)`);
    const status = grantStatus(grant, now);
    const found = await cellCase(tx, ctx.cell, grant.caseId);
    // A try to use a grant that cannot be used is what a stolen session does: both sides see it.
    const refusal = status !== 'APPROVED' || grant.expires === null ? invalid('status', `the grant is ${status}; only an approved grant can be used`)
      : !found || found.status === 'CLOSED' ? invalid('case', 'the case of this grant is closed; the grant cannot be used') : undefined;
    if (refusal) {
      await logBoth(tx, ctx, grant, ctx.audit(staffActor(ctx)), {
        eventType: 'user.session.impersonation.initiate', displayMessage: 'Initiate impersonation session', outcome: { result: 'DENY', reason: refusal.causes[0] ?? null },
        target: [grantTarget(grant)], debugData: { ...details(grant), status },
      });
      return { refusal };
    }
    const tenant = await findTenantOfId(ctx.db, grant.tenantId);
    if (!tenant) throw OktaErrors.notFound(`${grant.tenantId} (Org)`);
    const token = newSecret(32);
    const ownEnd = new Date(now.getTime() + TOKEN_MINUTES * 60_000);
    await insertAccessToken(tx, { tenantId: grant.tenantId, id: newId('sat'), grantId: grant.id, tokenHash: sha256Hex(token), created: now, expires: ownEnd });
    await logBoth(tx, ctx, grant, ctx.audit(staffActor(ctx)), {
      eventType: 'user.session.impersonation.initiate', displayMessage: 'Initiate impersonation session', target: [grantTarget(grant)],
      debugData: { ...details(grant), tokenExpires: ownEnd.toISOString() },
    });
    const expires = new Date(Math.min((grant.expires as Date).getTime(), ownEnd.getTime()));
    return { token, expires, tenantSlug: tenant.slug, grant: await withExtension(tx, grant) };
  });
  if ('refusal' in outcome) throw outcome.refusal;
  return outcome;
}

export const tenantGrants = async (ctx: ServiceContext, limit: number): Promise<GrantView[]> => withExtensions(ctx.db, await grantsOfTenant(ctx.db, ctx.tenantId, limit));

export async function tenantGrant(ctx: ServiceContext, id: string): Promise<GrantView> {
  const grant = await findGrant(ctx.db, ctx.tenantId, id);
  if (!grant) throw OktaErrors.notFound(`${id} (SupportAccessGrant)`);
  return withExtension(ctx.db, grant);
}

export type Decision = { scopes?: SupportScope[]; durationMinutes?: number; note?: string };

/**
 * The tenant's admin decides: an approval may narrow the scopes and shorten the time, never widen them; the
 * grant runs from the approval. Only a request still waiting (within its 12 hours) can be decided.
 */
export async function decide(ctx: ServiceContext, id: string, admin: { id: string; name: string }, outcome: 'APPROVED' | 'DENIED', decision: Decision | { note?: string }): Promise<GrantView> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const grant = await findGrant(tx, ctx.tenantId, id, true);
    if (!grant) throw OktaErrors.notFound(`${id} (SupportAccessGrant)`);
    const status = grantStatus(grant, now);
    if (status !== 'PENDING') throw invalid('status', `the request is ${status}, not waiting for a decision`);
    const scopes = !('scopes' in decision) || decision.scopes === undefined ? grant.scopes : [...new Set(decision.scopes)];
    const wider = scopes.filter((s) => !grant.scopes.includes(s));
    if (wider.length > 0) throw invalid('scopes', `an approval can only narrow what was asked for; not asked: ${wider.join(', ')}`);
    const durationMinutes = ('durationMinutes' in decision ? decision.durationMinutes : undefined) ?? grant.durationMinutes;
    if (durationMinutes > grant.durationMinutes) throw invalid('durationMinutes', `an approval can only shorten the ${grant.durationMinutes} minutes asked for`);
    const expires = outcome === 'APPROVED' ? new Date(now.getTime() + durationMinutes * 60_000) : null;
    const note = decision.note?.trim() || null;
    await decideGrant(tx, ctx.tenantId, id, { status: outcome, by: admin.id, byName: admin.name, at: now, note, scopes, durationMinutes, expires });
    const decided: GrantView = { ...grant, status: outcome, scopes, durationMinutes, expires, decision: { kind: 'ADMIN', by: admin.id, byName: admin.name, at: now, note }, extension: null };
    const debugData = { ...details(decided), asked: { scopes: grant.scopes, durationMinutes: grant.durationMinutes }, note };
    await logBoth(tx, ctx, decided, ctx.audit, outcome === 'APPROVED'
      ? { eventType: 'user.session.impersonation.grant', legacyEventType: 'core.user.impersonation.grant.enabled', displayMessage: 'Enable impersonation grant', target: [grantTarget(decided)], debugData }
      : { eventType: 'bulwark.support.access.deny', displayMessage: 'Support access request denied', outcome: { result: 'DENY', reason: note }, target: [grantTarget(decided)], debugData });
    return decided;
  });
}

/** The tenant's admin takes a grant back (or turns down a request still waiting): it ends at once, with any request for more time. */
export async function revokeAccess(ctx: ServiceContext, id: string, admin: { id: string; name: string }): Promise<GrantView> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const grant = await findGrant(tx, ctx.tenantId, id, true);
    if (!grant) throw OktaErrors.notFound(`${id} (SupportAccessGrant)`);
    const status = grantStatus(grant, now);
    if (status !== 'APPROVED' && status !== 'PENDING') throw invalid('status', `the grant is ${status}`);
    await revokeGrant(tx, ctx.tenantId, id, { by: admin.id, byName: admin.name, kind: 'ADMIN', at: now });
    const extensionEnded = await revokePendingExtension(tx, ctx.tenantId, id) ?? null;
    await logBoth(tx, ctx, grant, ctx.audit, {
      eventType: 'user.session.impersonation.revoke', displayMessage: 'Revoke impersonation grant', target: [grantTarget(grant)], debugData: { ...details(grant), was: status, extensionEnded },
    });
    return withExtension(tx, { ...grant, status: 'REVOKED', revocation: { by: admin.id, byName: admin.name, kind: 'ADMIN', at: now } });
  });
}
