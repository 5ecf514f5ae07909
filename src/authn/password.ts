import { AppError, OktaErrors } from '#src/http/errors.ts';
import { sha256Hex } from '#src/lib/secrets.ts';
import type { EventInput } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { hashPassword, needsRehash, verifyNothing, verifyPassword } from '#src/users/password.ts';
import { lookupUser, newPasswordProblem, rememberPreviousPassword, userTarget } from '#src/users/service.ts';
import { countFailedAttempt, lockoutExpired, lockUserForSignIn, recordGoodPassword, recordNewPassword, unlockAfterLockout } from '#src/users/sign-in.ts';
import { deleteTransaction } from './store.ts';
import { type Attempt, type AuthnOutcome, failure, lockedEvent, lockoutOf, MAY_SIGN_IN, nextStep, PASSWORD_AUTH, pendingOf, type SignInContext, unknownActor, verifiedEvent, wrongState } from './transaction.ts';

/**
 * Primary authentication (POST /api/v1/authn). An unknown user, a wrong password, a locked, suspended or
 * password-less account all end in the same 401 after the same work: one argon2 verification (against a
 * dummy hash when there is nothing real to check) and one System Log transaction. Only the log, which
 * admins read, says which it was. The password is checked before any row is locked, so that a slow hash
 * never holds a lock; the check counts only if the hash is still the one checked once the row is locked.
 */
export async function signInWithPassword(ctx: SignInContext, username: string, password: string, app: string): Promise<AuthnOutcome> {
  const lockout = await lockoutOf(ctx);
  const found = await lookupUser(ctx.db, ctx.tenant.id, username);
  const checkedHash = found?.passwordHash ?? null;
  const passwordOk = checkedHash === null ? await verifyNothing(password) : await verifyPassword(checkedHash, password);
  const rehashed = passwordOk && checkedHash !== null && needsRehash(checkedHash) ? await hashPassword(password) : undefined;

  const attempt = await ctx.db.transaction().execute(async (tx): Promise<Attempt> => {
    const now = ctx.clock.now();
    // Every failure below takes the same steps: this lock, one counting UPDATE, one System Log append.
    let user = await lockUserForSignIn(tx, ctx.tenant.id, 'login', username);
    const fail = async (reason: 'INVALID_CREDENTIALS' | 'VERIFICATION_ERROR' | 'LOCKED_OUT', before: EventInput[] = []): Promise<Attempt> => {
      const counted = await countFailedAttempt(tx, ctx.tenant.id, user, lockout, now);
      const events = [...before, failure(reason)];
      if (counted.locked && user) {
        events.push(lockedEvent(user));
      }
      await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(user ? userTarget(user) : unknownActor(username)), events);
      return { failed: true };
    };
    if (!user) return fail('VERIFICATION_ERROR');
    const events: EventInput[] = [];
    if (lockoutExpired(user, lockout, now)) {
      user = await unlockAfterLockout(tx, ctx.tenant.id, user, now);
      events.push({ eventType: 'user.account.unlock', displayMessage: 'Auto-unlock user account for Okta', target: [userTarget(user)] });
    }
    if (user.status === 'LOCKED_OUT') return fail('LOCKED_OUT', events);
    if (!MAY_SIGN_IN.has(user.status) || user.passwordHash === null) return fail('VERIFICATION_ERROR', events);
    if (!passwordOk || user.passwordHash !== checkedHash) return fail('INVALID_CREDENTIALS', events);
    const signedIn = await recordGoodPassword(tx, ctx.tenant.id, user, now, rehashed);
    events.push(verifiedEvent(signedIn));
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(signedIn)), events);
    return { outcome: await nextStep(tx, ctx, signedIn, { app, amr: ['pwd'] }, now) };
  });
  if ('failed' in attempt) throw OktaErrors.authenticationFailed();
  return attempt.outcome;
}

const credentialsRefused = (cause: string) => new AppError(403, 'E0000014', 'Update of credentials failed', [cause]);
export const complexityRefused = (cause: string) =>
  new AppError(403, 'E0000080', 'The password does not meet the complexity requirements of the current password policy.', [cause]);

/**
 * Replaces an expired password inside its sign-in transaction and finishes the sign-in. The transaction
 * is consumed, so its stateToken works once.
 */
export async function changeExpiredPassword(ctx: SignInContext, stateToken: string, oldPassword: string, newPassword: string): Promise<AuthnOutcome> {
  const pending = await pendingOf(ctx.db, ctx, stateToken, false);
  if (pending.status !== 'PASSWORD_EXPIRED') throw wrongState();
  const login = String(pending.user.profile['login'] ?? '');
  if (pending.user.passwordHash === null || !(await verifyPassword(pending.user.passwordHash, oldPassword))) {
    throw credentialsRefused('oldPassword: Old Password is not correct');
  }
  if (newPassword === oldPassword) throw complexityRefused('password: Password cannot be your current password');
  const problem = await newPasswordProblem(ctx.db, ctx.tenant.id, newPassword, login, pending.user);
  if (problem) throw complexityRefused(`password: ${problem}`);
  const newHash = await hashPassword(newPassword);
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const locked = await pendingOf(tx, ctx, stateToken, true);
    if (locked.status !== 'PASSWORD_EXPIRED') throw wrongState();
    const user = await lockUserForSignIn(tx, ctx.tenant.id, 'id', locked.user.id);
    // The hash that was checked must still be the user's: a concurrent change makes the old password moot.
    if (!user || user.passwordHash !== pending.user.passwordHash || user.status !== 'PASSWORD_EXPIRED') throw OktaErrors.invalidToken();
    await deleteTransaction(tx, ctx.tenant.id, sha256Hex(stateToken));
    const changed = await recordNewPassword(tx, ctx.tenant.id, user, now, newHash);
    if (user.passwordHash !== null) await rememberPreviousPassword(tx, ctx.tenant.id, user.id, user.passwordHash, now);
    const outcome = await nextStep(tx, ctx, changed, { app: locked.app, amr: locked.amr }, now);
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(changed)), [
      { eventType: 'user.account.update_password', displayMessage: 'User update password for Okta', target: [userTarget(changed)], authenticationContext: PASSWORD_AUTH },
    ]);
    return outcome;
  });
}
