/**
 * Passkeys (WebAuthn) end to end over real HTTP, with a software authenticator that makes real keys and
 * signatures (test/support/soft-authenticator.ts): registration by the signed-in user, passwordless
 * sign-in, a passkey as the second factor after a password, and the answers that must be refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { newUser, PASSWORD, type Fixture, type UserRef } from './support/fixtures.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { SoftAuthenticator, type Lies } from './support/soft-authenticator.ts';

describe('passkeys', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let f: Fixture;

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
  });
  after(() => server.close());

  const origin = (b: HostClient) => `http://${b.host}`;

  async function session(user: UserRef): Promise<HostClient> {
    const browser = hostClient(server.url, tenant.slug);
    const authn = await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD });
    assert.equal(authn.body.status, 'SUCCESS', authn.text);
    await browser('GET', `/login/sessionCookieRedirect?token=${authn.body.sessionToken}&redirectUrl=%2F`);
    return browser;
  }

  /** A user with a registered passkey on `authenticator`; signs in twice so that the network is known. */
  async function withPasskey(authenticator: SoftAuthenticator): Promise<{ user: UserRef; factorId: string }> {
    const user = await newUser(f, 'ACTIVE');
    await session(user);
    const browser = await session(user);
    const enrolled = await browser('POST', '/api/v1/users/me/factors', { factorType: 'webauthn', provider: 'FIDO' }, { origin: origin(browser) });
    assert.equal(enrolled.status, 200, enrolled.text);
    const credential = authenticator.create(enrolled.body._embedded.activation, origin(browser));
    const activated = await browser('POST', `/api/v1/users/me/factors/${enrolled.body.id}/lifecycle/activate`, { credential }, { origin: origin(browser) });
    assert.equal(activated.status, 200, activated.text);
    return { user, factorId: enrolled.body.id as string };
  }

  async function passkeySignIn(authenticator: SoftAuthenticator, lie: Lies = {}) {
    const browser = hostClient(server.url, tenant.slug);
    const start = await browser('POST', '/api/v1/authn/passkey', {});
    assert.equal(start.body.status, 'MFA_CHALLENGE', start.text);
    const credential = authenticator.get(start.body._embedded.challenge, origin(browser), lie);
    return { browser, start, answer: await browser('POST', '/api/v1/authn/passkey/verify', { stateToken: start.body.stateToken, credential }), credential };
  }

  it('registers a passkey for the signed-in user: discoverable, user-verified, no attestation asked', async () => {
    const authenticator = new SoftAuthenticator();
    const user = await newUser(f, 'ACTIVE');
    await session(user);
    const browser = await session(user);
    const enrolled = await browser('POST', '/api/v1/users/me/factors', { factorType: 'webauthn', provider: 'FIDO' }, { origin: origin(browser) });
    assert.equal(enrolled.body.status, 'PENDING_ACTIVATION');
    assert.match(enrolled.body.id, /^fwf[0-9A-Za-z]{17}$/);
    const options = enrolled.body._embedded.activation;
    assert.equal(options.rp.id, `${tenant.slug}.localhost`);
    assert.equal(options.attestation, 'none');
    assert.equal(options.authenticatorSelection.residentKey, 'required');
    assert.equal(options.authenticatorSelection.userVerification, 'required');
    assert.equal(options.user.name, user.login);

    const credential = authenticator.create(options, origin(browser));
    const activated = await browser('POST', `/api/v1/users/me/factors/${enrolled.body.id}/lifecycle/activate`, { credential }, { origin: origin(browser) });
    assert.equal(activated.body.status, 'ACTIVE', activated.text);
    const stored = await server.db.selectFrom('webauthn_credentials').selectAll().where('factor_id', '=', enrolled.body.id).executeTakeFirstOrThrow();
    assert.equal(stored.credential_id, credential.id);
    assert.equal(stored.device_type, 'singleDevice');
    assert.equal(stored.backed_up, false);
    assert.ok(stored.public_key.length > 60);
    assertOktaError(await browser('POST', `/api/v1/users/me/factors/${enrolled.body.id}/lifecycle/activate`, { credential }, { origin: origin(browser) }), 400, 'E0000001');
  });

  it('signs in with the passkey alone, and records what kind of key it was', async () => {
    const device = new SoftAuthenticator();
    const { user } = await withPasskey(device);
    const { browser, answer } = await passkeySignIn(device);
    assert.equal(answer.body.status, 'SUCCESS', answer.text);
    assert.equal(answer.body._embedded.user.id, user.id);
    await browser('GET', `/login/sessionCookieRedirect?token=${answer.body.sessionToken}&redirectUrl=%2F`);
    assert.deepEqual((await browser('GET', '/api/v1/sessions/me')).body.amr, ['hwk', 'mfa']);

    const synced = new SoftAuthenticator(true);
    await withPasskey(synced);
    const viaSynced = await passkeySignIn(synced);
    await viaSynced.browser('GET', `/login/sessionCookieRedirect?token=${viaSynced.answer.body.sessionToken}&redirectUrl=%2F`);
    assert.deepEqual((await viaSynced.browser('GET', '/api/v1/sessions/me')).body.amr, ['swk', 'mfa']);
  });

  it('asks for the passkey after the password when the user has one', async () => {
    const device = new SoftAuthenticator();
    const { user, factorId } = await withPasskey(device);
    const browser = hostClient(server.url, tenant.slug);
    const first = await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD });
    assert.equal(first.body.status, 'MFA_REQUIRED', first.text);
    assert.deepEqual(first.body._embedded.factors.map((x: { factorType: string }) => x.factorType), ['webauthn']);
    const challenge = await browser('POST', `/api/v1/authn/factors/${factorId}/verify`, { stateToken: first.body.stateToken });
    assert.equal(challenge.body.status, 'MFA_CHALLENGE', challenge.text);
    assert.equal(challenge.body._embedded.challenge.allowCredentials.length, 1);
    const state = await browser('POST', '/api/v1/authn', { stateToken: first.body.stateToken });
    assert.equal(state.body.status, 'MFA_CHALLENGE', state.text);
    assert.equal(state.body._links.next.href, challenge.body._links.next.href, 'the state names the factor the challenge is for');
    assert.equal(state.body._embedded.challenge.challenge, challenge.body._embedded.challenge.challenge);
    const credential = device.get(challenge.body._embedded.challenge, origin(browser));
    const done = await browser('POST', `/api/v1/authn/factors/${factorId}/verify`, { stateToken: first.body.stateToken, credential });
    assert.equal(done.body.status, 'SUCCESS', done.text);
    await browser('GET', `/login/sessionCookieRedirect?token=${done.body.sessionToken}&redirectUrl=%2F`);
    assert.deepEqual((await browser('GET', '/api/v1/sessions/me')).body.amr, ['pwd', 'hwk', 'mfa']);
  });

  it('refuses registrations from another origin or RP, without user verification, or twice, writing nothing', async () => {
    const user = await newUser(f, 'ACTIVE');
    await session(user);
    const browser = await session(user);
    const enrolled = await browser('POST', '/api/v1/users/me/factors', { factorType: 'webauthn', provider: 'FIDO' }, { origin: origin(browser) });
    const options = enrolled.body._embedded.activation;
    const before = await logCount(server.db, tenant.id);
    for (const lie of [{ origin: 'https://evil.example.com' }, { rpId: 'evil.example.com' }, { userVerified: false }, { type: 'webauthn.get' }, { challenge: 'AAAA' }] as Lies[]) {
      const credential = new SoftAuthenticator().create(options, origin(browser), lie);
      assertOktaError(await browser('POST', `/api/v1/users/me/factors/${enrolled.body.id}/lifecycle/activate`, { credential }, { origin: origin(browser) }), 403, 'E0000068');
    }
    assert.equal(await logCount(server.db, tenant.id), before);
    assert.equal((await browser('GET', `/api/v1/users/me/factors/${enrolled.body.id}`)).body.status, 'PENDING_ACTIVATION');
  });

  it('refuses sign-in answers that are forged, replayed, for another challenge, or from a cloned authenticator', async () => {
    const device = new SoftAuthenticator();
    await withPasskey(device);
    for (const lie of [{ origin: 'https://evil.example.com' }, { rpId: 'evil.example.com' }, { userVerified: false }, { challenge: 'AAAA' }] as Lies[]) {
      assertOktaError((await passkeySignIn(device, lie)).answer, 401, 'E0000004');
    }
    const good = await passkeySignIn(device);
    assert.equal(good.answer.body.status, 'SUCCESS');
    assertOktaError(await good.browser('POST', '/api/v1/authn/passkey/verify', { stateToken: good.start.body.stateToken, credential: good.credential }), 401, 'E0000011');
    const next = await good.browser('POST', '/api/v1/authn/passkey', {});
    assertOktaError(await good.browser('POST', '/api/v1/authn/passkey/verify', { stateToken: next.body.stateToken, credential: good.credential }), 401, 'E0000004');
    assertOktaError((await passkeySignIn(device, { counter: 1 })).answer, 401, 'E0000004');
    assert.equal((await passkeySignIn(device)).answer.body.status, 'SUCCESS');
  });

  it('knows a tenant\'s passkeys only on that tenant\'s host', async () => {
    const device = new SoftAuthenticator();
    await withPasskey(device);
    const elsewhere = hostClient(server.url, other.slug);
    const start = await elsewhere('POST', '/api/v1/authn/passkey', {});
    const options = { ...start.body._embedded.challenge, rpId: `${tenant.slug}.localhost` };
    const credential = device.get(options, `http://${tenant.slug}.localhost:${new URL(server.url).port}`);
    assertOktaError(await elsewhere('POST', '/api/v1/authn/passkey/verify', { stateToken: start.body.stateToken, credential }), 401, 'E0000004');
  });
});
