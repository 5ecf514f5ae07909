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
import { addMember, grant, newGroup, newToken, newUser, type Fixture } from './support/fixtures.ts';
import { methodOf, namesObject, ROUTES } from './support/route-catalog.ts';
import { tenantSecrets, tenantState } from './support/tenant-state.ts';

/** Text of A that appears in B's answer, other than what B itself put in the request. */
function leaks(res: ApiResponse, secrets: Set<string>, sent: string): string[] {
  const text = `${res.text}\n${res.headers.get('link') ?? ''}`.toLowerCase();
  return [...secrets].filter((s) => !sent.toLowerCase().includes(s.toLowerCase()) && text.includes(s.toLowerCase()));
}

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
  let aFixture: Fixture;
  let bApi: Api;

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    const tag = randomBytes(3).toString('hex');
    a = await createTestTenant(server.db, `alpha-${tag}`);
    b = await createTestTenant(server.db, `beta-${tag}`);
    aFixture = { db: server.db, tenantId: a.id, api: apiClient(server.url, a.token) };
    bApi = apiClient(server.url, b.token);
    // Both tenants hold users, groups with members, roles and tokens.
    for (const t of [aFixture, { db: server.db, tenantId: b.id, api: bApi }]) {
      const user = await newUser(t, 'ACTIVE');
      await grant(t, user.id, 'READ_ONLY_ADMIN');
      const group = await newGroup(t);
      await addMember(t, group.id, user.id);
      await newToken(t);
    }
  });
  after(() => server.close());

  it('covers every route the app serves', async () => {
    assertCoversApp(await listAppRoutes(server.db), Object.keys(ROUTES));
  });

  it("answers B's super admin on every route aimed at A's objects with 404, leaking nothing and changing nothing in A", async () => {
    const failures: string[] = [];
    for (const [key, entry] of Object.entries(ROUTES)) {
      const call = await entry.prepare(aFixture);
      const variants = [call.path];
      // Users are addressed by login too.
      if (call.user && call.path.startsWith(`/api/v1/users/${call.user.id}`)) variants.push(call.path.replace(call.user.id, call.user.login));
      for (const path of variants) {
        const secrets = await tenantSecrets(server.db, a.id);
        const before = await tenantState(server.db, a.id);
        const res = await bApi(methodOf(key), path, call.body);
        const sent = `${path} ${JSON.stringify(call.body ?? null)}`;
        if (namesObject(key)) {
          try {
            assertOktaError(res, 404, 'E0000007');
          } catch (err) {
            failures.push(`${key} (${path}): ${(err as Error).message.slice(0, 300)}`);
          }
        } else if (res.status !== entry.ok) {
          failures.push(`${key}: B acting on its own tenant expected ${entry.ok}, got ${res.status} ${res.text.slice(0, 200)}`);
        }
        const leaked = leaks(res, secrets, sent);
        if (leaked.length > 0) failures.push(`${key} (${path}): B's answer contains A's ${leaked.join(', ')}`);
        if (JSON.stringify(await tenantState(server.db, a.id)) !== JSON.stringify(before)) failures.push(`${key} (${path}): A changed`);
      }
    }
    assert.deepEqual(failures, []);
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
      assert.deepEqual(leaks(res, secrets, query), [], query);
    }
  });
});
