import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, exportJWK } from 'jose';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type Api, type TestServer, type TestTenant } from '../../test/helpers.ts';
import { appBody, newApp, type Fixture } from '../../test/support/fixtures.ts';
import { tenantState } from '../../test/support/tenant-state.ts';
import { findOidcClient } from './service.ts';

const logsOf = (api: Api, filter: string) => api('GET', `/api/v1/logs?filter=${encodeURIComponent(filter)}`);

type Body = Record<string, any>;

/** `appBody()` with its `settings.oauthClient` and `credentials.oauthClient` changed. */
function withClient(settings: Body, credentials: Body = {}, label?: string): Body {
  const body = appBody(label) as Body;
  return {
    ...body,
    credentials: { oauthClient: { ...body['credentials'].oauthClient, ...credentials } },
    settings: { oauthClient: { ...body['settings'].oauthClient, ...settings } },
  };
}

describe('/api/v1/apps', () => {
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

  it("creates an ACTIVE oidc_client shaped like Okta's Application, with its secret in this answer only", async () => {
    const res = await api('POST', '/api/v1/apps', appBody('Payroll'));
    assert.equal(res.status, 200, res.text);
    const a = res.body;
    assert.match(a.id, /^0oa[0-9A-Za-z]{17}$/);
    assert.deepEqual(Object.keys(a).sort(), ['_links', 'created', 'credentials', 'features', 'id', 'label', 'lastUpdated', 'name', 'settings', 'signOnMode', 'status']);
    assert.equal(a.name, 'oidc_client');
    assert.equal(a.signOnMode, 'OPENID_CONNECT');
    assert.equal(a.status, 'ACTIVE');
    assert.equal(a.label, 'Payroll');
    assert.equal(a.credentials.oauthClient.client_id, a.id);
    assert.equal(a.credentials.oauthClient.token_endpoint_auth_method, 'client_secret_basic');
    assert.match(a.credentials.oauthClient.client_secret, /^[A-Za-z0-9_-]{64}$/);
    assert.deepEqual(a.settings.oauthClient, {
      redirect_uris: ['https://app.example.com/callback'], post_logout_redirect_uris: [], response_types: ['code'], grant_types: ['authorization_code'],
      application_type: 'web', consent_method: 'REQUIRED',
    });
    assert.equal(a._links.self.href, `${server.url}/api/v1/apps/${a.id}`);
    assert.equal(a._links.deactivate.href, `${server.url}/api/v1/apps/${a.id}/lifecycle/deactivate`);

    const secret = a.credentials.oauthClient.client_secret as string;
    const got = await api('GET', `/api/v1/apps/${a.id}`);
    assert.equal(got.status, 200);
    const { client_secret: _, ...withoutSecret } = a.credentials.oauthClient;
    assert.deepEqual(got.body, { ...a, credentials: { oauthClient: withoutSecret } });
    const list = await api('GET', '/api/v1/apps');
    const secrets = await api('GET', `/api/v1/apps/${a.id}/credentials/secrets`);
    for (const r of [got, list, secrets]) assert.ok(!r.text.includes(secret), 'the secret is never shown again');
    assert.ok(!secrets.text.includes('secret_hash'));
    const stored = await server.db.selectFrom('app_client_secrets').select('secret_hash').where('tenant_id', '=', tenant.id).where('app_id', '=', a.id).execute();
    assert.equal(stored.length, 1);
    assert.ok(!JSON.stringify(stored).includes(secret), 'only a hash is stored');

    const log = await api('GET', '/api/v1/logs?limit=1000');
    assert.ok(!log.text.includes(secret) && !log.text.includes(stored[0]?.secret_hash ?? '?'), 'neither the secret nor its hash is in the System Log');
    const types = (log.body as { eventType: string; target: { id: string }[] }[]).filter((e) => e.target.some((t) => t.id === a.id)).map((e) => e.eventType);
    assert.deepEqual(types, ['application.lifecycle.create', 'application.lifecycle.activate', 'app.oauth2.credentials.lifecycle.create']);
  });

  it('creates an INACTIVE app with ?activate=false, and public and private_key_jwt clients without a secret', async () => {
    const inactive = await api('POST', '/api/v1/apps?activate=false', appBody());
    assert.equal(inactive.body.status, 'INACTIVE');
    assert.equal(inactive.body._links.activate.href, `${server.url}/api/v1/apps/${inactive.body.id}/lifecycle/activate`);

    const spa = await api('POST', '/api/v1/apps', withClient(
      { application_type: 'browser', redirect_uris: ['http://localhost:5173/cb', 'http://app.localhost/cb', 'http://127.0.0.1:8080/cb'], grant_types: ['authorization_code', 'refresh_token'], consent_method: 'TRUSTED' },
      { token_endpoint_auth_method: 'none' },
    ));
    assert.equal(spa.status, 200, spa.text);
    assert.equal(spa.body.credentials.oauthClient.client_secret, undefined);
    assert.equal(spa.body.settings.oauthClient.consent_method, 'TRUSTED');

    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig' };
    const service = await api('POST', '/api/v1/apps', withClient({ jwks: { keys: [jwk] }, initiate_login_uri: 'https://app.example.com/login' }, { token_endpoint_auth_method: 'private_key_jwt' }));
    assert.equal(service.status, 200, service.text);
    assert.equal(service.body.credentials.oauthClient.client_secret, undefined);
    assert.deepEqual(service.body.settings.oauthClient.jwks, { keys: [jwk] });
    assert.equal(service.body.settings.oauthClient.initiate_login_uri, 'https://app.example.com/login');
    const none = await server.db.selectFrom('app_client_secrets').select('id').where('tenant_id', '=', tenant.id).where('app_id', 'in', [spa.body.id, service.body.id]).execute();
    assert.deepEqual(none, []);

    const client = await findOidcClient(server.db, tenant.id, service.body.credentials.oauthClient.client_id);
    assert.deepEqual(client, {
      appId: service.body.id, clientId: service.body.id, status: 'ACTIVE', label: service.body.label, tokenEndpointAuthMethod: 'private_key_jwt', applicationType: 'web',
      redirectUris: ['https://app.example.com/callback'], postLogoutRedirectUris: [], grantTypes: ['authorization_code'], responseTypes: ['code'],
      consentMethod: 'REQUIRED', jwks: { keys: [jwk] }, initiateLoginUri: 'https://app.example.com/login',
    });
    assert.equal(await findOidcClient(server.db, tenant.id, '0oaNoSuchClient00000'), undefined);
  });

  it('refuses bad clients with 400 E0000001 naming each cause, and writes nothing', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const publicJwk = await exportJWK(publicKey);
    const before = await tenantState(server.db, tenant.id);
    const cases: [string, Body, RegExp][] = [
      ['no redirect URI', withClient({ redirect_uris: [] }), /redirect_uris/],
      ['a relative redirect URI', withClient({ redirect_uris: ['/callback'] }), /redirect_uris\[0\]: must be an absolute URI/],
      ['http on a public host', withClient({ redirect_uris: ['http://app.example.com/cb'] }), /https \(http only for localhost, 127\.0\.0\.1, \[::1\] or \*\.localhost, for development\)/],
      ['a custom scheme', withClient({ redirect_uris: ['javascript:alert(1)'] }), /redirect_uris\[0\]/],
      ['a fragment', withClient({ redirect_uris: ['https://app.example.com/cb#x'] }), /must not contain a fragment/],
      ['a private-use scheme on a web app', withClient({ redirect_uris: ['com.example.app:/callback'] }), /redirect_uris\[0\]: must be an https URI/],
      ['a native app\'s scheme without a domain', withClient({ application_type: 'native', redirect_uris: ['myapp:/callback'] }, { token_endpoint_auth_method: 'none' }), /private-use scheme in reverse domain name notation/],
      ['javascript: on a native app', withClient({ application_type: 'native', redirect_uris: ['javascript:alert(1)'] }, { token_endpoint_auth_method: 'none' }), /redirect_uris\[0\]/],
      ['a native app on http *.localhost', withClient({ application_type: 'native', redirect_uris: ['http://app.localhost/cb'] }, { token_endpoint_auth_method: 'none' }), /localhost, 127\.0\.0\.1 or \[::1\] for a native app/],
      ['a native app on https loopback', withClient({ application_type: 'native', redirect_uris: ['https://127.0.0.1/cb'] }, { token_endpoint_auth_method: 'none' }), /must not be https on a loopback host/],
      ['a bad post-logout URI', withClient({ post_logout_redirect_uris: ['http://evil.example.com/'] }), /post_logout_redirect_uris\[0\]/],
      ['credentials in a URI', withClient({ redirect_uris: ['https://u:p@app.example.com/cb'] }), /user name or password/],
      ['21 redirect URIs', withClient({ redirect_uris: Array.from({ length: 21 }, (_, i) => `https://app.example.com/${i}`) }), /redirect_uris/],
      ['an unknown grant type', withClient({ grant_types: ['authorization_code', 'implicit'] }), /grant_types/],
      ['refresh_token alone', withClient({ grant_types: ['refresh_token'] }), /must include authorization_code/],
      ['a token response type', withClient({ response_types: ['token'] }), /response_types/],
      ['a public web app', withClient({}, { token_endpoint_auth_method: 'none' }), /must be a browser or native app/],
      ['a browser app with a secret', withClient({ application_type: 'browser' }), /a browser app cannot keep a secret/],
      ['private_key_jwt without keys', withClient({}, { token_endpoint_auth_method: 'private_key_jwt' }), /needs the public keys/],
      ['a private key', withClient({ jwks: { keys: [privateJwk] } }, { token_endpoint_auth_method: 'private_key_jwt' }), /must be a public key/],
      ['a symmetric key', withClient({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, { token_endpoint_auth_method: 'private_key_jwt' }), /must be a public key/],
      ['a short RSA key', withClient({ jwks: { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB' }] } }, { token_endpoint_auth_method: 'private_key_jwt' }), /at least 2048 bits/],
      ['a point off the curve', withClient({ jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }] } }, { token_endpoint_auth_method: 'private_key_jwt' }), /not a usable/],
      ['two keys with one kid', withClient({ jwks: { keys: [{ ...publicJwk, kid: 'a' }, { ...publicJwk, kid: 'a' }] } }, { token_endpoint_auth_method: 'private_key_jwt' }), /kid: must be unique/],
      ['keys on a secret client', withClient({ jwks: { keys: [publicJwk] } }), /only a private_key_jwt client has keys/],
      ['an unknown auth method', withClient({}, { token_endpoint_auth_method: 'client_secret_jwt' }), /token_endpoint_auth_method/],
      ['an unknown consent method', withClient({ consent_method: 'NEVER' }), /consent_method/],
      ['a client_id of its own', withClient({}, { client_id: 'my-client' }), /client_id/],
      ['an unknown settings field', withClient({ pkce_required: false }), /pkce_required: Property is not recognized/],
      ['another sign-on mode', { ...appBody(), signOnMode: 'SAML_2_0' }, /signOnMode/],
      ['another app name', { ...appBody(), name: 'bookmark' }, /name/],
      ['a blank label', { ...appBody(), label: '   ' }, /label/],
      ['no settings', { name: 'oidc_client', label: 'x', signOnMode: 'OPENID_CONNECT' }, /settings/],
    ];
    for (const [what, body, cause] of cases) {
      const res = await api('POST', '/api/v1/apps', body);
      assertOktaError(res, 400, 'E0000001');
      assert.match(JSON.stringify(res.body.errorCauses), cause, what);
      assert.ok(!res.text.includes(String(privateJwk.d)), 'a private key is never echoed');
    }
    assert.deepEqual(await tenantState(server.db, tenant.id), before);
  });

  it('replaces label and settings with PUT, keeps client_id, status and secrets, and logs the changed attributes', async () => {
    const created = (await api('POST', '/api/v1/apps', appBody('Before'))).body;
    const secretsBefore = (await api('GET', `/api/v1/apps/${created.id}/credentials/secrets`)).body;
    const { client_secret: _, ...oauthClient } = created.credentials.oauthClient;
    const edited = { ...created, label: 'After', credentials: { oauthClient }, settings: { oauthClient: { ...created.settings.oauthClient, redirect_uris: ['https://new.example.com/cb'] } } };
    const res = await api('PUT', `/api/v1/apps/${created.id}`, edited);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.label, 'After');
    assert.deepEqual(res.body.settings.oauthClient.redirect_uris, ['https://new.example.com/cb']);
    assert.equal(res.body.credentials.oauthClient.client_id, created.id);
    assert.equal(res.body.status, 'ACTIVE');
    assert.equal(res.body.created, created.created);
    assert.deepEqual((await api('GET', `/api/v1/apps/${created.id}/credentials/secrets`)).body, secretsBefore);
    const log = await logsOf(api, `eventType eq "application.lifecycle.update" and target.id eq "${created.id}"`);
    assert.equal(log.body.length, 1);
    assert.equal(log.body[0].debugContext.debugData.changedAttributes, 'label,settings.oauthClient.redirect_uris');

    const count = await logCount(server.db, tenant.id);
    assert.equal((await api('PUT', `/api/v1/apps/${created.id}`, res.body)).status, 200);
    assert.equal(await logCount(server.db, tenant.id), count, 'an unchanged PUT logs nothing');

    const before = await tenantState(server.db, tenant.id);
    assertOktaError(await api('PUT', `/api/v1/apps/${created.id}`, { ...res.body, credentials: { oauthClient: { ...oauthClient, client_id: '0oaSomethingElse0000' } } }), 400, 'E0000001');
    assertOktaError(await api('PUT', `/api/v1/apps/${created.id}`, withClient({ redirect_uris: ['http://evil.example.com/'] })), 400, 'E0000001');
    assertOktaError(await api('PUT', '/api/v1/apps/0oaNoSuchApp00000000', appBody()), 404, 'E0000007');
    assert.deepEqual(await tenantState(server.db, tenant.id), before);
  });

  it('deactivates, activates and deletes only an INACTIVE app (403 E0000056 otherwise), with its secrets', async () => {
    const app = await newApp(f);
    const before = await tenantState(server.db, tenant.id);
    const refused = await api('DELETE', `/api/v1/apps/${app.id}`);
    assertOktaError(refused, 403, 'E0000056');
    assert.deepEqual(await tenantState(server.db, tenant.id), before);

    for (const [op, status] of [['deactivate', 'INACTIVE'], ['deactivate', 'INACTIVE'], ['activate', 'ACTIVE'], ['deactivate', 'INACTIVE']] as const) {
      const res = await api('POST', `/api/v1/apps/${app.id}/lifecycle/${op}`);
      assert.deepEqual([res.status, res.body], [200, {}]);
      assert.equal((await api('GET', `/api/v1/apps/${app.id}`)).body.status, status);
    }
    const events = await logsOf(api, `target.id eq "${app.id}" and eventType sw "application.lifecycle.${''}"`);
    assert.deepEqual(events.body.map((e: { eventType: string }) => e.eventType), [
      'application.lifecycle.create', 'application.lifecycle.activate', 'application.lifecycle.deactivate', 'application.lifecycle.activate', 'application.lifecycle.deactivate',
    ]);
    assert.equal((await api('DELETE', `/api/v1/apps/${app.id}`)).status, 204);
    assertOktaError(await api('GET', `/api/v1/apps/${app.id}`), 404, 'E0000007');
    const left = await server.db.selectFrom('app_client_secrets').select('id').where('tenant_id', '=', tenant.id).where('app_id', '=', app.id).execute();
    assert.deepEqual(left, []);
    assert.equal((await logsOf(api, `eventType eq "application.lifecycle.delete" and target.id eq "${app.id}"`)).body.length, 1);
    assertOktaError(await api('POST', `/api/v1/apps/${app.id}/lifecycle/activate`), 404, 'E0000007');
  });

  it('lists apps by page with Link headers, by label prefix (q) and by status filter', async () => {
    const solo = await createTestTenant(server.db);
    const own = apiClient(server.url, solo.token);
    const ids: string[] = [];
    for (const [label, activate] of [['Zeta One', true], ['zeta two', false], ['Alpha', true]] as const) {
      ids.push((await own('POST', `/api/v1/apps?activate=${activate}`, appBody(label))).body.id);
    }
    const first = await own('GET', '/api/v1/apps?limit=2');
    assert.equal(first.body.length, 2);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    assert.ok(next.includes('after='), first.headers.get('link') ?? '');
    const second = await own('GET', next.replace(server.url, ''));
    assert.deepEqual([...first.body, ...second.body].map((a: { id: string }) => a.id), [...ids].sort());
    assert.ok(!(second.headers.get('link') ?? '').includes('rel="next"'));

    const q = await own('GET', '/api/v1/apps?q=zeta');
    assert.deepEqual(q.body.map((a: { label: string }) => a.label).sort(), ['Zeta One', 'zeta two']);
    const active = await own('GET', `/api/v1/apps?filter=${encodeURIComponent('status eq "ACTIVE"')}`);
    assert.deepEqual(active.body.map((a: { label: string }) => a.label).sort(), ['Alpha', 'Zeta One']);
    assertOktaError(await own('GET', `/api/v1/apps?filter=${encodeURIComponent('label eq "Alpha"')}`), 400, 'E0000031');
    assertOktaError(await own('GET', '/api/v1/apps?q=a&filter=status%20eq%20%22ACTIVE%22'), 400, 'E0000033');
    assertOktaError(await own('GET', '/api/v1/apps?after=not-a-cursor'), 400, 'E0000029');
    assertOktaError(await own('GET', '/api/v1/apps?limit=201'), 400, 'E0000001');
  });
});
