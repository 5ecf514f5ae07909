/**
 * The tenant's password policy through Okta's Policy API: complexity, the shipped common-password list,
 * history, and lockout, enforced on every way a password is set (admin create and update, expired-password
 * change at sign-in) and on sign-in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { newUser, PASSWORD, profileOf, unique, type Fixture } from './support/fixtures.ts';
import { hostClient } from './support/host-client.ts';

type Policy = { id: string; type: string; settings: { password: { complexity: Record<string, unknown>; age: { historyCount: number }; lockout: { maxAttempts: number; autoUnlockMinutes: number } } } };

describe('password policy', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let api: Api;
  let f: Fixture;

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    f = { db: server.db, tenantId: tenant.id, api };
  });
  after(() => server.close());

  async function policy(): Promise<Policy> {
    const res = await api('GET', '/api/v1/policies?type=PASSWORD');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.length, 1);
    return res.body[0] as Policy;
  }

  async function put(settings: Policy['settings']['password']) {
    const p = await policy();
    return api('PUT', `/api/v1/policies/${p.id}`, { type: 'PASSWORD', name: 'Default Policy', settings: { password: settings } });
  }

  const createWith = (password: string) => {
    const login = `${unique('pw')}@fixture.example.com`;
    return api('POST', '/api/v1/users?activate=true', { profile: profileOf(login), credentials: { password: { value: password } } });
  };

  it('starts from the defaults: Okta\'s complexity, common passwords refused, four remembered, ten attempts', async () => {
    const p = await policy();
    assert.equal(p.type, 'PASSWORD');
    assert.match(p.id, /^00p[0-9A-Za-z]{17}$/);
    assert.deepEqual(p.settings.password.complexity, { minLength: 8, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 0, excludeUsername: true, dictionary: { common: { exclude: true } } });
    assert.equal(p.settings.password.age.historyCount, 4);
    assert.deepEqual(p.settings.password.lockout, { maxAttempts: 10, autoUnlockMinutes: 60, showLockoutFailures: false });
    assert.equal((await api('GET', `/api/v1/policies/${p.id}`)).body.id, p.id);
  });

  it('refuses a common password, whatever its case', async () => {
    for (const password of ['Password1', 'pASSWORD1', 'Welcome1', 'Sunshine1']) {
      const res = await createWith(password);
      assertOktaError(res, 400, 'E0000001');
      assert.match(res.body.errorCauses[0].errorSummary, /commonly used/);
    }
    assert.equal((await createWith('Quiet-Otter-73')).status, 200);
  });

  it('applies a changed policy to new passwords and logs the change', async () => {
    const before = (await policy()).settings.password;
    const stricter = { ...before, complexity: { ...before.complexity, minLength: 14, minSymbol: 1 }, age: { historyCount: 2 } };
    const res = await put(stricter as Policy['settings']['password']);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.settings.password.complexity.minLength, 14);
    try {
      assert.match((await createWith('Quiet0tter73ab')).body.errorCauses[0].errorSummary, /a symbol/);
      assert.match((await createWith('Quiet-Otter-7')).body.errorCauses[0].errorSummary, /at least 14/);
      assert.equal((await createWith('Quiet-Otter-73ab')).status, 200);
      const row = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).where('event_type', '=', 'policy.lifecycle.update').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      const change = JSON.parse(row.event).target[0].changeDetails;
      assert.equal(change.from.complexity.minLength, 8);
      assert.equal(change.to.complexity.minLength, 14);
    } finally {
      assert.equal((await put(before)).status, 200);
    }
  });

  it('remembers earlier passwords, as many as the policy says', async () => {
    const user = await newUser(f, 'ACTIVE');
    const set = (value: string) => api('POST', `/api/v1/users/${user.id}`, { credentials: { password: { value } } });
    assertOktaError(await set(PASSWORD), 400, 'E0000001');
    for (const next of ['Second-Pass-22', 'Third-Pass-333', 'Fourth-Pass-4444']) assert.equal((await set(next)).status, 200);
    const reused = await set(PASSWORD);
    assertOktaError(reused, 400, 'E0000001');
    assert.match(reused.body.errorCauses[0].errorSummary, /last 4 passwords/);
    assert.equal((await set('Fifth-Pass-55555')).status, 200);
    assert.equal((await set(PASSWORD)).status, 200, 'five passwords later the first one is allowed again');
  });

  it('applies history to an expired password changed at sign-in', async () => {
    const user = await newUser(f, 'ACTIVE');
    assert.equal((await api('POST', `/api/v1/users/${user.id}`, { credentials: { password: { value: 'Second-Pass-22' } } })).status, 200);
    assert.equal((await api('POST', `/api/v1/users/${user.id}/lifecycle/expire_password`)).status, 200);
    const browser = hostClient(server.url, tenant.slug);
    const first = await browser('POST', '/api/v1/authn', { username: user.login, password: 'Second-Pass-22' });
    assert.equal(first.body.status, 'PASSWORD_EXPIRED', first.text);
    const refused = await browser('POST', '/api/v1/authn/credentials/change_password', { stateToken: first.body.stateToken, oldPassword: 'Second-Pass-22', newPassword: PASSWORD });
    assertOktaError(refused, 403, 'E0000080');
    assert.match(refused.body.errorCauses[0].errorSummary, /last 4 passwords/);
    const common = await browser('POST', '/api/v1/authn/credentials/change_password', { stateToken: first.body.stateToken, oldPassword: 'Second-Pass-22', newPassword: 'Password1' });
    assertOktaError(common, 403, 'E0000080');
  });

  it('locks accounts after the policy\'s attempts', async () => {
    const before = (await policy()).settings.password;
    assert.equal((await put({ ...before, lockout: { ...before.lockout, maxAttempts: 2 } })).status, 200);
    try {
      const user = await newUser(f, 'ACTIVE');
      const browser = hostClient(server.url, tenant.slug);
      for (let i = 0; i < 2; i++) assertOktaError(await browser('POST', '/api/v1/authn', { username: user.login, password: 'Wrong-Pass-1' }), 401, 'E0000004');
      assert.equal((await api('GET', `/api/v1/users/${user.id}`)).body.status, 'LOCKED_OUT');
    } finally {
      assert.equal((await put(before)).status, 200);
    }
  });

  it('takes back the whole object a GET answered, read-only fields included', async () => {
    const p = await policy();
    const res = await api('PUT', `/api/v1/policies/${p.id}`, p);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.settings, p.settings);
  });

  it('refuses settings below its floors, unknown fields and other tenants\' policies, changing nothing', async () => {
    const p = await policy();
    const good = p.settings.password;
    const bad: unknown[] = [
      { ...good, complexity: { ...good.complexity, minLength: 4 } },
      { ...good, age: { historyCount: 25 } },
      { ...good, lockout: { ...good.lockout, maxAttempts: 0 } },
      { ...good, complexity: { ...good.complexity, minSymbol: 2 } },
      { ...good, complexity: { ...good.complexity, extra: true } },
      { ...good, lockout: { ...good.lockout, showLockoutFailures: true } },
      { complexity: good.complexity },
    ];
    const count = await logCount(server.db, tenant.id);
    for (const settings of bad) assertOktaError(await api('PUT', `/api/v1/policies/${p.id}`, { type: 'PASSWORD', settings: { password: settings } }), 400, 'E0000001');
    assertOktaError(await api('PUT', `/api/v1/policies/${p.id}`, { type: 'OKTA_SIGN_ON', settings: { password: good } }), 400, 'E0000001');
    const theirs = (await apiClient(server.url, other.token)('GET', '/api/v1/policies?type=PASSWORD')).body[0].id as string;
    assertOktaError(await api('GET', `/api/v1/policies/${theirs}`), 404, 'E0000007');
    assertOktaError(await api('PUT', `/api/v1/policies/${theirs}`, { type: 'PASSWORD', settings: { password: good } }), 404, 'E0000007');
    assertOktaError(await api('GET', '/api/v1/policies?type=ACCESS_POLICY'), 400, 'E0000001');
    assert.equal(await logCount(server.db, tenant.id), count);
    assert.deepEqual((await policy()).settings, p.settings);
  });
});
