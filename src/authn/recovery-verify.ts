import type { Tx } from '#src/db/database.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import { sha256Hex } from '#src/lib/secrets.ts';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { activeFactors, factorTarget, verifyFactorCode, type FactorRow } from '#src/factors/service.ts';
import { passkeyChallenge, verifyPasskey, WEBAUTHN } from '#src/factors/webauthn.ts';
import type { EventInput } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { userTarget } from '#src/users/service.ts';
import { countFailedAttempt, lockoutExpired, lockUserForSignIn, type SignInUser } from '#src/users/sign-in.ts';
import { deleteRecoveryTransaction, updateRecoveryTransaction } from './store.ts';
import { lockedEvent, lockoutOf, PASSKEY_AUTH, passkeyAmr, STATE_TOKEN_TTL_MS, type SignInContext, unknownActor, wrongState } from './transaction.ts';
import { challengeOutcome, liveRecovery, RECOVERABLE, type RecoveryOutcome } from './recovery.ts';

export type RecoveryAnswer = { passCode?: string; credential?: AuthenticationResponseJSON };

/** Every wrong answer gets this, whatever made it wrong: no such user, no factor of that kind, a wrong code. */
const answerRefused = (field: string) => new AppError(403, 'E0000068', 'Invalid Passcode/Answer', [`${field}: Your answer doesn't match our records. Please start the recovery again.`]);

