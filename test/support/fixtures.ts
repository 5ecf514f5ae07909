/**
 * Objects made through the API by a tenant's super admin, in the state a test needs them. The one state the
 * API cannot reach, LOCKED_OUT (sign-in lockout is not built yet), is set in the table directly. What only a
 * user can make (sessions by cookie, second factors) is made by a browser on the tenant's host, as the user.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Db } from '../../src/db/database.ts';
import { issueSessionToken } from '../../src/sessions/service.ts';
import type { Api, ApiResponse } from '../helpers.ts';
import { hostClient, type HostClient } from './host-client.ts';
import type { SoftAuthenticator } from './soft-authenticator.ts';

export type Fixture = { db: Db; tenantId: string; api: Api };

/** A fixture that can also open a fresh browser on the tenant's own host, for sign-in and cookie sessions. */
export type WebFixture = Fixture & { web(): HostClient };

export type UserRef = { id: string; login: string };

export const PASSWORD = 'Correct-Horse-Battery-9';

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export function ok(res: ApiResponse, what: string): ApiResponse {
  if (res.status >= 300) throw new Error(`fixture ${what} failed: ${res.status} ${res.text}`);
  return res;
}

export function profileOf(login: string): Record<string, string> {
  return { login, email: login, firstName: 'Fixture', lastName: 'Person' };
}

export type UserState = 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'PASSWORD_EXPIRED' | 'SUSPENDED' | 'LOCKED_OUT' | 'DEPROVISIONED';

export const USER_STATES: readonly UserState[] = ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'SUSPENDED', 'LOCKED_OUT', 'DEPROVISIONED'];

/** A new user in `state`; ACTIVE and the states reached from it carry a password (RECOVERY no longer does). */
export async function newUser(f: Fixture, state: UserState = 'PROVISIONED'): Promise<UserRef> {
  const login = `${unique('user')}@fixture.example.com`;
  const withPassword = !['STAGED', 'PROVISIONED', 'DEPROVISIONED'].includes(state);
  const body = { profile: profileOf(login), ...(withPassword ? { credentials: { password: { value: PASSWORD } } } : {}) };
  const res = ok(await f.api('POST', `/api/v1/users?activate=${state !== 'STAGED'}`, body), `create ${state} user`);
  const id = res.body.id as string;
  if (state === 'SUSPENDED') ok(await f.api('POST', `/api/v1/users/${id}/lifecycle/suspend`), 'suspend');
  if (state === 'RECOVERY') ok(await f.api('POST', `/api/v1/users/${id}/lifecycle/reset_password`), 'reset password');
  if (state === 'PASSWORD_EXPIRED') ok(await f.api('POST', `/api/v1/users/${id}/lifecycle/expire_password`), 'expire password');
  if (state === 'DEPROVISIONED') ok(await f.api('POST', `/api/v1/users/${id}/lifecycle/deactivate`), 'deactivate');
  if (state === 'LOCKED_OUT') await f.db.updateTable('users').set({ status: 'LOCKED_OUT' }).where('tenant_id', '=', f.tenantId).where('id', '=', id).execute();
  return { id, login };
}

/** Grants `type` to the user and returns the role assignment's id. */
export async function grant(f: Fixture, userId: string, type: string): Promise<string> {
  return ok(await f.api('POST', `/api/v1/users/${userId}/roles`, { type }), `grant ${type}`).body.id as string;
}

export async function newGroup(f: Fixture): Promise<{ id: string; name: string }> {
  const name = unique('Group');
  const res = ok(await f.api('POST', '/api/v1/groups', { profile: { name, description: 'fixture' } }), 'create group');
  return { id: res.body.id as string, name };
}

export async function addMember(f: Fixture, groupId: string, userId: string): Promise<void> {
  ok(await f.api('PUT', `/api/v1/groups/${groupId}/users/${userId}`), 'add member');
}

/** A new API token of the super admin; returns its id and value. */
export async function newToken(f: Fixture): Promise<{ id: string; value: string }> {
  const res = ok(await f.api('POST', '/api/v1/api-tokens', { name: unique('token') }), 'create token');
  return { id: res.body.id as string, value: res.body.token as string };
}

/** Signs `user` in with PASSWORD at the tenant's host, as a browser would; returns the authn transaction. */
export async function signIn(web: HostClient, user: UserRef): Promise<Record<string, any>> {
  return ok(await web('POST', '/api/v1/authn', { username: user.login, password: PASSWORD }), 'sign in').body as Record<string, any>;
}

