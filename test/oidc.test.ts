/**
 * Each tenant as an OpenID Connect provider, driven by openid-client (panva's relying-party library, which
 * checks discovery, ID token signatures and claims itself) against a running Bulwark over real HTTP: code flow
 * with PKCE, userinfo, refresh with rotation, revocation and RP-initiated logout; and the refusals, each with
 * the standard OAuth error and nothing issued.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import * as oidc from 'openid-client';
import { manualClock } from '../src/lib/clock.ts';
import { createSecretBox } from '../src/lib/secret-box.ts';
import { rotateSigningKey } from '../src/oidc/keys.ts';
import { operatorContext } from '../src/tenants/service.ts';
import { assertCoversApp, listAppRoutes, PROTOCOL_ROUTES } from './support/app-routes.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, testConfig, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { addMember, newGroup, newSession, newUser, ok, PASSWORD, signOnPolicyIdOf, unique, type Fixture, type SessionRef } from './support/fixtures.ts';
import type { HostClient } from './support/host-client.ts';
import { documentedBulwarkTypes, oktaEventTypes, problemsOf } from './support/log-event-checks.ts';
import { readAllEvents } from './support/log-reader.ts';
import { loopbackFetch } from './support/loopback-fetch.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';

const REDIRECT = 'https://app.example.com/callback';
const AFTER_LOGOUT = 'https://app.example.com/signed-out';
/** A native app's private-use scheme (RFC 8252 7.1). */
const NATIVE_REDIRECT = 'com.example.expenses:/oauth2/callback';

type App = { id: string; clientId: string; secret: string | undefined };

