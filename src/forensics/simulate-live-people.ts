/**
 * The tenant's own people at work in `bulwark simulate --live`, each step through the service the route a real
 * request reaches would call, with the audit context that route builds (src/http/request-context.ts): the IT
 * admin's changes, users signing in, changing an expired password, setting up TOTP, editing their profile.
 * Nothing here writes an event itself; every event is the owning service's, in the transaction of its change.
 */
import { Secret, TOTP as TotpCode } from 'otpauth';
import { changeExpiredPassword, signInWithPassword } from '#src/authn/password.ts';
import type { SignInContext } from '#src/authn/transaction.ts';
import type { Db } from '#src/db/database.ts';
import { assertEnrollmentFromKnownNetwork } from '#src/factors/new-location.ts';
import { activateTotp, enrollTotp, resetAllFactors, TOTP, type FactorContext } from '#src/factors/service.ts';
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from '#src/factors/totp.ts';
import type { RelyingParty } from '#src/factors/webauthn.ts';
import { addMember } from '#src/groups/membership.ts';
import { AppError } from '#src/http/errors.ts';
import type { Clock } from '#src/lib/clock.ts';
import { between, type Rand } from '#src/lib/random.ts';
import type { SecretBox } from '#src/lib/secret-box.ts';
import { newSecret } from '#src/lib/secrets.ts';
import type { NetworkInfo } from '#src/network/resolver.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { startSession, type SessionRow } from '#src/sessions/service.ts';
import type { AuditContext, LogActor } from '#src/syslog/log-event.ts';
import type { TenantRow } from '#src/tenants/service.ts';
import { changeLifecycle, getUser, lookupUser, replaceOwnProfile, updateUser, userTarget, type UserRow } from '#src/users/service.ts';
import { authorizeReset, refusalsLogged } from '#src/verification/gate.ts';
import { webContext } from './simulate-events.ts';
import type { Network, Person } from './simulate-world.ts';

/** What the simulation runs with: the database, its stepping clock, and the tenant it plays out in. */
export type LiveWorld = {
  db: Db;
  clock: Clock & { advance(ms: number): void; set(d: Date): void };
  /** Draws the seconds between the steps of one action. */
  gaps: Rand;
  secrets: SecretBox;
  tenant: TenantRow;
  /** The tenant's own origin: recovery links point there, passkeys answer to its host. */
  tenantOrigin: string;
  rp: RelyingParty;
  newLocationDays: number;
};

/** A user of the roster as the simulation knows them: the row, who they are, the password they hold, and what happened to them. */
export type LiveUser = { row: UserRow; person: Person; password: string; log: Happened[] };

/** Who acted on a user: their admin, the user themselves, the intruder, or the operator. */
export type Actor = 'admin' | 'self' | 'intruder' | 'operator';

/**
 * One thing that happened to a user: when, what, by whom, how it ended, and the events about the user that say
 * what it was (whether a password or factor changed is read from these). It may have written others as well,
 * such as the `user.session.clear` of a reset that ended sessions.
 */
export type Happened = { at: string; action: string; by: Actor; outcome: 'SUCCESS' | 'DENY' | 'NOT_REACHED'; eventTypes: string[]; note?: string };

/** A new password that the default policy, and one asking for every kind of character, accept; kept only in memory. */
export const newPassword = (): string => `${newSecret(18)}Aa1!`;

const networkInfo = (n: Network): NetworkInfo => ({ ip: n.ip, asn: n.asNumber, asOrg: n.asOrg, country: n.country });

/** Moves the clock on by `min`-`max` seconds: the time a person takes between two requests. */
export function pause(w: LiveWorld, min: number, max: number): void {
  w.clock.advance(between(w.gaps, min, max) * 1000);
}

/** Something that happened to a user, at the clock's time. */
export const happened = (w: LiveWorld, action: string, by: Actor, eventTypes: string[], outcome: Happened['outcome'] = 'SUCCESS', note?: string): Happened => ({
  at: w.clock.now().toISOString(), action, by, outcome, eventTypes, ...(note === undefined ? {} : { note }),
});

/** The audit context of a request of `actor` from the person's browser; request ids are random, as a server's are. */
function request(actor: LogActor, person: Person, network: Network, requestUri: string): AuditContext {
  return webContext(Math.random, actor, network, person.userAgent, requestUri);
}

