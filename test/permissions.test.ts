/**
 * Every admin role against every route of the app: allowed calls succeed, denied ones answer 403 E0000006 and
 * change nothing. The table below is written from the role definitions (Okta's standard admin roles), not read
 * from src/roles/permissions.ts, so a wrong grant in the code fails here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RoleType } from '../src/roles/permissions.ts';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, tokenWithRole, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { assertCoversApp, listAppRoutes } from './support/app-routes.ts';
import { addMember, grant, newApiSession, newGroup, newTotpUser, newUser, pageHeaders, TOTP_ENROLLMENT, type WebFixture } from './support/fixtures.ts';
import { hostClient } from './support/host-client.ts';
import { catalogKeys, HOST_ROUTES, methodOf, ROUTES, type HostCall } from './support/route-catalog.ts';
import { tenantFingerprint, tenantState } from './support/tenant-state.ts';

type Caller = RoleType | 'NO_ROLE';

const SUPER: readonly Caller[] = ['SUPER_ADMIN'];
const MANAGERS: readonly Caller[] = ['SUPER_ADMIN', 'ORG_ADMIN'];
const HELPERS: readonly Caller[] = ['SUPER_ADMIN', 'ORG_ADMIN', 'HELP_DESK_ADMIN'];
const READERS: readonly Caller[] = ['SUPER_ADMIN', 'ORG_ADMIN', 'READ_ONLY_ADMIN'];
const ADMINS: readonly Caller[] = ['SUPER_ADMIN', 'ORG_ADMIN', 'HELP_DESK_ADMIN', 'READ_ONLY_ADMIN'];
const EVERYONE: readonly Caller[] = [...ADMINS, 'NO_ROLE'];
/** No one: a route that exists to refuse (admins never enroll a user's factor, whatever their role). */
const NOBODY: readonly Caller[] = [];
/**
 * Not in the role matrix: the routes that find their tenant by Host header and their user by password or
 * session cookie (HOST_ROUTES). They take no token, so no admin role widens or narrows them; what a token
 * does there (nothing) is checked on its own below.
 */
const BY_HOST = 'host-addressed: no role applies' as const;

