/**
 * Okta's own Node.js management SDK (v8, unpatched) against a running Bulwark: if the SDK can drive it, real
 * Okta tooling can. Any failure here that is not an assertion of ours is a compatibility bug of the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import okta from '@okta/okta-sdk-nodejs';
import { createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';

const profile = (login: string, extra: Record<string, string> = {}) => ({ login, email: login, firstName: 'Ada', lastName: 'Lovelace', ...extra });

describe('the official Okta Node.js SDK against Bulwark', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let client: okta.Client;
  const started = new Date();

  before(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.db);
    // Its response cache would answer a GET after an update from memory; we want every call to reach the server.
    client = new okta.Client({ orgUrl: server.url, token: tenant.token, cacheMiddleware: null });
  });
  after(() => server.close());

  let userId = '';

  it('creates an active user with a password and reads it back', async () => {
    const created = await client.userApi.createUser({
      body: { profile: profile('ada@sdk.example.com'), credentials: { password: { value: 'Analytical-Engine-1843' } } },
      activate: true,
    });
    assert.match(created.id ?? '', /^00u[0-9A-Za-z]{17}$/);
    assert.equal(created.status, 'ACTIVE');
    assert.equal(created.profile?.login, 'ada@sdk.example.com');
    assert.ok(created.created instanceof Date, 'the SDK parses created as a date');
    userId = created.id ?? '';

    const got = await client.userApi.getUser({ userId });
    assert.equal(got.id, userId);
    assert.equal(got.profile?.firstName, 'Ada');
    assert.equal(got.credentials?.provider?.type, 'OKTA');
  });

  it('updates the profile and sees the change on the next read', async () => {
    const updated = await client.userApi.updateUser({ userId, user: { profile: { title: 'Countess of Lovelace' } } });
    assert.equal(updated.profile?.title, 'Countess of Lovelace');
    assert.equal(updated.profile?.lastName, 'Lovelace');
    const got = await client.userApi.getUser({ userId });
    assert.equal(got.profile?.title, 'Countess of Lovelace');
  });

  it('lists users past one page by following the Link header', async () => {
    const logins = Array.from({ length: 7 }, (_, i) => `page${i}@sdk.example.com`);
    for (const login of logins) await client.userApi.createUser({ body: { profile: profile(login) }, activate: true });
    const seen: string[] = [];
    const collection = await client.userApi.listUsers({ limit: 2 });
    for await (const user of collection) {
      if (user) seen.push(user.profile?.login ?? '');
    }
    // The tenant's super admin, Ada and the seven new users, each exactly once.
    assert.equal(seen.length, 9);
    assert.equal(new Set(seen).size, 9);
    for (const login of [...logins, 'ada@sdk.example.com', tenant.adminLogin]) assert.ok(seen.includes(login), `${login} was listed`);
  });

  it('deactivates and then deletes a user', async () => {
    await client.userApi.deactivateUser({ userId });
    const deactivated = await client.userApi.getUser({ userId });
    assert.equal(deactivated.status, 'DEPROVISIONED');
    await client.userApi.deleteUser({ userId });
    await assert.rejects(client.userApi.getUser({ userId }), (err: { status?: number; errorCode?: string }) => {
      assert.equal(err.status, 404);
      assert.equal(err.errorCode, 'E0000007');
      return true;
    });
  });

  it('surfaces an Okta error object as an OktaApiError', async () => {
    await assert.rejects(client.userApi.createUser({ body: { profile: profile('page0@sdk.example.com') } }), (err: { status?: number; errorCode?: string; errorCauses?: unknown[] }) => {
      assert.equal(err.status, 400);
      assert.equal(err.errorCode, 'E0000001');
      assert.ok(Array.isArray(err.errorCauses) && err.errorCauses.length > 0);
      return true;
    });
  });

  it('creates a group and adds a member', async () => {
    const group = await client.groupApi.createGroup({ group: { profile: { name: 'Analysts', description: 'Numbers people' } } });
    assert.match(group.id ?? '', /^00g[0-9A-Za-z]{17}$/);
    assert.equal(group.profile?.name, 'Analysts');
    const member = await client.userApi.getUser({ userId: 'page0@sdk.example.com' });
    await client.groupApi.assignUserToGroup({ groupId: group.id ?? '', userId: member.id ?? '' });
    const members: string[] = [];
    for await (const u of await client.groupApi.listGroupUsers({ groupId: group.id ?? '' })) if (u) members.push(u.id ?? '');
    assert.deepEqual(members, [member.id]);
  });

  it('runs lifecycle operations, searches and group membership through the SDK', async () => {
    const user = await client.userApi.createUser({ body: { profile: profile('life@sdk.example.com', { department: 'Engines' }), credentials: { password: { value: 'Difference-Engine-1822' } } } });
    const userId = user.id ?? '';
    await client.userApi.suspendUser({ userId });
    assert.equal((await client.userApi.getUser({ userId })).status, 'SUSPENDED');
    await client.userApi.unsuspendUser({ userId });
    const expired = await client.userApi.expirePassword({ userId });
    assert.equal(expired.status, 'PASSWORD_EXPIRED');
    const reset = await client.userApi.generateResetPasswordToken({ userId, sendEmail: false });
    assert.match(reset.resetPasswordUrl ?? '', /^http:\/\/[^/]+\/signin\/reset-password\/[A-Za-z0-9_-]{43}$/);
    assert.equal((await client.userApi.getUser({ userId })).status, 'RECOVERY');

    const found: string[] = [];
    for await (const u of await client.userApi.listUsers({ search: 'profile.department eq "Engines"' })) if (u) found.push(u.id ?? '');
    assert.deepEqual(found, [userId]);

    const group = await client.groupApi.createGroup({ group: { profile: { name: 'Engineers' } } });
    const groupId = group.id ?? '';
    await client.groupApi.assignUserToGroup({ groupId, userId });
    const names: string[] = [];
    for await (const g of await client.userApi.listUserGroups({ userId })) if (g) names.push(g.profile?.name ?? '');
    assert.deepEqual(names.sort(), ['Engineers', 'Everyone']);
    const renamed = await client.groupApi.replaceGroup({ groupId, group: { profile: { name: 'Engine Builders', description: 'renamed' } } });
    assert.equal(renamed.profile?.name, 'Engine Builders');
    await client.groupApi.unassignUserFromGroup({ groupId, userId });
    await client.groupApi.deleteGroup({ groupId });
    await assert.rejects(client.groupApi.getGroup({ groupId }), (err: { status?: number }) => err.status === 404);
  });

  it('assigns and removes an admin role and manages API tokens through the SDK', async () => {
    const user = await client.userApi.getUser({ userId: 'life@sdk.example.com' });
    const userId = user.id ?? '';
    const assigned = await client.roleAssignmentApi.assignRoleToUser({ userId, assignRoleRequest: { type: 'READ_ONLY_ADMIN' } });
    const roleId = (assigned as { id?: string }).id ?? '';
    assert.match(roleId, /^ra1/);
    const roles: string[] = [];
    for await (const r of await client.roleAssignmentApi.listAssignedRolesForUser({ userId })) if (r) roles.push((r as { type?: string }).type ?? '');
    assert.deepEqual(roles, ['READ_ONLY_ADMIN']);
    await client.roleAssignmentApi.unassignRoleFromUser({ userId, roleId });

    const tokens: string[] = [];
    for await (const t of await client.apiTokenApi.listApiTokens()) if (t) tokens.push(t.id ?? '');
    assert.ok(tokens.length >= 1);
    const mine = await client.apiTokenApi.getApiToken({ apiTokenId: tokens[0] ?? '' });
    assert.equal(mine.userId, tenant.adminId);
  });

  it('reads the System Log with a filter and finds every user it created', async () => {
    const logins = new Set<string>();
    const events = await client.systemLogApi.listLogEvents({
      filter: 'eventType eq "user.lifecycle.create"',
      since: started.toISOString(),
      until: new Date(Date.now() + 60_000).toISOString(),
      limit: 3,
    });
    await events.each((event) => {
      assert.equal(event.eventType, 'user.lifecycle.create');
      assert.ok(event.published instanceof Date, 'the SDK parses published as a date');
      for (const t of event.target ?? []) if (t.type === 'User') logins.add(t.alternateId ?? '');
    });
    for (const login of ['ada@sdk.example.com', ...Array.from({ length: 7 }, (_, i) => `page${i}@sdk.example.com`)]) {
      assert.ok(logins.has(login), `create event of ${login}`);
    }
  });
});