/** The admin's API call, as serviceContextOf builds it for a super admin's session. */
export function adminContext(w: LiveWorld, admin: LiveUser, requestUri: string): ServiceContext {
  return {
    db: w.db, clock: w.clock, tenantId: w.tenant.id, audit: request(userTarget(admin.row), admin.person, admin.person.network, requestUri),
    actor: { userId: admin.row.id, roles: new Set(['SUPER_ADMIN']) }, authChanged: () => {},
  };
}

function signInContext(w: LiveWorld, user: LiveUser, network: Network, requestUri: string): SignInContext {
  return {
    db: w.db, clock: w.clock, tenant: { id: w.tenant.id, slug: w.tenant.slug, cell: w.tenant.cell }, secrets: w.secrets, rp: w.rp,
    network: networkInfo(network), knownNetworkDays: w.newLocationDays, audit: (actor) => request(actor, user.person, network, requestUri),
  };
}

/** The dashboard's cookie for a sessionToken (/login/sessionCookieRedirect): the session a sign-in ends in. */
async function openSession(w: LiveWorld, user: LiveUser, network: Network, sessionToken: string): Promise<SessionRow> {
  pause(w, 1, 3);
  const ctx = {
    db: w.db, clock: w.clock, tenantId: w.tenant.id, userAgent: user.person.userAgent, network: networkInfo(network),
    audit: (actor: LogActor) => request(actor, user.person, network, '/login/sessionCookieRedirect'),
  };
  const started = await startSession(ctx, sessionToken, async (id) => {
    const found = await lookupUser(w.db, w.tenant.id, id);
    return found?.status === 'ACTIVE' ? userTarget(found) : undefined;
  });
  return started.session;
}

/** A password sign-in to the dashboard and its session; null (and why) when the sign-in stopped short of one. */
export async function signIn(w: LiveWorld, user: LiveUser, network: Network): Promise<SessionRow | null> {
  const outcome = await signInWithPassword(signInContext(w, user, network, '/api/v1/authn'), user.person.login, user.password, 'dashboard');
  if (outcome.status !== 'SUCCESS') {
    user.log.push(happened(w, 'signIn', 'self', ['user.authentication.verify', 'policy.evaluate_sign_on'], 'NOT_REACHED', `the sign-in answered ${outcome.status}`));
    return null;
  }
  user.log.push(happened(w, 'signIn', 'self', ['user.authentication.verify', 'policy.evaluate_sign_on', 'user.session.start']));
  return openSession(w, user, network, outcome.sessionToken);
}

/** The user signs in with the password an admin expired and chooses a new one (/api/v1/authn/credentials/change_password). */
export async function changeOwnExpiredPassword(w: LiveWorld, user: LiveUser): Promise<void> {
  const network = user.person.network;
  const started = await signInWithPassword(signInContext(w, user, network, '/api/v1/authn'), user.person.login, user.password, 'dashboard');
  if (started.status !== 'PASSWORD_EXPIRED') {
    user.log.push(happened(w, 'changeExpiredPassword', 'self', [], 'NOT_REACHED', `the sign-in answered ${started.status}`));
    return;
  }
  pause(w, 20, 90);
  const chosen = newPassword();
  const done = await changeExpiredPassword(signInContext(w, user, network, '/api/v1/authn/credentials/change_password'), started.stateToken, user.password, chosen);
  user.password = chosen;
  user.log.push(happened(w, 'changeExpiredPassword', 'self', ['user.account.update_password']));
  if (done.status === 'SUCCESS') await openSession(w, user, network, done.sessionToken);
}

/**
 * The user, signed in, sets up TOTP (/api/v1/users/me/factors, then …/lifecycle/activate with a code their app
 * shows, computed here from the shared secret), each step checked against the new-location rule as those routes
 * check it. From a network the account never signed in from, that rule refuses it (and ends their sessions).
 */
