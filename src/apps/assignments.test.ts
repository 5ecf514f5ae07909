import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, startTestServer, tokenWithRole, type Api, type TestServer, type TestTenant } from '../../test/helpers.ts';
import { addMember, appBody, newApp, newGroup, newUser, type Fixture } from '../../test/support/fixtures.ts';
import { tenantState } from '../../test/support/tenant-state.ts';
import { isAssigned } from './service.ts';

describe('app assignments', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let api: Api;
  let f: Fixture;
  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    f = { db: server.db, tenantId: tenant.id, api };
  });
  after(() => server.close());

  const eventsOf = async (appId: string) => ((await api('GET', `/api/v1/logs?limit=1000&filter=${encodeURIComponent(`target.id eq "${appId}"`)}`)).body as { eventType: string }[])
    .map((e) => e.eventType).filter((t) => !t.startsWith('application.lifecycle') && !t.startsWith('app.oauth2'));

  it("assigns a user directly as Okta's AppUser, idempotently, and unassigns them", async () => {
    const app = await newApp(f);
    const user = await newUser(f, 'ACTIVE');
    assert.equal(await isAssigned(server.db, tenant.id, app.id, user.id), false);
    const res = await api('POST', `/api/v1/apps/${app.id}/users`, { id: user.id, scope: 'USER' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.id, user.id);
    assert.equal(res.body.scope, 'USER');
    assert.deepEqual(res.body.credentials, { userName: user.login });
    assert.equal(res.body._links.user.href, `${server.url}/api/v1/users/${user.id}`);
    assert.equal(await isAssigned(server.db, tenant.id, app.id, user.id), true);
    assert.deepEqual((await api('POST', `/api/v1/apps/${app.id}/users`, { id: user.id })).body, res.body, 'assigning again changes nothing');
    assert.deepEqual((await api('GET', `/api/v1/apps/${app.id}/users/${user.id}`)).body, res.body);
    const list = await api('GET', `/api/v1/apps/${app.id}/users`);
    assert.deepEqual(list.body, [res.body]);

    assert.equal((await api('DELETE', `/api/v1/apps/${app.id}/users/${user.id}`)).status, 204);
    assert.equal(await isAssigned(server.db, tenant.id, app.id, user.id), false);
    assertOktaError(await api('GET', `/api/v1/apps/${app.id}/users/${user.id}`), 404, 'E0000007');
    assertOktaError(await api('DELETE', `/api/v1/apps/${app.id}/users/${user.id}`), 404, 'E0000007');
    assert.deepEqual(await eventsOf(app.id), ['application.user_membership.add', 'application.user_membership.remove']);
  });

  it('assigns through a group (Everyone included), with a priority, and unassigns it', async () => {
    const app = await newApp(f);
    const member = await newUser(f, 'ACTIVE');
    const outsider = await newUser(f, 'ACTIVE');
    const group = await newGroup(f);
    await addMember(f, group.id, member.id);
    const res = await api('PUT', `/api/v1/apps/${app.id}/groups/${group.id}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['_links', 'id', 'lastUpdated', 'priority', 'profile']);
    assert.deepEqual([res.body.id, res.body.priority], [group.id, 0]);
    assert.equal(await isAssigned(server.db, tenant.id, app.id, member.id), true);
    assert.equal(await isAssigned(server.db, tenant.id, app.id, outsider.id), false);

    assert.equal((await api('PUT', `/api/v1/apps/${app.id}/groups/${group.id}`, { priority: 3 })).body.priority, 3);
    assert.equal((await api('PUT', `/api/v1/apps/${app.id}/groups/${group.id}`, { priority: 3 })).status, 200);
    assert.deepEqual((await api('GET', `/api/v1/apps/${app.id}/groups`)).body.map((g: { id: string; priority: number }) => [g.id, g.priority]), [[group.id, 3]]);
    assert.equal((await api('GET', `/api/v1/apps/${app.id}/groups/${group.id}`)).body.priority, 3);

    const everyone = (await api('GET', `/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`)).body[0].id as string;
    const other = await newApp(f);
    assert.equal((await api('PUT', `/api/v1/apps/${other.id}/groups/${everyone}`, {})).status, 200);
    assert.equal(await isAssigned(server.db, tenant.id, other.id, outsider.id), true, 'Everyone holds every user');

    assert.equal((await api('DELETE', `/api/v1/apps/${app.id}/groups/${group.id}`)).status, 204);
    assert.equal(await isAssigned(server.db, tenant.id, app.id, member.id), false);
    assertOktaError(await api('GET', `/api/v1/apps/${app.id}/groups/${group.id}`), 404, 'E0000007');
    assertOktaError(await api('DELETE', `/api/v1/apps/${app.id}/groups/${group.id}`), 404, 'E0000007');
    assert.deepEqual(await eventsOf(app.id), ['group.application_assignment.add', 'group.application_assignment.update', 'group.application_assignment.remove']);
  });

  it('drops the assignments of a deleted user and of a deleted group', async () => {
    const app = await newApp(f);
    const user = await newUser(f, 'PROVISIONED');
    const group = await newGroup(f);
    assert.equal((await api('POST', `/api/v1/apps/${app.id}/users`, { id: user.id })).status, 200);
    assert.equal((await api('PUT', `/api/v1/apps/${app.id}/groups/${group.id}`)).status, 200);
    assert.equal((await api('DELETE', `/api/v1/users/${user.id}`)).status, 204);
    assert.equal((await api('DELETE', `/api/v1/users/${user.id}`)).status, 204);
    assert.equal((await api('DELETE', `/api/v1/groups/${group.id}`)).status, 204);
    assert.deepEqual((await api('GET', `/api/v1/apps/${app.id}/users`)).body, []);
    assert.deepEqual((await api('GET', `/api/v1/apps/${app.id}/groups`)).body, []);
  });

  it('answers unknown and cross-tenant apps, users and groups with 404 E0000007, writing nothing', async () => {
    const app = await newApp(f);
    const user = await newUser(f);
    const group = await newGroup(f);
    const stranger = await createTestTenant(server.db);
    const theirs = apiClient(server.url, stranger.token);
    const theirF: Fixture = { db: server.db, tenantId: stranger.id, api: theirs };
    const theirApp = await newApp(theirF);
    const theirUser = await newUser(theirF);
    const theirGroup = await newGroup(theirF);
    const mine = await tenantState(server.db, tenant.id);
    const calls: [string, string, unknown?][] = [
      ['POST', `/api/v1/apps/${app.id}/users`, { id: user.id }],
      ['PUT', `/api/v1/apps/${app.id}/groups/${group.id}`],
      ['POST', `/api/v1/apps/${theirApp.id}/users`, { id: user.id }],
      ['PUT', `/api/v1/apps/${theirApp.id}/groups/${group.id}`],
      ['GET', `/api/v1/apps/${app.id}/users`],
    ];
    for (const [method, path, body] of calls) assertOktaError(await theirs(method, path, body), 404, 'E0000007');
    for (const [method, path, body] of [
      ['POST', `/api/v1/apps/${theirApp.id}/users`, { id: theirUser.id }],
      ['PUT', `/api/v1/apps/${theirApp.id}/groups/${theirGroup.id}`],
      ['POST', '/api/v1/apps/0oaNoSuchApp00000000/users', { id: user.id }],
      ['POST', `/api/v1/apps/${app.id}/users`, { id: '00uNoSuchUser0000000' }],
      ['PUT', `/api/v1/apps/${app.id}/groups/00gNoSuchGroup000000`],
    ] as const) {
      assertOktaError(await api(method, path, body), 404, 'E0000007');
    }
    assert.deepEqual(await tenantState(server.db, tenant.id), mine);
    assert.equal(await isAssigned(server.db, stranger.id, app.id, user.id), false);
  });

  it('lets a read-only admin read apps but change nothing, and keeps the help desk out', async () => {
    const app = await newApp(f);
    const reader = apiClient(server.url, (await tokenWithRole(server.db, tenant.id, 'READ_ONLY_ADMIN')).token);
    const helpDesk = apiClient(server.url, (await tokenWithRole(server.db, tenant.id, 'HELP_DESK_ADMIN')).token);
    for (const path of ['/api/v1/apps', `/api/v1/apps/${app.id}`, `/api/v1/apps/${app.id}/credentials/secrets`, `/api/v1/apps/${app.id}/users`, `/api/v1/apps/${app.id}/groups`]) {
      assert.equal((await reader('GET', path)).status, 200, path);
      assertOktaError(await helpDesk('GET', path), 403, 'E0000006');
    }
    const before = await tenantState(server.db, tenant.id);
    assertOktaError(await reader('POST', '/api/v1/apps', appBody()), 403, 'E0000006');
    assertOktaError(await reader('POST', `/api/v1/apps/${app.id}/credentials/secrets`, {}), 403, 'E0000006');
    assertOktaError(await reader('POST', `/api/v1/apps/${app.id}/lifecycle/deactivate`), 403, 'E0000006');
    assert.deepEqual(await tenantState(server.db, tenant.id), before);
  });
});