/** The one-time sessionToken of a finished sign-in of an ACTIVE `user`. */
export async function sessionTokenFor(web: HostClient, user: UserRef): Promise<string> {
  const transaction = await signIn(web, user);
  if (transaction['status'] !== 'SUCCESS') throw new Error(`fixture sign in: status ${transaction['status']}, expected SUCCESS`);
  return transaction['sessionToken'] as string;
}

/** The stateToken of a sign-in that waits for a PASSWORD_EXPIRED `user` to choose a new password. */
export async function stateTokenFor(web: HostClient, user: UserRef): Promise<string> {
  const transaction = await signIn(web, user);
  if (transaction['status'] !== 'PASSWORD_EXPIRED') throw new Error(`fixture sign in: status ${transaction['status']}, expected PASSWORD_EXPIRED`);
  return transaction['stateToken'] as string;
}

export type SessionRef = { id: string; user: UserRef; web: HostClient };

/**
 * A cookie session, made the way a browser makes one (sign-in, then the cookie redirect), of `user` or of a
 * new ACTIVE user: the session's id, its owner, and the browser holding its cookie.
 */
export async function newSession(f: Fixture, user?: UserRef): Promise<SessionRef> {
  const owner = user ?? await newUser(f, 'ACTIVE');
  const web = await browserOf(f);
  const token = await sessionTokenFor(web, owner);
  const redirect = await web('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2F`);
  if (redirect.status !== 302) throw new Error(`fixture cookie redirect failed: ${redirect.status} ${redirect.text}`);
  const me = ok(await web('GET', '/api/v1/sessions/me'), 'read own session');
  return { id: me.body.id as string, user: owner, web };
}

/**
 * The sessionToken a finished password sign-in of `user` (ACTIVE) would get, made straight in the database:
 * the API's own way to one, POST /api/v1/authn, needs the tenant's host, which a plain Fixture cannot name.
 * It lasts five minutes of real time, so a server on a manual clock moved further ahead finds it expired.
 */
export async function mintSessionToken(f: Fixture, user: UserRef): Promise<string> {
  const token = await f.db.transaction().execute((tx) => issueSessionToken(tx, f.tenantId, user.id, ['pwd'], { app: 'dashboard', idleMinutes: 120, maxMinutes: 720 }, new Date()));
  return token.value;
}

/** A session of `user` or of a new ACTIVE user, started by the super admin with POST /api/v1/sessions. */
export async function newApiSession(f: Fixture, user?: UserRef): Promise<{ id: string; user: UserRef }> {
  const owner = user ?? await newUser(f, 'ACTIVE');
  const res = ok(await f.api('POST', '/api/v1/sessions', { sessionToken: await mintSessionToken(f, owner) }), 'start session');
  return { id: res.body.id as string, user: owner };
}

const serverUrls = new WeakMap<Api, Promise<string>>();

/**
 * A fresh browser on the tenant's own host. A WebFixture opens it; a plain Fixture (log-events-schema.test.ts
 * walks the catalog with one) knows no server address, so the address is read from the `rel="self"` link of
 * an answer of the API, and the tenant's slug from its row.
 */
export async function browserOf(f: Fixture): Promise<HostClient> {
  if ('web' in f && typeof f.web === 'function') return (f as WebFixture).web();
  let url = serverUrls.get(f.api);
  if (!url) {
    url = f.api('GET', '/api/v1/users?limit=1').then((res) => {
      const self = /<([^>]+)>;\s*rel="self"/.exec(ok(res, 'find the server address').headers.get('link') ?? '')?.[1];
      if (!self) throw new Error('fixture: no self link to learn the server address from');
      return new URL(self).origin;
    });
    serverUrls.set(f.api, url);
  }
  const tenant = await f.db.selectFrom('tenants').select('slug').where('id', '=', f.tenantId).executeTakeFirstOrThrow();
  return hostClient(await url, tenant.slug);
}

/**
 * The headers a page of the tenant's own site adds to a request it makes: a browser names the page's origin
 * on anything but a GET, and the cookie routes refuse a write that names another site.
 */
export function pageHeaders(web: HostClient, method: string): Record<string, string> {
  return method === 'GET' || method === 'HEAD' ? {} : { origin: `http://${web.host}` };
}

/**
 * A cookie session of `user` or of a new ACTIVE user who signed in from this network once before: the only
 * kind of session that may add a factor (src/factors/new-location.ts does not let a session vouch for its
 * own network). All test requests come from 127.0.0.1, so two sign-ins from here make one.
 */
export async function newKnownSession(f: Fixture, user?: UserRef): Promise<SessionRef> {
  const owner = user ?? await newUser(f, 'ACTIVE');
  await newSession(f, owner);
  return newSession(f, owner);
}

export const TOTP_ENROLLMENT = { factorType: 'token:software:totp', provider: 'GOOGLE' } as const;

/** The code an authenticator app shows for `secret` (base32) at `at`. */
export function totpCode(secret: string, at: Date): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: at.getTime() });
}

