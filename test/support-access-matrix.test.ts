/**
 * The grant matrix (docs/support-access.md): a support token under a grant of one scope, against every route of
 * the management API. It reaches exactly the routes its scope names below and gets 403 E0000006 from every
 * other, writing nothing; it never receives a user's credential; and a token is refused (401) once its grant is
 * revoked or ended or its case closed, and on another tenant's host, and none is given for a grant denied or
 * not yet decided. (Expiry and a deactivated staff member: test/support-access.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SCOPE_NAMES, type SupportScope } from '../src/support-access/scopes.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { ok, unique, type WebFixture } from './support/fixtures.ts';
import { helpCenterCustomer, newStaffMember, newSupportPlane } from './support/help-center.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { methodOf, ROUTES } from './support/route-catalog.ts';
import { tenantFingerprint } from './support/tenant-state.ts';

/**
 * What each scope reaches, with the calls of the route catalog (each made for an admin: on a user with no
 * admin role). Everything else is refused. `reset_password?sendEmail=false` and the temporary password routes
 * are refused too: they would hand the user's credential to the caller (tested below).
 */
const REACH: Record<SupportScope, readonly string[]> = {
  'okta.users.read': [
    'GET /api/v1/users', 'GET /api/v1/users/:id', 'GET /api/v1/users/:id/groups', 'GET /api/v1/users/:id/factors', 'GET /api/v1/users/:id/factors/:factorId',
    'GET /api/v1/users/:id/verifications', 'GET /api/v1/verifications', 'GET /api/v1/users/:id/verifications/:verificationId', 'GET /api/v1/groups', 'GET /api/v1/groups/:groupId', 'GET /api/v1/groups/:groupId/users',
  ],
  'okta.logs.read': ['GET /api/v1/logs', 'GET /api/v1/alerts', 'GET /api/v1/alerts/:id'],
  'okta.policies.read': [
    'GET /api/v1/policies', 'GET /api/v1/policies/:id', 'GET /api/v1/policies/:id/rules', 'GET /api/v1/policies/:id/rules/:ruleId', 'GET /api/v1/zones', 'GET /api/v1/zones/:id',
    'GET /api/v1/admin/settings/session',
  ],
  'okta.users.factors.reset': ['DELETE /api/v1/users/:id/factors/:factorId', 'POST /api/v1/users/:id/lifecycle/reset_factors'],
  'okta.users.passwords.reset': ['POST /api/v1/users/:id/lifecycle/unlock', 'POST /api/v1/users/:id/lifecycle/expire_password', 'DELETE /api/v1/users/:id/sessions'],
};

type Client = (method: string, path: string, body?: unknown) => ReturnType<HostClient>;

