/**
 * Enrollment links, the legitimate way in for an invited user and for a factor on a new network: an admin
 * activates a user without a password and gets a one-time link; the user opens it (no other credential),
 * registers a passkey, and is signed in and ACTIVE. The new-location rule does not apply to a link.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { profileOf, unique } from './support/fixtures.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';
import { SoftAuthenticator } from './support/soft-authenticator.ts';

describe('enrollment links', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let api: Api;

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_TRUSTED_PROXIES: '127.0.0.1' } });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
  });
  after(() => server.close());

  /** An invited user: created staged, activated without a password; returns the link's token. */
  async function invite(): Promise<{ id: string; login: string; url: string; token: string }> {
    const login = `${unique('invited')}@fixture.example.com`;
    const created = await api('POST', '/api/v1/users?activate=false', { profile: profileOf(login) });
    const activated = await api('POST', `/api/v1/users/${created.body.id}/lifecycle/activate`);
    assert.equal(activated.status, 200, activated.text);
    return { id: created.body.id as string, login, url: activated.body.activationUrl as string, token: activated.body.activationToken as string };
  }

  async function enroll(browser: HostClient, token: string, authenticator: SoftAuthenticator, ip = '8.8.8.8') {
    const opened = await browser('POST', '/api/v1/authn', { token }, { 'x-forwarded-for': ip });
    assert.equal(opened.body.status, 'MFA_ENROLL_ACTIVATE', opened.text);
    const factor = opened.body._embedded.factor;
    const credential = authenticator.create(factor._embedded.activation, `http://${browser.host}`);
    return browser('POST', `/api/v1/authn/factors/${factor.id}/lifecycle/activate`, { stateToken: opened.body.stateToken, credential }, { 'x-forwarded-for': ip });
  }

  it('lets an invited user enroll a passkey through the link, which activates and signs them in', async () => {
    const user = await invite();
    assert.equal(user.url, `http://${tenant.slug}.localhost:${new URL(server.url).port}/welcome#token=${user.token}`);
    assert.equal((await api('GET', `/api/v1/users/${user.id}`)).body.status, 'PROVISIONED');
    const stored = await server.db.selectFrom('enrollment_links').select('token_hash').where('user_id', '=', user.id).executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, user.token, 'only a hash is stored');

    const browser = hostClient(server.url, tenant.slug);
    const done = await enroll(browser, user.token, new SoftAuthenticator());
    assert.equal(done.body.status, 'SUCCESS', done.text);
    await browser('GET', `/login/sessionCookieRedirect?token=${done.body.sessionToken}&redirectUrl=%2F`);
    assert.deepEqual((await browser('GET', '/api/v1/sessions/me')).body.amr, ['hwk', 'mfa']);
    assert.equal((await api('GET', `/api/v1/users/${user.id}`)).body.status, 'ACTIVE');
    const factors = (await api('GET', `/api/v1/users/${user.id}/factors`)).body;
    assert.deepEqual(factors.map((x: { factorType: string; status: string }) => [x.factorType, x.status]), [['webauthn', 'ACTIVE']]);
    const types = (await server.db.selectFrom('log_events').select('event_type').where('tenant_id', '=', tenant.id).orderBy('seq').execute()).map((r) => r.event_type);
    for (const t of ['bulwark.user.enrollment_link.issue', 'bulwark.user.enrollment_link.use', 'user.mfa.factor.activate', 'user.lifecycle.activate', 'user.authentication.verify']) assert.ok(types.includes(t), t);
  });

  it('works once, not after a day, not on another tenant, and a new link voids the old one', async () => {
    const used = await invite();
    assert.equal((await enroll(hostClient(server.url, tenant.slug), used.token, new SoftAuthenticator())).body.status, 'SUCCESS');
    assertOktaError(await hostClient(server.url, tenant.slug)('POST', '/api/v1/authn', { token: used.token }), 401, 'E0000011');

    const late = await invite();
    clock.advance(24 * 3_600_000 + 1);
    assertOktaError(await hostClient(server.url, tenant.slug)('POST', '/api/v1/authn', { token: late.token }), 401, 'E0000011');

    const foreign = await invite();
    assertOktaError(await hostClient(server.url, other.slug)('POST', '/api/v1/authn', { token: foreign.token }), 401, 'E0000011');
    assert.equal((await enroll(hostClient(server.url, tenant.slug), foreign.token, new SoftAuthenticator())).body.status, 'SUCCESS', 'still good at home');

    const login = `${unique('twice')}@fixture.example.com`;
    const created = await api('POST', '/api/v1/users?activate=false', { profile: profileOf(login) });
    const first = (await api('POST', `/api/v1/users/${created.body.id}/lifecycle/activate`)).body.activationToken as string;
    assert.equal((await api('POST', `/api/v1/users/${created.body.id}/lifecycle/deactivate`)).status, 200);
    const second = (await api('POST', `/api/v1/users/${created.body.id}/lifecycle/activate`)).body.activationToken as string;
    assertOktaError(await hostClient(server.url, tenant.slug)('POST', '/api/v1/authn', { token: first }), 401, 'E0000011');
    assert.equal((await enroll(hostClient(server.url, tenant.slug), second, new SoftAuthenticator())).body.status, 'SUCCESS');
  });

  it('sends an invitation again on reactivation: a new link, and the old one stops working', async () => {
    const user = await invite();
    const seq = await lastSeqOf(server.db, tenant.id);
    const again = await api('POST', `/api/v1/users/${user.id}/lifecycle/reactivate?sendEmail=false`);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.activationUrl, `http://${tenant.slug}.localhost:${new URL(server.url).port}/welcome#token=${again.body.activationToken}`);
    assert.notEqual(again.body.activationToken, user.token);
    assertOktaError(await hostClient(server.url, tenant.slug)('POST', '/api/v1/authn', { token: user.token }), 401, 'E0000011');
    assert.equal((await enroll(hostClient(server.url, tenant.slug), again.body.activationToken as string, new SoftAuthenticator())).body.status, 'SUCCESS');
    assert.equal((await api('GET', `/api/v1/users/${user.id}`)).body.status, 'ACTIVE');
    const logged = (await eventsAfterOf<Logged>(server.db, tenant.id, seq)).filter((e) => e.target.some((t) => t.id === user.id)).map((e) => e.eventType);
    assert.deepEqual(logged.slice(0, 2), ['user.lifecycle.reactivate', 'bulwark.user.enrollment_link.issue'], 'the reactivation and its new link, logged together');
    assertOktaError(await api('POST', `/api/v1/users/${user.id}/lifecycle/reactivate`), 400, 'E0000001');
  });

  it('is not subject to the new-location rule: the link is how a factor is added from a new network', async () => {
    const user = await invite();
    const done = await enroll(hostClient(server.url, tenant.slug), user.token, new SoftAuthenticator(), '1.1.1.1');
    assert.equal(done.body.status, 'SUCCESS', done.text);
  });

  it('gives a user activated with a password no link', async () => {
    const login = `${unique('pw')}@fixture.example.com`;
    const created = await api('POST', '/api/v1/users?activate=false', { profile: profileOf(login), credentials: { password: { value: 'Quiet-Otter-73' } } });
    const activated = await api('POST', `/api/v1/users/${created.body.id}/lifecycle/activate`);
    assert.deepEqual(activated.body, {});
  });

  it('refuses a malformed or mixed request, writing nothing', async () => {
    const browser = hostClient(server.url, tenant.slug);
    const before = await logCount(server.db, tenant.id);
    for (const body of [{ token: '' }, { token: 'x'.repeat(200) }, { token: 'abc', username: 'a@b.example.com', password: 'Quiet-Otter-73' }, { token: 'abc', stateToken: 'def' }, { token: 42 }]) {
      assertOktaError(await browser('POST', '/api/v1/authn', body), 400, 'E0000001');
    }
    assertOktaError(await browser('POST', '/api/v1/authn', { token: 'no-such-token' }), 401, 'E0000011');
    assert.equal(await logCount(server.db, tenant.id), before);
  });
});