/**
 * A factor enrolled and not yet activated. `created` is the server's time of the enrollment, as its answer
 * states it: codes are computed for the server's clock, which for a test on a manual clock is not the real one.
 */
export type PendingTotp = { id: string; secret: string; created: Date };

/** Starts a TOTP enrollment from a browser signed in as its user (a known session: see newKnownSession). */
export async function enrollTotp(web: HostClient): Promise<PendingTotp> {
  const res = ok(await web('POST', '/api/v1/users/me/factors', TOTP_ENROLLMENT, pageHeaders(web, 'POST')), 'enroll TOTP');
  return { id: res.body.id as string, secret: res.body._embedded.activation.sharedSecret as string, created: new Date(res.body.created as string) };
}

/** The code that activates `pending`: the one its user's app showed at the time of the enrollment. */
export function activationCode(pending: PendingTotp): string {
  return totpCode(pending.secret, pending.created);
}

/** A user with an ACTIVE TOTP factor, its shared secret, the server's time of the activation, and the browser signed in as the user. */
export type TotpUser = { user: UserRef; factorId: string; secret: string; activated: Date; web: HostClient };

/**
 * `user` or a new ACTIVE user with an ACTIVE TOTP factor, set up the way its user would: two sign-ins from
 * this network, enrollment, activation with the app's code. From then on a password sign-in asks for a code.
 */
export async function newTotpUser(f: Fixture, user?: UserRef): Promise<TotpUser> {
  const session = await newKnownSession(f, user);
  const pending = await enrollTotp(session.web);
  const res = ok(await session.web('POST', `/api/v1/users/me/factors/${pending.id}/lifecycle/activate`, { passCode: activationCode(pending) }, pageHeaders(session.web, 'POST')), 'activate TOTP');
  if (res.body.status !== 'ACTIVE') throw new Error(`fixture activate TOTP: status ${res.body.status}`);
  return { user: session.user, factorId: pending.id, secret: pending.secret, activated: new Date(res.body.lastUpdated as string), web: session.web };
}

/**
 * A code the server has not accepted yet for the factor of `t`: a code works once, so the step after the
 * activation's (codes one step either side of the server's own are accepted for clock drift).
 */
export function nextCode(t: TotpUser): string {
  return totpCode(t.secret, new Date(t.activated.getTime() + 30_000));
}

/** The stateToken of a sign-in that waits for the second factor of `user` (one with an ACTIVE factor). */
export async function mfaStateTokenFor(web: HostClient, user: UserRef): Promise<string> {
  const transaction = await signIn(web, user);
  if (transaction['status'] !== 'MFA_REQUIRED') throw new Error(`fixture sign in: status ${transaction['status']}, expected MFA_REQUIRED`);
  return transaction['stateToken'] as string;
}

/**
 * A security alert, raised by the rule itself rather than written into the table: a new ACTIVE user signs in
 * for the first time and tries to add a factor in that session. No earlier sign-in vouches for the network,
 * so the new-location rule (src/factors/new-location.ts) refuses, ends the user's sessions, logs the threat
 * and raises NEW_FACTOR_FROM_NEW_LOCATION. This needs no trusted proxy: from 127.0.0.1 too, a first session
 * cannot vouch for itself. Returns the alert's id (read back through the API) and the user.
 */
export async function newAlert(f: Fixture): Promise<{ id: string; user: UserRef }> {
  const { web, user } = await newSession(f);
  const refused = await web('POST', '/api/v1/users/me/factors', TOTP_ENROLLMENT, pageHeaders(web, 'POST'));
  if (refused.status !== 403) throw new Error(`fixture raise alert: expected the enrollment refused, got ${refused.status} ${refused.text}`);
  const alerts = ok(await f.api('GET', '/api/v1/alerts?limit=200'), 'list alerts').body as { id: string; userId: string | null }[];
  const alert = alerts.find((a) => a.userId === user.id);
  if (!alert) throw new Error('fixture raise alert: no alert for the user');
  return { id: alert.id, user };
}

