import type { Db, Tx } from '#src/db/database.ts';
import type { TenantRef } from '#src/http/tenant-host.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import { activeFactors, factorTarget, invalidPasscode, verifyFactorCode, type FactorRow } from '#src/factors/service.ts';
import type { SecretBox } from '#src/lib/secret-box.ts';
import { issueSessionToken } from '#src/sessions/service.ts';
import type { AuditContext, EventInput, LogActor } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { hashPassword, needsRehash, verifyNothing, verifyPassword } from '#src/users/password.ts';
import { passwordPolicyOf } from '#src/policy/service.ts';
import { lookupUser, newPasswordProblem, rememberPreviousPassword, userTarget, type UserRow } from '#src/users/service.ts';
import {
  countFailedAttempt, lockoutExpired, lockUserForSignIn, recordGoodPassword, recordNewPassword, unlockAfterLockout, type LockoutRule,
} from '#src/users/sign-in.ts';
import { deleteTransaction, findTransaction, insertTransaction, type PendingStatus } from './store.ts';

/** What a sign-in request runs with: it has no principal, only the tenant its host names. */
export type SignInContext = {
  db: Db;
  clock: Clock;
  tenant: TenantRef;
  secrets: SecretBox;
  /** The request's audit context with the given actor. */
  audit(actor: LogActor): AuditContext;
};

export type AuthnOutcome =
  | { status: 'SUCCESS'; user: UserRow; sessionToken: string; expiresAt: Date }
  | { status: 'PASSWORD_EXPIRED'; user: UserRow; stateToken: string; expiresAt: Date }
  | { status: 'MFA_REQUIRED'; user: UserRow; stateToken: string; expiresAt: Date; factors: FactorRow[] };

/** An unfinished sign-in waits five minutes for the user, as Okta's transactions do. */
const STATE_TOKEN_TTL_MS = 5 * 60_000;

/** The statuses in which a correct password signs a user in (PASSWORD_EXPIRED only as far as changing it). */
const MAY_SIGN_IN = new Set(['ACTIVE', 'PASSWORD_EXPIRED']);

const PASSWORD_AUTH = { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' } as const;

function unknownActor(username: string): LogActor {
  return { alternateId: username, detailEntry: null, displayName: 'Unknown', id: 'unknown', type: 'User' };
}

function failure(reason: 'INVALID_CREDENTIALS' | 'VERIFICATION_ERROR' | 'LOCKED_OUT'): EventInput {
  return {
    eventType: 'user.session.start',
    displayMessage: 'User login to Okta',
    legacyEventType: 'core.user_auth.login_failed',
    outcome: { result: 'FAILURE', reason },
    authenticationContext: PASSWORD_AUTH,
  };
}

function verified(user: UserRow): EventInput {
  return { eventType: 'user.authentication.verify', displayMessage: 'Verify user identity', target: [userTarget(user)], authenticationContext: PASSWORD_AUTH };
}

async function openTransaction(tx: Tx, ctx: SignInContext, user: UserRow, status: PendingStatus, amr: string[], now: Date): Promise<{ stateToken: string; expiresAt: Date }> {
  const stateToken = `00${newSecret(30)}`;
  const expiresAt = new Date(now.getTime() + STATE_TOKEN_TTL_MS);
  await insertTransaction(tx, ctx.tenant.id, sha256Hex(stateToken), { userId: user.id, status, amr, created: now, expiresAt });
  return { stateToken, expiresAt };
}

/**
 * Where a sign-in goes once it has passed `amr`: to a second factor if the user has one and has not used it,
 * then to a new password if theirs expired (the factor comes first, so that changing an expired password
 * never skips it), else to a sessionToken carrying `amr`.
 */
async function nextStep(tx: Tx, ctx: SignInContext, user: UserRow, amr: string[], now: Date): Promise<AuthnOutcome> {
  if (!amr.includes('otp')) {
    const factors = await activeFactors(tx, ctx.tenant.id, user.id);
    if (factors.length > 0) return { status: 'MFA_REQUIRED', user, factors, ...(await openTransaction(tx, ctx, user, 'MFA_REQUIRED', amr, now)) };
  }
  if (user.status === 'PASSWORD_EXPIRED') return { status: 'PASSWORD_EXPIRED', user, ...(await openTransaction(tx, ctx, user, 'PASSWORD_EXPIRED', amr, now)) };
  const token = await issueSessionToken(tx, ctx.tenant.id, user.id, amr, now);
  return { status: 'SUCCESS', user, sessionToken: token.value, expiresAt: token.expiresAt };
}

type Attempt = { outcome: AuthnOutcome } | { failed: true };

/** The tenant's lockout rule, from its password policy. */
async function lockoutOf(ctx: SignInContext): Promise<LockoutRule> {
  const { lockout } = (await passwordPolicyOf(ctx.db, ctx.tenant.id)).settings;
  return { attempts: lockout.maxAttempts, minutes: lockout.autoUnlockMinutes };
}

/**
 * Primary authentication (POST /api/v1/authn). An unknown user, a wrong password, a locked, suspended or
 * password-less account all end in the same 401 after the same work: one argon2 verification (against a
 * dummy hash when there is nothing real to check) and one System Log transaction. Only the log, which
 * admins read, says which it was. The password is checked before any row is locked, so that a slow hash
 * never holds a lock; the check counts only if the hash is still the one checked once the row is locked.
 */
export async function signInWithPassword(ctx: SignInContext, username: string, password: string): Promise<AuthnOutcome> {
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
        events.push({ eventType: 'user.account.lock', displayMessage: 'Max sign in attempts exceeded', outcome: { result: 'FAILURE', reason: 'LOCKED_OUT' }, target: [userTarget(user)] });
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
    events.push(verified(signedIn));
    const outcome = await nextStep(tx, ctx, signedIn, ['pwd'], now);
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(signedIn)), events);
    return { outcome };
  });
  if ('failed' in attempt) throw OktaErrors.authenticationFailed();
  return attempt.outcome;
}

