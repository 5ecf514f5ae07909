import type { Db, Tx } from '#src/db/database.ts';
import type { TenantRef } from '#src/http/tenant-host.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { activeFactors, factorTarget, type FactorRow } from '#src/factors/service.ts';
import { passkeyChallenge, WEBAUTHN, type RelyingParty } from '#src/factors/webauthn.ts';
import type { SecretBox } from '#src/lib/secret-box.ts';
import { issueSessionToken } from '#src/sessions/service.ts';
import type { AuditContext, EventInput, LogActor } from '#src/syslog/log-event.ts';
import { passwordPolicyOf } from '#src/policy/service.ts';
import { lookupUser, userTarget, type UserRow } from '#src/users/service.ts';
import type { LockoutRule } from '#src/users/sign-in.ts';
import { findTransaction, insertTransaction, type PendingStatus } from './store.ts';

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
export const STATE_TOKEN_TTL_MS = 5 * 60_000;

/** The statuses in which a correct password signs a user in (PASSWORD_EXPIRED only as far as changing it). */
export const MAY_SIGN_IN = new Set(['ACTIVE', 'PASSWORD_EXPIRED']);

export const PASSWORD_AUTH = { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' } as const;

export function unknownActor(username: string): LogActor {
  return { alternateId: username, detailEntry: null, displayName: 'Unknown', id: 'unknown', type: 'User' };
}

export function failure(reason: 'INVALID_CREDENTIALS' | 'VERIFICATION_ERROR' | 'LOCKED_OUT'): EventInput {
  return {
    eventType: 'user.session.start',
    displayMessage: 'User login to Okta',
    legacyEventType: 'core.user_auth.login_failed',
    outcome: { result: 'FAILURE', reason },
    authenticationContext: PASSWORD_AUTH,
  };
}

export async function openTransaction(tx: Tx, ctx: SignInContext, user: UserRow | null, status: PendingStatus, amr: string[], now: Date, challenge: string | null = null): Promise<{ stateToken: string; expiresAt: Date }> {
  const stateToken = `00${newSecret(30)}`;
  const expiresAt = new Date(now.getTime() + STATE_TOKEN_TTL_MS);
  await insertTransaction(tx, ctx.tenant.id, sha256Hex(stateToken), { userId: user?.id ?? null, status, amr, challenge, factorId: null, created: now, expiresAt });
  return { stateToken, expiresAt };
}

/**
 * Where a sign-in goes once it has passed `amr`: to a second factor if the user has one and has not used it,
 * then to a new password if theirs expired (the factor comes first, so that changing an expired password
 * never skips it), else to a sessionToken carrying `amr`.
 */
export async function nextStep(tx: Tx, ctx: SignInContext, user: UserRow, amr: string[], now: Date): Promise<AuthnOutcome> {
  // Anything beyond the password (otp, hwk, swk) is a second factor already passed.
  if (amr.every((m) => m === 'pwd')) {
    const factors = await activeFactors(tx, ctx.tenant.id, user.id);
    if (factors.length > 0) return { status: 'MFA_REQUIRED', user, factors, ...(await openTransaction(tx, ctx, user, 'MFA_REQUIRED', amr, now)) };
  }
  if (user.status === 'PASSWORD_EXPIRED') return { status: 'PASSWORD_EXPIRED', user, ...(await openTransaction(tx, ctx, user, 'PASSWORD_EXPIRED', amr, now)) };
  const token = await issueSessionToken(tx, ctx.tenant.id, user.id, amr, now);
  return { status: 'SUCCESS', user, sessionToken: token.value, expiresAt: token.expiresAt };
}

export type Attempt = { outcome: AuthnOutcome } | { failed: true };

/** The tenant's lockout rule, from its password policy. */
export async function lockoutOf(ctx: SignInContext): Promise<LockoutRule> {
  const { lockout } = (await passwordPolicyOf(ctx.db, ctx.tenant.id)).settings;
  return { attempts: lockout.maxAttempts, minutes: lockout.autoUnlockMinutes };
}

export type Pending = { user: UserRow; status: PendingStatus; amr: string[]; challenge: string | null; factorId: string | null; expiresAt: Date };

/** The live transaction a stateToken names and its user, or Okta's invalid-token error. */
export async function pendingOf(db: Db | Tx, ctx: SignInContext, stateToken: string, lock: boolean): Promise<Pending> {
  const pending = await findTransaction(db, ctx.tenant.id, sha256Hex(stateToken), lock);
  const live = pending && pending.userId !== null && pending.expiresAt.getTime() > ctx.clock.now().getTime();
  const user = live ? await lookupUser(db, ctx.tenant.id, pending.userId as string) : undefined;
  if (!pending || !user) throw OktaErrors.invalidToken();
  return { user, status: pending.status, amr: pending.amr, challenge: pending.challenge, factorId: pending.factorId, expiresAt: pending.expiresAt };
}

export const wrongState = () => new AppError(403, 'E0000079', 'This operation is not allowed in the current authentication state.');

/** The current state of an unfinished sign-in (POST /api/v1/authn with only a stateToken). */
export async function transactionState(ctx: SignInContext, stateToken: string): Promise<AuthnOutcome> {
  const pending = await pendingOf(ctx.db, ctx, stateToken, false);
  const base = { user: pending.user, stateToken, expiresAt: pending.expiresAt };
  if (pending.status === 'MFA_REQUIRED') return { status: 'MFA_REQUIRED', ...base, factors: await activeFactors(ctx.db, ctx.tenant.id, pending.user.id) };
  // The passkey options of an enrollment were answered once, with the factor; they are not shown again.
  if (pending.status === 'MFA_ENROLL_ACTIVATE') throw wrongState();
  if (pending.status === 'MFA_CHALLENGE') {
    // A transaction with a user is a second-factor challenge: the passkey it was issued for answers it.
    const factor = (await activeFactors(ctx.db, ctx.tenant.id, pending.user.id)).find((f) => f.id === pending.factorId);
    if (!factor) throw wrongState();
    const challenge = await passkeyChallenge({ db: ctx.db, tenantId: ctx.tenant.id }, ctx.rp, pending.user.id, pending.challenge ?? undefined, factor.id);
    return { status: 'MFA_CHALLENGE', ...base, factor, challenge };
  }
  return { status: pending.status, ...base };
}

export const PASSKEY_AUTH = { authenticationProvider: 'FACTOR_PROVIDER', credentialType: 'ASSERTION' } as const;
const OTP_AUTH = { authenticationProvider: 'FACTOR_PROVIDER', credentialType: 'OTP' } as const;

/** `user.authentication.verify`: the user proved who they are, with a password or (`factor`) a passkey. */
export function verifiedEvent(user: UserRow, factor?: FactorRow): EventInput {
  return {
    eventType: 'user.authentication.verify',
    displayMessage: 'Verify user identity',
    target: factor === undefined ? [userTarget(user)] : [userTarget(user), factorTarget(factor)],
    authenticationContext: factor === undefined ? PASSWORD_AUTH : PASSKEY_AUTH,
  };
}

/** `user.authentication.auth_via_mfa`: a second factor's answer, right or wrong. */
export function mfaEvent(user: UserRow, factor: FactorRow, ok: boolean): EventInput {
  return {
    eventType: 'user.authentication.auth_via_mfa',
    displayMessage: 'Authentication of user via MFA',
    outcome: ok ? { result: 'SUCCESS' } : { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
    target: [userTarget(user), factorTarget(factor)],
    authenticationContext: factor.factorType === WEBAUTHN ? PASSKEY_AUTH : OTP_AUTH,
  };
}

/** `user.account.lock`: the failed attempt that reached the policy's limit. */
export function lockedEvent(user: UserRow): EventInput {
  return { eventType: 'user.account.lock', displayMessage: 'Max sign in attempts exceeded', outcome: { result: 'FAILURE', reason: 'LOCKED_OUT' }, target: [userTarget(user)] };
}

/** RFC 8176: a passkey synced between devices is a software-secured key, a device-bound one hardware-secured. */
export function passkeyAmr(backedUp: boolean): string {
  return backedUp ? 'swk' : 'hwk';
}

export function factorContext(ctx: SignInContext, user: UserRow) {
  return { db: ctx.db, clock: ctx.clock, tenantId: ctx.tenant.id, secrets: ctx.secrets, audit: ctx.audit(userTarget(user)) };
}
