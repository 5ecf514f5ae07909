import type { Db, Tx } from '#src/db/database.ts';
import type { TenantRef } from '#src/http/tenant-host.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Enrollment } from '#src/factors/dto.ts';
import { activeFactors, factorTarget, type FactorRow } from '#src/factors/service.ts';
import { passkeyChallenge, WEBAUTHN, type RelyingParty } from '#src/factors/webauthn.ts';
import type { SecretBox } from '#src/lib/secret-box.ts';
import { auditNetwork, type NetworkInfo } from '#src/network/resolver.ts';
import { behaviorsOf, issueSessionToken, knownNetworks } from '#src/sessions/service.ts';
import type { AuditContext, EventInput, LogActor } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { passwordPolicyOf } from '#src/policy/service.ts';
import { amrSatisfies, factorQualifies } from '#src/policy/sign-on-rules.ts';
import { decideSignOn, evaluationEvent, type EvaluationOutcome } from '#src/policy/sign-on.ts';
import { roleTypesOf } from '#src/roles/service.ts';
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
  /** Where the request comes from, for the sign-on rules' network conditions. */
  network: NetworkInfo;
  /** How many days back a network counts as known to a user (BULWARK_NEW_LOCATION_DAYS). */
  knownNetworkDays: number;
  /** The request's audit context with the given actor. */
  audit(actor: LogActor): AuditContext;
};

export type AuthnOutcome =
  | { status: 'SUCCESS'; user: UserRow; sessionToken: string; expiresAt: Date }
  | { status: 'PASSWORD_EXPIRED'; user: UserRow; stateToken: string; expiresAt: Date }
  | { status: 'MFA_REQUIRED'; user: UserRow; stateToken: string; expiresAt: Date; factors: FactorRow[] }
  | { status: 'MFA_CHALLENGE'; user: UserRow | null; stateToken: string; expiresAt: Date; factor: FactorRow | null; challenge: PublicKeyCredentialRequestOptionsJSON }
  | { status: 'MFA_ENROLL'; user: UserRow; stateToken: string; expiresAt: Date; factorTypes: readonly EnrollableFactor[] }
  | { status: 'MFA_ENROLL_ACTIVATE'; user: UserRow; stateToken: string; expiresAt: Date; factor: FactorRow; enrollment: Enrollment }
  | { status: 'DENIED'; user: UserRow; cause: string };

/** The factors a sign-in can set up when its rule wants one the user lacks. */
export type EnrollableFactor = { factorType: string; provider: string };
const TOTP_ENROLLMENT: EnrollableFactor = { factorType: 'token:software:totp', provider: 'GOOGLE' };

/**
 * What a sign-in may set up when its rule wants a factor the user has none of. An admin gets no passkey this
 * way: a passkey set up after a password alone would turn a stolen password into the phishing-resistant
 * sign-in the admin console asks for. Admins get theirs through an enrollment link, or from their own
 * factor page in a session (where the new-location rule applies).
 */
export async function enrollableFor(db: Db | Tx, tenantId: string, userId: string): Promise<EnrollableFactor[]> {
  if ((await roleTypesOf(db, tenantId, userId)).size > 0) return [TOTP_ENROLLMENT];
  return [{ factorType: 'webauthn', provider: 'FIDO' }, TOTP_ENROLLMENT];
}

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

/** Where a sign-in stands between requests: its user (once known), its app, and the methods passed so far. */
export type Flow = { user: UserRow | null; app: string; amr: string[] };

export async function openTransaction(tx: Tx, ctx: SignInContext, flow: Flow, status: PendingStatus, now: Date, challenge: string | null = null): Promise<{ stateToken: string; expiresAt: Date }> {
  const stateToken = `00${newSecret(30)}`;
  const expiresAt = new Date(now.getTime() + STATE_TOKEN_TTL_MS);
  const row = { userId: flow.user?.id ?? null, status, amr: flow.amr, challenge, factorId: null, app: flow.app, created: now, expiresAt };
  await insertTransaction(tx, ctx.tenant.id, sha256Hex(stateToken), row);
  return { stateToken, expiresAt };
}

/**
 * Where a sign-in goes once it has passed `amr`, as the tenant's sign-on rule for its app, user and network
 * decides (logged as `policy.evaluate_sign_on`): refused if the rule denies; to a factor the rule accepts if
 * `amr` does not meet the rule yet (a factor the user has is always asked for, even when the rule would do
 * without), or to setting one up if the user has none (never a passkey after a password alone: that is how
 * a stolen password would become a phishing-resistant sign-in); then to a new password if a password sign-in
 * found it expired (the factor comes first, so that changing an expired password never skips it); else to a
 * sessionToken carrying `amr` and the rule's session lifetimes.
 */