/** `user.authentication.auth_via_mfa` for a recovery's answer, right or wrong; the user and factor when there are any. */
function answerEvent(user: SignInUser | undefined, factor: FactorRow | undefined, factorType: string, ok: boolean): EventInput {
  return {
    eventType: 'user.authentication.auth_via_mfa',
    displayMessage: 'Authentication of user via MFA',
    outcome: ok ? { result: 'SUCCESS' } : { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
    target: [...(user ? [userTarget(user)] : []), ...(factor ? [factorTarget(factor)] : [])],
    authenticationContext: factorType === WEBAUTHN ? PASSKEY_AUTH : { authenticationProvider: 'FACTOR_PROVIDER', credentialType: 'OTP' },
    debugData: { recoveryType: 'PASSWORD', factorType },
  };
}

/** The factor that answered and the methods it adds to the recovery, or (`amr` undefined) a wrong answer. */
type Checked = { factor: FactorRow | undefined; amr: string[] | undefined };

/**
 * Checks an answer against the factors of `userId` of that kind, inside the caller's transaction. `userId` is
 * '' for nobody (an unknown username, or a user who may not answer now): the same queries run and find nothing.
 */
async function checkAnswer(tx: Tx, ctx: SignInContext, userId: string, factorType: string, answer: RecoveryAnswer, challenge: string | null): Promise<Checked> {
  if (factorType === WEBAUTHN) {
    const asserted = await verifyPasskey(tx, ctx.tenant.id, answer.credential as AuthenticationResponseJSON, challenge as string, ctx.rp, userId);
    return asserted ? { factor: asserted.factor, amr: [passkeyAmr(asserted.backedUp), 'mfa'] } : { factor: undefined, amr: undefined };
  }
  const candidates = (await activeFactors(tx, ctx.tenant.id, userId)).filter((f) => f.factorType === factorType);
  for (const factor of candidates) {
    const { ok } = await verifyFactorCode(tx, { clock: ctx.clock, tenantId: ctx.tenant.id, secrets: ctx.secrets }, userId, factor.id, answer.passCode as string);
    // A TOTP code and a recovery code are both one-time passwords (factors/recovery-codes.ts).
    if (ok) return { factor, amr: ['otp'] };
  }
  return { factor: candidates[0], amr: undefined };
}

/**
 * A passkey challenge for a recovery waiting for one. A self-service recovery must not say whether its user
 * has passkeys: its challenge lists none, so any discoverable passkey may answer, and only one of the user's
 * will do. One opened by an admin's token for a known user lists that user's passkeys.
 */
async function issuePasskeyChallenge(ctx: SignInContext, stateToken: string): Promise<RecoveryOutcome> {
  return ctx.db.transaction().execute(async (tx) => {
    const t = await liveRecovery(tx, ctx, stateToken, true);
    if (t.status !== 'RECOVERY_CHALLENGE' || (t.factorType ?? WEBAUTHN) !== WEBAUTHN) throw wrongState();
    const options = await passkeyChallenge({ db: ctx.db, tenantId: ctx.tenant.id }, ctx.rp, t.selfService ? null : t.userId);
    await updateRecoveryTransaction(tx, ctx.tenant.id, sha256Hex(stateToken), { status: t.status, amr: t.amr, challenge: options.challenge, expiresAt: t.expiresAt });
    return challengeOutcome(tx, ctx, t, stateToken, options);
  });
}

/**
 * Answers a recovery's challenge (POST /api/v1/authn/recovery/factors/{factorType}/verify): a TOTP code, a
 * recovery code, or (after asking for a challenge with the stateToken alone) a passkey's answer. A right answer
 * from one of the user's factors moves the recovery to RECOVERY, the factor's methods in its `amr`.
 *
 * A wrong answer counts towards lockout like a wrong code at sign-in; the one that locks the account ends the
 * recovery, and in a self-service recovery any wrong answer does: one answer each, whoever it was for, so that
 * no number of tries tells a real account from a made-up one. The owner of a locked account may still recover
 * it (that unlocks it), with as many tries again as the lockout allows; beyond that a locked account waits for
 * its lockout to run out, or for an admin.
 */
export async function verifyRecoveryFactor(ctx: SignInContext, factorType: string, stateToken: string, answer: RecoveryAnswer): Promise<RecoveryOutcome> {
  const [field, otherField] = factorType === WEBAUTHN ? ['credential', 'passCode'] as const : ['passCode', 'credential'] as const;
  if (answer[otherField] !== undefined) throw OktaErrors.validation(otherField, [`${otherField}: not an answer for this factor`]);
  if (factorType === WEBAUTHN && answer.credential === undefined) return issuePasskeyChallenge(ctx, stateToken);
  if (answer[field] === undefined) throw OktaErrors.validation(field, [`${field}: required for this factor`]);
  const lockout = await lockoutOf(ctx);
  const tokenHash = sha256Hex(stateToken);
  const attempt = await ctx.db.transaction().execute(async (tx): Promise<{ outcome: RecoveryOutcome } | { failed: true }> => {
    const now = ctx.clock.now();
    const t = await liveRecovery(tx, ctx, stateToken, true);
    if (t.status !== 'RECOVERY_CHALLENGE' || (t.factorType ?? factorType) !== factorType || (factorType === WEBAUTHN && t.challenge === null)) throw wrongState();
    const user = await lockUserForSignIn(tx, ctx.tenant.id, 'id', t.userId ?? '');
    const mayAnswer = user !== undefined && RECOVERABLE.has(user.status) && (user.failedLogins < 2 * lockout.attempts || lockoutExpired(user, lockout, now));
    const checked = await checkAnswer(tx, ctx, mayAnswer ? user.id : '', factorType, answer, t.challenge);
    const audit = ctx.audit(user ? userTarget(user) : unknownActor('unknown'));
    if (checked.amr === undefined || !user) {
      const counted = await countFailedAttempt(tx, ctx.tenant.id, user, lockout, now);
      if (t.selfService || counted.locked) await deleteRecoveryTransaction(tx, ctx.tenant.id, tokenHash);
      // A passkey challenge is used up by any answer to it.
      else if (t.challenge !== null) await updateRecoveryTransaction(tx, ctx.tenant.id, tokenHash, { ...t, challenge: null });
      const events = [answerEvent(user, checked.factor, factorType, false)];
      if (counted.locked && user) events.push(lockedEvent(user));
      await recordEvents(tx, ctx.clock, ctx.tenant.id, audit, events);
      return { failed: true };
    }
    const expiresAt = new Date(now.getTime() + STATE_TOKEN_TTL_MS);
    await updateRecoveryTransaction(tx, ctx.tenant.id, tokenHash, { status: 'RECOVERY', amr: [...t.amr, ...checked.amr], challenge: null, expiresAt });
    await recordEvents(tx, ctx.clock, ctx.tenant.id, audit, [answerEvent(user, checked.factor, factorType, true)]);
    return { outcome: { status: 'RECOVERY', stateToken, expiresAt, user } };
  });
  if ('failed' in attempt) throw answerRefused(field);
  return attempt.outcome;
}
