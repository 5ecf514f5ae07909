import type { Db, Tx } from '#src/db/database.ts';
import type { TenantRef } from '#src/http/tenant-host.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { activeFactors, factorTarget, invalidPasscode, verifyFactorCode, type FactorRow } from '#src/factors/service.ts';
import { activatePasskey, enrollPasskey, passkeyChallenge, passkeyRefused, verifyPasskey, WEBAUTHN, type RelyingParty } from '#src/factors/webauthn.ts';
import type { SecretBox } from '#src/lib/secret-box.ts';
import { issueSessionToken } from '#src/sessions/service.ts';
import type { AuditContext, EventInput, LogActor } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { hashPassword, needsRehash, verifyNothing, verifyPassword } from '#src/users/password.ts';
import { passwordPolicyOf } from '#src/policy/service.ts';
import { activateInvitedUser, lookupUser, newPasswordProblem, rememberPreviousPassword, userTarget, type UserRow } from '#src/users/service.ts';
import {
  countFailedAttempt, lockoutExpired, lockUserForSignIn, recordGoodPassword, recordNewPassword, unlockAfterLockout, type LockoutRule,
} from '#src/users/sign-in.ts';
import { deleteTransaction, findTransaction, insertTransaction, setTransactionState, takeEnrollmentLink, type PendingStatus } from './store.ts';

/** What a sign-in request runs with: it has no principal, only the tenant its host names. */
export type SignInContext = {
  db: Db;
  clock: Clock;
  tenant: TenantRef;
  secrets: SecretBox;
  /** The relying party passkeys answer to: the tenant's host. */
  rp: RelyingParty;
  /** The request's audit context with the given actor. */
  audit(actor: LogActor): AuditContext;
};

export type AuthnOutcome =
  | { status: 'SUCCESS'; user: UserRow; sessionToken: string; expiresAt: Date }
  | { status: 'PASSWORD_EXPIRED'; user: UserRow; stateToken: string; expiresAt: Date }
  | { status: 'MFA_REQUIRED'; user: UserRow; stateToken: string; expiresAt: Date; factors: FactorRow[] }
  | { status: 'MFA_CHALLENGE'; user: UserRow | null; stateToken: string; expiresAt: Date; factor: FactorRow | null; challenge: PublicKeyCredentialRequestOptionsJSON }
  | { status: 'MFA_ENROLL_ACTIVATE'; user: UserRow; stateToken: string; expiresAt: Date; factor: FactorRow; activation: PublicKeyCredentialCreationOptionsJSON };

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

async function openTransaction(tx: Tx, ctx: SignInContext, user: UserRow | null, status: PendingStatus, amr: string[], now: Date, challenge: string | null = null): Promise<{ stateToken: string; expiresAt: Date }> {
  const stateToken = `00${newSecret(30)}`;
  const expiresAt = new Date(now.getTime() + STATE_TOKEN_TTL_MS);
  await insertTransaction(tx, ctx.tenant.id, sha256Hex(stateToken), { userId: user?.id ?? null, status, amr, challenge, created: now, expiresAt });
  return { stateToken, expiresAt };
}

/**
 * Where a sign-in goes once it has passed `amr`: to a second factor if the user has one and has not used it,
 * then to a new password if theirs expired (the factor comes first, so that changing an expired password
 * never skips it), else to a sessionToken carrying `amr`.
 */