describe('every support scope against every route', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let setup: WebFixture;
  let agent: { hc: HostClient };
  let caseId: string;
  let customer: { hc: HostClient };

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '1000000' } });
    tenant = await createTestTenant(server.db);
    setup = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token), web: () => hostClient(server.url, tenant.slug) };
    const plane = await newSupportPlane(server, server.clock, 'commercial');
    agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    customer = await helpCenterCustomer(server, setup, tenant.slug);
    caseId = ok(await customer.hc('POST', '/help/v1/cases', { title: unique('Matrix'), description: 'Every scope, every route.', severity: 'SEV2', productArea: 'OTHER' }), 'case').body.id as string;
  });
  after(() => server.close());

  /** A client acting under a new grant of `scopes`, approved by the tenant's admin. */
  async function underGrant(scopes: SupportScope[]): Promise<{ grantId: string; header: string; call: Client }> {
    const asked = ok(await agent.hc('POST', `/help/v1/staff/cases/${caseId}/access-requests`, { scopes, justification: 'Checking what each scope reaches.' }), 'ask').body as { id: string };
    ok(await setup.api('POST', `/api/v1/support-access/grants/${asked.id}/approve`, {}), 'approve');
    const { token } = ok(await agent.hc('POST', `/help/v1/staff/access-grants/${asked.id}/token`), 'token').body as { token: string };
    const web = hostClient(server.url, tenant.slug);
    const header = `Support ${token}`;
    return { grantId: asked.id, header, call: (method, path, body) => web(method, path, body, { authorization: header }) };
  }

  it('reaches exactly the routes of its scope, and no other, writing nothing when refused', { timeout: 600_000 }, async () => {
    const clients = new Map<SupportScope, Client>();
    for (const scope of SCOPE_NAMES) clients.set(scope, (await underGrant([scope])).call);
    const failures: string[] = [];
    for (const [key, entry] of Object.entries(ROUTES)) {
      if (entry.public || !key.includes(' /api/')) continue;
      // Refusals change nothing, so one call serves every scope refused it; a scope that reaches the route
      // gets a call of its own, made after the refusals.
      const refusedFirst = [...SCOPE_NAMES].sort((a, b) => Number(REACH[a].includes(key)) - Number(REACH[b].includes(key)));
      let shared = await entry.prepare(setup);
      for (const scope of refusedFirst) {
        const call = shared;
        if (REACH[scope].includes(key)) shared = await entry.prepare(setup);
        const before = await tenantFingerprint(server.db, tenant.id);
        const res = await (clients.get(scope) as Client)(methodOf(key), call.path, call.body);
        if (REACH[scope].includes(key)) {
          if (res.status !== entry.ok) failures.push(`${scope} ${key}: allowed, expected ${entry.ok}, got ${res.status} ${res.text.slice(0, 200)}`);
          continue;
        }
        try {
          assertOktaError(res, 403, 'E0000006');
        } catch (err) {
          failures.push(`${scope} ${key}: refused, ${(err as Error).message.slice(0, 200)}`);
          continue;
        }
        if (await tenantFingerprint(server.db, tenant.id) !== before) failures.push(`${scope} ${key}: refused but the tenant changed`);
      }
    }
    assert.deepEqual(failures, []);
    assert.deepEqual(Object.values(REACH).flat().filter((key) => !(key in ROUTES)), [], 'the table names only routes the catalog has');
  });

  it('never hands a user\'s credential to support: the reset link goes to the user, no temporary password', async () => {
    const { call } = await underGrant(['okta.users.passwords.reset']);
    const user = (ok(await setup.api('POST', '/api/v1/users?activate=true', { profile: { login: `${unique('u')}@fixture.example.com`, email: `${unique('u')}@fixture.example.com`, firstName: 'Pat', lastName: 'User' }, credentials: { password: { value: 'Quartz-Lantern-Orbit-93' } } }), 'user').body as { id: string });
    for (const path of [`/api/v1/users/${user.id}/lifecycle/reset_password?sendEmail=false`, `/api/v1/users/${user.id}/lifecycle/expire_password?tempPassword=true`, `/api/v1/users/${user.id}/lifecycle/expire_password_with_temp_password`]) {
      const before = await tenantFingerprint(server.db, tenant.id);
      const refused = await call('POST', path);
      assertOktaError(refused, 403, 'E0000006');
      assert.match(JSON.stringify(refused.body), /never receive a user's credential/, path);
      assert.equal(await tenantFingerprint(server.db, tenant.id), before, `${path} changed nothing`);
    }
    const reset = await call('POST', `/api/v1/users/${user.id}/lifecycle/reset_password`);
    assert.equal(reset.status, 200, reset.text);
    assert.deepEqual(reset.body, {}, 'the link is the user\'s alone');
    assert.equal((ok(await setup.api('GET', `/api/v1/users/${user.id}`), 'read').body as { status: string }).status, 'RECOVERY');
  });

  it('refuses a token once its grant is revoked, ended or its case closed, and on another tenant\'s host; gives none for a grant denied or undecided', async () => {
    const usersRead = (c: Client) => c('GET', '/api/v1/users?limit=1');
    const revoked = await underGrant(['okta.users.read']);
    const ended = await underGrant(['okta.users.read']);
    assert.equal((await usersRead(revoked.call)).status, 200);
    ok(await setup.api('POST', `/api/v1/support-access/grants/${revoked.grantId}/revoke`), 'revoke');
    assertOktaError(await usersRead(revoked.call), 401, 'E0000011');
    ok(await agent.hc('POST', `/help/v1/staff/access-grants/${ended.grantId}/end`), 'end');
    assertOktaError(await usersRead(ended.call), 401, 'E0000011');

    const other = await createTestTenant(server.db);
    const live = await underGrant(['okta.users.read']);
    const elsewhere = await hostClient(server.url, other.slug)('GET', '/api/v1/users?limit=1', undefined, { authorization: live.header });
    assertOktaError(elsewhere, 401, 'E0000011');

    const denied = ok(await agent.hc('POST', `/help/v1/staff/cases/${caseId}/access-requests`, { scopes: ['okta.users.read'], justification: 'This one will be denied.' }), 'ask').body as { id: string };
    ok(await setup.api('POST', `/api/v1/support-access/grants/${denied.id}/deny`, {}), 'deny');
    assertOktaError(await agent.hc('POST', `/help/v1/staff/access-grants/${denied.id}/token`), 400, 'E0000001');
    const waiting = ok(await agent.hc('POST', `/help/v1/staff/cases/${caseId}/access-requests`, { scopes: ['okta.users.read'], justification: 'This one nobody decides.' }), 'ask').body as { id: string };
    assertOktaError(await agent.hc('POST', `/help/v1/staff/access-grants/${waiting.id}/token`), 400, 'E0000001');

    // Last: the case closes, and the grant that was live is of no more use.
    assert.equal((await usersRead(live.call)).status, 200);
    ok(await customer.hc('POST', `/help/v1/cases/${caseId}/lifecycle/close`), 'the customer closes the case');
    assertOktaError(await usersRead(live.call), 401, 'E0000011');
  });
});
