import { activeFactors } from '#src/factors/service.ts';
import { WEBAUTHN } from '#src/factors/webauthn.ts';
import { newId } from '#src/lib/ids.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import { mayActOnVerified } from '#src/roles/permissions.ts';
import { roleTypesOf } from '#src/roles/service.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { getUser, userTarget } from '#src/users/service.ts';
import { VerificationErrors } from './errors.ts';
import { verificationTarget } from './gate.ts';
import { decideVerification, findVerification, insertVerification, type VerificationMethod, type VerificationRow, type VerifiedAction } from './store.ts';

export type { VerificationMethod, VerificationRow, VerifiedAction };

/** A request waits this long for the person (or a second admin); a verification is then good this long for the reset. */
export const VERIFY_WITHIN_MS = 30 * 60_000;
export const USABLE_FOR_MS = 15 * 60_000;

export type VerificationStatus = VerificationRow['status'] | 'EXPIRED';

/** Where a verification stands now: a request not verified in time, or a verification not used in time, has expired. */
export function statusOf(v: VerificationRow, now: Date): VerificationStatus {
  if (v.status === 'PENDING' && now >= v.verifyBy) return 'EXPIRED';
  if (v.status === 'VERIFIED' && v.useBy !== null && now >= v.useBy) return 'EXPIRED';
  return v.status;
}

/** The acting admin as a verification names them. */
const actorOf = (ctx: ServiceContext) => ({ id: ctx.actor.userId ?? ctx.audit.actor.id, name: ctx.audit.actor.displayName ?? ctx.audit.actor.alternateId ?? '' });

const details = (v: VerificationRow) => ({ verificationId: v.id, action: v.action, method: v.method, requestedBy: v.requestedBy.name });

export type VerificationLink = { url: string; expiresAt: Date };

/**
 * An admin asks to verify the person behind a user who holds an admin role before resetting their password or
 * factors (`action`): by the user's own passkey (`TARGET_PASSKEY`, through a one-time link the help desk hands
 * them, answered with it; only its SHA-256 is kept) or by a second admin's attestation (`ADMIN_ATTESTATION`).
 * Support staff are refused: no grant of theirs reaches an admin, verified or not. So is a request that could
 * never be used: for a user who holds no admin role, for oneself, or by an org admin for a super admin.
 */
export async function requestVerification(ctx: ServiceContext, idOrLogin: string, ask: { action: VerifiedAction; method: VerificationMethod }, tenantOrigin: string): Promise<{ verification: VerificationRow; link: VerificationLink | null }> {
  if (ctx.actor.support) throw VerificationErrors.refused('verification: support staff never act on a user who holds an admin role, verified or not');
  const user = await getUser(ctx, idOrLogin);
  if (user.id === ctx.actor.userId) throw VerificationErrors.invalid('user', 'this is your own account: change your password and factors from your own account page');
  const roles = await roleTypesOf(ctx.db, ctx.tenantId, user.id);
  if (roles.size === 0) throw VerificationErrors.invalid('user', 'this user holds no admin role: their password and factors are reset without a verification');
  if (!mayActOnVerified(ctx.actor.roles, roles)) throw VerificationErrors.refused('verification: only a super admin acts on a super admin');
  if (ask.method === 'TARGET_PASSKEY' && !(await activeFactors(ctx.db, ctx.tenantId, user.id)).some((f) => f.factorType === WEBAUTHN)) {
    throw VerificationErrors.invalid('method', 'this user has no passkey to prove it is them with; ask for ADMIN_ATTESTATION, a second admin verifying the person');
  }
  const now = ctx.clock.now();
  const verification: VerificationRow = {
    id: newId('pvr'), userId: user.id, requestedBy: actorOf(ctx), action: ask.action, method: ask.method, status: 'PENDING', created: now,
    verifyBy: new Date(now.getTime() + VERIFY_WITHIN_MS), decision: null, useBy: null, challenge: null, used: null,
  };
  const token = ask.method === 'TARGET_PASSKEY' ? newSecret(32) : null;
  await ctx.db.transaction().execute(async (tx) => {
    await insertVerification(tx, ctx.tenantId, verification, token === null ? null : sha256Hex(token));
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: 'bulwark.user.verification.request', displayMessage: 'Ask to verify the person before a reset', target: [userTarget(user), verificationTarget(verification)],
      debugData: { ...details(verification), verifyBy: verification.verifyBy.toISOString() },
    }]);
  });
  // The token travels in the fragment, which browsers never send to a server: out of access logs and Referer headers.
  const link = token === null ? null : { url: `${tenantOrigin}/verify#token=${token}`, expiresAt: verification.verifyBy };
  return { verification, link };
}

