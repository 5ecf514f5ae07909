import { raiseAlert } from '#src/alerts/service.ts';
import { cellCase, staffActor, type StaffContext } from '#src/cases/staff-service.ts';
import type { Executor } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { MAX_MINUTES } from './scopes.ts';
import { details, extensionStatus, grantStatus, grantTarget, invalid, logBoth, type ExtensionRow, type GrantRow, type GrantView } from './service.ts';
import { extendGrant, findGrant, findStaffGrant, insertExtension, latestExtensions, settleExtension } from './store.ts';

export type ExtensionRequest = { durationMinutes: number; justification: string };
export type ExtensionDecision = { durationMinutes?: number; note?: string };

const extensionDetails = (x: ExtensionRow) => ({ extensionId: x.id, durationMinutes: x.durationMinutes, justification: x.justification, requested: x.requested.toISOString() });

/** The grant's extension still waiting for the admins, if any. */
async function pendingExtension(db: Executor, grant: GrantRow, now: Date): Promise<ExtensionRow | undefined> {
  const extension = (await latestExtensions(db, [grant])).get(grant.id);
  return extension && extensionStatus(extension, grant, now) === 'PENDING' ? extension : undefined;
}

/**
 * A staff member asks for more time on a running grant of theirs, against its case still open; the tenant's
 * admins decide again (an alert tells them). One request waits at a time; one not decided before the grant
 * ends lapses with it.
 */
export async function requestExtension(ctx: StaffContext, grantId: string, request: ExtensionRequest): Promise<GrantView> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const grant = await findStaffGrant(tx, ctx.planeId, ctx.user.id, grantId, true);
    if (!grant) throw OktaErrors.notFound(`${grantId} (SupportAccessGrant)`);
    const status = grantStatus(grant, now);
    if (status !== 'APPROVED') throw invalid('status', `the grant is ${status}; only a running grant can be extended`);
    const found = await cellCase(tx, ctx.cell, grant.caseId);
    if (!found || found.status === 'CLOSED') throw invalid('case', 'the case of this grant is closed; the grant cannot be extended');
    const waiting = await pendingExtension(tx, grant, now);
    if (waiting) throw invalid('extension', `a request for more time, made ${waiting.requested.toISOString()}, is waiting for the organization's admins; one at a time`);
    const extension: ExtensionRow = {
      id: newId('sax'), grantId: grant.id, justification: request.justification.trim(), durationMinutes: request.durationMinutes, status: 'PENDING', requested: now,
      decision: null, extendedFrom: null, expires: null,
    };
    await insertExtension(tx, grant.tenantId, extension);
    const debugData = { ...details(grant), extension: extensionDetails(extension), decideBy: grant.expires?.toISOString() ?? null };
    await logBoth(tx, ctx, grant, ctx.audit(staffActor(ctx)), {
      eventType: 'bulwark.support.access.extension.request', displayMessage: 'Support staff asked for more time on an access grant', target: [grantTarget(grant)], debugData,
    });
    await raiseAlert(tx, grant.tenantId, { type: 'SUPPORT_ACCESS_EXTENSION_REQUESTED', severity: 'MEDIUM', userId: null, created: now, details: { ...debugData, staff: grant.staff.name } });
    return { ...grant, extension };
  });
}

/**
 * The tenant's admin decides a request for more time. An approval may shorten it, never lengthen it; the
 * minutes are added to the grant's current end (the grant is still running, or the request would have lapsed),
 * and never past MAX_MINUTES from the approval: no decision gives more than one fresh grant could.
 */
export async function decideExtension(ctx: ServiceContext, grantId: string, admin: { id: string; name: string }, outcome: 'APPROVED' | 'DENIED', decision: ExtensionDecision): Promise<GrantView> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const grant = await findGrant(tx, ctx.tenantId, grantId, true);
    if (!grant) throw OktaErrors.notFound(`${grantId} (SupportAccessGrant)`);
    const extension = await pendingExtension(tx, grant, now);
    if (!extension || grant.expires === null) throw invalid('extension', 'no request for more time is waiting on this grant');
    const durationMinutes = decision.durationMinutes ?? extension.durationMinutes;
    if (durationMinutes > extension.durationMinutes) throw invalid('durationMinutes', `an approval can only shorten the ${extension.durationMinutes} minutes asked for`);
    const note = decision.note?.trim() || null;
    const expires = outcome === 'APPROVED' ? new Date(Math.min(grant.expires.getTime() + durationMinutes * 60_000, now.getTime() + MAX_MINUTES * 60_000)) : null;
    const extendedFrom = outcome === 'APPROVED' ? grant.expires : null;
    await settleExtension(tx, ctx.tenantId, extension.id, { status: outcome, by: admin.id, byName: admin.name, at: now, note, durationMinutes, extendedFrom, expires });
    const decided: ExtensionRow = { ...extension, status: outcome, durationMinutes, decision: { by: admin.id, byName: admin.name, at: now, note }, extendedFrom, expires };
    const view: GrantView = { ...grant, expires: expires ?? grant.expires, extension: decided };
    const debugData = { ...details(view), extension: { ...extensionDetails(decided), asked: extension.durationMinutes, from: extendedFrom?.toISOString() ?? null, to: expires?.toISOString() ?? null }, note };
    if (expires) {
      await extendGrant(tx, ctx.tenantId, grantId, expires);
      await logBoth(tx, ctx, view, ctx.audit, {
        eventType: 'user.session.impersonation.extend', legacyEventType: 'core.user.impersonation.grant.extended', displayMessage: 'Extend impersonation session', target: [grantTarget(view)], debugData,
      });
    } else {
      await logBoth(tx, ctx, view, ctx.audit, {
        eventType: 'bulwark.support.access.extension.deny', displayMessage: 'Support access extension denied', outcome: { result: 'DENY', reason: note }, target: [grantTarget(view)], debugData,
      });
    }
    return view;
  });
}