async function nextStep(tx: Tx, ctx: SignInContext, user: UserRow, amr: string[], now: Date): Promise<AuthnOutcome> {
  // Anything beyond the password (otp, hwk, swk) is a second factor already passed.
  if (amr.every((m) => m === 'pwd')) {
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

type Pending = { user: UserRow; status: PendingStatus; amr: string[]; challenge: string | null; expiresAt: Date };

/** The live transaction a stateToken names and its user, or Okta's invalid-token error. */
async function pendingOf(db: Db | Tx, ctx: SignInContext, stateToken: string, lock: boolean): Promise<Pending> {
  const pending = await findTransaction(db, ctx.tenant.id, sha256Hex(stateToken), lock);
  const live = pending && pending.userId !== null && pending.expiresAt.getTime() > ctx.clock.now().getTime();
  const user = live ? await lookupUser(db, ctx.tenant.id, pending.userId as string) : undefined;
  if (!pending || !user) throw OktaErrors.invalidToken();
  return { user, status: pending.status, amr: pending.amr, challenge: pending.challenge, expiresAt: pending.expiresAt };
}

const wrongState = () => new AppError(403, 'E0000079', 'This operation is not allowed in the current authentication state.');

/** The current state of an unfinished sign-in (POST /api/v1/authn with only a stateToken). */
export async function transactionState(ctx: SignInContext, stateToken: string): Promise<AuthnOutcome> {
  const pending = await pendingOf(ctx.db, ctx, stateToken, false);
  const base = { user: pending.user, stateToken, expiresAt: pending.expiresAt };
  if (pending.status === 'MFA_REQUIRED') return { status: 'MFA_REQUIRED', ...base, factors: await activeFactors(ctx.db, ctx.tenant.id, pending.user.id) };
  // The passkey options of an enrollment were answered once, with the factor; they are not shown again.
  if (pending.status === 'MFA_ENROLL_ACTIVATE') throw wrongState();
  if (pending.status === 'MFA_CHALLENGE') {
    return { status: 'MFA_CHALLENGE', ...base, factor: null, challenge: await passkeyChallenge({ db: ctx.db, tenantId: ctx.tenant.id }, ctx.rp, pending.user.id, pending.challenge ?? undefined) };
  }
  return { status: pending.status, ...base };
}

const PASSKEY_AUTH = { authenticationProvider: 'FACTOR_PROVIDER', credentialType: 'ASSERTION' } as const;

/** RFC 8176: a passkey synced between devices is a software-secured key, a device-bound one hardware-secured. */
function passkeyAmr(backedUp: boolean): string {
  return backedUp ? 'swk' : 'hwk';
}

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
    await ctx.db.transaction().execute((tx) => setTransactionState(tx, ctx.tenant.id, tokenHash, 'MFA_CHALLENGE', options.challenge));
    return { status: 'MFA_CHALLENGE', user: pending.user, stateToken, expiresAt: pending.expiresAt, factor, challenge: options };
  }
  const attempt = await ctx.db.transaction().execute(async (tx): Promise<Attempt> => {
    const now = ctx.clock.now();
    const pending = await pendingOf(tx, ctx, stateToken, true);
    if (pending.status !== 'MFA_CHALLENGE' || pending.challenge === null) throw wrongState();
    const asserted = await verifyPasskey(tx, ctx.tenant.id, credential, pending.challenge, ctx.rp, pending.user.id);
    const ok = asserted !== undefined && asserted.factor.id === factor.id;
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(pending.user)), [{
      eventType: 'user.authentication.auth_via_mfa',
      displayMessage: 'Authentication of user via MFA',
      outcome: ok ? { result: 'SUCCESS' } : { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
      target: [userTarget(pending.user), factorTarget(factor)],
      authenticationContext: PASSKEY_AUTH,
    }]);
    if (!ok) return { failed: true };
    await deleteTransaction(tx, ctx.tenant.id, tokenHash);
    return { outcome: await nextStep(tx, ctx, pending.user, [...pending.amr, passkeyAmr(asserted.backedUp), 'mfa'], now) };
  });
  if ('failed' in attempt) throw passkeyRefused('the passkey did not answer the challenge');
  return attempt.outcome;
}

/**
 * Passkey sign-in, first step: a challenge any of the tenant's discoverable passkeys may answer. The
 * sign-in does not know its user until the passkey answers (its user handle names them).
 */
export async function startPasskeySignIn(ctx: SignInContext): Promise<AuthnOutcome> {
  const challenge = await passkeyChallenge({ db: ctx.db, tenantId: ctx.tenant.id }, ctx.rp, null);
  const opened = await ctx.db.transaction().execute((tx) => openTransaction(tx, ctx, null, 'MFA_CHALLENGE', [], ctx.clock.now(), challenge.challenge));
  return { status: 'MFA_CHALLENGE', user: null, factor: null, challenge, ...opened };
}

/**
 * Passkey sign-in, second step: a user-verified passkey is a phishing-resistant sign-in on its own, so a
 * good answer ends in a sessionToken (amr hwk or swk, plus mfa: possession and the user's PIN or biometric).
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
    const token = await issueSessionToken(tx, ctx.tenant.id, signedIn.id, [passkeyAmr(asserted.backedUp), 'mfa'], now);
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(signedIn)), [{
      eventType: 'user.authentication.verify', displayMessage: 'Verify user identity', target: [userTarget(signedIn), factorTarget(asserted.factor)], authenticationContext: PASSKEY_AUTH,
    }]);
    return { outcome: { status: 'SUCCESS', user: signedIn, sessionToken: token.value, expiresAt: token.expiresAt } };
  });
  if ('failed' in attempt) throw OktaErrors.authenticationFailed();
  return attempt.outcome;
}

/**
 * The second step of a sign-in: a TOTP code for one of the user's active factors. A wrong or reused code
 * counts towards lockout like a wrong password (and the lock ends the sign-in); a right one moves the
 * sign-in on with `otp` added to its methods.
 */
export async function verifyFactor(ctx: SignInContext, factorId: string, stateToken: string, answer: { passCode?: string; credential?: AuthenticationResponseJSON }): Promise<AuthnOutcome> {
  const pendingUser = (await pendingOf(ctx.db, ctx, stateToken, false)).user;
  const factor = (await activeFactors(ctx.db, ctx.tenant.id, pendingUser.id)).find((f) => f.id === factorId);
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

function factorContext(ctx: SignInContext, user: UserRow) {
  return { db: ctx.db, clock: ctx.clock, tenantId: ctx.tenant.id, secrets: ctx.secrets, audit: ctx.audit(userTarget(user)) };
}

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
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(userTarget(user)), [{
      eventType: 'user.authentication.verify', displayMessage: 'Verify user identity', target: [userTarget(user), factorTarget(factor)], authenticationContext: PASSKEY_AUTH,
    }]);
    outcome = { status: 'SUCCESS', user, sessionToken: token.value, expiresAt: token.expiresAt };
  });
  return outcome as AuthnOutcome;
}
