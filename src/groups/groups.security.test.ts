import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  apiClient, assertOktaError, createTestTenant, logCount, startTestServer, tokenWithRole, type Api, type TestServer, type TestTenant,
} from '../../test/helpers.ts';

describe('groups: permissions and tenant isolation', () => {
  let server: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  let apiA: Api;
  let apiB: Api;
  let groupA: string;
  let everyoneA: string;
  let groupB: string;

  before(async () => {
    server = await startTestServer();
    a = await createTestTenant(server.db);
    b = await createTestTenant(server.db);
    apiA = apiClient(server.url, a.token);
    apiB = apiClient(server.url, b.token);
    groupA = (await apiA('POST', '/api/v1/groups', { profile: { name: 'Finance', description: 'Tenant A only' } })).body.id;
    everyoneA = (await apiA('GET', `/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`)).body[0].id;
    groupB = (await apiB('POST', '/api/v1/groups', { profile: { name: 'Finance' } })).body.id;
    assert.equal((await apiA('PUT', `/api/v1/groups/${groupA}/users/${a.adminId}`)).status, 204);
  });
  after(() => server.close());

  const snapshot = async () => [
    await logCount(server.db, a.id),
    await logCount(server.db, b.id),
    await server.db.selectFrom('groups').selectAll().orderBy('id').execute(),
    await server.db.selectFrom('group_members').selectAll().orderBy('group_id').orderBy('user_id').execute(),
  ];

  for (const role of ['READ_ONLY_ADMIN', 'HELP_DESK_ADMIN'] as const) {
    it(`lets a ${role} read groups, members and a user's groups`, async () => {
      const api = apiClient(server.url, (await tokenWithRole(server.db, a.id, role)).token);
      assert.equal((await api('GET', '/api/v1/groups')).status, 200);
      assert.equal((await api('GET', `/api/v1/groups/${groupA}`)).body.profile.name, 'Finance');
      assert.deepEqual((await api('GET', `/api/v1/groups/${groupA}/users`)).body.map((u: { id: string }) => u.id), [a.adminId]);
      assert.equal((await api('GET', `/api/v1/users/${a.adminId}/groups`)).body.length, 2);
    });

    it(`refuses every group write of a ${role} with 403 E0000006 and writes nothing`, async () => {
      const { token, userId } = await tokenWithRole(server.db, a.id, role);
      const api = apiClient(server.url, token);
      const before = await snapshot();
      assertOktaError(await api('POST', '/api/v1/groups', { profile: { name: 'Shadow' } }), 403, 'E0000006');
      assertOktaError(await api('PUT', `/api/v1/groups/${groupA}`, { profile: { name: 'Renamed' } }), 403, 'E0000006');
      assertOktaError(await api('DELETE', `/api/v1/groups/${groupA}`), 403, 'E0000006');
      assertOktaError(await api('PUT', `/api/v1/groups/${groupA}/users/${userId}`), 403, 'E0000006');
      assertOktaError(await api('DELETE', `/api/v1/groups/${groupA}/users/${a.adminId}`), 403, 'E0000006');
      assert.deepEqual(await snapshot(), before);
    });
  }

  it('refuses reads and writes to a token whose user holds no admin role, and to no token at all', async () => {
    const api = apiClient(server.url, (await tokenWithRole(server.db, a.id, null)).token);
    assertOktaError(await api('GET', '/api/v1/groups'), 403, 'E0000006');
    assertOktaError(await api('GET', `/api/v1/users/${a.adminId}/groups`), 403, 'E0000006');
    assertOktaError(await api('POST', '/api/v1/groups', { profile: { name: 'Nope' } }), 403, 'E0000006');
    assertOktaError(await apiClient(server.url, null)('GET', '/api/v1/groups'), 401, 'E0000011');
  });

  it('lets an ORG_ADMIN manage groups and ordinary members but not a SUPER_ADMIN\'s memberships', async () => {
    const api = apiClient(server.url, (await tokenWithRole(server.db, a.id, 'ORG_ADMIN')).token);
    const plain = await tokenWithRole(server.db, a.id, null);
    const peer = await tokenWithRole(server.db, a.id, 'ORG_ADMIN');
    const g = (await api('POST', '/api/v1/groups', { profile: { name: 'Org Admin Made' } })).body.id;
    assert.equal((await api('PUT', `/api/v1/groups/${g}/users/${plain.userId}`)).status, 204);
    assert.equal((await api('PUT', `/api/v1/groups/${g}/users/${peer.userId}`)).status, 204);
    const before = await snapshot();
    assertOktaError(await api('PUT', `/api/v1/groups/${g}/users/${a.adminId}`), 403, 'E0000006');
    assertOktaError(await api('DELETE', `/api/v1/groups/${groupA}/users/${a.adminId}`), 403, 'E0000006');
    assert.deepEqual(await snapshot(), before);
    // The super admin may do what the org admin may not.
    assert.equal((await apiA('PUT', `/api/v1/groups/${g}/users/${a.adminId}`)).status, 204);
    assert.equal((await api('DELETE', `/api/v1/groups/${g}/users/${plain.userId}`)).status, 204);
    assert.equal((await api('DELETE', `/api/v1/groups/${g}`)).status, 204);
  });

  it('answers 404 to a token of tenant B for every route on tenant A\'s group ids, writing nothing', async () => {
    const before = await snapshot();
    for (const id of [groupA, everyoneA]) {
      assertOktaError(await apiB('GET', `/api/v1/groups/${id}`), 404, 'E0000007');
      assertOktaError(await apiB('PUT', `/api/v1/groups/${id}`, { profile: { name: 'Hijacked' } }), 404, 'E0000007');
      assertOktaError(await apiB('DELETE', `/api/v1/groups/${id}`), 404, 'E0000007');
      assertOktaError(await apiB('GET', `/api/v1/groups/${id}/users`), 404, 'E0000007');
      assertOktaError(await apiB('PUT', `/api/v1/groups/${id}/users/${b.adminId}`), 404, 'E0000007');
      assertOktaError(await apiB('DELETE', `/api/v1/groups/${id}/users/${a.adminId}`), 404, 'E0000007');
    }
    assert.deepEqual(await snapshot(), before);
  });

  it('does not let tenant B add or remove tenant A\'s user in its own group, or see that user\'s groups', async () => {
    const before = await snapshot();
    assertOktaError(await apiB('PUT', `/api/v1/groups/${groupB}/users/${a.adminId}`), 404, 'E0000007');
    assertOktaError(await apiB('PUT', `/api/v1/groups/${groupB}/users/${a.adminLogin}`), 404, 'E0000007');
    assertOktaError(await apiB('DELETE', `/api/v1/groups/${groupB}/users/${a.adminId}`), 404, 'E0000007');
    assertOktaError(await apiB('GET', `/api/v1/users/${a.adminId}/groups`), 404, 'E0000007');
    assert.deepEqual(await snapshot(), before);
  });

  it('never shows one tenant\'s groups or members in another tenant\'s listings and searches', async () => {
    const idsB = (await apiB('GET', '/api/v1/groups')).body.map((g: { id: string }) => g.id);
    assert.equal(idsB.length, 2);
    assert.ok(!idsB.includes(groupA) && !idsB.includes(everyoneA));
    assert.deepEqual((await apiB('GET', `/api/v1/groups?search=${encodeURIComponent(`id eq "${groupA}"`)}`)).body, []);
    assert.deepEqual((await apiB('GET', `/api/v1/groups?filter=${encodeURIComponent(`id eq "${groupA}"`)}`)).body, []);
    assert.deepEqual((await apiB('GET', '/api/v1/groups?q=fin')).body.map((g: { id: string }) => g.id), [groupB]);
    const everyoneB = idsB.find((id: string) => id !== groupB);
    const membersB = (await apiB('GET', `/api/v1/groups/${everyoneB}/users`)).body.map((u: { id: string }) => u.id);
    assert.deepEqual(membersB, [b.adminId]);
  });
});
