import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type Api, type ApiResponse, type TestServer, type TestTenant } from '../../test/helpers.ts';

type Named = { id: string; profile: Record<string, unknown>; _links: Record<string, unknown> };

const nextLink = (res: ApiResponse): string | null => {
  const m = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '');
  if (!m) return null;
  const url = new URL(m[1] as string);
  return url.pathname + url.search;
};

/** Follows next links from `path` and returns every item's id. */
async function allIds(api: Api, path: string): Promise<string[]> {
  const ids: string[] = [];
  let next: string | null = path;
  while (next) {
    const res = await api('GET', next);
    assert.equal(res.status, 200, res.text);
    ids.push(...res.body.map((x: Named) => x.id));
    next = nextLink(res);
  }
  return ids;
}

describe('group members and a user\'s groups', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let api: Api;
  let everyoneId: string;
  let groupId: string;
  const users: string[] = [];

  const newUser = async (login: string, query = 'activate=true') => {
    const res = await api('POST', `/api/v1/users?${query}`, { profile: { login, email: login, firstName: 'Ada', lastName: 'Lovelace' } });
    assert.equal(res.status, 200, res.text);
    return res.body.id as string;
  };
  const membershipEvents = (filter: string) => api('GET', `/api/v1/logs?filter=${encodeURIComponent(filter)}`);

  before(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    everyoneId = (await api('GET', `/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`)).body[0].id;
    groupId = (await api('POST', '/api/v1/groups', { profile: { name: 'Analysts' } })).body.id;
    for (let i = 0; i < 5; i++) users.push(await newUser(`member${i}@example.com`));
  });
  after(() => server.close());

  it('adds a user with PUT (204), logs group.user_membership.add with User then UserGroup targets, and moves lastMembershipUpdated only', async () => {
    const before = (await api('GET', `/api/v1/groups/${groupId}`)).body;
    await new Promise((r) => setTimeout(r, 5));
    const res = await api('PUT', `/api/v1/groups/${groupId}/users/${users[0]}`);
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    const after = (await api('GET', `/api/v1/groups/${groupId}`)).body;
    assert.ok(after.lastMembershipUpdated > before.lastMembershipUpdated);
    assert.equal(after.lastUpdated, before.lastUpdated);
    const log = await membershipEvents(`eventType eq "group.user_membership.add" and target.id eq "${groupId}"`);
    assert.equal(log.body.length, 1);
    assert.deepEqual(log.body[0].target.map((t: { type: string; id: string; alternateId: string }) => [t.type, t.id]), [['User', users[0]], ['UserGroup', groupId]]);
    assert.equal(log.body[0].target[0].alternateId, 'member0@example.com');
    assert.equal(log.body[0].displayMessage, 'Add user to group membership');
  });

  it('adds an existing member again as a 204 that writes nothing', async () => {
    const before = [await logCount(server.db, tenant.id), (await api('GET', `/api/v1/groups/${groupId}`)).body];
    assert.equal((await api('PUT', `/api/v1/groups/${groupId}/users/${users[0]}`)).status, 204);
    assert.deepEqual([await logCount(server.db, tenant.id), (await api('GET', `/api/v1/groups/${groupId}`)).body], before);
  });

  it('lists members as Okta User objects in collection form, paged with Link headers', async () => {
    for (const u of users.slice(1, 4)) assert.equal((await api('PUT', `/api/v1/groups/${groupId}/users/${u}`)).status, 204);
    const first = await api('GET', `/api/v1/groups/${groupId}/users?limit=3`);
    assert.equal(first.status, 200);
    assert.equal(first.body.length, 3);
    const user = first.body[0] as Named & { status: string; credentials: unknown };
    assert.deepEqual(Object.keys(user._links), ['self']);
    assert.equal(user.status, 'PROVISIONED');
    assert.equal(user.profile['lastName'], 'Lovelace');
    assert.doesNotMatch(first.text, /argon2|password_hash|passwordHash/);
    assert.ok(nextLink(first));
    assert.deepEqual((await allIds(api, `/api/v1/groups/${groupId}/users?limit=3`)).sort(), users.slice(0, 4).sort());
  });

  it('lists every user of the tenant, whatever their status, as members of Everyone', async () => {
    const staged = await newUser('staged-member@example.com', 'activate=false');
    const all = await server.db.selectFrom('users').select('id').where('tenant_id', '=', tenant.id).execute();
    const members = await allIds(api, `/api/v1/groups/${everyoneId}/users?limit=2`);
    assert.ok(members.includes(staged));
    assert.deepEqual(members.sort(), all.map((r) => r.id).sort());
  });

  it('counts users created with groupIds as members', async () => {
    const login = 'with-groups@example.com';
    const res = await api('POST', '/api/v1/users', { profile: { login, email: login, firstName: 'G', lastName: 'I' }, groupIds: [groupId] });
    assert.equal(res.status, 200);
    assert.ok((await allIds(api, `/api/v1/groups/${groupId}/users`)).includes(res.body.id));
  });

  it('lists a user\'s groups, Everyone included, and pages them', async () => {
    const other = (await api('POST', '/api/v1/groups', { profile: { name: 'Reviewers' } })).body.id as string;
    assert.equal((await api('PUT', `/api/v1/groups/${other}/users/${users[1]}`)).status, 204);
    const res = await api('GET', `/api/v1/users/${users[1]}/groups`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.map((g: Named) => g.id).sort(), [everyoneId, groupId, other].sort());
    assert.deepEqual(res.body.find((g: Named) => g.id === other)?.profile, { name: 'Reviewers', description: null });
    assert.deepEqual((await allIds(api, `/api/v1/users/${users[1]}/groups?limit=1`)).sort(), [everyoneId, groupId, other].sort());
    const loner = await api('GET', `/api/v1/users/${users[4]}/groups`);
    assert.deepEqual(loner.body.map((g: Named) => g.id), [everyoneId]);
    const byLogin = await api('GET', '/api/v1/users/member1@example.com/groups');
    assert.equal(byLogin.body.length, 3);
  });

  it('removes a member with DELETE (204) and logs group.user_membership.remove', async () => {
    const before = (await api('GET', `/api/v1/groups/${groupId}`)).body;
    await new Promise((r) => setTimeout(r, 5));
    assert.equal((await api('DELETE', `/api/v1/groups/${groupId}/users/${users[2]}`)).status, 204);
    assert.ok(!(await allIds(api, `/api/v1/groups/${groupId}/users`)).includes(users[2] as string));
    assert.ok(!(await api('GET', `/api/v1/users/${users[2]}/groups`)).body.some((g: Named) => g.id === groupId));
    assert.ok((await api('GET', `/api/v1/groups/${groupId}`)).body.lastMembershipUpdated > before.lastMembershipUpdated);
    const log = await membershipEvents(`eventType eq "group.user_membership.remove" and target.id eq "${users[2]}"`);
    assert.equal(log.body.length, 1);
    assert.deepEqual(log.body[0].target.map((t: { type: string }) => t.type), ['User', 'UserGroup']);
  });

  it('removes a non-member as a 204 that writes nothing', async () => {
    const before = [await logCount(server.db, tenant.id), (await api('GET', `/api/v1/groups/${groupId}`)).body];
    assert.equal((await api('DELETE', `/api/v1/groups/${groupId}/users/${users[2]}`)).status, 204);
    assert.equal((await api('DELETE', `/api/v1/groups/${groupId}/users/${users[4]}`)).status, 204);
    assert.deepEqual([await logCount(server.db, tenant.id), (await api('GET', `/api/v1/groups/${groupId}`)).body], before);
  });

  it('answers unknown users with 404 E0000007 and writes nothing', async () => {
    const before = await logCount(server.db, tenant.id);
    const ghost = '00uDoesNotExist000000';
    assertOktaError(await api('PUT', `/api/v1/groups/${groupId}/users/${ghost}`), 404, 'E0000007');
    assertOktaError(await api('DELETE', `/api/v1/groups/${groupId}/users/${ghost}`), 404, 'E0000007');
    assertOktaError(await api('GET', `/api/v1/users/${ghost}/groups`), 404, 'E0000007');
    assert.equal(await logCount(server.db, tenant.id), before);
  });

  it('refuses bad paging and unknown parameters on member and user-group listings', async () => {
    for (const path of [`/api/v1/groups/${groupId}/users`, `/api/v1/users/${users[0]}/groups`]) {
      assertOktaError(await api('GET', `${path}?after=bad`), 400, 'E0000029');
      assertOktaError(await api('GET', `${path}?limit=0`), 400, 'E0000001');
      assertOktaError(await api('GET', `${path}?limit=x`), 400, 'E0000001');
      assertOktaError(await api('GET', `${path}?q=a`), 400, 'E0000001');
    }
  });

  it('drops a deleted user from the group\'s members', async () => {
    const doomed = await newUser('doomed@example.com');
    assert.equal((await api('PUT', `/api/v1/groups/${groupId}/users/${doomed}`)).status, 204);
    assert.equal((await api('DELETE', `/api/v1/users/${doomed}`)).status, 204);
    // Deactivated users remain members, as in Okta.
    assert.ok((await allIds(api, `/api/v1/groups/${groupId}/users`)).includes(doomed));
    assert.equal((await api('DELETE', `/api/v1/users/${doomed}`)).status, 204);
    assert.ok(!(await allIds(api, `/api/v1/groups/${groupId}/users`)).includes(doomed));
  });
});