export async function setUpTotp(w: LiveWorld, user: LiveUser, network: Network, activate: boolean): Promise<void> {
  const session = await signIn(w, user, network);
  if (!session) return;
  const target = userTarget(user.row);
  const factors = (requestUri: string): FactorContext => ({ db: w.db, clock: w.clock, tenantId: w.tenant.id, secrets: w.secrets, audit: request(target, user.person, network, requestUri) });
  const knownNetwork = async (ctx: FactorContext): Promise<boolean> => {
    try {
      await assertEnrollmentFromKnownNetwork({ ...ctx, user: target, session, network: networkInfo(network), days: w.newLocationDays, factorType: TOTP });
      return true;
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 403) throw err;
      user.log.push(happened(w, 'enrollTotp', 'self', ['user.mfa.factor.activate', 'security.threat.detected'], 'DENY', 'a new factor from a network the account has not signed in from'));
      return false;
    }
  };
  pause(w, 10, 120);
  const enrolling = factors('/api/v1/users/me/factors');
  if (!(await knownNetwork(enrolling))) return;
  const enrollment = await enrollTotp(enrolling, target, 'GOOGLE', w.tenant.slug);
  user.log.push(happened(w, 'enrollTotp', 'self', ['user.mfa.factor.update']));
  if (!activate) return;
  pause(w, 15, 60);
  const activating = factors(`/api/v1/users/me/factors/${enrollment.factor.id}/lifecycle/activate`);
  if (!(await knownNetwork(activating))) return;
  const code = new TotpCode({ algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(enrollment.sharedSecret) });
  await activateTotp(activating, target, enrollment.factor.id, code.generate({ timestamp: w.clock.now().getTime() }));
  user.log.push(happened(w, 'activateTotp', 'self', ['user.mfa.factor.activate']));
}

/** An admin's lifecycle operation (/api/v1/users/{id}/lifecycle/…): a password expired, or reset with the link sent to the user. */
export async function adminLifecycle(w: LiveWorld, admin: LiveUser, user: LiveUser, op: 'expire_password' | 'reset_password'): Promise<void> {
  const ctx = adminContext(w, admin, `/api/v1/users/${user.row.id}/lifecycle/${op}`);
  await changeLifecycle(ctx, user.row.id, op, op === 'reset_password' ? { tenantOrigin: w.tenantOrigin } : {});
  user.log.push(op === 'reset_password'
    ? happened(w, 'resetPassword', 'admin', ['user.account.reset_password'])
    : happened(w, 'expirePassword', 'admin', ['user.account.expire_password']));
}

/**
 * A reset of all of a user's factors as /api/v1/users/{id}/lifecycle/reset_factors does it: allowed or refused
 * inside its own transaction (verification/gate.ts), a refusal logged once that transaction has rolled back.
 */
export async function resetFactorsAs(ctx: ServiceContext, user: UserRow): Promise<void> {
  const target = userTarget(user);
  await refusalsLogged(ctx.db, ctx, () => ctx.db.transaction().execute(async (tx) => {
    await resetAllFactors(tx, ctx.clock, ctx.tenantId, ctx.audit, target, await authorizeReset(tx, ctx, target, 'RESET_FACTORS'));
  }));
}

export async function adminResetFactors(w: LiveWorld, admin: LiveUser, user: LiveUser): Promise<void> {
  await resetFactorsAs(adminContext(w, admin, `/api/v1/users/${user.row.id}/lifecycle/reset_factors`), user.row);
  user.log.push(happened(w, 'resetFactors', 'admin', ['user.mfa.factor.reset_all']));
}

/** The admin sets an attribute (POST /api/v1/users/{id}), or the user their own (MyAccount's PUT /idp/myaccount/profile). */
export async function editProfile(w: LiveWorld, admin: LiveUser, user: LiveUser, change: { self: boolean; attribute: string; value: string }): Promise<void> {
  if (change.self) {
    const ctx: ServiceContext = {
      db: w.db, clock: w.clock, tenantId: w.tenant.id, audit: request(userTarget(user.row), user.person, user.person.network, '/idp/myaccount/profile'),
      actor: { userId: user.row.id, roles: new Set() }, authChanged: () => {},
    };
    const current = await getUser(ctx, user.row.id);
    await replaceOwnProfile(ctx, user.row.id, { ...current.profile, [change.attribute]: change.value });
  } else {
    await updateUser(adminContext(w, admin, `/api/v1/users/${user.row.id}`), user.row.id, { profile: { [change.attribute]: change.value }, replace: false });
  }
  user.log.push(happened(w, 'updateProfile', change.self ? 'self' : 'admin', ['user.account.update_profile'], 'SUCCESS', change.attribute));
}

/** The admin adds the user to a group (PUT /api/v1/groups/{id}/users/{userId}). */
export async function joinGroup(w: LiveWorld, admin: LiveUser, user: LiveUser, group: { id: string; name: string }): Promise<void> {
  await addMember(adminContext(w, admin, `/api/v1/groups/${group.id}/users/${user.row.id}`), group.id, user.row.id);
  user.log.push(happened(w, 'addToGroup', 'admin', ['group.user_membership.add'], 'SUCCESS', group.name));
}