export async function nextStep(tx: Tx, ctx: SignInContext, user: UserRow, flow: Omit<Flow, 'user'>, now: Date): Promise<AuthnOutcome> {
  const { app, amr } = flow;
  const decision = await decideSignOn(tx, ctx.tenant.id, app, user.id, ctx.network);
  const rule = decision.actions;
  const behaviors = behaviorsOf(ctx.network, await knownNetworks(tx, ctx.clock, ctx.tenant.id, { id: null, userId: user.id }, ctx.knownNetworkDays));
  const audit = { ...ctx.audit(userTarget(user)), network: auditNetwork(ctx.network) };
  const log = (outcome: EvaluationOutcome) => recordEvents(tx, ctx.clock, ctx.tenant.id, audit, [
    evaluationEvent(ctx.tenant.id, decision, { app, user: userTarget(user), outcome, amr, behaviors }),
  ]);
  const open = (status: PendingStatus) => openTransaction(tx, ctx, { user, app, amr }, status, now);
  if (rule.access === 'DENY') {
    await log('DENY');
    return { status: 'DENIED', user, cause: 'app: Access to this app from here is denied by the organization\'s sign-on policy' };
  }
  const factors = await activeFactors(tx, ctx.tenant.id, user.id);
  const onlyPassword = amr.every((m) => m === 'pwd');
  if (!amrSatisfies(amr, rule) || (onlyPassword && factors.length > 0)) {
    const usable = factors.filter((f) => factorQualifies(f.factorType, rule));
    if (usable.length > 0) {
      await log('CHALLENGE');
      return { status: 'MFA_REQUIRED', user, factors: usable, ...(await open('MFA_REQUIRED')) };
    }
    if (rule.phishingResistant === 'REQUIRED' || factors.length > 0) {
      await log('DENY');
      return { status: 'DENIED', user, cause: 'factor: This app needs a passkey, and this account has none. Ask an administrator for an enrollment link.' };
    }
    await log('CHALLENGE');
    return { status: 'MFA_ENROLL', user, factorTypes: await enrollableFor(tx, ctx.tenant.id, user.id), ...(await open('MFA_ENROLL')) };
  }
  if (user.status === 'PASSWORD_EXPIRED' && amr.includes('pwd')) return { status: 'PASSWORD_EXPIRED', user, ...(await open('PASSWORD_EXPIRED')) };
  await log('ALLOW');
  const grant = { app, idleMinutes: rule.session.maxSessionIdleMinutes, maxMinutes: rule.session.maxSessionLifetimeMinutes };
  const token = await issueSessionToken(tx, ctx.tenant.id, user.id, amr, grant, now);
  return { status: 'SUCCESS', user, sessionToken: token.value, expiresAt: token.expiresAt };
}

export type Attempt = { outcome: AuthnOutcome } | { failed: true };

/** The tenant's lockout rule, from its password policy. */
export async function lockoutOf(ctx: SignInContext): Promise<LockoutRule> {
  const { lockout } = (await passwordPolicyOf(ctx.db, ctx.tenant.id)).settings;
  return { attempts: lockout.maxAttempts, minutes: lockout.autoUnlockMinutes };
}

export type Pending = { user: UserRow; status: PendingStatus; app: string; amr: string[]; challenge: string | null; factorId: string | null; expiresAt: Date };

/** The live transaction a stateToken names and its user, or Okta's invalid-token error. */
export async function pendingOf(db: Db | Tx, ctx: SignInContext, stateToken: string, lock: boolean): Promise<Pending> {
  const pending = await findTransaction(db, ctx.tenant.id, sha256Hex(stateToken), lock);
  const live = pending && pending.userId !== null && pending.expiresAt.getTime() > ctx.clock.now().getTime();
  const user = live ? await lookupUser(db, ctx.tenant.id, pending.userId as string) : undefined;
  if (!pending || !user) throw OktaErrors.invalidToken();
  return { user, status: pending.status, app: pending.app, amr: pending.amr, challenge: pending.challenge, factorId: pending.factorId, expiresAt: pending.expiresAt };
}

export const wrongState = () => new AppError(403, 'E0000079', 'This operation is not allowed in the current authentication state.');

/**
 * The user's active factors that the sign-in's rule accepts: what MFA_REQUIRED offers, and all that may
 * answer it (a TOTP code never stands in for the passkey a rule wants).
 */
export async function offeredFactors(ctx: SignInContext, app: string, userId: string): Promise<FactorRow[]> {
  const rule = (await decideSignOn(ctx.db, ctx.tenant.id, app, userId, ctx.network)).actions;
  return (await activeFactors(ctx.db, ctx.tenant.id, userId)).filter((f) => factorQualifies(f.factorType, rule));
}

/** The current state of an unfinished sign-in (POST /api/v1/authn with only a stateToken). */
export async function transactionState(ctx: SignInContext, stateToken: string): Promise<AuthnOutcome> {
  const pending = await pendingOf(ctx.db, ctx, stateToken, false);
  const base = { user: pending.user, stateToken, expiresAt: pending.expiresAt };
  if (pending.status === 'MFA_REQUIRED') return { status: 'MFA_REQUIRED', ...base, factors: await offeredFactors(ctx, pending.app, pending.user.id) };
  if (pending.status === 'MFA_ENROLL') return { status: 'MFA_ENROLL', ...base, factorTypes: await enrollableFor(ctx.db, ctx.tenant.id, pending.user.id) };
  // The options or secret of an enrollment were answered once, with the factor; they are not shown again.
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