describe('OpenID Connect provider', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let api: Api;
  let f: Fixture;
  let issuer: URL;

  before(async () => {
    server = await startTestServer({ clock });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    f = { db: server.db, tenantId: tenant.id, api };
    issuer = new URL(`http://${tenant.slug}.localhost:${new URL(server.url).port}`);
  });
  after(() => server.close());

  async function newApp(opts: { auth?: 'client_secret_basic' | 'none'; consent?: 'TRUSTED' | 'REQUIRED'; tenantApi?: Api; native?: boolean } = {}): Promise<App> {
    const auth = opts.native ? 'none' : opts.auth ?? 'client_secret_basic';
    const created = ok(await (opts.tenantApi ?? api)('POST', '/api/v1/apps', {
      name: 'oidc_client',
      label: unique('Expenses'),
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: auth } },
      settings: {
        oauthClient: {
          redirect_uris: [opts.native ? NATIVE_REDIRECT : REDIRECT],
          post_logout_redirect_uris: [AFTER_LOGOUT],
          response_types: ['code'],
          grant_types: ['authorization_code', 'refresh_token'],
          application_type: opts.native ? 'native' : auth === 'none' ? 'browser' : 'web',
          consent_method: opts.consent ?? 'TRUSTED',
        },
      },
    }), 'create app');
    return { id: created.body.id, clientId: created.body.credentials.oauthClient.client_id, secret: created.body.credentials.oauthClient.client_secret };
  }

  async function assign(app: App, userId: string): Promise<void> {
    ok(await api('POST', `/api/v1/apps/${app.id}/users`, { id: userId, scope: 'USER' }), 'assign user');
  }

  async function configOf(app: App, secret = app.secret): Promise<oidc.Configuration> {
    const auth = secret === undefined ? oidc.None() : oidc.ClientSecretBasic(secret);
    const config = await oidc.discovery(issuer, app.clientId, undefined, auth, { execute: [oidc.allowInsecureRequests], [oidc.customFetch]: loopbackFetch });
    return config;
  }

  /** What a browser does with an authorization URL: follows the provider's redirects to where it leaves the tenant. */
  async function browse(web: HostClient, start: URL): Promise<URL> {
    let at = start;
    for (let hops = 0; hops < 10; hops += 1) {
      if (at.host !== issuer.host) return at;
      const res = await web('GET', `${at.pathname}${at.search}`, undefined, { accept: 'text/html' });
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return at;
      at = new URL(location, at);
    }
    throw new Error('too many redirects');
  }

  function authorizationUrl(config: oidc.Configuration, verifier: string | null, extra: Record<string, string> = {}): Promise<URL> {
    return (async () => oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile email groups offline_access',
      // OpenID Connect Core 11: offline access is granted only with the consent prompt.
      prompt: 'consent',
      state: 'st-1',
      nonce: 'n-1',
      ...(verifier === null ? {} : { code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }),
      ...extra,
    }))();
  }

  async function signedInUser(app: App): Promise<SessionRef> {
    const user = await newUser(f, 'ACTIVE');
    await assign(app, user.id);
    return newSession(f, user);
  }

  it('serves exactly the protocol endpoints the Okta matrices leave to this test', async () => {
    const served = await listAppRoutes(server.db, 'protocol');
    assertCoversApp(served, PROTOCOL_ROUTES);
    const all = (await listAppRoutes(server.db)).map((r) => r.url);
    assert.deepEqual(all.filter((u) => u.startsWith('/oauth2') || u.startsWith('/.well-known')), [], 'every OAuth path is in the protocol list');
  });

  it('publishes a discovery document and keys that openid-client accepts', async () => {
    const raw = await loopbackFetch(`${issuer.origin}/.well-known/openid-configuration`);
    assert.equal(raw.status, 200, await raw.clone().text());
    const app = await newApp();
    const config = await configOf(app);
    const meta = config.serverMetadata();
    assert.equal(meta.issuer, issuer.href.replace(/\/$/, ''));
    assert.equal(meta.authorization_endpoint, `${issuer.origin}/oauth2/v1/authorize`);
    assert.equal(meta.token_endpoint, `${issuer.origin}/oauth2/v1/token`);
    assert.equal(meta.jwks_uri, `${issuer.origin}/oauth2/v1/keys`);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.ok(meta.scopes_supported?.includes('groups'));
    const keys = await (await loopbackFetch(meta.jwks_uri!)).json() as { keys: Record<string, unknown>[] };
    assert.equal(keys.keys.length, 1);
    assert.equal(keys.keys[0]!['kty'], 'RSA');
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(keys.keys[0]![secret], undefined, `no private ${secret} in the key set`);
  });

  it('signs an assigned user in with code + PKCE: a valid ID token, userinfo, a rotated refresh token, logout', async () => {
    const app = await newApp();
    const session = await signedInUser(app);
    const seq = await lastSeqOf(server.db, tenant.id);
    const config = await configOf(app);
    const verifier = oidc.randomPKCECodeVerifier();
    const callback = await browse(session.web, await authorizationUrl(config, verifier));
    assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT, callback.href);

    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st-1', expectedNonce: 'n-1' });
    const claims = tokens.claims();
    assert.equal(claims?.sub, session.user.id);
    assert.equal(claims?.iss, config.serverMetadata().issuer);
    assert.equal(claims?.aud, app.clientId);
    assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');

    const info = await oidc.fetchUserInfo(config, tokens.access_token, session.user.id);
    assert.equal(info.email, session.user.login);
    assert.equal(info.preferred_username, session.user.login);
    assert.ok(Array.isArray(info['groups']) && (info['groups'] as string[]).includes('Everyone'), JSON.stringify(info));

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'the refresh token rotates');
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');

    const types = (await eventsAfterOf<Logged>(server.db, tenant.id, seq)).map((e) => e.eventType);
    for (const t of ['user.authentication.sso', 'app.oauth2.authorize.code', 'app.oauth2.token.grant.access_token', 'app.oauth2.token.grant.id_token', 'app.oauth2.token.grant.refresh_token']) {
      assert.ok(types.includes(t), `${t} in ${types.join(', ')}`);
    }
    const logText = JSON.stringify(await eventsAfterOf<Logged>(server.db, tenant.id, seq));
    for (const secret of [tokens.access_token, tokens.refresh_token!, tokens.id_token!, app.secret!]) assert.ok(!logText.includes(secret), 'no token or secret in the System Log');

    const logout = oidc.buildEndSessionUrl(config, { id_token_hint: refreshed.id_token ?? tokens.id_token!, post_logout_redirect_uri: AFTER_LOGOUT });
    const page = await session.web('GET', `${logout.pathname}${logout.search}`, undefined, { accept: 'text/html' });
    assert.equal(page.status, 200, page.text);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.text)?.[1];
    assert.ok(xsrf, 'the sign-out question carries its anti-forgery field');
    const signOutSeq = await lastSeqOf(server.db, tenant.id);
    const confirmed = await session.web('POST', '/oauth2/v1/logout/confirm', `xsrf=${encodeURIComponent(xsrf)}&logout=yes`,
      { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: issuer.origin });
    assert.equal(confirmed.status, 303, confirmed.text);
    assert.equal(confirmed.headers.get('location'), AFTER_LOGOUT);
    assert.equal((await session.web('GET', '/api/v1/sessions/me')).status, 404, 'signing out of the app signed out of Bulwark');
    assert.deepEqual((await eventsAfterOf<Logged>(server.db, tenant.id, signOutSeq)).map((e) => e.eventType), ['user.session.end']);
    const again = await browse(session.web, await authorizationUrl(config, oidc.randomPKCECodeVerifier()));
    assert.equal(again.pathname, '/signin', 'the next authorization asks for a sign-in');
    assert.equal(again.searchParams.get('app'), app.id, 'for this app, whose sign-on rule applies');
    assert.match(again.searchParams.get('next') ?? '', /^\/oauth2\/v1\/interaction\/[A-Za-z0-9_-]+$/);

    // The sign-in page does what the browser would: a sign-in for the app, then back to the interaction.
    const signIn = await session.web('POST', '/api/v1/authn', { username: session.user.login, password: PASSWORD, audience: app.id });
    assert.equal(signIn.body.status, 'SUCCESS', signIn.text);
    const back = await session.web('GET', `/login/sessionCookieRedirect?token=${signIn.body.sessionToken}&redirectUrl=${encodeURIComponent(again.searchParams.get('next')!)}`);
    assert.equal(back.status, 302, back.text);
    const resumed = await browse(session.web, new URL(back.headers.get('location')!, issuer));
    assert.ok(resumed.searchParams.get('code'), `back at the app with a code: ${resumed.href}`);
    assertOktaError(await session.web('POST', '/api/v1/authn', { username: session.user.login, password: PASSWORD, audience: '0oa00000000000000000' }), 400, 'E0000001');
  });

  it('asks for consent for an app that is not first-party, once; a denial gives the app access_denied', async () => {
    const app = await newApp({ consent: 'REQUIRED' });
    const session = await signedInUser(app);
    const config = await configOf(app);
    const seq = await lastSeqOf(server.db, tenant.id);
    const url = await authorizationUrl(config, oidc.randomPKCECodeVerifier(), { scope: 'openid email', prompt: '' });
    url.searchParams.delete('prompt');
    const asking = await browse(session.web, url);
    const page = await session.web('GET', `${asking.pathname}${asking.search}`, undefined, { accept: 'text/html' });
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /Allow Expenses/);
    assert.match(page.text, /Your email address/);
    assert.match(page.headers.get('content-security-policy') ?? '', /form-action 'self'/);
    const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

    const forged = await session.web('POST', `${asking.pathname}/consent`, 'decision=allow', { ...form, origin: 'https://evil.example.com' });
    assert.equal(forged.status, 403, 'a consent posted from another site is refused');
    const allowed = await session.web('POST', `${asking.pathname}/consent`, 'decision=allow', { ...form, origin: issuer.origin });
    assert.equal(allowed.status, 303, allowed.text);
    const callback = await browse(session.web, new URL(allowed.headers.get('location')!, issuer));
    assert.ok(callback.searchParams.get('code'), callback.href);
    const consented = await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'app.oauth2.consent.grant');
    assert.equal(consented.length, 1);
    assert.equal(consented[0]!.actor.id, session.user.id);

    const again = await browse(session.web, url);
    assert.ok(again.searchParams.get('code'), 'consent given once is remembered');

    const other = await signedInUser(app);
    const otherAsking = await browse(other.web, url);
    const denied = await other.web('POST', `${otherAsking.pathname}/consent`, 'decision=deny', { ...form, origin: issuer.origin });
    const back = await browse(other.web, new URL(denied.headers.get('location')!, issuer));
    assert.equal(back.searchParams.get('error'), 'access_denied', back.href);
    assert.equal(back.searchParams.get('code'), null);
  });

  it('refuses a tampered, an expired, a revoked or another tenant\'s access token', async () => {
    const app = await newApp();
    const session = await signedInUser(app);
    const config = await configOf(app);
    const tokensOf = async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const callback = await browse(session.web, await authorizationUrl(config, verifier));
      return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st-1', expectedNonce: 'n-1' });
    };
    const userinfo = (host: string, token: string) => loopbackFetch(`http://${host}/oauth2/v1/userinfo`, { headers: { authorization: `Bearer ${token}` } });
    const refused = async (res: Response, what: string) => {
      assert.equal(res.status, 401, what);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/, what);
    };
    const tokens = await tokensOf();
    assert.equal((await userinfo(issuer.host, tokens.access_token)).status, 200);
    await refused(await userinfo(issuer.host, `${tokens.access_token.slice(0, -2)}xx`), 'tampered');
    await refused(await userinfo(`${other.slug}.localhost:${issuer.port}`, tokens.access_token), 'another tenant\'s');
    await oidc.tokenRevocation(config, tokens.access_token);
    await refused(await userinfo(issuer.host, tokens.access_token), 'revoked');

    const later = await tokensOf();
    clock.advance(3_600_000 + 1000);
    try {
      await refused(await userinfo(issuer.host, later.access_token), 'expired');
    } finally {
      clock.set(new Date());
    }
  });

  it('rotates the tenant\'s signing key: the new one signs, the old one verifies for 24 hours more, then leaves the key set', async () => {
    const app = await newApp();
    const session = await signedInUser(app);
    const kids = async () => ((await (await loopbackFetch(`${issuer.origin}/oauth2/v1/keys`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const idTokenKid = async () => {
      const config = await configOf(app);
      const verifier = oidc.randomPKCECodeVerifier();
      const callback = await browse(session.web, await authorizationUrl(config, verifier));
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st-1', expectedNonce: 'n-1' });
      return JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString('utf8')).kid as string;
    };
    const [old] = await kids();
    assert.equal(await idTokenKid(), old);
    const seq = await lastSeqOf(server.db, tenant.id);
    const box = createSecretBox(testConfig().secretsKey!);
    const rotated = await rotateSigningKey(server.db, clock, box, tenant.id, operatorContext('test-rotate'));
    try {
      clock.advance(61_000);
      assert.deepEqual(await kids(), [rotated.kid, old], 'the new key first, the old one still published');
      assert.equal(await idTokenKid(), rotated.kid, 'ID tokens are signed with the new key');
      assert.equal((await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'app.oauth2.key.rollover')).length, 1);
      clock.advance(24 * 3_600_000);
      assert.deepEqual(await kids(), [rotated.kid], 'after the grace period only the new key is published');
    } finally {
      clock.set(new Date());
    }
  });

  it('applies the tenant\'s sign-on rule for the app: a session without a passkey signs in again for it, and is refused', async () => {
    const app = await newApp();
    const session = await signedInUser(app);
    const policyId = await signOnPolicyIdOf(f);
    const rule = { type: 'SIGN_ON', name: unique('Expenses needs a passkey'), conditions: { app: { include: [app.id] } }, actions: { signon: { access: 'ALLOW', requireFactor: true, phishingResistant: 'REQUIRED' } } };
    assertOktaError(await api('POST', `/api/v1/policies/${policyId}/rules`, { ...rule, conditions: { app: { include: ['0oa00000000000000000'] } } }), 400, 'E0000001');
    const created = ok(await api('POST', `/api/v1/policies/${policyId}/rules`, rule), 'create the app\'s rule');
    const config = await configOf(app);
    const seq = await lastSeqOf(server.db, tenant.id);

    const toSignIn = await browse(session.web, await authorizationUrl(config, oidc.randomPKCECodeVerifier()));
    assert.equal(toSignIn.pathname, '/signin', toSignIn.href);
    assert.equal(toSignIn.searchParams.get('app'), app.id);
    const retry = toSignIn.searchParams.get('next')!;
    assert.match(retry, /\?retry=1$/, 'a session the rule refuses signs in again once');
    const password = await session.web('POST', '/api/v1/authn', { username: session.user.login, password: PASSWORD, audience: app.id });
    assert.notEqual(password.body.status, 'SUCCESS', 'a password alone does not sign in to this app');

    const refused = await browse(session.web, new URL(retry, issuer));
    assert.equal(refused.searchParams.get('error'), 'access_denied', refused.href);
    const sso = await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'user.authentication.sso');
    assert.deepEqual(sso.map((e) => e.outcome.result), ['DENY']);

    ok(await api('POST', `/api/v1/apps/${app.id}/lifecycle/deactivate`), 'deactivate');
    const named = await api('DELETE', `/api/v1/apps/${app.id}`);
    assertOktaError(named, 400, 'E0000001');
    assert.match(named.body.errorCauses[0].errorSummary, /named by the sign-on rule/);
    ok(await api('DELETE', `/api/v1/policies/${policyId}/rules/${created.body.id}`), 'delete the rule');
    assert.equal((await api('DELETE', `/api/v1/apps/${app.id}`)).status, 204);
  });

  it('writes its own session back when it changes, not at every authorization (which saves it only to slide its expiry)', async () => {
    const app = await newApp();
    const session = await signedInUser(app);
    const config = await configOf(app);
    assert.ok((await browse(session.web, await authorizationUrl(config, oidc.randomPKCECodeVerifier()))).searchParams.get('code'));
    // The row's transaction id changes with every write of it.
    const version = async () => (await sql<{ v: string }>`select xmin::text as v from oidc_models
      where tenant_id = ${tenant.id} and model = 'Session' and payload->>'accountId' = ${session.user.id}`.execute(server.db)).rows.map((r) => r.v);
    const before = await version();
    assert.equal(before.length, 1);
    const silent = { prompt: 'none', scope: 'openid profile' };
    const again = await browse(session.web, await authorizationUrl(config, oidc.randomPKCECodeVerifier(), silent));
    assert.ok(again.searchParams.get('code'), again.href);
    assert.deepEqual(await version(), before, 'the unchanged session was not written again');
    const second = await newApp();
    await assign(second, session.user.id);
    const other = await browse(session.web, await authorizationUrl(await configOf(second), oidc.randomPKCECodeVerifier(), silent));
    assert.ok(other.searchParams.get('code'), other.href);
    const after = await version();
    assert.equal(after.length, 1);
    assert.notDeepEqual(after, before, 'the session now holds a second app, and is saved');
  });

  it('sends a native app its code at its private-use scheme, and exchanges it with PKCE alone', async () => {
    const app = await newApp({ native: true });
    const session = await signedInUser(app);
    const config = await configOf(app);
    const verifier = oidc.randomPKCECodeVerifier();
    const callback = await browse(session.web, await authorizationUrl(config, verifier, { redirect_uri: NATIVE_REDIRECT, scope: 'openid profile' }));
    assert.equal(`${callback.protocol}${callback.pathname}`, NATIVE_REDIRECT, callback.href);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st-1', expectedNonce: 'n-1' });
    assert.equal(tokens.claims()?.sub, session.user.id);
    const other = await browse(session.web, await authorizationUrl(config, oidc.randomPKCECodeVerifier(), { redirect_uri: 'com.example.other:/oauth2/callback', scope: 'openid' }));
    assert.equal(other.host, issuer.host, 'another scheme is never redirected to');
  });

  it('refuses a user the app is not assigned to, with access_denied and no code', async () => {
    const app = await newApp();
    const session = await newSession(f, await newUser(f, 'ACTIVE'));
    const config = await configOf(app);
    const callback = await browse(session.web, await authorizationUrl(config, oidc.randomPKCECodeVerifier()));
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('code'), null);
  });

  it('assigns through a group', async () => {
    const app = await newApp();
    const group = await newGroup(f);
    ok(await api('PUT', `/api/v1/apps/${app.id}/groups/${group.id}`, {}), 'assign group');
    const user = await newUser(f, 'ACTIVE');
    await addMember(f, group.id, user.id);
    const session = await newSession(f, user);
    const config = await configOf(app);
    const verifier = oidc.randomPKCECodeVerifier();
    const callback = await browse(session.web, await authorizationUrl(config, verifier));
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st-1', expectedNonce: 'n-1' });
    assert.equal(tokens.claims()?.sub, user.id);
  });

  it('refuses a wrong redirect URI, a public client without PKCE, a wrong verifier, a replayed code, a wrong secret, the Help Center\'s scope, another tenant\'s client', async () => {
    const app = await newApp();
    const session = await signedInUser(app);
    const config = await configOf(app);

    const wrongRedirect = await authorizationUrl(config, oidc.randomPKCECodeVerifier(), { redirect_uri: 'https://evil.example.com/callback' });
    const res = await session.web('GET', `${wrongRedirect.pathname}${wrongRedirect.search}`, undefined, { accept: 'text/html' });
    assert.equal(res.status, 400, 'an unregistered redirect URI is never redirected to');
    assert.match(res.text, /redirect_uri/);

    const pub = await newApp({ auth: 'none' });
    await assign(pub, session.user.id);
    const pubConfig = await configOf(pub);
    const noPkce = await browse(session.web, await authorizationUrl(pubConfig, null));
    assert.equal(noPkce.searchParams.get('error'), 'invalid_request', noPkce.href);

    const callback = await browse(session.web, await authorizationUrl(config, oidc.randomPKCECodeVerifier()));
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: 'st-1', expectedNonce: 'n-1' }),
      (err: oidc.ResponseBodyError) => err.error === 'invalid_grant', 'a code with another verifier');
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, { expectedState: 'st-1', expectedNonce: 'n-1' }),
      (err: oidc.ResponseBodyError) => err.error === 'invalid_grant', 'a code without its verifier');

    const good = oidc.randomPKCECodeVerifier();
    const second = await browse(session.web, await authorizationUrl(config, good));
    const tokens = await oidc.authorizationCodeGrant(config, second, { pkceCodeVerifier: good, expectedState: 'st-1', expectedNonce: 'n-1' });
    await assert.rejects(oidc.authorizationCodeGrant(config, second, { pkceCodeVerifier: good, expectedState: 'st-1', expectedNonce: 'n-1' }),
      (err: oidc.ResponseBodyError) => err.error === 'invalid_grant', 'a replayed code');
    await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, session.user.id), 'a replay revokes what the code gave');

    const wrongSecret = await configOf(app, 'not-the-secret-at-all-but-long-enough');
    const third = oidc.randomPKCECodeVerifier();
    const thirdCallback = await browse(session.web, await authorizationUrl(config, third));
    await assert.rejects(oidc.authorizationCodeGrant(wrongSecret, thirdCallback, { pkceCodeVerifier: third, expectedState: 'st-1', expectedNonce: 'n-1' }),
      (err: oidc.WWWAuthenticateChallengeError) => err.status === 401 && err.cause[0]?.parameters.error === 'invalid_client');

    // admin_roles is the Help Center's alone (src/oidc/clients.ts): an app asking for it gets invalid_scope, no code.
    const roles = await browse(session.web, await authorizationUrl(config, oidc.randomPKCECodeVerifier(), { scope: 'openid admin_roles' }));
    assert.equal(roles.searchParams.get('error'), 'invalid_scope', roles.href);
    assert.equal(roles.searchParams.get('code'), null);

    const foreign = await newApp({ tenantApi: apiClient(server.url, other.token) });
    await assert.rejects(configOf(foreign).then((c) => oidc.buildAuthorizationUrl(c, { redirect_uri: REDIRECT, scope: 'openid' })).then((u) => browse(session.web, u)).then((u) => {
      if (u.host === issuer.host) throw new Error('refused on the provider');
      return u;
    }), /refused on the provider/, 'another tenant\'s client is unknown here');
  });

  it('gives tokens for a code exchanged several times at once only once, and then revokes them', async () => {
    const app = await newApp();
    const session = await signedInUser(app);
    const config = await configOf(app);
    const verifier = oidc.randomPKCECodeVerifier();
    const callback = await browse(session.web, await authorizationUrl(config, verifier));
    const code = callback.searchParams.get('code');
    assert.ok(code, callback.href);
    const seq = await lastSeqOf(server.db, tenant.id);
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.secret!)}`).toString('base64')}`;
    const exchange = () => loopbackFetch(`${issuer.origin}/oauth2/v1/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).toString(),
    });
    const answers = await Promise.all([exchange(), exchange(), exchange()]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400, 400]);
    for (const refused of answers.filter((a) => a.status === 400)) assert.equal(((await refused.json()) as { error: string }).error, 'invalid_grant');
    const issued = (await answers.find((a) => a.status === 200)!.json()) as { access_token: string };
    await assert.rejects(oidc.fetchUserInfo(config, issued.access_token, session.user.id), 'the replays revoked what the code gave');
    const types = (await eventsAfterOf<Logged>(server.db, tenant.id, seq)).map((e) => e.eventType);
    assert.equal(types.filter((t) => t === 'app.oauth2.token.grant.access_token').length, 1, `one access token issued and logged: ${types.join(', ')}`);
  });

  it('wrote only well-formed Okta LogEvents of catalogued types', async () => {
    const events = await readAllEvents(api, `/api/v1/logs?since=${encodeURIComponent(new Date(clock.now().getTime() - 7 * 86_400_000).toISOString())}&limit=1000`);
    const types = new Set(events.map((e) => e.eventType));
    for (const t of ['user.authentication.sso', 'app.oauth2.authorize.code', 'app.oauth2.token.grant.access_token', 'app.oauth2.consent.grant', 'app.oauth2.key.rollover']) assert.ok(types.has(t), t);
    assert.deepEqual(problemsOf(events, oktaEventTypes(), documentedBulwarkTypes()), []);
  });
});