/** The id of the tenant's PASSWORD policy, as the API lists it. */
export async function passwordPolicyId(f: Fixture): Promise<string> {
  const res = ok(await f.api('GET', '/api/v1/policies?type=PASSWORD'), 'list policies');
  return (res.body as { id: string }[])[0]?.id ?? '';
}

/**
 * A body for PUT /api/v1/policies/{id}: the tenant's PASSWORD policy as Okta's Policy object, every field the
 * route accepts, with its current settings but for a new history count (0 to 24), so that each call changes
 * something. The other settings are left alone: the tenant's other fixtures keep their passwords valid.
 */
export async function passwordPolicyUpdate(f: Fixture): Promise<{ id: string; body: Record<string, unknown> }> {
  const res = ok(await f.api('GET', '/api/v1/policies?type=PASSWORD'), 'list policies');
  const policy = (res.body as Record<string, any>[])[0] ?? {};
  const password = policy['settings'].password as Record<string, any>;
  let historyCount = randomInt(0, 25);
  if (historyCount === password['age'].historyCount) historyCount = (historyCount + 1) % 25;
  return {
    id: policy['id'] as string,
    body: {
      id: policy['id'],
      type: 'PASSWORD',
      name: policy['name'],
      status: 'ACTIVE',
      priority: policy['priority'],
      system: policy['system'],
      description: policy['description'],
      conditions: null,
      settings: { password: { ...password, age: { ...password['age'], historyCount } } },
    },
  };
}

/** A new ACTIVE user with a registered passkey on `authenticator` (a software one: real keys and signatures). */
export async function newPasskeyUser(f: Fixture, authenticator: SoftAuthenticator): Promise<UserRef> {
  const { user, web } = await newKnownSession(f);
  const enrolled = ok(await web('POST', '/api/v1/users/me/factors', { factorType: 'webauthn', provider: 'FIDO' }, pageHeaders(web, 'POST')), 'enroll passkey');
  const credential = authenticator.create(enrolled.body._embedded.activation, `http://${web.host}`);
  ok(await web('POST', `/api/v1/users/me/factors/${enrolled.body.id}/lifecycle/activate`, { credential }, pageHeaders(web, 'POST')), 'activate passkey');
  return user;
}

/** An invited user's enrollment link, opened in `web`: the stateToken and the passkey factor waiting for its credential. */
export async function openedEnrollment(f: Fixture, web: HostClient): Promise<{ stateToken: string; factorId: string; options: Parameters<SoftAuthenticator['create']>[0] }> {
  const login = `${unique('invited')}@fixture.example.com`;
  const created = ok(await f.api('POST', '/api/v1/users?activate=false', { profile: profileOf(login) }), 'create staged user');
  const token = ok(await f.api('POST', `/api/v1/users/${created.body.id}/lifecycle/activate`), 'activate').body.activationToken as string;
  const opened = ok(await web('POST', '/api/v1/authn', { token }), 'open enrollment link');
  return { stateToken: opened.body.stateToken as string, factorId: opened.body._embedded.factor.id as string, options: opened.body._embedded.factor._embedded.activation };
}

/** An admin's reset_password of `user` (sendEmail=false): the recovery token of the link it answers with. */
export async function recoveryTokenFor(f: Fixture, user: UserRef): Promise<string> {
  const res = ok(await f.api('POST', `/api/v1/users/${user.id}/lifecycle/reset_password?sendEmail=false`), 'reset password');
  return new URL(res.body.resetPasswordUrl as string).pathname.split('/').pop() as string;
}

/** The stateToken of a recovery in RECOVERY: a new ACTIVE user's password reset by an admin, the link opened in `web`. */
export async function recoveryStateTokenFor(f: Fixture, web: HostClient): Promise<string> {
  const opened = ok(await web('POST', '/api/v1/authn/recovery/token', { recoveryToken: await recoveryTokenFor(f, await newUser(f, 'ACTIVE')) }), 'open recovery token');
  if (opened.body.status !== 'RECOVERY') throw new Error(`fixture recovery: status ${opened.body.status}, expected RECOVERY`);
  return opened.body.stateToken as string;
}