type Pending = { user: UserRow; status: PendingStatus; amr: string[]; expiresAt: Date };

/** The live transaction a stateToken names and its user, or Okta's invalid-token error. */
async function pendingOf(db: Db | Tx, ctx: SignInContext, stateToken: string, lock: boolean): Promise<Pending> {
  const pending = await findTransaction(db, ctx.tenant.id, sha256Hex(stateToken), lock);
  const user = pending && pending.expiresAt.getTime() > ctx.clock.now().getTime() ? await lookupUser(db, ctx.tenant.id, pending.userId) : undefined;
  if (!pending || !user) throw OktaErrors.invalidToken();
  return { user, status: pending.status, amr: pending.amr, expiresAt: pending.expiresAt };
}

const wrongState = () => new AppError(403, 'E0000079', 'This operation is not allowed in the current authentication state.');

/** The current state of an unfinished sign-in (POST /api/v1/authn with only a stateToken). */
export async function transactionState(ctx: SignInContext, stateToken: string): Promise<AuthnOutcome> {
  const pending = await pendingOf(ctx.db, ctx, stateToken, false);
  const base = { user: pending.user, stateToken, expiresAt: pending.expiresAt };
  if (pending.status === 'MFA_REQUIRED') return { status: 'MFA_REQUIRED', ...base, factors: await activeFactors(ctx.db, ctx.tenant.id, pending.user.id) };
  return { status: pending.status, ...base };
}

/**
 * The second step of a sign-in: a TOTP code for one of the user's active factors. A wrong or reused code
 * counts towards lockout like a wrong password (and the lock ends the sign-in); a right one moves the
 * sign-in on with `otp` added to its methods.
 */
export async function verifyFactor(ctx: SignInContext, factorId: string, stateToken: string, passCode: string): Promise<AuthnOutcome> {
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
    const mfa = (result: 'SUCCESS' | 'FAILURE'): EventInput => ({
      eventType: 'user.authentication.auth_via_mfa',
      displayMessage: 'Authentication of user via MFA',
      outcome: result === 'SUCCESS' ? { result } : { result, reason: 'INVALID_CREDENTIALS' },
      target: [userTarget(user), factorTarget(factor)],
      authenticationContext: { authenticationProvider: 'FACTOR_PROVIDER', credentialType: 'OTP' },
    });
    if (!ok) {
      const counted = await countFailedAttempt(tx, ctx.tenant.id, user, lockout, now);
      const events = [mfa('FAILURE')];
      if (counted.locked) {
        await deleteTransaction(tx, ctx.tenant.id, sha256Hex(stateToken));
        events.push({ eventType: 'user.account.lock', displayMessage: 'Max sign in attempts exceeded', outcome: { result: 'FAILURE', reason: 'LOCKED_OUT' }, target: [userTarget(user)] });
      }
      await recordEvents(tx, ctx.clock, ctx.tenant.id, audit, events);
      return { failed: true };
    }
    await deleteTransaction(tx, ctx.tenant.id, sha256Hex(stateToken));
    const signedIn = await recordGoodPassword(tx, ctx.tenant.id, user, now, undefined);
    const outcome = await nextStep(tx, ctx, signedIn, [...pending.amr, 'otp'], now);
    await recordEvents(tx, ctx.clock, ctx.tenant.id, audit, [mfa('SUCCESS')]);
    return { outcome };
  });
  if ('failed' in attempt) throw invalidPasscode();
  return attempt.outcome;
}

const credentialsRefused = (cause: string) => new AppError(403, 'E0000014', 'Update of credentials failed', [cause]);
const complexityRefused = (cause: string) =>
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
    const outcome = await nextStep(tx, ctx, changed, locked.amr, now);
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(changed)), [
      { eventType: 'user.account.update_password', displayMessage: 'User update password for Okta', target: [userTarget(changed)], authenticationContext: PASSWORD_AUTH },
    ]);
    return outcome;
  });
}
