import { raiseAlert } from '#src/alerts/service.ts';
import { activeFactors } from '#src/factors/service.ts';
import { WEBAUTHN } from '#src/factors/webauthn.ts';
import type { AppError } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import { mayActOnVerified } from '#src/roles/permissions.ts';
import { roleTypesOf } from '#src/roles/service.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { getUser, userTarget } from '#src/users/service.ts';
import { VerificationErrors } from './errors.ts';
import { verificationTarget } from './gate.ts';
import {
  decideVerification, findVerification, insertVerification, queryVerifications,
  type StatusNow, type VerificationFilter, type VerificationMethod, type VerificationRow, type VerifiedAction,
} from './store.ts';

export type { VerificationFilter, VerificationMethod, VerificationRow, VerifiedAction };

/** A request waits this long for the person (or a second admin); a verification is then good this long for the reset. */
export const VERIFY_WITHIN_MS = 30 * 60_000;
export const USABLE_FOR_MS = 15 * 60_000;

export type VerificationStatus = StatusNow;

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
    // An attestation waits on the tenant's other admins: the alert is how they hear of it (the console lists it too).
    if (ask.method === 'ADMIN_ATTESTATION') {
      await raiseAlert(tx, ctx.tenantId, {
        type: 'VERIFICATION_ATTESTATION_REQUESTED', severity: 'MEDIUM', userId: user.id, created: now,
        details: { action: ask.action, requestedBy: verification.requestedBy.name, attestBy: roles.has('SUPER_ADMIN') ? 'SUPER_ADMIN' : 'SUPER_ADMIN or ORG_ADMIN', verifyBy: verification.verifyBy.toISOString(), verificationId: verification.id },
      });
    }
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

/** A user's verifications, newest first, `limit` at most. */
export async function listUserVerifications(ctx: ServiceContext, idOrLogin: string, limit: number): Promise<VerificationRow[]> {
  const user = await getUser(ctx, idOrLogin);
  return queryVerifications(ctx.db, ctx.tenantId, { userId: user.id }, ctx.clock.now(), limit);
}

/** The organization's verifications that match `filter` (a status as of now, a method), newest first, `limit` at most. */
export function listVerifications(ctx: ServiceContext, filter: Omit<VerificationFilter, 'userId'>, limit: number): Promise<VerificationRow[]> {
  return queryVerifications(ctx.db, ctx.tenantId, filter, ctx.clock.now(), limit);
}

/**
 * Why the acting admin may not attest `v` (`status` as of now; `superTarget`: its user holds SUPER_ADMIN), or
 * null when they may, their permissions aside: only a request for an attestation still waiting; never by the
 * admin who asked nor by the user; a super admin for a super admin.
 */
function attestRefusal(actor: ServiceContext['actor'], v: VerificationRow, status: VerificationStatus, superTarget: boolean): AppError | null {
  if (v.method !== 'ADMIN_ATTESTATION') return VerificationErrors.invalid('method', 'this verification is the user\'s own, by passkey through their link; no admin attests it');
  if (status !== 'PENDING') return VerificationErrors.invalid('status', `the verification is ${status}, not waiting for one`);
  if (actor.userId === v.requestedBy.id) return VerificationErrors.refused('attestation: a second admin attests, not the one who asked for the verification');
  if (actor.userId === v.userId) return VerificationErrors.refused('attestation: nobody attests their own identity');
  if (superTarget && !actor.roles.has('SUPER_ADMIN')) return VerificationErrors.refused('attestation: only a super admin attests the identity of a super admin');
  return null;
}

/** What the acting admin may do with a verification now: attest it, deny it (or, the admin who asked, withdraw it). */
export type Choices = { attest: boolean; deny: boolean };

/**
 * The choices of the acting admin for each of `rows`, `decides` saying whether their permissions let them attest
 * and deny at all (users.manage): what the console offers, while each call still decides for itself.
 */
export async function choicesFor(ctx: ServiceContext, rows: readonly VerificationRow[], decides: boolean): Promise<Choices[]> {
  const now = ctx.clock.now();
  const superTargets = new Map<string, boolean>();
  const out: Choices[] = [];
  for (const v of rows) {
    const status = statusOf(v, now);
    let attest = false;
    if (decides && status === 'PENDING' && v.method === 'ADMIN_ATTESTATION') {
      let superTarget = superTargets.get(v.userId);
      if (superTarget === undefined) {
        superTarget = (await roleTypesOf(ctx.db, ctx.tenantId, v.userId)).has('SUPER_ADMIN');
        superTargets.set(v.userId, superTarget);
      }
      attest = attestRefusal(ctx.actor, v, status, superTarget) === null;
    }
    const open = status === 'PENDING' || status === 'VERIFIED';
    out.push({ attest, deny: open && (decides || ctx.actor.userId === v.requestedBy.id) });
  }
  return out;
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
    const refusal = attestRefusal(ctx.actor, v, statusOf(v, now), (await roleTypesOf(tx, ctx.tenantId, user.id)).has('SUPER_ADMIN'));
    if (refusal) throw refusal;
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
 * protected action, as nothing should slow down closing the door. `decides`: the admin's permissions let them
 * deny (users.manage); without them, only the admin who asked may close their own request. The one who asked
 * closing it is a withdrawal, whatever their role: nobody judged the person.
 */
export async function denyVerification(ctx: ServiceContext, idOrLogin: string, id: string, note: string | undefined, decides: boolean): Promise<VerificationRow> {
  const user = await getUser(ctx, idOrLogin);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const v = await findVerification(tx, ctx.tenantId, user.id, id, true);
    if (!v) throw VerificationErrors.notFound(id);
    const withdrawn = ctx.actor.userId === v.requestedBy.id;
    if (!withdrawn && !decides) throw VerificationErrors.refused('deny: a super or org admin denies a verification; the admin who asked may withdraw their own');
    const status = statusOf(v, now);
    if (status !== 'PENDING' && status !== 'VERIFIED') throw VerificationErrors.invalid('status', `the verification is ${status}`);
    const decision = { by: actorOf(ctx), at: now, statement: note?.trim() || null };
    await decideVerification(tx, ctx.tenantId, v.id, { status: 'DENIED', ...decision, useBy: null });
    const target = [userTarget(user), verificationTarget(v)];
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [withdrawn
      ? { eventType: 'bulwark.user.verification.withdraw', displayMessage: 'The admin who asked withdrew the verification of the person', target, debugData: { ...details(v), was: status, note: decision.statement } }
      : {
        eventType: 'bulwark.user.verification.deny', displayMessage: 'Verification of the person denied', outcome: { result: 'DENY', reason: decision.statement },
        target, debugData: { ...details(v), was: status },
      }]);
    return { ...v, status: 'DENIED', decision, useBy: null, challenge: null };
  });
}