/** The stateToken of a self-service recovery of `user`, started in `web`, waiting for an answer of `factorType`. */
export async function recoveryChallengeFor(web: HostClient, user: UserRef, factorType: string): Promise<string> {
  return ok(await web('POST', '/api/v1/authn/recovery/password', { username: user.login, factorType }), 'start recovery').body.stateToken as string;
}

/** The id of the tenant's OKTA_SIGN_ON policy, as the Policy API lists it. */
export async function signOnPolicyIdOf(f: Fixture): Promise<string> {
  const res = ok(await f.api('GET', '/api/v1/policies?type=OKTA_SIGN_ON'), 'list sign-on policies');
  return (res.body as { id: string }[])[0]?.id ?? '';
}

/** A sign-on rule body that applies to members of `groupId` only, so that it changes nothing for other fixtures. */
export function ruleBodyFor(groupId: string, signon: Record<string, unknown> = { access: 'ALLOW', requireFactor: true }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'SIGN_ON', name: unique('Rule'), conditions: { people: { groups: { include: [groupId] } } }, actions: { signon }, ...extra };
}

/** A new rule of the tenant's sign-on policy for a new group (empty unless members are added): its ids and group. */
export async function newRule(f: Fixture, status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE'): Promise<{ policyId: string; ruleId: string; groupId: string }> {
  const policyId = await signOnPolicyIdOf(f);
  const group = await newGroup(f);
  const res = ok(await f.api('POST', `/api/v1/policies/${policyId}/rules`, ruleBodyFor(group.id, { access: 'ALLOW', requireFactor: true }, { status })), 'create rule');
  return { policyId, ruleId: res.body.id as string, groupId: group.id };
}

/** A body for POST/PUT /api/v1/zones: an IP zone with a fresh name. */
export function zoneBody(): Record<string, unknown> {
  return { type: 'IP', name: unique('Zone'), gateways: [{ type: 'CIDR', value: '203.0.113.0/24' }, { type: 'RANGE', value: '198.51.100.1-198.51.100.20' }] };
}

export async function newZone(f: Fixture, status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE'): Promise<{ id: string }> {
  const id = ok(await f.api('POST', '/api/v1/zones', zoneBody()), 'create zone').body.id as string;
  if (status === 'INACTIVE') ok(await f.api('POST', `/api/v1/zones/${id}/lifecycle/deactivate`), 'deactivate zone');
  return { id };
}

/**
 * The stateToken of a sign-in in MFA_ENROLL: a new user, with no factor, in a group whose rule wants one.
 */
export async function mfaEnrollStateTokenFor(f: Fixture, web: HostClient): Promise<{ stateToken: string; user: UserRef }> {
  const { groupId } = await newRule(f);
  const user = await newUser(f, 'ACTIVE');
  await addMember(f, groupId, user.id);
  const transaction = await signIn(web, user);
  if (transaction['status'] !== 'MFA_ENROLL') throw new Error(`fixture sign in: status ${transaction['status']}, expected MFA_ENROLL`);
  return { stateToken: transaction['stateToken'] as string, user };
}

/** A valid Okta `oidc_client` app: a web app with a client secret, one https redirect URI. */
export function appBody(label = unique('App')): Record<string, unknown> {
  return {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
    settings: { oauthClient: { redirect_uris: ['https://app.example.com/callback'], grant_types: ['authorization_code'], response_types: ['code'], application_type: 'web' } },
  };
}

/** A new OIDC app with its first client secret, ACTIVE unless asked otherwise. */
export async function newApp(f: Fixture, status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE'): Promise<{ id: string; clientSecret: string }> {
  const res = ok(await f.api('POST', `/api/v1/apps?activate=${status === 'ACTIVE'}`, appBody()), 'create app');
  return { id: res.body.id as string, clientSecret: res.body.credentials.oauthClient.client_secret as string };
}

/** A second client secret of the app, deactivated when asked: the only kind that can be deleted. */
export async function newAppSecret(f: Fixture, appId: string, status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE'): Promise<{ id: string }> {
  const id = ok(await f.api('POST', `/api/v1/apps/${appId}/credentials/secrets`, {}), 'create app secret').body.id as string;
  if (status === 'INACTIVE') ok(await f.api('POST', `/api/v1/apps/${appId}/credentials/secrets/${id}/lifecycle/deactivate`), 'deactivate app secret');
  return { id };
}
