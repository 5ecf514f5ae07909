/** What the sign-on policy tests share: a tenant to change rules in, sign-ins, sessions, and the log. */
import assert from 'node:assert/strict';
import type { Db } from '../../src/db/database.ts';
import { apiClient, createTestTenant, type Api, type ApiResponse, type TestServer, type TestTenant } from '../helpers.ts';
import { PASSWORD, signOnPolicyIdOf, type Fixture, type UserRef } from './fixtures.ts';
import { hostClient, type HostClient } from './host-client.ts';

export type App = 'admin_console' | 'dashboard' | 'help_center';

/** A System Log event, the fields these tests read. */
export type Logged = {
  eventType: string;
  outcome: { result: string; reason: string | null };
  actor: { id: string; type: string };
  target: { id: string; type: string; displayName: string; alternateId: string; detailEntry: Record<string, unknown> | null; changeDetails?: { from: Record<string, any>; to: Record<string, any> } }[];
  debugContext: { debugData: Record<string, unknown> };
};

export type SignOnTenant = { tenant: TestTenant; api: Api; f: Fixture; policyId: string; web(): HostClient };

export async function signOnTenant(server: TestServer): Promise<SignOnTenant> {
  const tenant = await createTestTenant(server.db);
  const api = apiClient(server.url, tenant.token);
  const f = { db: server.db, tenantId: tenant.id, api };
  return { tenant, api, f, policyId: await signOnPolicyIdOf(f), web: () => hostClient(server.url, tenant.slug) };
}

export function passwordSignIn(b: HostClient, user: UserRef, app?: App): Promise<ApiResponse> {
  return b('POST', '/api/v1/authn', { username: user.login, password: PASSWORD, ...(app ? { audience: app } : {}) });
}

/** The cookie session a sessionToken becomes, as /api/v1/sessions/me shows it. */
export async function sessionOf(b: HostClient, sessionToken: string): Promise<Record<string, any>> {
  const redirect = await b('GET', `/login/sessionCookieRedirect?token=${sessionToken}&redirectUrl=%2F`);
  assert.equal(redirect.status, 302, redirect.text);
  const me = await b('GET', '/api/v1/sessions/me');
  assert.equal(me.status, 200, me.text);
  return me.body as Record<string, any>;
}

export const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;

export async function lastSeqOf(db: Db, tenantId: string): Promise<number> {
  const row = await db.selectFrom('log_chain_heads').select('seq').where('tenant_id', '=', tenantId).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** The tenant's events after `seq`, of one type if given, parsed. */
export async function eventsAfterOf<T>(db: Db, tenantId: string, seq: number, type?: string): Promise<T[]> {
  let q = db.selectFrom('log_events').select('event').where('tenant_id', '=', tenantId).where('seq', '>', String(seq));
  if (type) q = q.where('event_type', '=', type);
  return (await q.orderBy('seq').execute()).map((r) => JSON.parse(r.event) as T);
}
