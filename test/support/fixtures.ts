/**
 * Objects made through the API by a tenant's super admin, in the state a test needs them. The one state the
 * API cannot reach, LOCKED_OUT (sign-in lockout is not built yet), is set in the table directly.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/database.ts';
import type { Api, ApiResponse } from '../helpers.ts';

export type Fixture = { db: Db; tenantId: string; api: Api };

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
