import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type Api, type TestServer, type TestTenant } from '../../test/helpers.ts';

const logsOf = (api: Api, filter: string) => api('GET', `/api/v1/logs?filter=${encodeURIComponent(filter)}`);

describe('/api/v1/groups', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let api: Api;
  let everyoneId: string;
  before(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    const builtIn = await api('GET', `/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`);
    everyoneId = builtIn.body[0].id;
  });
  after(() => server.close());

  /** Groups rows of the tenant: the "nothing was written" check alongside logCount. */
  const groupRows = async () => (await server.db.selectFrom('groups').selectAll().where('tenant_id', '=', tenant.id).orderBy('id').execute());

  it('creates an OKTA_GROUP shaped like Okta\'s Group object and logs group.lifecycle.create', async () => {
    const res = await api('POST', '/api/v1/groups', { profile: { name: 'West Coast Users', description: 'All Users West of The Rockies' } });
    assert.equal(res.status, 200);
    const g = res.body;
    assert.match(g.id, /^00g[0-9A-Za-z]{17}$/);
    assert.deepEqual(Object.keys(g).sort(), ['_links', 'created', 'id', 'lastMembershipUpdated', 'lastUpdated', 'objectClass', 'profile', 'type']);
    assert.equal(g.type, 'OKTA_GROUP');
    assert.deepEqual(g.objectClass, ['okta:user_group']);
    assert.deepEqual(g.profile, { name: 'West Coast Users', description: 'All Users West of The Rockies' });
    assert.equal(g.created, g.lastUpdated);
    assert.equal(g._links.self.href, `${server.url}/api/v1/groups/${g.id}`);
    assert.equal(g._links.users.href, `${server.url}/api/v1/groups/${g.id}/users`);
    const log = await logsOf(api, `eventType eq "group.lifecycle.create" and target.id eq "${g.id}"`);
    assert.equal(log.body.length, 1);
    assert.deepEqual(log.body[0].target.map((t: { type: string; displayName: string }) => [t.type, t.displayName]), [['UserGroup', 'West Coast Users']]);
  });

  it('creates a group without a description as a null description', async () => {
    const res = await api('POST', '/api/v1/groups', { profile: { name: 'No Description' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.profile.description, null);
  });

  it('gets a group by id, and the built-in Everyone group', async () => {
    const created = (await api('POST', '/api/v1/groups', { profile: { name: 'Fetch Me', description: null } })).body;
    const res = await api('GET', `/api/v1/groups/${created.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, created);
    const everyone = await api('GET', `/api/v1/groups/${everyoneId}`);
    assert.equal(everyone.body.type, 'BUILT_IN');
    assert.equal(everyone.body.profile.name, 'Everyone');
  });

  it('refuses a duplicate name in any letter case with E0000001 and writes nothing', async () => {
    const before = [await logCount(server.db, tenant.id), await groupRows()];
    for (const name of ['west coast users', 'WEST COAST USERS', 'everyone']) {
      const res = await api('POST', '/api/v1/groups', { profile: { name } });
      assertOktaError(res, 400, 'E0000001');
      assert.deepEqual(res.body.errorCauses, [{ errorSummary: 'name: An object with this field already exists in the current organization' }]);
    }
    assert.deepEqual([await logCount(server.db, tenant.id), await groupRows()], before);
  });

  it('refuses malformed, mistyped, unknown and oversized input with Okta errors and writes nothing', async () => {
    const before = [await logCount(server.db, tenant.id), await groupRows()];
    assertOktaError(await api('POST', '/api/v1/groups', '{"profile": {"name": "Broken"'), 400, 'E0000003');
    const cases: unknown[] = [
      {},
      { profile: {} },
      { profile: 'Sales' },
      { profile: { name: { first: 'x' } } },
      { profile: { name: '' } },
      { profile: { name: '   ' } },
      { profile: { name: 'x'.repeat(256) } },
      { profile: { name: 'Long Description', description: 'd'.repeat(1025) } },
      { profile: { name: 'Extra', owner: 'me' } },
      { profile: { name: 'Top-level extra' }, type: 'BUILT_IN' },
      [{ profile: { name: 'Array body' } }],
    ];
    for (const body of cases) {
      const res = await api('POST', '/api/v1/groups', body);
      assertOktaError(res, 400, 'E0000001');
      assert.ok(res.body.errorCauses.length > 0, JSON.stringify(body));
    }
    const unknown = await api('POST', '/api/v1/groups', { profile: { name: 'Extra', owner: 'me' } });
    assert.deepEqual(unknown.body.errorCauses, [{ errorSummary: 'profile.owner: Property is not recognized' }]);
    assert.deepEqual([await logCount(server.db, tenant.id), await groupRows()], before);
  });

  it('accepts names of exactly 255 and descriptions of exactly 1024 characters', async () => {
    const res = await api('POST', '/api/v1/groups', { profile: { name: 'n'.repeat(255), description: 'd'.repeat(1024) } });
    assert.equal(res.status, 200);
    assert.equal(res.body.profile.name.length, 255);
  });

  it('replaces the profile with PUT, moves lastUpdated and logs group.profile.update with the changed attributes', async () => {
    const g = (await api('POST', '/api/v1/groups', { profile: { name: 'Renamable', description: 'old' } })).body;
    await new Promise((r) => setTimeout(r, 5));
    // A client that GETs, edits and PUTs back the whole object.
    const res = await api('PUT', `/api/v1/groups/${g.id}`, { ...g, profile: { name: 'Renamed' } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.profile, { name: 'Renamed', description: null });
    assert.ok(res.body.lastUpdated > g.lastUpdated);
    assert.equal(res.body.created, g.created);
    assert.equal(res.body.lastMembershipUpdated, g.lastMembershipUpdated);
    const log = await logsOf(api, `eventType eq "group.profile.update" and target.id eq "${g.id}"`);
    assert.equal(log.body.length, 1);
    assert.equal(log.body[0].debugContext.debugData.changedAttributes, 'name,description');
    assert.equal(log.body[0].target[0].displayName, 'Renamed');
    assert.deepEqual((await api('GET', `/api/v1/groups/${g.id}`)).body, res.body);
  });

  it('changes only the letter case of a name without calling it a duplicate', async () => {
    const g = (await api('POST', '/api/v1/groups', { profile: { name: 'case group' } })).body;
    const res = await api('PUT', `/api/v1/groups/${g.id}`, { profile: { name: 'Case Group' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.profile.name, 'Case Group');
  });

  it('writes no event and keeps lastUpdated when a PUT changes nothing', async () => {
    const g = (await api('POST', '/api/v1/groups', { profile: { name: 'Stable', description: 'same' } })).body;
    const before = await logCount(server.db, tenant.id);
    const res = await api('PUT', `/api/v1/groups/${g.id}`, { profile: { name: 'Stable', description: 'same' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.lastUpdated, g.lastUpdated);
    assert.equal(await logCount(server.db, tenant.id), before);
  });

  it('refuses a rename onto another group\'s name and bad PUT bodies, writing nothing', async () => {
    const g = (await api('POST', '/api/v1/groups', { profile: { name: 'Keeps Its Name' } })).body;
    const before = [await logCount(server.db, tenant.id), await groupRows()];
    const dup = await api('PUT', `/api/v1/groups/${g.id}`, { profile: { name: 'WEST COAST users' } });
    assertOktaError(dup, 400, 'E0000001');
    assert.match(dup.body.errorCauses[0].errorSummary, /^name: An object with this field already exists/);
    assertOktaError(await api('PUT', `/api/v1/groups/${g.id}`, { profile: { description: 'no name' } }), 400, 'E0000001');
    assertOktaError(await api('PUT', `/api/v1/groups/${g.id}`, { profile: { name: 'x', color: 'red' } }), 400, 'E0000001');
    assertOktaError(await api('PUT', `/api/v1/groups/${g.id}`, { profile: { name: 'x' }, members: [] }), 400, 'E0000001');
    assertOktaError(await api('PUT', `/api/v1/groups/${g.id}`, '{"profile":'), 400, 'E0000003');
    assert.deepEqual([await logCount(server.db, tenant.id), await groupRows()], before);
  });

  it('answers unknown group ids with 404 E0000007 on every route, writing nothing', async () => {
    const before = await logCount(server.db, tenant.id);
    for (const id of ['00gDoesNotExist000000', 'not-an-id']) {
      assertOktaError(await api('GET', `/api/v1/groups/${id}`), 404, 'E0000007');
      assertOktaError(await api('PUT', `/api/v1/groups/${id}`, { profile: { name: 'Ghost' } }), 404, 'E0000007');
      assertOktaError(await api('DELETE', `/api/v1/groups/${id}`), 404, 'E0000007');
      assertOktaError(await api('GET', `/api/v1/groups/${id}/users`), 404, 'E0000007');
      assertOktaError(await api('PUT', `/api/v1/groups/${id}/users/${tenant.adminId}`), 404, 'E0000007');
      assertOktaError(await api('DELETE', `/api/v1/groups/${id}/users/${tenant.adminId}`), 404, 'E0000007');
    }
    assert.equal(await logCount(server.db, tenant.id), before);
  });

  it('refuses to change, delete or change the members of the BUILT_IN Everyone group, writing nothing', async () => {
    const before = [await logCount(server.db, tenant.id), await groupRows()];
    assertOktaError(await api('PUT', `/api/v1/groups/${everyoneId}`, { profile: { name: 'All Staff' } }), 403, 'E0000006');
    assertOktaError(await api('DELETE', `/api/v1/groups/${everyoneId}`), 403, 'E0000006');
    assertOktaError(await api('PUT', `/api/v1/groups/${everyoneId}/users/${tenant.adminId}`), 403, 'E0000006');
    assertOktaError(await api('DELETE', `/api/v1/groups/${everyoneId}/users/${tenant.adminId}`), 403, 'E0000006');
    assert.deepEqual([await logCount(server.db, tenant.id), await groupRows()], before);
    assert.equal((await api('GET', `/api/v1/groups/${everyoneId}`)).body.profile.name, 'Everyone');
  });

  it('deletes a group with its memberships, logs group.lifecycle.delete and then answers 404', async () => {
    const g = (await api('POST', '/api/v1/groups', { profile: { name: 'Doomed' } })).body;
    assert.equal((await api('PUT', `/api/v1/groups/${g.id}/users/${tenant.adminId}`)).status, 204);
    const res = await api('DELETE', `/api/v1/groups/${g.id}`);
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assertOktaError(await api('GET', `/api/v1/groups/${g.id}`), 404, 'E0000007');
    const members = await server.db.selectFrom('group_members').selectAll().where('tenant_id', '=', tenant.id).where('group_id', '=', g.id).execute();
    assert.deepEqual(members, []);
    const log = await logsOf(api, `target.id eq "${g.id}"`);
    assert.deepEqual(log.body.map((e: { eventType: string }) => e.eventType), ['group.lifecycle.create', 'group.user_membership.add', 'group.lifecycle.delete']);
    const mine = await api('GET', `/api/v1/users/${tenant.adminId}/groups`);
    assert.ok(!mine.body.some((x: { id: string }) => x.id === g.id));
    // The name is free again.
    assert.equal((await api('POST', '/api/v1/groups', { profile: { name: 'doomed' } })).status, 200);
  });
});
