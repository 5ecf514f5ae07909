import { OktaErrors } from '#src/http/errors.ts';
import { sha256Hex } from '#src/lib/secrets.ts';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { passkeyChallenge, verifyPasskey } from '#src/factors/webauthn.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { userTarget } from '#src/users/service.ts';
import { lockUserForSignIn, recordGoodPassword } from '#src/users/sign-in.ts';
import { deleteTransaction, findTransaction } from './store.ts';
import { type Attempt, type AuthnOutcome, failure, MAY_SIGN_IN, nextStep, openTransaction, PASSKEY_AUTH, passkeyAmr, type SignInContext, unknownActor, verifiedEvent } from './transaction.ts';

/**
 * Passkey sign-in, first step: a challenge any of the tenant's discoverable passkeys may answer. The
 * sign-in does not know its user until the passkey answers (its user handle names them).
 */
export async function startPasskeySignIn(ctx: SignInContext, app: string): Promise<AuthnOutcome> {
  const challenge = await passkeyChallenge({ db: ctx.db, tenantId: ctx.tenant.id }, ctx.rp, null);
  const opened = await ctx.db.transaction().execute((tx) => openTransaction(tx, ctx, { user: null, app, amr: [] }, 'MFA_CHALLENGE', ctx.clock.now(), challenge.challenge));
  return { status: 'MFA_CHALLENGE', user: null, factor: null, challenge, ...opened };
}

/**
 * Passkey sign-in, second step: a user-verified passkey is a phishing-resistant sign-in on its own, so a
 * good answer meets any sign-on rule's factors (amr hwk or swk, plus mfa: possession and the user's PIN or
 * biometric) and goes on to the rule's decision.
 * Anything else is the same 401 as a failed password, logged; the challenge is used up either way.
 */
export async function finishPasskeySignIn(ctx: SignInContext, stateToken: string, credential: AuthenticationResponseJSON): Promise<AuthnOutcome> {
  const tokenHash = sha256Hex(stateToken);
  const attempt = await ctx.db.transaction().execute(async (tx): Promise<Attempt> => {
    const now = ctx.clock.now();
    const pending = await findTransaction(tx, ctx.tenant.id, tokenHash, true);
    if (!pending || pending.userId !== null || pending.status !== 'MFA_CHALLENGE' || pending.challenge === null || pending.expiresAt.getTime() <= now.getTime()) {
      throw OktaErrors.invalidToken();
    }
    await deleteTransaction(tx, ctx.tenant.id, tokenHash);
    const asserted = await verifyPasskey(tx, ctx.tenant.id, credential, pending.challenge, ctx.rp, null);
    const user = asserted && (await lockUserForSignIn(tx, ctx.tenant.id, 'id', asserted.userId));
    if (!asserted || !user || !MAY_SIGN_IN.has(user.status)) {
      const actor = user ? userTarget(user) : unknownActor(credential.id);
      await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(actor), [{ ...failure(user && user.status === 'LOCKED_OUT' ? 'LOCKED_OUT' : 'VERIFICATION_ERROR'), authenticationContext: PASSKEY_AUTH }]);
      return { failed: true };
    }
    const signedIn = await recordGoodPassword(tx, ctx.tenant.id, user, now, undefined);
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(signedIn)), [verifiedEvent(signedIn, asserted.factor)]);
    return { outcome: await nextStep(tx, ctx, signedIn, { app: pending.app, amr: [passkeyAmr(asserted.backedUp), 'mfa'] }, now) };
  });
  if ('failed' in attempt) throw OktaErrors.authenticationFailed();
  return attempt.outcome;
}
