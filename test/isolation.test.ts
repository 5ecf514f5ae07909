/**
 * Tenant isolation, route by route: tenant B's super admin aims every route of the app at tenant A's objects.
 * B must get Okta's "not found" (never A's data, never a hint that the object exists), and A must be exactly
 * as it was, its System Log included.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, startTestServer, tokenWithRole, type Api, type ApiResponse, type TestServer, type TestTenant } from './helpers.ts';
import { assertCoversApp, listAppRoutes } from './support/app-routes.ts';
import {
  activationCode, addMember, enrollTotp, grant, mfaStateTokenFor, newAlert, newGroup, newKnownSession, newSession, newToken, newTotpUser, newUser, nextCode,
  pageHeaders, passwordPolicyUpdate, sessionTokenFor, type WebFixture,
} from './support/fixtures.ts';
import { hostClient } from './support/host-client.ts';
import { catalogKeys, HOST_ROUTES, methodOf, namesObject, ROUTES } from './support/route-catalog.ts';
import { tenantFingerprint, tenantSecrets, tenantState } from './support/tenant-state.ts';

/** Text of A that appears in B's answer, other than what B itself put in the request. */
function leaks(res: ApiResponse, secrets: Set<string>, sent: string): string[] {
  const text = `${res.text}\n${res.headers.get('link') ?? ''}`.toLowerCase();
  return [...secrets].filter((s) => !sent.toLowerCase().includes(s.toLowerCase()) && text.includes(s.toLowerCase()));
}

/**
 * Routes that name no object in their path but carry one of A's secrets in the body: B must be refused as if
 * the secret were made up (and, the state check says, without using it up).
 */
const CARRIES_SECRET: Record<string, readonly [number, string]> = {
  'POST /api/v1/sessions': [401, 'E0000004'],
};

/**
 * What B's host answers A's browser (A's user and password, A's tokens, A's cookie): what it answers a stranger.
 * `OwnChallenge`: a passkey sign-in starts with nothing of A's, and a self-service recovery answers a username
 * it does not know as it answers one it does, so B answers with a challenge of its own, of that status.
 */
type OwnChallenge = { ownChallenge: 'MFA_CHALLENGE' | 'RECOVERY_CHALLENGE' };
const AT_OTHER_HOST: Record<string, readonly [number, string] | OwnChallenge> = {
  'POST /api/v1/authn': [401, 'E0000004'],
  'POST /api/v1/authn/credentials/change_password': [401, 'E0000011'],
  'GET /login/sessionCookieRedirect': [401, 'E0000004'],
  'GET /api/v1/sessions/me': [404, 'E0000007'],
  'POST /api/v1/sessions/me/lifecycle/refresh': [404, 'E0000007'],
  'DELETE /api/v1/sessions/me': [404, 'E0000007'],
  'GET /api/v1/users/me/sessions': [404, 'E0000007'],
  'DELETE /api/v1/users/me/sessions': [404, 'E0000007'],
  'DELETE /api/v1/users/me/sessions/:id': [404, 'E0000007'],
  'GET /idp/myaccount/profile': [404, 'E0000007'],
  'PUT /idp/myaccount/profile': [404, 'E0000007'],
  'GET /api/v1/users/me/factors': [404, 'E0000007'],
  'POST /api/v1/users/me/factors': [404, 'E0000007'],
  'GET /api/v1/users/me/factors/:factorId': [404, 'E0000007'],
  'POST /api/v1/users/me/factors/:factorId/lifecycle/activate': [404, 'E0000007'],
  'DELETE /api/v1/users/me/factors/:factorId': [404, 'E0000007'],
  'POST /api/v1/authn/factors/:factorId/verify': [401, 'E0000011'],
  'POST /api/v1/authn/factors': [401, 'E0000011'],
  'POST /api/v1/authn/passkey': { ownChallenge: 'MFA_CHALLENGE' },
  'POST /api/v1/authn/passkey/verify': [401, 'E0000011'],
  'POST /api/v1/authn/factors/:factorId/lifecycle/activate': [401, 'E0000011'],
  'POST /api/v1/authn/recovery/token': [401, 'E0000011'],
  'POST /api/v1/authn/recovery/password': { ownChallenge: 'RECOVERY_CHALLENGE' },
  'POST /api/v1/authn/recovery/factors/:factorType/verify': [401, 'E0000011'],
  'POST /api/v1/authn/credentials/reset_password': [401, 'E0000011'],
  'POST /api/v1/verifications/challenge': [404, 'E0000007'],
  'POST /api/v1/verifications/verify': [404, 'E0000007'],
  'POST /api/v1/admin/session': [401, 'E0000004'],
  'GET /api/v1/admin/session': [401, 'E0000005'],
  'DELETE /api/v1/admin/session': [401, 'E0000005'],
  'POST /api/v1/admin/session/step-up': [401, 'E0000005'],
};