export async function getVerification(ctx: ServiceContext, idOrLogin: string, id: string): Promise<VerificationRow> {
  const user = await getUser(ctx, idOrLogin);
  const v = await findVerification(ctx.db, ctx.tenantId, user.id, id);
  if (!v) throw VerificationErrors.notFound(id);
  return v;
}

/**
 * A second admin attests that they verified the person (`statement`: how, e.g. "visual verification on a video
 * call"): not the admin who asked, not the user themselves; a super admin for a user who holds SUPER_ADMIN, else
 * a super or org admin (the route lets only them in). The verification is then good for USABLE_FOR_MS.
 */
export async function attestVerification(ctx: ServiceContext, idOrLogin: string, id: string, statement: string): Promise<VerificationRow> {
  const user = await getUser(ctx, idOrLogin);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const v = await findVerification(tx, ctx.tenantId, user.id, id, true);
    if (!v) throw VerificationErrors.notFound(id);
    if (v.method !== 'ADMIN_ATTESTATION') throw VerificationErrors.invalid('method', 'this verification is the user\'s own, by passkey through their link; no admin attests it');
    const status = statusOf(v, now);
    if (status !== 'PENDING') throw VerificationErrors.invalid('status', `the verification is ${status}, not waiting for one`);
    if (ctx.actor.userId === v.requestedBy.id) throw VerificationErrors.refused('attestation: a second admin attests, not the one who asked for the verification');
    if (ctx.actor.userId === user.id) throw VerificationErrors.refused('attestation: nobody attests their own identity');
    const superTarget = (await roleTypesOf(tx, ctx.tenantId, user.id)).has('SUPER_ADMIN');
    if (superTarget && !ctx.actor.roles.has('SUPER_ADMIN')) throw VerificationErrors.refused('attestation: only a super admin attests the identity of a super admin');
    const decision = { by: actorOf(ctx), at: now, statement: statement.trim() };
    const useBy = new Date(now.getTime() + USABLE_FOR_MS);
    await decideVerification(tx, ctx.tenantId, v.id, { status: 'VERIFIED', ...decision, useBy });
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: 'bulwark.user.verification.verify', displayMessage: 'An admin attested the verification of the person', target: [userTarget(user), verificationTarget(v)],
      debugData: { ...details(v), statement: decision.statement, useBy: useBy.toISOString() },
    }]);
    return { ...v, status: 'VERIFIED', decision, useBy, challenge: null };
  });
}

/**
 * An admin turns a verification down, waiting or verified and not yet used: it can no longer be used. Not a
 * protected action, as nothing should slow down closing the door.
 */
export async function denyVerification(ctx: ServiceContext, idOrLogin: string, id: string, note: string | undefined): Promise<VerificationRow> {
  const user = await getUser(ctx, idOrLogin);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const v = await findVerification(tx, ctx.tenantId, user.id, id, true);
    if (!v) throw VerificationErrors.notFound(id);
    const status = statusOf(v, now);
    if (status !== 'PENDING' && status !== 'VERIFIED') throw VerificationErrors.invalid('status', `the verification is ${status}`);
    const decision = { by: actorOf(ctx), at: now, statement: note?.trim() || null };
    await decideVerification(tx, ctx.tenantId, v.id, { status: 'DENIED', ...decision, useBy: null });
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: 'bulwark.user.verification.deny', displayMessage: 'Verification of the person denied', outcome: { result: 'DENY', reason: decision.statement },
      target: [userTarget(user), verificationTarget(v)], debugData: { ...details(v), was: status },
    }]);
    return { ...v, status: 'DENIED', decision, useBy: null, challenge: null };
  });
}