/** Who may call each route. */
const ALLOWED: Record<string, readonly Caller[] | typeof BY_HOST> = {
  'GET /healthz': EVERYONE,
  'GET /signin': EVERYONE,
  'GET /signin/reset-password/:token': EVERYONE,
  'GET /account': EVERYONE,
  'GET /account/*': EVERYONE,
  'GET /welcome': EVERYONE,
  'GET /verify': EVERYONE,
  'GET /admin': EVERYONE,
  'GET /admin/*': EVERYONE,
  'GET /assets/:file': EVERYONE,
  'GET /readyz': EVERYONE,
  'GET /metrics': EVERYONE,

  'GET /api/v1/users': ADMINS,
  'POST /api/v1/users': MANAGERS,
  'GET /api/v1/users/:id': ADMINS,
  'POST /api/v1/users/:id': MANAGERS,
  'PUT /api/v1/users/:id': MANAGERS,
  'DELETE /api/v1/users/:id': MANAGERS,
  'POST /api/v1/users/:id/lifecycle/activate': MANAGERS,
  'POST /api/v1/users/:id/lifecycle/reactivate': MANAGERS,
  'POST /api/v1/users/:id/lifecycle/deactivate': MANAGERS,
  'POST /api/v1/users/:id/lifecycle/suspend': MANAGERS,
  'POST /api/v1/users/:id/lifecycle/unsuspend': MANAGERS,
  'POST /api/v1/users/:id/lifecycle/unlock': HELPERS,
  'POST /api/v1/users/:id/lifecycle/reset_password': HELPERS,
  'POST /api/v1/users/:id/lifecycle/expire_password': HELPERS,
  'POST /api/v1/users/:id/lifecycle/expire_password_with_temp_password': HELPERS,

  'GET /api/v1/users/:id/roles': READERS,
  'POST /api/v1/users/:id/roles': SUPER,
  'DELETE /api/v1/users/:id/roles/:roleId': SUPER,
  'GET /api/v1/users/:id/groups': ADMINS,
  // Clearing a user's sessions is help-desk work, as in Okta's Help Desk Administrator role; mayActOn still applies.
  'DELETE /api/v1/users/:id/sessions': HELPERS,
  // Factors: every admin may see them; resetting them is help-desk work (mayActOn applies), enrolling one is nobody's.
  'GET /api/v1/users/:id/factors': ADMINS,
  'POST /api/v1/users/:id/factors': NOBODY,
  'GET /api/v1/users/:id/factors/:factorId': ADMINS,
  'DELETE /api/v1/users/:id/factors/:factorId': HELPERS,
  'POST /api/v1/users/:id/lifecycle/reset_factors': HELPERS,
  // Verification of the person: asked for by whoever may do the reset; attested or denied by a second admin (the
  // admin who asked may withdraw their own through deny, which no fixture caller here is).
  'POST /api/v1/users/:id/verifications': HELPERS,
  'GET /api/v1/users/:id/verifications': ADMINS,
  'GET /api/v1/verifications': ADMINS,
  'GET /api/v1/users/:id/verifications/:verificationId': ADMINS,
  'POST /api/v1/users/:id/verifications/:verificationId/attest': MANAGERS,
  'POST /api/v1/users/:id/verifications/:verificationId/deny': MANAGERS,

  'POST /api/v1/sessions': MANAGERS,
  'GET /api/v1/sessions/:id': MANAGERS,
  'POST /api/v1/sessions/:id/lifecycle/refresh': MANAGERS,
  'DELETE /api/v1/sessions/:id': MANAGERS,

  'GET /api/v1/admin/settings/session': READERS,
  'PUT /api/v1/admin/settings/session': SUPER,
  'POST /api/v1/admin/session': BY_HOST,
  'GET /api/v1/admin/session': BY_HOST,
  'DELETE /api/v1/admin/session': BY_HOST,
  'POST /api/v1/admin/session/step-up': BY_HOST,

  'POST /api/v1/authn': BY_HOST,
  'POST /api/v1/authn/credentials/change_password': BY_HOST,
  'GET /login/sessionCookieRedirect': BY_HOST,
  'GET /api/v1/sessions/me': BY_HOST,
  'POST /api/v1/sessions/me/lifecycle/refresh': BY_HOST,
  'DELETE /api/v1/sessions/me': BY_HOST,
  'GET /api/v1/users/me/sessions': BY_HOST,
  'DELETE /api/v1/users/me/sessions': BY_HOST,
  'DELETE /api/v1/users/me/sessions/:id': BY_HOST,
  'GET /idp/myaccount/profile': BY_HOST,
  'PUT /idp/myaccount/profile': BY_HOST,
  'GET /api/v1/users/me/factors': BY_HOST,
  'POST /api/v1/users/me/factors': BY_HOST,
  'GET /api/v1/users/me/factors/:factorId': BY_HOST,
  'POST /api/v1/users/me/factors/:factorId/lifecycle/activate': BY_HOST,
  'DELETE /api/v1/users/me/factors/:factorId': BY_HOST,
  'POST /api/v1/authn/factors/:factorId/verify': BY_HOST,
  'POST /api/v1/authn/factors': BY_HOST,
  'POST /api/v1/authn/passkey': BY_HOST,
  'POST /api/v1/authn/passkey/verify': BY_HOST,
  'POST /api/v1/authn/factors/:factorId/lifecycle/activate': BY_HOST,
  'POST /api/v1/authn/recovery/token': BY_HOST,
  'POST /api/v1/authn/recovery/password': BY_HOST,
  'POST /api/v1/authn/recovery/factors/:factorType/verify': BY_HOST,
  'POST /api/v1/authn/credentials/reset_password': BY_HOST,
  'POST /api/v1/verifications/challenge': BY_HOST,
  'POST /api/v1/verifications/verify': BY_HOST,

  'GET /api/v1/groups': ADMINS,
  'POST /api/v1/groups': MANAGERS,
  'GET /api/v1/groups/:groupId': ADMINS,
  'PUT /api/v1/groups/:groupId': MANAGERS,
  'DELETE /api/v1/groups/:groupId': MANAGERS,
  'GET /api/v1/groups/:groupId/users': ADMINS,
  'PUT /api/v1/groups/:groupId/users/:userId': MANAGERS,
  'DELETE /api/v1/groups/:groupId/users/:userId': MANAGERS,

  'GET /api/v1/api-tokens': SUPER,
  'POST /api/v1/api-tokens': SUPER,
  'GET /api/v1/api-tokens/:id': SUPER,
  'DELETE /api/v1/api-tokens/:id': SUPER,

  'GET /api/v1/logs': READERS,
  // Security alerts are read like the System Log they come with.
  'GET /api/v1/alerts': READERS,
  'GET /api/v1/alerts/:id': READERS,
  // Support access: read like the log, decided by the admins who manage the organization.
  'GET /api/v1/support-access/grants': READERS,
  'GET /api/v1/support-access/grants/:grantId': READERS,
  'POST /api/v1/support-access/grants/:grantId/approve': MANAGERS,
  'POST /api/v1/support-access/grants/:grantId/deny': MANAGERS,
  'POST /api/v1/support-access/grants/:grantId/revoke': MANAGERS,
  'POST /api/v1/support-access/grants/:grantId/extension/approve': MANAGERS,
  'POST /api/v1/support-access/grants/:grantId/extension/deny': MANAGERS,
  'GET /api/v1/support-access/policy': READERS,
  'PUT /api/v1/support-access/policy': MANAGERS,
  'GET /api/v1/support-access/activity': READERS,
  'GET /api/v1/support-access/history': READERS,

  // Remediation: read like the log, planned and cancelled by the admins who manage the organization; approved
  // (by a second one) and applied only by super admins, since a plan may reach a super admin.
  'GET /api/v1/investigations': READERS,
  'POST /api/v1/investigations': MANAGERS,
  'GET /api/v1/investigations/:id': READERS,
  'DELETE /api/v1/investigations/:id': MANAGERS,
  'GET /api/v1/investigations/:id/blast-radius': READERS,
  'GET /api/v1/investigations/:id/timeline': READERS,
  'GET /api/v1/investigations/:id/pivots/:kind': READERS,
  'GET /api/v1/investigations/:id/report': READERS,
  'GET /api/v1/remediations': READERS,
  'POST /api/v1/remediations': MANAGERS,
  'GET /api/v1/remediations/:id': READERS,
  'GET /api/v1/remediations/:id/report': READERS,
  'POST /api/v1/remediations/:id/approve': SUPER,
  'POST /api/v1/remediations/:id/apply': SUPER,
  'POST /api/v1/remediations/:id/cancel': MANAGERS,

  'GET /api/v1/policies': READERS,
  'GET /api/v1/policies/:id': READERS,
  'PUT /api/v1/policies/:id': MANAGERS,
  'GET /api/v1/policies/:id/rules': READERS,
  'POST /api/v1/policies/:id/rules': MANAGERS,
  'GET /api/v1/policies/:id/rules/:ruleId': READERS,
  'PUT /api/v1/policies/:id/rules/:ruleId': MANAGERS,
  'DELETE /api/v1/policies/:id/rules/:ruleId': MANAGERS,
  'POST /api/v1/policies/:id/rules/:ruleId/lifecycle/activate': MANAGERS,
  'POST /api/v1/policies/:id/rules/:ruleId/lifecycle/deactivate': MANAGERS,
  'GET /api/v1/zones': READERS,
  'POST /api/v1/zones': MANAGERS,
  'GET /api/v1/zones/:id': READERS,
  'PUT /api/v1/zones/:id': MANAGERS,
  'DELETE /api/v1/zones/:id': MANAGERS,
  'POST /api/v1/zones/:id/lifecycle/activate': MANAGERS,
  'POST /api/v1/zones/:id/lifecycle/deactivate': MANAGERS,

  // OpenID Connect apps: configuration, like policies; the help desk has no say over sign-in to apps.
  'GET /api/v1/apps': READERS,
  'POST /api/v1/apps': MANAGERS,
  'GET /api/v1/apps/:appId': READERS,
  'PUT /api/v1/apps/:appId': MANAGERS,
  'DELETE /api/v1/apps/:appId': MANAGERS,
  'POST /api/v1/apps/:appId/lifecycle/activate': MANAGERS,
  'POST /api/v1/apps/:appId/lifecycle/deactivate': MANAGERS,
  'GET /api/v1/apps/:appId/credentials/secrets': READERS,
  'POST /api/v1/apps/:appId/credentials/secrets': MANAGERS,
  'GET /api/v1/apps/:appId/credentials/secrets/:secretId': READERS,
  'POST /api/v1/apps/:appId/credentials/secrets/:secretId/lifecycle/activate': MANAGERS,
  'POST /api/v1/apps/:appId/credentials/secrets/:secretId/lifecycle/deactivate': MANAGERS,
  'DELETE /api/v1/apps/:appId/credentials/secrets/:secretId': MANAGERS,
  'GET /api/v1/apps/:appId/users': READERS,
  'POST /api/v1/apps/:appId/users': MANAGERS,
  'GET /api/v1/apps/:appId/users/:userId': READERS,
  'DELETE /api/v1/apps/:appId/users/:userId': MANAGERS,
  'GET /api/v1/apps/:appId/groups': READERS,
  'PUT /api/v1/apps/:appId/groups/:groupId': MANAGERS,
  'GET /api/v1/apps/:appId/groups/:groupId': READERS,
  'DELETE /api/v1/apps/:appId/groups/:groupId': MANAGERS,
};

