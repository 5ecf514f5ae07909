import { OktaErrors } from '#src/http/errors.ts';
import { sha256Hex } from '#src/lib/secrets.ts';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { invalidPasscode, verifyFactorCode, type FactorRow } from '#src/factors/service.ts';
import { passkeyChallenge, passkeyRefused, verifyPasskey, WEBAUTHN } from '#src/factors/webauthn.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { userTarget } from '#src/users/service.ts';
import { countFailedAttempt, lockUserForSignIn, recordGoodPassword } from '#src/users/sign-in.ts';
import { deleteTransaction, setTransactionState } from './store.ts';
import { type Attempt, type AuthnOutcome, lockedEvent, lockoutOf, MAY_SIGN_IN, mfaEvent, nextStep, offeredFactors, passkeyAmr, pendingOf, type SignInContext, wrongState } from './transaction.ts';

/**
 * A passkey as the second factor of a password sign-in. Without `credential`, issues a challenge for that
 * passkey (MFA_CHALLENGE); with it, checks the answer and moves the sign-in on with the key in its methods.
 * A failed answer is logged and ends nothing: there is nothing to guess.
 */
async function verifyPasskeyFactor(ctx: SignInContext, factor: FactorRow, stateToken: string, credential: AuthenticationResponseJSON | undefined): Promise<AuthnOutcome> {
  const tokenHash = sha256Hex(stateToken);
  if (credential === undefined) {
    const pending = await pendingOf(ctx.db, ctx, stateToken, false);
    if (pending.status !== 'MFA_REQUIRED' && pending.status !== 'MFA_CHALLENGE') throw wrongState();
    const options = await passkeyChallenge({ db: ctx.db, tenantId: ctx.tenant.id }, ctx.rp, pending.user.id, undefined, factor.id);
    await ctx.db.transaction().execute((tx) => setTransactionState(tx, ctx.tenant.id, tokenHash, 'MFA_CHALLENGE', options.challenge, factor.id));
    return { status: 'MFA_CHALLENGE', user: pending.user, stateToken, expiresAt: pending.expiresAt, factor, challenge: options };
  }
  const attempt = await ctx.db.transaction().execute(async (tx): Promise<Attempt> => {
    const now = ctx.clock.now();
    const pending = await pendingOf(tx, ctx, stateToken, true);
    if (pending.status !== 'MFA_CHALLENGE' || pending.challenge === null) throw wrongState();
    const asserted = await verifyPasskey(tx, ctx.tenant.id, credential, pending.challenge, ctx.rp, pending.user.id);
    const ok = asserted !== undefined && asserted.factor.id === factor.id;
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(pending.user)), [mfaEvent(pending.user, factor, ok)]);
    if (!ok) return { failed: true };
    await deleteTransaction(tx, ctx.tenant.id, tokenHash);
    return { outcome: await nextStep(tx, ctx, pending.user, { app: pending.app, amr: [...pending.amr, passkeyAmr(asserted.backedUp), 'mfa'] }, now) };
  });
  if ('failed' in attempt) throw passkeyRefused('the passkey did not answer the challenge');
  return attempt.outcome;
}

/**
 * The second step of a sign-in: a TOTP code for one of the user's active factors. A wrong or reused code
 * counts towards lockout like a wrong password (and the lock ends the sign-in); a right one moves the
 * sign-in on with `otp` added to its methods.
 */
export async function verifyFactor(ctx: SignInContext, factorId: string, stateToken: string, answer: { passCode?: string; credential?: AuthenticationResponseJSON }): Promise<AuthnOutcome> {
  const started = await pendingOf(ctx.db, ctx, stateToken, false);
  const factor = (await offeredFactors(ctx, started.app, started.user.id)).find((f) => f.id === factorId);
  if (!factor) throw OktaErrors.notFound(`${factorId} (UserFactor)`);
  if (factor.factorType === WEBAUTHN) return verifyPasskeyFactor(ctx, factor, stateToken, answer.credential);
  if (answer.passCode === undefined) throw OktaErrors.validation('passCode', ['passCode: required for this factor']);
  const passCode = answer.passCode;
  const lockout = await lockoutOf(ctx);
  const attempt = await ctx.db.transaction().execute(async (tx): Promise<Attempt> => {
    const now = ctx.clock.now();
    const pending = await pendingOf(tx, ctx, stateToken, true);
    if (pending.status !== 'MFA_REQUIRED') throw wrongState();
    const user = await lockUserForSignIn(tx, ctx.tenant.id, 'id', pending.user.id);
    if (!user || !MAY_SIGN_IN.has(user.status)) throw OktaErrors.invalidToken();
    const { factor, ok } = await verifyFactorCode(tx, { clock: ctx.clock, tenantId: ctx.tenant.id, secrets: ctx.secrets }, user.id, factorId, passCode);
    if (!factor) throw OktaErrors.notFound(`${factorId} (UserFactor)`);
    const audit = ctx.audit(userTarget(user));
    if (!ok) {
      const counted = await countFailedAttempt(tx, ctx.tenant.id, user, lockout, now);
      const events = [mfaEvent(user, factor, false)];
      if (counted.locked) {
        await deleteTransaction(tx, ctx.tenant.id, sha256Hex(stateToken));
        events.push(lockedEvent(user));
      }
      await recordEvents(tx, ctx.clock, ctx.tenant.id, audit, events);
      return { failed: true };
    }
    await deleteTransaction(tx, ctx.tenant.id, sha256Hex(stateToken));
    const signedIn = await recordGoodPassword(tx, ctx.tenant.id, user, now, undefined);
    await recordEvents(tx, ctx.clock, ctx.tenant.id, audit, [mfaEvent(user, factor, true)]);
    return { outcome: await nextStep(tx, ctx, signedIn, { app: pending.app, amr: [...pending.amr, 'otp'] }, now) };
  });
  if ('failed' in attempt) throw invalidPasscode();
  return attempt.outcome;
}
