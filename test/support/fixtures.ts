/**
 * Objects made through the API by a tenant's super admin, in the state a test needs them. The one state the
 * API cannot reach, LOCKED_OUT (sign-in lockout is not built yet), is set in the table directly.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/database.ts';
import { issueSessionToken } from '../../src/sessions/service.ts';
import type { Api, ApiResponse } from '../helpers.ts';
import type { HostClient } from './host-client.ts';

export type Fixture = { db: Db; tenantId: string; api: Api };

/** A fixture that can also open a fresh browser on the tenant's own host, for sign-in and cookie sessions. */
export type WebFixture = Fixture & { web(): HostClient };

export type UserRef = { id: string; login: string };

export const PASSWORD = 'Correct-Horse-Battery-9';

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

function ok(res: ApiResponse, what: string): ApiResponse {
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
export async function newSession(f: WebFixture, user?: UserRef): Promise<SessionRef> {
  const owner = user ?? await newUser(f, 'ACTIVE');
  const web = f.web();
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
  const token = await f.db.transaction().execute((tx) => issueSessionToken(tx, f.tenantId, user.id, ['pwd'], new Date()));
  return token.value;
}

/** A session of `user` or of a new ACTIVE user, started by the super admin with POST /api/v1/sessions. */
export async function newApiSession(f: Fixture, user?: UserRef): Promise<{ id: string; user: UserRef }> {
  const owner = user ?? await newUser(f, 'ACTIVE');
  const res = ok(await f.api('POST', '/api/v1/sessions', { sessionToken: await mintSessionToken(f, owner) }), 'start session');
  return { id: res.body.id as string, user: owner };
}
