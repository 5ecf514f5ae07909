import { OktaErrors } from '#src/http/errors.ts';
import { sha256Hex } from '#src/lib/secrets.ts';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { activatePasskey, enrollPasskey } from '#src/factors/webauthn.ts';
import { issueSessionToken } from '#src/sessions/service.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { activateInvitedUser, lookupUser, userTarget } from '#src/users/service.ts';
import { deleteTransaction, takeEnrollmentLink } from './store.ts';
import { type AuthnOutcome, factorContext, openTransaction, passkeyAmr, pendingOf, type SignInContext, verifiedEvent, wrongState } from './transaction.ts';

/**
 * Opens an enrollment link (POST /api/v1/authn with `token`): the link is used up, and the user, known by the
 * link alone, gets the options to register a passkey. This is the legitimate way to add a factor from a
 * network the user has not signed in from, so the new-location rule does not apply here.
 */
export async function openEnrollmentLink(ctx: SignInContext, token: string): Promise<AuthnOutcome> {
  const opened = await ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const link = await takeEnrollmentLink(tx, ctx.tenant.id, sha256Hex(token));
    const user = link && link.expiresAt.getTime() > now.getTime() ? await lookupUser(tx, ctx.tenant.id, link.userId) : undefined;
    if (!user || !ENROLLABLE.has(user.status)) throw OktaErrors.invalidToken();
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(user)), [{
      eventType: 'bulwark.user.enrollment_link.use', displayMessage: 'Open a passkey enrollment link', target: [userTarget(user)],
    }]);
    return { user, ...(await openTransaction(tx, ctx, user, 'MFA_ENROLL_ACTIVATE', [], now)) };
  });
  const enrollment = await enrollPasskey(factorContext(ctx, opened.user), userTarget(opened.user), ctx.rp);
  return { status: 'MFA_ENROLL_ACTIVATE', user: opened.user, stateToken: opened.stateToken, expiresAt: opened.expiresAt, factor: enrollment.factor, activation: enrollment.options };
}

/** The users an enrollment link may still serve: invited (PROVISIONED) or already signing in. */
const ENROLLABLE = new Set(['PROVISIONED', 'ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY']);

/**
 * Finishes an enrollment link: the passkey registered, an invited user activated, and the sign-in done with
 * the new passkey, all in one transaction.
 */
export async function finishEnrollment(ctx: SignInContext, stateToken: string, factorId: string, credential: RegistrationResponseJSON): Promise<AuthnOutcome> {
  const pending = await pendingOf(ctx.db, ctx, stateToken, false);
  if (pending.status !== 'MFA_ENROLL_ACTIVATE') throw wrongState();
  let outcome: AuthnOutcome | undefined;
  await activatePasskey(factorContext(ctx, pending.user), userTarget(pending.user), factorId, credential, ctx.rp, async (tx, factor, backedUp) => {
    const now = ctx.clock.now();
    if (!(await deleteTransaction(tx, ctx.tenant.id, sha256Hex(stateToken)))) throw OktaErrors.invalidToken();
    const user = await activateInvitedUser(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(pending.user)), pending.user.id);
    const token = await issueSessionToken(tx, ctx.tenant.id, user.id, [passkeyAmr(backedUp), 'mfa'], now);
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(user)), [verifiedEvent(user, factor)]);
    outcome = { status: 'SUCCESS', user, sessionToken: token.value, expiresAt: token.expiresAt };
  });
  return outcome as AuthnOutcome;
}
