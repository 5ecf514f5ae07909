import { OktaErrors } from '#src/http/errors.ts';
import { sha256Hex } from '#src/lib/secrets.ts';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Enrollment } from '#src/factors/dto.ts';
import { activateTotp, enrollTotp, type FactorRow, type TotpProvider } from '#src/factors/service.ts';
import { assertEnrollmentFromKnownNetwork } from '#src/factors/new-location.ts';
import { activatePasskey, enrollPasskey, WEBAUTHN } from '#src/factors/webauthn.ts';
import type { Tx } from '#src/db/database.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { activateInvitedUser, lookupUser, userTarget } from '#src/users/service.ts';
import { deleteTransaction, setTransactionState, takeLink } from './store.ts';
import { type AuthnOutcome, enrollableFor, factorContext, nextStep, openTransaction, passkeyAmr, pendingOf, type SignInContext, verifiedEvent, wrongState } from './transaction.ts';

/**
 * Opens an enrollment link (POST /api/v1/authn with `token`): the link is used up, and the user, known by the
 * link alone, gets the options to register a passkey. This is the legitimate way to add a factor from a
 * network the user has not signed in from, so the new-location rule does not apply here.
 */
export async function openEnrollmentLink(ctx: SignInContext, token: string, app: string): Promise<AuthnOutcome> {
  const opened = await ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const link = await takeLink(tx, 'enrollment_links', ctx.tenant.id, sha256Hex(token));
    const user = link && link.expiresAt.getTime() > now.getTime() ? await lookupUser(tx, ctx.tenant.id, link.userId) : undefined;
    if (!user || !ENROLLABLE.has(user.status)) throw OktaErrors.invalidToken();
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(user)), [{
      eventType: 'bulwark.user.enrollment_link.use', displayMessage: 'Open a passkey enrollment link', target: [userTarget(user)],
    }]);
    return { user, ...(await openTransaction(tx, ctx, { user, app, amr: [] }, 'MFA_ENROLL_ACTIVATE', now)) };
  });
  const enrollment = await enrollPasskey(factorContext(ctx, opened.user), userTarget(opened.user), ctx.rp);
  await ctx.db.transaction().execute((tx) => setTransactionState(tx, ctx.tenant.id, sha256Hex(opened.stateToken), 'MFA_ENROLL_ACTIVATE', null, enrollment.factor.id));
  return { status: 'MFA_ENROLL_ACTIVATE', ...opened, factor: enrollment.factor, enrollment: { passkey: enrollment.options } };
}

/** The users an enrollment link may still serve: invited (PROVISIONED) or already signing in. */
const ENROLLABLE = new Set(['PROVISIONED', 'ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY']);

/**
 * MFA_ENROLL → MFA_ENROLL_ACTIVATE (POST /api/v1/authn/factors): the sign-in's rule wants a factor the user
 * has none of, and the user starts setting up one of the kinds offered. Only from a network the user is
 * known to sign in from, as inside a session (new-location.ts): a password reset by a hijacked help desk
 * must not let its holder set up their own factor from elsewhere.
 */
export async function enrollFactor(ctx: SignInContext, stateToken: string, factorType: string, provider: string): Promise<AuthnOutcome> {
  const pending = await pendingOf(ctx.db, ctx, stateToken, false);
  if (pending.status !== 'MFA_ENROLL') throw wrongState();
  const offered = await enrollableFor(ctx.db, ctx.tenant.id, pending.user.id);
  if (!offered.some((f) => f.factorType === factorType)) {
    throw OktaErrors.validation('factorType', [`factorType: this sign-in can set up ${offered.map((f) => f.factorType).join(' or ')}`]);
  }
  const user = userTarget(pending.user);
  await assertEnrollmentFromKnownNetwork({
    db: ctx.db, clock: ctx.clock, tenantId: ctx.tenant.id, user, session: null, network: ctx.network, days: ctx.knownNetworkDays, audit: ctx.audit(user), factorType,
  });
  const fctx = factorContext(ctx, pending.user);
  let factor: FactorRow;
  let enrollment: Enrollment;
  if (factorType === WEBAUTHN) {
    const started = await enrollPasskey(fctx, user, ctx.rp);
    factor = started.factor;
    enrollment = { passkey: started.options };
  } else {
    const started = await enrollTotp(fctx, user, provider as TotpProvider, ctx.tenant.slug);
    factor = started.factor;
    enrollment = { totp: started };
  }
  await ctx.db.transaction().execute((tx) => setTransactionState(tx, ctx.tenant.id, sha256Hex(stateToken), 'MFA_ENROLL_ACTIVATE', null, factor.id));
  return { status: 'MFA_ENROLL_ACTIVATE', user: pending.user, stateToken, expiresAt: pending.expiresAt, factor, enrollment };
}

export type ActivationAnswer = { passCode?: string; credential?: RegistrationResponseJSON };

/**
 * Finishes setting up the factor of an MFA_ENROLL_ACTIVATE sign-in (an enrollment link's passkey, or the
 * factor MFA_ENROLL asked for): the factor activated, an invited user activated, and the sign-in moved on
 * with the new factor among its methods, all in one transaction. The stateToken works once.
 */
export async function finishEnrollment(ctx: SignInContext, stateToken: string, factorId: string, answer: ActivationAnswer): Promise<AuthnOutcome> {
  const pending = await pendingOf(ctx.db, ctx, stateToken, false);
  if (pending.status !== 'MFA_ENROLL_ACTIVATE') throw wrongState();
  if (pending.factorId !== factorId) throw OktaErrors.notFound(`${factorId} (UserFactor)`);
  let outcome: AuthnOutcome | undefined;
  const finish = async (tx: Tx, factor: FactorRow, methods: string[]) => {
    if (!(await deleteTransaction(tx, ctx.tenant.id, sha256Hex(stateToken)))) throw OktaErrors.invalidToken();
    const user = await activateInvitedUser(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(pending.user)), pending.user.id);
    if (factor.factorType === WEBAUTHN) await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(user)), [verifiedEvent(user, factor)]);
    outcome = await nextStep(tx, ctx, user, { app: pending.app, amr: [...pending.amr, ...methods] }, ctx.clock.now());
  };
  const fctx = factorContext(ctx, pending.user);
  const user = userTarget(pending.user);
  if (answer.credential !== undefined) {
    await activatePasskey(fctx, user, factorId, answer.credential, ctx.rp, (tx, active, backedUp) => finish(tx, active, [passkeyAmr(backedUp), 'mfa']));
  } else if (answer.passCode !== undefined) {
    await activateTotp(fctx, user, factorId, answer.passCode, (tx, active) => finish(tx, active, ['otp']));
  } else {
    throw OktaErrors.validation('passCode', ['passCode, credential: one is required to activate the factor']);
  }
  return outcome as AuthnOutcome;
}