/** A request with a Host header of our choosing, which fetch does not allow. */
function withHost(url: string, path: string, host: string, token: string): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { headers: { host, authorization: `SSWS ${token}`, accept: 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: new Headers(res.headers as Record<string, string>), body: text ? JSON.parse(text) : undefined, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tenant isolation', () => {
  let server: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  let aFixture: WebFixture;
  let bApi: Api;
  /**
   * A's text the tests themselves sent to B's host: B's System Log rightly records the login a sign-in at its
   * host tried, whoever's it is. It came from the request, not from A.
   */
  const sentToB = new Set<string>();

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    const tag = randomBytes(3).toString('hex');
    a = await createTestTenant(server.db, `alpha-${tag}`);
    b = await createTestTenant(server.db, `beta-${tag}`);
    aFixture = { db: server.db, tenantId: a.id, api: apiClient(server.url, a.token), web: () => hostClient(server.url, a.slug) };
    bApi = apiClient(server.url, b.token);
    // Both tenants hold users, groups with members, roles, tokens, sessions, second factors, security alerts,
    // a password policy of their own and a password history.
    for (const t of [aFixture, { db: server.db, tenantId: b.id, api: bApi, web: () => hostClient(server.url, b.slug) }]) {
      const user = await newUser(t, 'ACTIVE');
      await grant(t, user.id, 'READ_ONLY_ADMIN');
      const group = await newGroup(t);
      await addMember(t, group.id, user.id);
      await newToken(t);
      await newSession(t, user);
      await newTotpUser(t);
      await newAlert(t);
      const policy = await passwordPolicyUpdate(t);
      const put = await t.api('PUT', `/api/v1/policies/${policy.id}`, policy.body);
      assert.equal(put.status, 200, put.text);
      const changed = await t.api('POST', `/api/v1/users/${user.id}`, { credentials: { password: { value: 'Another-Horse-Battery-8' } } });
      assert.equal(changed.status, 200, changed.text);
      // So that "A changed" would see a write to any of them.
      const state = await tenantState(server.db, t.tenantId);
      for (const table of ['factors', 'security_alerts', 'password_policies', 'password_history', 'sessions', 'sign_in_networks']) {
        assert.ok((state[table] ?? []).length > 0, `the tenant has rows in ${table}`);
      }
    }
  });
  after(() => server.close());

  it('covers every route the app serves', async () => {
    assertCoversApp(await listAppRoutes(server.db), catalogKeys());
  });

  it("answers B's super admin on every route aimed at A's objects with 404, leaking nothing and changing nothing in A", async () => {
    const failures: string[] = [];
    // ROUTES: the token's tenant is the one acted on. HOST_ROUTES know no token; they have their own test below.
    for (const [key, entry] of Object.entries(ROUTES)) {
      const call = await entry.prepare(aFixture);
      const variants = [call.path];
      // Users are addressed by login too.
      if (call.user && call.path.startsWith(`/api/v1/users/${call.user.id}`)) variants.push(call.path.replace(call.user.id, call.user.login));
      for (const path of variants) {
        const secrets = await tenantSecrets(server.db, a.id);
        const before = await tenantFingerprint(server.db, a.id);
        const res = await bApi(methodOf(key), path, call.body);
        const sent = `${path} ${JSON.stringify(call.body ?? null)}`;
        const secret = CARRIES_SECRET[key];
        if (namesObject(key) || secret) {
          const [status, code] = secret ?? [404, 'E0000007'];
          try {
            assertOktaError(res, status, code);
          } catch (err) {
            failures.push(`${key} (${path}): ${(err as Error).message.slice(0, 300)}`);
          }
        } else if (res.status !== entry.ok) {
          failures.push(`${key}: B acting on its own tenant expected ${entry.ok}, got ${res.status} ${res.text.slice(0, 200)}`);
        }
        const leaked = leaks(res, secrets, sent);
        if (leaked.length > 0) failures.push(`${key} (${path}): B's answer contains A's ${leaked.join(', ')}`);
        if (await tenantFingerprint(server.db, a.id) !== before) failures.push(`${key} (${path}): A changed`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it("answers A's browser at B's host on every host-addressed route as it would a stranger, and A's call still works at home", async () => {
    assert.deepEqual(Object.keys(AT_OTHER_HOST).sort(), Object.keys(HOST_ROUTES).sort(), 'an expectation for every host-addressed route');
    const failures: string[] = [];
    for (const [key, entry] of Object.entries(HOST_ROUTES)) {
      const call = await entry.prepare(aFixture);
      const expected = AT_OTHER_HOST[key] ?? [0, ''];
      // The same request from the same browser, A's cookie included, sent to B's host name.
      // A page of B's site, so its writes name B's origin: the refusal must come from the tenant, not the CSRF check.
      const atB = hostClient(server.url, b.slug);
      for (const [name, value] of call.web.cookies) atB.cookies.set(name, value);
      const secrets = await tenantSecrets(server.db, a.id);
      const before = await tenantFingerprint(server.db, a.id);
      const res = await atB(methodOf(key), call.path, call.body, pageHeaders(atB, methodOf(key)));
      const username = (call.body as { username?: string } | undefined)?.username;
      if (username !== undefined) sentToB.add(username);
      try {
        if ('ownChallenge' in expected) assert.ok(res.status === 200 && res.body?.status === expected.ownChallenge, `expected B's own challenge, got ${res.status} ${res.text.slice(0, 200)}`);
        else assertOktaError(res, expected[0], expected[1]);
      } catch (err) {
        failures.push(`${key}: ${(err as Error).message.slice(0, 300)}`);
      }
      if (res.setCookies.length > 0) failures.push(`${key}: B's host set cookies ${res.setCookies.join('; ')}`);
      const leaked = leaks(res, secrets, `${call.path} ${JSON.stringify(call.body ?? null)}`);
      if (leaked.length > 0) failures.push(`${key}: B's answer contains A's ${leaked.join(', ')}`);
      if (await tenantFingerprint(server.db, a.id) !== before) failures.push(`${key}: A changed`);
      // Nothing was used up: the token, the stateToken, the cookie still do their job where they belong.
      const home = await call.web(methodOf(key), call.path, call.body, pageHeaders(call.web, methodOf(key)));
      if (home.status !== entry.ok) failures.push(`${key}: at A's host afterwards expected ${entry.ok}, got ${home.status} ${home.text.slice(0, 200)}`);
    }
    assert.deepEqual(failures, []);
  });

  it("keeps A's sessions out of reach of B's token: 404 or 401, and A's session and sessionToken still work", async () => {
    const session = await newSession(aFixture);
    const token = await sessionTokenFor(aFixture.web(), session.user);
    const before = await tenantState(server.db, a.id);
    const s = `/api/v1/sessions/${session.id}`;
    for (const [method, path] of [
      ['GET', s],
      ['POST', `${s}/lifecycle/refresh`],
      ['DELETE', s],
      ['DELETE', `/api/v1/users/${session.user.id}/sessions`],
      ['DELETE', `/api/v1/users/${session.user.login}/sessions`],
    ] as const) {
      assertOktaError(await bApi(method, path), 404, 'E0000007');
    }
    assertOktaError(await bApi('POST', '/api/v1/sessions', { sessionToken: token }), 401, 'E0000004');
    assert.deepEqual(await tenantState(server.db, a.id), before);
    const me = await session.web('GET', '/api/v1/sessions/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.id, session.id);
    const started = await aFixture.api('POST', '/api/v1/sessions', { sessionToken: token });
    assert.equal(started.status, 200, `A's sessionToken still works at A: ${started.text}`);
  });

  it("keeps A's factors out of reach of B's admin, B's signed-in users and B's sign-ins, and they still work for A", async () => {
    const bFixture: WebFixture = { db: server.db, tenantId: b.id, api: bApi, web: () => hostClient(server.url, b.slug) };
    const aTotp = await newTotpUser(aFixture);
    const aPending = await enrollTotp((await newKnownSession(aFixture)).web);
    const bTotp = await newTotpUser(bFixture);
    const bStateToken = await mfaStateTokenFor(bFixture.web(), bTotp.user);
    const aBefore = await tenantState(server.db, a.id);
    const bBefore = await tenantState(server.db, b.id);
    const failures: string[] = [];
    const expect = async (what: string, status: number, code: string, send: () => Promise<ApiResponse>) => {
      try {
        assertOktaError(await send(), status, code);
      } catch (err) {
        failures.push(`${what}: ${(err as Error).message.slice(0, 300)}`);
      }
    };
    // B's admin, A's factor ids under B's own user.
    for (const id of [aTotp.factorId, aPending.id]) {
      await expect(`B's admin reads A's factor ${id} under B's user`, 404, 'E0000007', () => bApi('GET', `/api/v1/users/${bTotp.user.id}/factors/${id}`));
      await expect(`B's admin deletes A's factor ${id} under B's user`, 404, 'E0000007', () => bApi('DELETE', `/api/v1/users/${bTotp.user.id}/factors/${id}`));
      // B's signed-in user, at B's host, naming A's factor.
      const web = bTotp.web;
      await expect(`B's user reads A's factor ${id}`, 404, 'E0000007', () => web('GET', `/api/v1/users/me/factors/${id}`));
      await expect(`B's user deletes A's factor ${id}`, 404, 'E0000007', () => web('DELETE', `/api/v1/users/me/factors/${id}`, undefined, pageHeaders(web, 'DELETE')));
      await expect(`B's user activates A's factor ${id}`, 404, 'E0000007', () => web('POST', `/api/v1/users/me/factors/${id}/lifecycle/activate`, { passCode: activationCode(aPending) }, pageHeaders(web, 'POST')));
      // B's sign-in, waiting for B's user's code, offered A's factor and A's code.
      await expect(`B's sign-in verifies with A's factor ${id}`, 404, 'E0000007', () => bFixture.web()('POST', `/api/v1/authn/factors/${id}/verify`, { stateToken: bStateToken, passCode: nextCode(aTotp) }));
    }
    const listed = await bTotp.web('GET', '/api/v1/users/me/factors');
    assert.deepEqual((listed.body as { id: string }[]).map((x) => x.id), [bTotp.factorId]);
    assert.deepEqual(failures, []);
    assert.deepEqual(await tenantState(server.db, a.id), aBefore);
    assert.deepEqual(await tenantState(server.db, b.id), bBefore);

    // None of it used anything up: A's factors work at A, and B's sign-in still waits for B's own code.
    const aSignIn = await mfaStateTokenFor(aFixture.web(), aTotp.user);
    const verified = await aFixture.web()('POST', `/api/v1/authn/factors/${aTotp.factorId}/verify`, { stateToken: aSignIn, passCode: nextCode(aTotp) });
    assert.equal(verified.body?.status, 'SUCCESS', verified.text);
    const bVerified = await bFixture.web()('POST', `/api/v1/authn/factors/${bTotp.factorId}/verify`, { stateToken: bStateToken, passCode: nextCode(bTotp) });
    assert.equal(bVerified.body?.status, 'SUCCESS', bVerified.text);
  });

  it("keeps A's alerts and password policy out of reach of B's admin", async () => {
    const alert = await newAlert(aFixture);
    const policy = await passwordPolicyUpdate(aFixture);
    const aBefore = await tenantState(server.db, a.id);
    const secrets = await tenantSecrets(server.db, a.id);
    assertOktaError(await bApi('GET', `/api/v1/alerts/${alert.id}`), 404, 'E0000007');
    const bAlerts = await bApi('GET', '/api/v1/alerts?limit=200');
    assert.equal(bAlerts.status, 200, bAlerts.text);
    assert.ok((bAlerts.body as unknown[]).length > 0, 'B has alerts of its own');
    assert.deepEqual(leaks(bAlerts, secrets, ''), []);
    // A's alert as B's paging cursor finds nothing of A's.
    const paged = await bApi('GET', `/api/v1/alerts?after=${alert.id}`);
    assert.ok(paged.status >= 400 && paged.status < 500, `paging B's alerts after A's: ${paged.status} ${paged.text}`);
    assertOktaError(paged, paged.status, paged.body?.errorCode);
    assert.deepEqual(leaks(paged, secrets, alert.id), []);
    assertOktaError(await bApi('GET', `/api/v1/policies/${policy.id}`), 404, 'E0000007');
    assertOktaError(await bApi('PUT', `/api/v1/policies/${policy.id}`, policy.body), 404, 'E0000007');
    const bPolicies = await bApi('GET', '/api/v1/policies?type=PASSWORD');
    assert.equal(bPolicies.status, 200, bPolicies.text);
    assert.notEqual(bPolicies.body[0].id, policy.id);
    assert.deepEqual(leaks(bPolicies, secrets, ''), []);
    assert.deepEqual(await tenantState(server.db, a.id), aBefore);
  });

  it("refuses references to A's objects inside B's request bodies", async () => {
    const aGroup = await newGroup(aFixture);
    const aUser = await newUser(aFixture);
    const bGroup = await newGroup({ db: server.db, tenantId: b.id, api: bApi });
    const aBefore = await tenantState(server.db, a.id);
    const bBefore = await tenantState(server.db, b.id);
    const res = await bApi('POST', '/api/v1/users', { profile: { login: 'cross@beta.example.com', email: 'cross@beta.example.com', firstName: 'C', lastName: 'X' }, groupIds: [aGroup.id] });
    assertOktaError(res, 400, 'E0000001');
    // A's user put into B's group, and B's user into A's group: the other tenant's object does not exist for B.
    assertOktaError(await bApi('PUT', `/api/v1/groups/${bGroup.id}/users/${aUser.id}`), 404, 'E0000007');
    assertOktaError(await bApi('PUT', `/api/v1/groups/${aGroup.id}/users/${b.adminId}`), 404, 'E0000007');
    assert.deepEqual(await tenantState(server.db, a.id), aBefore);
    assert.deepEqual(await tenantState(server.db, b.id), bBefore);
    // A's role assignment id under B's own user.
    const aRole = await grant(aFixture, aUser.id, 'READ_ONLY_ADMIN');
    const aWithRole = await tenantState(server.db, a.id);
    assertOktaError(await bApi('DELETE', `/api/v1/users/${b.adminId}/roles/${aRole}`), 404, 'E0000007');
    assert.deepEqual(await tenantState(server.db, a.id), aWithRole);
    assert.deepEqual(await tenantState(server.db, b.id), bBefore);
  });

  it("rejects A's token sent to B's host name with 401 E0000011", async () => {
    const res = await withHost(server.url, '/api/v1/users', `${b.slug}.localhost`, a.token);
    assertOktaError(res, 401, 'E0000011');
    const own = await withHost(server.url, '/api/v1/users', `${a.slug}.localhost`, a.token);
    assert.equal(own.status, 200);
  });

  it('answers a missing, malformed, unknown or revoked token with 401 E0000011 on every /api route', async () => {
    const revoked = await newToken(aFixture);
    assert.equal((await aFixture.api('DELETE', `/api/v1/api-tokens/${revoked.id}`)).status, 204);
    const deactivatedOwner = await newUser(aFixture, 'PROVISIONED');
    const orphan = await tokenWithRole(server.db, a.id, 'SUPER_ADMIN');
    assert.equal((await aFixture.api('POST', `/api/v1/users/${orphan.userId}/lifecycle/deactivate`)).status, 200);
    const headers: Record<string, string | null> = {
      missing: null,
      'not SSWS': `Bearer ${a.token}`,
      malformed: 'SSWS not a token!',
      unknown: `SSWS ${randomBytes(30).toString('base64url')}`,
      revoked: `SSWS ${revoked.value}`,
      'of a deactivated user': `SSWS ${orphan.token}`,
    };
    const failures: string[] = [];
    const before = await tenantState(server.db, a.id);
    // ROUTES only: HOST_ROUTES take no token at all (permissions.test.ts checks that a token counts for nothing there).
    for (const [key, entry] of Object.entries(ROUTES)) {
      if (entry.public) continue;
      const call = { path: key.split(' ')[1]?.replace(/:[A-Za-z]+/g, deactivatedOwner.id) ?? '', body: undefined };
      for (const [what, header] of Object.entries(headers)) {
        const res = await apiClient(server.url, null)(methodOf(key), call.path, call.body, header === null ? {} : { authorization: header });
        try {
          assertOktaError(res, 401, 'E0000011');
        } catch (err) {
          failures.push(`${key} with a ${what} token: ${(err as Error).message.slice(0, 200)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.deepEqual(await tenantState(server.db, a.id), before);
  });

  it("never shows A's events in B's System Log, however B asks", async () => {
    const aEvents = await server.db.selectFrom('log_events').select('uuid').where('tenant_id', '=', a.id).execute();
    const aUuids = new Set(aEvents.map((e) => e.uuid));
    assert.ok(aUuids.size > 10);
    const aAdminEvent = `target.id eq "${a.adminId}"`;
    const queries = [
      '?limit=1000',
      '?limit=1000&sortOrder=DESCENDING',
      `?since=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&until=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&limit=1000`,
      `?filter=${encodeURIComponent(aAdminEvent)}`,
      `?filter=${encodeURIComponent(`actor.id eq "${a.adminId}"`)}`,
      `?q=${encodeURIComponent(a.slug)}`,
      `?q=${encodeURIComponent(a.adminLogin)}`,
      '?filter=' + encodeURIComponent('eventType sw "user" or eventType sw "group" or eventType sw "system" or eventType sw "bulwark"'),
    ];
    const secrets = await tenantSecrets(server.db, a.id);
    for (const query of queries) {
      const res = await bApi('GET', `/api/v1/logs${query}`);
      assert.equal(res.status, 200, `${query}: ${res.text}`);
      for (const event of res.body as { uuid: string }[]) assert.ok(!aUuids.has(event.uuid), `${query} returned A's event ${event.uuid}`);
      assert.deepEqual(leaks(res, secrets, `${query} ${[...sentToB].join(' ')}`), [], query);
    }
  });
});
