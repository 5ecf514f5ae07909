/**
 * TOTP as a second factor, end to end over real HTTP: the signed-in user enrolls it (codes computed with
 * `otpauth` from the shared secret the server hands out once), password sign-in then demands it, a code
 * works once, wrong codes count towards lockout, admins can list and reset factors but never enroll one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { newUser, PASSWORD, type Fixture, type UserRef } from './support/fixtures.ts';
import { hostClient, type HostClient } from './support/host-client.ts';

describe('TOTP second factor', () => {
  // On a step boundary, so that a test knows which codes belong to the same 30-second step.
  const clock = manualClock(new Date(Math.floor(Date.now() / 30_000) * 30_000 + 1_000));
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let api: Api;
  let f: Fixture;

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_LOCKOUT_ATTEMPTS: '3', BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    f = { db: server.db, tenantId: tenant.id, api };
  });
  after(() => server.close());

  const code = (secret: string, at = clock.now()) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: at.getTime() });

  async function session(user: UserRef): Promise<HostClient> {
    const browser = hostClient(server.url, tenant.slug);
    const authn = await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD });
    assert.equal(authn.body.status, 'SUCCESS', authn.text);
    assert.equal((await browser('GET', `/login/sessionCookieRedirect?token=${authn.body.sessionToken}&redirectUrl=%2F`)).status, 302);
    return browser;
  }

  /**
   * A browser signed in with the password only, with a session cookie, by a user who has signed in from this
   * network before: a factor may only be added from such a network (test/new-location.test.ts).
   */
  async function signedIn(user: UserRef): Promise<HostClient> {
    await session(user);
    return session(user);
  }

  const sameOrigin = (b: HostClient) => ({ origin: `http://${b.host}` });

  /** Enrolls and activates TOTP for a signed-in user; returns the factor id and shared secret. */
  async function enroll(browser: HostClient): Promise<{ id: string; secret: string }> {
    const enrolled = await browser('POST', '/api/v1/users/me/factors', { factorType: 'token:software:totp', provider: 'GOOGLE' }, sameOrigin(browser));
    assert.equal(enrolled.status, 200, enrolled.text);
    const secret = enrolled.body._embedded.activation.sharedSecret as string;
    const activated = await browser('POST', `/api/v1/users/me/factors/${enrolled.body.id}/lifecycle/activate`, { passCode: code(secret) }, sameOrigin(browser));
    assert.equal(activated.status, 200, activated.text);
    assert.equal(activated.body.status, 'ACTIVE');
    clock.advance(30_000);
    return { id: enrolled.body.id as string, secret };
  }

  it('enrolls TOTP for the signed-in user, keeps the secret sealed, and shows it only once', async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = await signedIn(user);
    const enrolled = await browser('POST', '/api/v1/users/me/factors', { factorType: 'token:software:totp', provider: 'GOOGLE' }, sameOrigin(browser));
    assert.equal(enrolled.status, 200, enrolled.text);
    assert.equal(enrolled.body.status, 'PENDING_ACTIVATION');
    assert.match(enrolled.body.id, /^uft[0-9A-Za-z]{17}$/);
    const activation = enrolled.body._embedded.activation;
    assert.match(activation.sharedSecret, /^[A-Z2-7]{32}$/);
    assert.equal(activation.timeStep, 30);
    assert.match(activation._links.qrcode.href, /^data:image\/png;base64,/);
    const row = await server.db.selectFrom('factors').select('secret').where('id', '=', enrolled.body.id).executeTakeFirstOrThrow();
    assert.match(row.secret ?? '', /^v1\./);
    assert.equal((row.secret ?? '').includes(activation.sharedSecret), false, 'sealed at rest');

    const before = await logCount(server.db, tenant.id);
    assertOktaError(await browser('POST', `/api/v1/users/me/factors/${enrolled.body.id}/lifecycle/activate`, { passCode: '000000' }, sameOrigin(browser)), 403, 'E0000068');
    assert.equal(await logCount(server.db, tenant.id), before, 'a wrong activation code writes nothing');

    const activated = await browser('POST', `/api/v1/users/me/factors/${enrolled.body.id}/lifecycle/activate`, { passCode: code(activation.sharedSecret) }, sameOrigin(browser));
    assert.equal(activated.body.status, 'ACTIVE');
    const listed = await browser('GET', '/api/v1/users/me/factors');
    assert.equal(listed.body.length, 1);
    assert.equal(listed.text.includes(activation.sharedSecret), false, 'the secret is not shown again');
    const asAdmin = await api('GET', `/api/v1/users/${user.id}/factors`);
    assert.equal(asAdmin.body[0].id, enrolled.body.id);
    assert.equal(asAdmin.text.includes(activation.sharedSecret), false);
  });

  it('demands the code at sign-in, accepts a code only once, and puts otp in the session', async () => {
    const user = await newUser(f, 'ACTIVE');
    const { id, secret } = await enroll(await signedIn(user));
    const browser = hostClient(server.url, tenant.slug);
    const first = await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD });
    assert.equal(first.body.status, 'MFA_REQUIRED', first.text);
    assert.equal(first.body.sessionToken, undefined);
    assert.deepEqual(first.body._embedded.factors.map((x: { id: string }) => x.id), [id]);
    const verify = first.body._embedded.factors[0]._links.verify.href as string;
    assert.match(verify, new RegExp(`/api/v1/authn/factors/${id}/verify$`));

    assertOktaError(await browser('POST', `/api/v1/authn/factors/${id}/verify`, { stateToken: first.body.stateToken, passCode: '123456' === code(secret) ? '654321' : '123456' }), 403, 'E0000068');
    const passCode = code(secret);
    const ok = await browser('POST', `/api/v1/authn/factors/${id}/verify`, { stateToken: first.body.stateToken, passCode });
    assert.equal(ok.body.status, 'SUCCESS', ok.text);
    await browser('GET', `/login/sessionCookieRedirect?token=${ok.body.sessionToken}&redirectUrl=%2F`);
    const me = await browser('GET', '/api/v1/sessions/me');
    assert.deepEqual(me.body.amr, ['pwd', 'otp']);
    assert.equal(me.body.mfaActive, true);
    assertOktaError(await browser('POST', `/api/v1/authn/factors/${id}/verify`, { stateToken: first.body.stateToken, passCode }), 401, 'E0000011');

    const second = await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD });
    assertOktaError(await browser('POST', `/api/v1/authn/factors/${id}/verify`, { stateToken: second.body.stateToken, passCode }), 403, 'E0000068');
    clock.advance(30_000);
    assert.equal((await browser('POST', `/api/v1/authn/factors/${id}/verify`, { stateToken: second.body.stateToken, passCode: code(secret) })).body.status, 'SUCCESS');

    const events = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).where('event_type', '=', 'user.authentication.auth_via_mfa').orderBy('seq').execute();
    const mine = events.map((e) => JSON.parse(e.event)).filter((e) => e.actor.id === user.id).map((e) => e.outcome.result);
    assert.deepEqual(mine, ['FAILURE', 'SUCCESS', 'FAILURE', 'SUCCESS']);
  });

  it('asks for the factor before an expired password is changed, and keeps otp after the change', async () => {
    const user = await newUser(f, 'ACTIVE');
    const { id, secret } = await enroll(await signedIn(user));
    assert.equal((await api('POST', `/api/v1/users/${user.id}/lifecycle/expire_password`)).status, 200);
    const browser = hostClient(server.url, tenant.slug);
    const first = await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD });
    assert.equal(first.body.status, 'MFA_REQUIRED');
    assertOktaError(await browser('POST', '/api/v1/authn/credentials/change_password', { stateToken: first.body.stateToken, oldPassword: PASSWORD, newPassword: 'Brand-New-Pass-7' }), 403, 'E0000079');
    const mfa = await browser('POST', `/api/v1/authn/factors/${id}/verify`, { stateToken: first.body.stateToken, passCode: code(secret) });
    assert.equal(mfa.body.status, 'PASSWORD_EXPIRED', mfa.text);
    const done = await browser('POST', '/api/v1/authn/credentials/change_password', { stateToken: mfa.body.stateToken, oldPassword: PASSWORD, newPassword: 'Brand-New-Pass-7' });
    assert.equal(done.body.status, 'SUCCESS', done.text);
    await browser('GET', `/login/sessionCookieRedirect?token=${done.body.sessionToken}&redirectUrl=%2F`);
    assert.deepEqual((await browser('GET', '/api/v1/sessions/me')).body.amr, ['pwd', 'otp']);
  });

  it('locks the account after too many wrong codes and ends that sign-in', async () => {
    const user = await newUser(f, 'ACTIVE');
    const { id, secret } = await enroll(await signedIn(user));
    const browser = hostClient(server.url, tenant.slug);
    const first = await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD });
    const wrong = code(secret) === '111111' ? '222222' : '111111';
    for (let i = 0; i < 3; i++) assertOktaError(await browser('POST', `/api/v1/authn/factors/${id}/verify`, { stateToken: first.body.stateToken, passCode: wrong }), 403, 'E0000068');
    assert.equal((await api('GET', `/api/v1/users/${user.id}`)).body.status, 'LOCKED_OUT');
    assertOktaError(await browser('POST', `/api/v1/authn/factors/${id}/verify`, { stateToken: first.body.stateToken, passCode: code(secret) }), 401, 'E0000011');
  });

  it('never lets an admin enroll a factor for someone, but lets them list and reset factors', async () => {
    const user = await newUser(f, 'ACTIVE');
    const { id } = await enroll(await signedIn(user));
    const before = await logCount(server.db, tenant.id);
    assertOktaError(await api('POST', `/api/v1/users/${user.id}/factors`, { factorType: 'token:software:totp', provider: 'GOOGLE' }), 403, 'E0000006');
    assert.equal(await logCount(server.db, tenant.id), before);
    assertOktaError(await apiClient(server.url, other.token)('GET', `/api/v1/users/${user.id}/factors`), 404, 'E0000007');
    assertOktaError(await apiClient(server.url, other.token)('DELETE', `/api/v1/users/${user.id}/factors/${id}`), 404, 'E0000007');

    assert.equal((await api('DELETE', `/api/v1/users/${user.id}/factors/${id}`)).status, 204);
    assert.deepEqual((await api('GET', `/api/v1/users/${user.id}/factors`)).body, []);
    const browser = hostClient(server.url, tenant.slug);
    assert.equal((await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD })).body.status, 'SUCCESS');

    await enroll(await signedIn(user));
    assert.deepEqual(await api('POST', `/api/v1/users/${user.id}/lifecycle/reset_factors`).then((r) => [r.status, r.body]), [200, {}]);
    assert.deepEqual((await api('GET', `/api/v1/users/${user.id}/factors`)).body, []);
  });

  it('refuses enrollment without a session, across sites, or twice', async () => {
    const user = await newUser(f, 'ACTIVE');
    const anonymous = hostClient(server.url, tenant.slug);
    assertOktaError(await anonymous('POST', '/api/v1/users/me/factors', { factorType: 'token:software:totp', provider: 'GOOGLE' }), 404, 'E0000007');
    const browser = await signedIn(user);
    assertOktaError(await browser('POST', '/api/v1/users/me/factors', { factorType: 'token:software:totp', provider: 'GOOGLE' }, { origin: 'https://evil.example.com' }), 403, 'E0000006');
    assertOktaError(await browser('POST', '/api/v1/users/me/factors', { factorType: 'sms', provider: 'OKTA' }, sameOrigin(browser)), 400, 'E0000001');
    await enroll(browser);
    assertOktaError(await browser('POST', '/api/v1/users/me/factors', { factorType: 'token:software:totp', provider: 'GOOGLE' }, sameOrigin(browser)), 400, 'E0000001');
  });
});