const CALLERS: readonly Caller[] = ['SUPER_ADMIN', 'ORG_ADMIN', 'HELP_DESK_ADMIN', 'READ_ONLY_ADMIN', 'NO_ROLE'];

describe('every role against every route', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let setup: WebFixture;
  const callers = new Map<Caller, { userId: string; api: Api; token: string }>();

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    setup = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token), web: () => hostClient(server.url, tenant.slug) };
    for (const caller of CALLERS) {
      const { userId, token } = await tokenWithRole(server.db, tenant.id, caller === 'NO_ROLE' ? null : caller);
      callers.set(caller, { userId, api: apiClient(server.url, token), token });
    }
  });
  after(() => server.close());

  it('has an entry in the permission table and the route catalog for every route the app serves', async () => {
    const routes = await listAppRoutes(server.db);
    assertCoversApp(routes, Object.keys(ALLOWED));
    assertCoversApp(routes, catalogKeys());
    const byHost = Object.keys(ALLOWED).filter((k) => ALLOWED[k] === BY_HOST).sort();
    assert.deepEqual(byHost, Object.keys(HOST_ROUTES).sort(), 'exactly the host-addressed routes are outside the role matrix');
    const nobody = Object.keys(ALLOWED).filter((k) => ALLOWED[k] === NOBODY).sort();
    assert.deepEqual(nobody, Object.keys(ROUTES).filter((k) => ROUTES[k]?.refused).sort(), 'exactly the routes that exist to refuse are allowed to nobody');
  });

  for (const caller of CALLERS) {
    it(`lets ${caller} call exactly the routes its role allows and refuses the rest with 403 E0000006, writing nothing`, async () => {
      const api = (callers.get(caller) as { api: Api }).api;
      const failures: string[] = [];
      // ROUTES only: HOST_ROUTES are outside the matrix (BY_HOST), and the test above holds the two in step.
      for (const [key, entry] of Object.entries(ROUTES)) {
        const rule = ALLOWED[key] ?? [];
        const allowed = rule !== BY_HOST && rule.includes(caller);
        const call = await entry.prepare(setup);
        const before = await tenantFingerprint(server.db, tenant.id);
        const logsBefore = await logCount(server.db, tenant.id);
        const res = await api(methodOf(key), call.path, call.body);
        if (allowed) {
          if (res.status !== entry.ok) failures.push(`${key}: allowed, expected ${entry.ok}, got ${res.status} ${res.text.slice(0, 200)}`);
          else if (entry.writes && !entry.unlogged && (await logCount(server.db, tenant.id)) === logsBefore) failures.push(`${key}: succeeded without a System Log event`);
        } else {
          try {
            assertOktaError(res, 403, 'E0000006');
          } catch (err) {
            failures.push(`${key}: denied, ${(err as Error).message.slice(0, 300)}`);
            continue;
          }
          if (await tenantFingerprint(server.db, tenant.id) !== before) failures.push(`${key}: denied but the tenant changed`);
        }
      }
      assert.deepEqual(failures, []);
    });
  }

  it("gives no admin's token any say on the host-addressed cookie routes (sessions, factors): a token is not a session", async () => {
    // The sign-in routes take credentials, not a token; the cookie routes must not take a token for a cookie.
    // Each call is a real one (a real factor id, a valid body and code), sent without the cookie it was made for.
    const cookieRoutes = Object.keys(HOST_ROUTES).filter((k) => k.includes('/me'));
    assert.equal(cookieRoutes.length, 11);
    const calls: [string, HostCall][] = [];
    for (const key of cookieRoutes) calls.push([key, await (HOST_ROUTES[key] as { prepare(f: WebFixture): Promise<HostCall> }).prepare(setup)]);
    const failures: string[] = [];
    for (const caller of CALLERS) {
      const { token } = callers.get(caller) as { token: string };
      const tab = hostClient(server.url, tenant.slug);
      const before = await tenantState(server.db, tenant.id);
      for (const [key, call] of calls) {
        const method = methodOf(key);
        try {
          assertOktaError(await tab(method, call.path, call.body, { ...pageHeaders(tab, method), authorization: `SSWS ${token}` }), 404, 'E0000007');
        } catch (err) {
          failures.push(`${caller} ${key}: ${(err as Error).message.slice(0, 200)}`);
        }
      }
      if (JSON.stringify(await tenantState(server.db, tenant.id)) !== JSON.stringify(before)) failures.push(`${caller}: the tenant changed`);
    }
    assert.deepEqual(failures, []);
  });
});

