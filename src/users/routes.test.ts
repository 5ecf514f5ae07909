import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type Api, type TestServer, type TestTenant } from '../../test/helpers.ts';

const profile = (login: string, extra: Record<string, unknown> = {}) => ({ login, email: login, firstName: 'Grace', lastName: 'Hopper', ...extra });

describe('/api/v1/users', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let api: Api;
  before(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
  });
  after(() => server.close());

  it('creates an active user with a password and never returns the password', async () => {
    const res = await api('POST', '/api/v1/users?activate=true', { profile: { ...profile('grace@example.com', { city: 'Arlington' }), firstName: 'Gracie' }, credentials: { password: { value: 'Cobol-Rules-1959' } } });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ACTIVE');
    assert.match(res.body.id, /^00u[0-9A-Za-z]{17}$/);
    assert.deepEqual(res.body.credentials, { password: {}, provider: { type: 'OKTA', name: 'OKTA' } });
    assert.equal(res.body.profile.city, 'Arlington');
    assert.ok(res.body._links.suspend);
    assert.doesNotMatch(res.text, /Cobol-Rules|argon2/);
    assert.ok(res.headers.get('x-okta-request-id'));
  });

  it('creates a staged user without activation and activates it to PROVISIONED without a password', async () => {
    const created = await api('POST', '/api/v1/users?activate=false', { profile: profile('staged@example.com') });
    assert.equal(created.body.status, 'STAGED');
    assert.equal(created.body.activated, null);
    const act = await api('POST', `/api/v1/users/${created.body.id}/lifecycle/activate?sendEmail=false`);
    assert.equal(act.status, 200);
    const got = await api('GET', `/api/v1/users/${created.body.id}`);
    assert.equal(got.body.status, 'PROVISIONED');
  });

  it('gets a user by login case-insensitively and by id', async () => {
    const byLogin = await api('GET', '/api/v1/users/GRACE@example.com');
    assert.equal(byLogin.status, 200);
    const byId = await api('GET', `/api/v1/users/${byLogin.body.id}`);
    assert.equal(byId.body.profile.login, 'grace@example.com');
  });

  it('refuses a duplicate login with E0000001 and writes nothing', async () => {
    const before = await logCount(server.db, tenant.id);
    const res = await api('POST', '/api/v1/users', { profile: profile('Grace@Example.com') });
    assertOktaError(res, 400, 'E0000001');
    assert.match(res.body.errorCauses[0].errorSummary, /already exists/);
    assert.equal(await logCount(server.db, tenant.id), before);
  });

  it('partially updates the profile and logs which attributes changed', async () => {
    const user = await api('GET', '/api/v1/users/grace@example.com');
    const res = await api('POST', `/api/v1/users/${user.body.id}`, { profile: { title: 'Rear Admiral', city: null } });
    assert.equal(res.status, 200);
    assert.equal(res.body.profile.title, 'Rear Admiral');
    assert.equal(res.body.profile.firstName, 'Gracie');
    const log = await api('GET', `/api/v1/logs?filter=${encodeURIComponent(`eventType eq "user.account.update_profile" and target.id eq "${user.body.id}"`)}`);
    assert.equal(log.status, 200);
    assert.equal(log.body.length, 1);
    assert.equal(log.body[0].debugContext.debugData.changedAttributes, 'city,title');
  });

  it('replaces the whole profile with PUT, dropping attributes left out', async () => {
    const user = await api('GET', '/api/v1/users/grace@example.com');
    const res = await api('PUT', `/api/v1/users/${user.body.id}`, { ...user.body, profile: { ...profile('grace@example.com'), firstName: 'Gracie' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.profile.title, undefined);
  });

  it('follows Okta lifecycle transitions and refuses illegal ones without writing', async () => {
    const u = (await api('POST', '/api/v1/users', { profile: profile('life@example.com'), credentials: { password: { value: 'Transit-Ion-2026' } } })).body;
    assert.equal((await api('POST', `/api/v1/users/${u.id}/lifecycle/suspend`)).status, 200);
    const before = await logCount(server.db, tenant.id);
    assertOktaError(await api('POST', `/api/v1/users/${u.id}/lifecycle/suspend`), 400, 'E0000001');
    assertOktaError(await api('POST', `/api/v1/users/${u.id}/lifecycle/unlock`), 403, 'E0000032');
    assertOktaError(await api('POST', `/api/v1/users/${u.id}/lifecycle/activate`), 403, 'E0000016');
    assert.equal(await logCount(server.db, tenant.id), before);
    assert.equal((await api('POST', `/api/v1/users/${u.id}/lifecycle/unsuspend`)).status, 200);
    const expired = await api('POST', `/api/v1/users/${u.id}/lifecycle/expire_password`);
    assert.equal(expired.body.status, 'PASSWORD_EXPIRED');
    const temp = await api('POST', `/api/v1/users/${u.id}/lifecycle/expire_password_with_temp_password`);
    assert.equal(typeof temp.body.tempPassword, 'string');
    assert.equal((await api('POST', `/api/v1/users/${u.id}/lifecycle/reset_password?sendEmail=false`)).status, 200);
    assert.equal((await api('GET', `/api/v1/users/${u.id}`)).body.status, 'RECOVERY');
  });

  it('deactivates on the first DELETE and deletes on the second, logging both and the group memberships it ends', async () => {
    const group = (await api('POST', '/api/v1/groups', { profile: { name: 'Leavers', description: null } })).body;
    const u = (await api('POST', '/api/v1/users', { profile: profile('gone@example.com'), groupIds: [group.id] })).body;
    assert.equal((await api('GET', `/api/v1/groups/${group.id}/users`)).body.length, 1);
    assert.equal((await api('DELETE', `/api/v1/users/${u.id}`)).status, 204);
    assert.equal((await api('GET', `/api/v1/users/${u.id}`)).body.status, 'DEPROVISIONED');
    assert.equal((await api('DELETE', `/api/v1/users/${u.id}`)).status, 204);
    assertOktaError(await api('GET', `/api/v1/users/${u.id}`), 404, 'E0000007');
    const log = await api('GET', `/api/v1/logs?filter=${encodeURIComponent(`target.id eq "${u.id}"`)}`);
    assert.deepEqual(log.body.map((e: { eventType: string }) => e.eventType), [
      'user.lifecycle.create', 'user.lifecycle.activate', 'group.user_membership.add', 'user.lifecycle.deactivate',
      'group.user_membership.remove', 'user.lifecycle.delete.initiated', 'user.lifecycle.delete.completed',
    ]);
    assert.deepEqual((await api('GET', `/api/v1/groups/${group.id}/users`)).body, []);
  });

  it('pages with limit and the Link header until there is no next link', async () => {
    for (let i = 0; i < 5; i++) await api('POST', '/api/v1/users', { profile: profile(`page${i}@example.com`) });
    const seen = new Set<string>();
    let next: string | null = '/api/v1/users?limit=2';
    let pages = 0;
    while (next) {
      const res = await api('GET', next);
      assert.equal(res.status, 200);
      for (const u of res.body) seen.add(u.id);
      const link = res.headers.get('link') ?? '';
      const m = /<([^>]+)>; rel="next"/.exec(link);
      next = m ? new URL(m[1] as string).pathname + new URL(m[1] as string).search : null;
      pages++;
    }
    const all = await api('GET', '/api/v1/users');
    assert.equal(seen.size, all.body.length);
    assert.ok(pages >= 3);
  });

  it('searches with Okta expressions, filters case-sensitively, and answers q as a people picker', async () => {
    const search = await api('GET', `/api/v1/users?search=${encodeURIComponent('profile.login sw "PAGE" and status eq "provisioned"')}`);
    assert.equal(search.status, 200);
    assert.equal(search.body.length, 5);
    const filter = await api('GET', `/api/v1/users?filter=${encodeURIComponent('profile.login eq "PAGE1@example.com"')}`);
    assert.equal(filter.body.length, 0);
    const filterOk = await api('GET', `/api/v1/users?filter=${encodeURIComponent('profile.login eq "page1@example.com"')}`);
    assert.equal(filterOk.body.length, 1);
    const q = await api('GET', '/api/v1/users?q=gracie');
    assert.deepEqual(q.body.map((u: { profile: { login: string } }) => u.profile.login), ['grace@example.com']);
  });

  it('answers bad search expressions with E0000031 and q with filter with E0000033', async () => {
    assertOktaError(await api('GET', `/api/v1/users?filter=${encodeURIComponent('status eqq "ACTIVE"')}`), 400, 'E0000031');
    assertOktaError(await api('GET', `/api/v1/users?filter=${encodeURIComponent('profile.city eq "x"')}`), 400, 'E0000031');
    assertOktaError(await api('GET', `/api/v1/users?search=${encodeURIComponent('status ne "ACTIVE"')}`), 400, 'E0000031');
    assertOktaError(await api('GET', `/api/v1/users?q=a&filter=${encodeURIComponent('status eq "ACTIVE"')}`), 400, 'E0000033');
  });
});