describe('who may act on whom', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let setup: WebFixture;

  before(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.db);
    setup = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token), web: () => hostClient(server.url, tenant.slug) };
  });
  after(() => server.close());

  async function as(role: RoleType): Promise<{ userId: string; api: Api }> {
    const { userId, token } = await tokenWithRole(server.db, tenant.id, role);
    return { userId, api: apiClient(server.url, token) };
  }

  /** Calls as `api` and checks the answer is 403 E0000006 with the tenant exactly as it was. */
  async function assertRefused(api: Api, method: string, path: string, body?: unknown): Promise<void> {
    const before = await tenantState(server.db, tenant.id);
    assertOktaError(await api(method, path, body), 403, 'E0000006');
    assert.deepEqual(await tenantState(server.db, tenant.id), before, `${method} ${path} changed nothing`);
  }

  /**
   * A help-desk reset of a user who holds an admin role without a verification of the person
   * (docs/privileged-verification.md): 403 E0000006 saying how to ask for one, nothing changed, and the refusal
   * alone written to the System Log.
   */
  async function assertRefusedUnverified(api: Api, method: string, path: string, action: string): Promise<void> {
    const { log_events: logBefore = [], log_chain_heads: _headBefore, ...before } = await tenantState(server.db, tenant.id);
    const res = await api(method, path);
    assertOktaError(res, 403, 'E0000006');
    assert.match(res.body.errorCauses[0].errorSummary, /POST \/api\/v1\/users\/\S+\/verifications/);
    const { log_events: logAfter = [], log_chain_heads: _headAfter, ...after } = await tenantState(server.db, tenant.id);
    assert.deepEqual(after, before, `${method} ${path} changed nothing`);
    const added = logAfter.filter((r) => !logBefore.includes(r)).map((r) => JSON.parse(JSON.parse(r).event as string));
    assert.deepEqual(added.map((e) => [e.eventType, e.outcome.result, e.debugContext.debugData.action]), [['bulwark.user.verification.use', 'DENY', action]], `${method} ${path} logged its refusal`);
  }

  it('keeps the help desk away from the passwords and locks of anyone holding an admin role, its resets refused and logged until the person is verified', async () => {
    const helpDesk = await as('HELP_DESK_ADMIN');
    for (const role of ['READ_ONLY_ADMIN', 'HELP_DESK_ADMIN', 'ORG_ADMIN', 'SUPER_ADMIN']) {
      const active = await newUser(setup, 'ACTIVE');
      await grant(setup, active.id, role);
      const locked = await newUser(setup, 'LOCKED_OUT');
      await grant(setup, locked.id, role);
      await assertRefusedUnverified(helpDesk.api, 'POST', `/api/v1/users/${active.id}/lifecycle/reset_password`, 'RESET_PASSWORD');
      await assertRefused(helpDesk.api, 'POST', `/api/v1/users/${active.id}/lifecycle/expire_password`);
      await assertRefusedUnverified(helpDesk.api, 'POST', `/api/v1/users/${active.id}/lifecycle/expire_password_with_temp_password`, 'RESET_PASSWORD');
      await assertRefused(helpDesk.api, 'POST', `/api/v1/users/${locked.id}/lifecycle/unlock`);
    }
  });

  it('keeps an org admin away from a super admin, but not from other admins', async () => {
    const orgAdmin = await as('ORG_ADMIN');
    const superAdmin = await newUser(setup, 'ACTIVE');
    await grant(setup, superAdmin.id, 'SUPER_ADMIN');
    const group = await newGroup(setup);
    const u = `/api/v1/users/${superAdmin.id}`;
    await assertRefused(orgAdmin.api, 'POST', u, { profile: { title: 'Demoted' } });
    await assertRefused(orgAdmin.api, 'PUT', u, { profile: { login: superAdmin.login, email: superAdmin.login, firstName: 'X', lastName: 'Y' } });
    await assertRefused(orgAdmin.api, 'POST', u, { credentials: { password: { value: 'Taken-Over-Account-1' } } });
    for (const op of ['suspend', 'deactivate', 'reset_password', 'expire_password', 'expire_password_with_temp_password']) {
      await assertRefused(orgAdmin.api, 'POST', `${u}/lifecycle/${op}`);
    }
    await assertRefused(orgAdmin.api, 'DELETE', u);
    await assertRefused(orgAdmin.api, 'PUT', `/api/v1/groups/${group.id}/users/${superAdmin.id}`);
    const theirs = await newGroup(setup);
    await addMember(setup, theirs.id, superAdmin.id);
    await assertRefused(orgAdmin.api, 'DELETE', `/api/v1/groups/${theirs.id}/users/${superAdmin.id}`);

    const other = await newUser(setup, 'ACTIVE');
    await grant(setup, other.id, 'ORG_ADMIN');
    const res = await orgAdmin.api('POST', `/api/v1/users/${other.id}/lifecycle/suspend`);
    assert.equal(res.status, 200, res.text);
  });

  it("keeps an org admin away from a super admin's sessions, and the help desk away from any admin's", async () => {
    const orgAdmin = await as('ORG_ADMIN');
    const helpDesk = await as('HELP_DESK_ADMIN');
    const superAdmin = await newUser(setup, 'ACTIVE');
    await grant(setup, superAdmin.id, 'SUPER_ADMIN');
    const session = await newApiSession(setup, superAdmin);
    const s = `/api/v1/sessions/${session.id}`;
    // Reading is not acting on the owner: sessions.manage is enough (refresh and end are what mayActOn guards).
    assert.equal((await orgAdmin.api('GET', s)).status, 200);
    await assertRefused(orgAdmin.api, 'POST', `${s}/lifecycle/refresh`);
    await assertRefused(orgAdmin.api, 'DELETE', s);
    await assertRefused(orgAdmin.api, 'DELETE', `/api/v1/users/${superAdmin.id}/sessions`);
    await assertRefused(orgAdmin.api, 'DELETE', `/api/v1/users/${superAdmin.login}/sessions`);
    assert.equal((await setup.api('GET', s)).status, 200, "the super admin's session is still alive");

    for (const role of ['READ_ONLY_ADMIN', 'HELP_DESK_ADMIN', 'ORG_ADMIN', 'SUPER_ADMIN']) {
      const admin = await newUser(setup, 'ACTIVE');
      await grant(setup, admin.id, role);
      const theirs = await newApiSession(setup, admin);
      await assertRefused(helpDesk.api, 'DELETE', `/api/v1/users/${admin.id}/sessions`);
      assert.equal((await setup.api('GET', `/api/v1/sessions/${theirs.id}`)).status, 200, `the ${role}'s session is still alive`);
    }

    const plain = await newApiSession(setup);
    assert.equal((await helpDesk.api('DELETE', `/api/v1/users/${plain.user.id}/sessions`)).status, 204);
    assertOktaError(await setup.api('GET', `/api/v1/sessions/${plain.id}`), 404, 'E0000007');
    const otherOrgAdmin = await newUser(setup, 'ACTIVE');
    await grant(setup, otherOrgAdmin.id, 'ORG_ADMIN');
    const peer = await newApiSession(setup, otherOrgAdmin);
    assert.equal((await orgAdmin.api('POST', `/api/v1/sessions/${peer.id}/lifecycle/refresh`)).status, 200);
    assert.equal((await orgAdmin.api('DELETE', `/api/v1/sessions/${peer.id}`)).status, 204);
  });

  it("keeps the help desk away from the factors of anyone holding an admin role until the person is verified, and an org admin away from a super admin's", async () => {
    const helpDesk = await as('HELP_DESK_ADMIN');
    const orgAdmin = await as('ORG_ADMIN');
    const factorsOf = async (userId: string) => ((await setup.api('GET', `/api/v1/users/${userId}/factors`)).body as { id: string }[]).map((x) => x.id);
    for (const role of ['READ_ONLY_ADMIN', 'HELP_DESK_ADMIN', 'ORG_ADMIN', 'SUPER_ADMIN']) {
      const admin = await newTotpUser(setup);
      await grant(setup, admin.user.id, role);
      for (const id of [admin.user.id, admin.user.login]) {
        await assertRefusedUnverified(helpDesk.api, 'POST', `/api/v1/users/${id}/lifecycle/reset_factors`, 'RESET_FACTORS');
        await assertRefusedUnverified(helpDesk.api, 'DELETE', `/api/v1/users/${id}/factors/${admin.factorId}`, 'RESET_FACTORS');
      }
      // Seeing them is users.read, not acting on the admin.
      const seen = await helpDesk.api('GET', `/api/v1/users/${admin.user.id}/factors/${admin.factorId}`);
      assert.equal(seen.status, 200, seen.text);
      assert.deepEqual(await factorsOf(admin.user.id), [admin.factorId], `the ${role}'s factor is still there`);
    }

    const superAdmin = await newTotpUser(setup);
    await grant(setup, superAdmin.user.id, 'SUPER_ADMIN');
    for (const id of [superAdmin.user.id, superAdmin.user.login]) {
      await assertRefused(orgAdmin.api, 'POST', `/api/v1/users/${id}/lifecycle/reset_factors`);
      await assertRefused(orgAdmin.api, 'DELETE', `/api/v1/users/${id}/factors/${superAdmin.factorId}`);
    }
    assert.deepEqual(await factorsOf(superAdmin.user.id), [superAdmin.factorId]);

    // Below them, both may: the help desk a plain user's factors, an org admin another org admin's.
    const plain = await newTotpUser(setup);
    const reset = await helpDesk.api('POST', `/api/v1/users/${plain.user.id}/lifecycle/reset_factors`);
    assert.deepEqual([reset.status, reset.body], [200, {}], reset.text);
    assert.deepEqual(await factorsOf(plain.user.id), []);
    const other = await newTotpUser(setup);
    assert.equal((await helpDesk.api('DELETE', `/api/v1/users/${other.user.id}/factors/${other.factorId}`)).status, 204);
    const peer = await newTotpUser(setup);
    await grant(setup, peer.user.id, 'ORG_ADMIN');
    assert.equal((await orgAdmin.api('DELETE', `/api/v1/users/${peer.user.id}/factors/${peer.factorId}`)).status, 204);
    assert.deepEqual(await factorsOf(peer.user.id), []);
    const peer2 = await newTotpUser(setup);
    await grant(setup, peer2.user.id, 'ORG_ADMIN');
    assert.deepEqual((await orgAdmin.api('POST', `/api/v1/users/${peer2.user.id}/lifecycle/reset_factors`)).status, 200);
    assert.deepEqual(await factorsOf(peer2.user.id), []);
  });

  it('refuses every admin, whatever the body, to enroll a factor for anyone, themselves included, writing nothing', async () => {
    const target = await newUser(setup, 'ACTIVE');
    const withFactor = await newTotpUser(setup);
    const bodies: unknown[] = [TOTP_ENROLLMENT, { factorType: 'token:software:totp', provider: 'OKTA' }, { factorType: 'sms', provider: 'OKTA', profile: { phoneNumber: '+15555550100' } }, {}, undefined];
    const admins: { who: string; userId: string; api: Api }[] = [{ who: "the tenant's own super admin", userId: tenant.adminId, api: setup.api }];
    for (const role of ['SUPER_ADMIN', 'ORG_ADMIN', 'HELP_DESK_ADMIN', 'READ_ONLY_ADMIN'] as const) admins.push({ who: role, ...(await as(role)) });
    const failures: string[] = [];
    for (const { who, userId, api } of admins) {
      for (const id of [target.id, target.login, withFactor.user.id, userId]) {
        for (const body of bodies) {
          try {
            await assertRefused(api, 'POST', `/api/v1/users/${id}/factors`, body);
          } catch (err) {
            failures.push(`${who} enrolling for ${id} with ${JSON.stringify(body)}: ${(err as Error).message.slice(0, 200)}`);
          }
        }
      }
    }
    assert.deepEqual(failures, []);
    const factors = await server.db.selectFrom('factors').select('user_id').where('tenant_id', '=', tenant.id).where('user_id', 'in', [target.id, withFactor.user.id, tenant.adminId, ...admins.map((a) => a.userId)]).execute();
    assert.deepEqual(factors.map((r) => r.user_id), [withFactor.user.id], 'no factor but the one its user enrolled');
  });

  it('lets only a super admin manage roles and tokens, so an org admin cannot promote itself', async () => {
    const orgAdmin = await as('ORG_ADMIN');
    await assertRefused(orgAdmin.api, 'POST', `/api/v1/users/${orgAdmin.userId}/roles`, { type: 'SUPER_ADMIN' });
    await assertRefused(orgAdmin.api, 'POST', '/api/v1/api-tokens', { name: 'mine' });
    const roles = await orgAdmin.api('GET', `/api/v1/users/${orgAdmin.userId}/roles`);
    assert.deepEqual(roles.body.map((r: { type: string }) => r.type), ['ORG_ADMIN']);
    const roleId = roles.body[0].id as string;
    await assertRefused(orgAdmin.api, 'DELETE', `/api/v1/users/${orgAdmin.userId}/roles/${roleId}`);
  });

  it('refuses to take the role from the last super admin, and allows it once there is another', async () => {
    // A tenant of its own: the tests above made more super admins in the shared one.
    const solo = await createTestTenant(server.db);
    const api = apiClient(server.url, solo.token);
    const roles = await api('GET', `/api/v1/users/${solo.adminId}/roles`);
    const superRole = roles.body.find((r: { type: string }) => r.type === 'SUPER_ADMIN');
    const before = await tenantState(server.db, solo.id);
    assertOktaError(await api('DELETE', `/api/v1/users/${solo.adminId}/roles/${superRole.id}`), 400, 'E0000001');
    assert.deepEqual(await tenantState(server.db, solo.id), before);

    const second = await newUser({ db: server.db, tenantId: solo.id, api }, 'PROVISIONED');
    assert.equal((await api('POST', `/api/v1/users/${second.id}/roles`, { type: 'SUPER_ADMIN' })).status, 201);
    const res = await api('DELETE', `/api/v1/users/${solo.adminId}/roles/${superRole.id}`);
    assert.equal(res.status, 204, res.text);
  });

  it('does not let an admin deactivate, suspend or delete their own account', async () => {
    for (const role of ['SUPER_ADMIN', 'ORG_ADMIN'] as const) {
      const admin = await as(role);
      for (const [method, path] of [
        ['POST', `/api/v1/users/${admin.userId}/lifecycle/deactivate`],
        ['POST', `/api/v1/users/${admin.userId}/lifecycle/suspend`],
        ['POST', '/api/v1/users/me/lifecycle/deactivate'],
        ['DELETE', `/api/v1/users/${admin.userId}`],
      ] as const) {
        const before = await tenantState(server.db, tenant.id);
        assertOktaError(await admin.api(method, path), 400, 'E0000001');
        assert.deepEqual(await tenantState(server.db, tenant.id), before, `${role} ${method} ${path} changed nothing`);
      }
    }
  });

  it('stops a token from acting once its owner loses every admin role', async () => {
    const readOnly = await as('READ_ONLY_ADMIN');
    assert.equal((await readOnly.api('GET', '/api/v1/users')).status, 200);
    const roles = await setup.api('GET', `/api/v1/users/${readOnly.userId}/roles`);
    assert.equal((await setup.api('DELETE', `/api/v1/users/${readOnly.userId}/roles/${roles.body[0].id}`)).status, 204);
    assertOktaError(await readOnly.api('GET', '/api/v1/users'), 403, 'E0000006');
  });
});
