import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type Api, type TestServer, type TestTenant } from '../../test/helpers.ts';
import { appBody, newApp, type Fixture } from '../../test/support/fixtures.ts';
import { tenantState } from '../../test/support/tenant-state.ts';
import { clientSecretMatches } from './service.ts';

describe('/api/v1/apps/{appId}/credentials/secrets', () => {
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

  const secretsOf = async (appId: string) => (await api('GET', `/api/v1/apps/${appId}/credentials/secrets`)).body as Record<string, string>[];

  it('lists metadata only, rotates to at most two active secrets, and matches only active ones', async () => {
    const app = await newApp(f);
    const [first] = await secretsOf(app.id);
    assert.deepEqual(Object.keys(first ?? {}).sort(), ['_links', 'client_secret_hint', 'created', 'id', 'lastUpdated', 'status']);
    assert.match(first?.['id'] ?? '', /^ocs[0-9A-Za-z]{17}$/);
    assert.equal(first?.['client_secret_hint'], app.clientSecret.slice(-4));
    assert.equal(first?.['status'], 'ACTIVE');

    const created = await api('POST', `/api/v1/apps/${app.id}/credentials/secrets`, {});
    assert.equal(created.status, 201, created.text);
    const second = created.body.client_secret as string;
    assert.match(second, /^[A-Za-z0-9_-]{64}$/);
    assert.notEqual(second, app.clientSecret);
    assert.equal(created.body.status, 'ACTIVE');
    assert.ok(!(await api('GET', `/api/v1/apps/${app.id}/credentials/secrets/${created.body.id}`)).text.includes(second));

    assert.equal(await clientSecretMatches(server.db, tenant.id, app.id, app.clientSecret), true);
    assert.equal(await clientSecretMatches(server.db, tenant.id, app.id, second), true);
    assert.equal(await clientSecretMatches(server.db, tenant.id, app.id, `${second}x`), false);

    const before = await tenantState(server.db, tenant.id);
    assertOktaError(await api('POST', `/api/v1/apps/${app.id}/credentials/secrets`, {}), 400, 'E0000001');
    assertOktaError(await api('POST', `/api/v1/apps/${app.id}/credentials/secrets`, { client_secret: 'chosen-by-the-caller-0123456789abcdef' }), 400, 'E0000001');
    assert.deepEqual(await tenantState(server.db, tenant.id), before);

    const deactivated = await api('POST', `/api/v1/apps/${app.id}/credentials/secrets/${first?.['id']}/lifecycle/deactivate`);
    assert.equal(deactivated.status, 200, deactivated.text);
    assert.equal(deactivated.body.status, 'INACTIVE');
    assert.equal(await clientSecretMatches(server.db, tenant.id, app.id, app.clientSecret), false, 'an inactive secret no longer works');

    const third = await api('POST', `/api/v1/apps/${app.id}/credentials/secrets`);
    assert.equal(third.status, 201, 'a body is optional');
    const reactivate = `/api/v1/apps/${app.id}/credentials/secrets/${first?.['id']}/lifecycle/activate`;
    assertOktaError(await api('POST', reactivate), 400, 'E0000001');
    assert.equal((await api('POST', `/api/v1/apps/${app.id}/credentials/secrets/${third.body.id}/lifecycle/deactivate`)).status, 200);
    assert.equal((await api('POST', reactivate)).body.status, 'ACTIVE');
    assert.equal(await clientSecretMatches(server.db, tenant.id, app.id, app.clientSecret), true);
  });

  it('deletes only an inactive secret, and logs every change with Okta\'s credential events and no secret', async () => {
    const app = await newApp(f);
    const rotated = (await api('POST', `/api/v1/apps/${app.id}/credentials/secrets`, {})).body;
    const before = await tenantState(server.db, tenant.id);
    assertOktaError(await api('DELETE', `/api/v1/apps/${app.id}/credentials/secrets/${rotated.id}`), 400, 'E0000001');
    assert.deepEqual(await tenantState(server.db, tenant.id), before);
    assert.equal((await api('POST', `/api/v1/apps/${app.id}/credentials/secrets/${rotated.id}/lifecycle/deactivate`)).status, 200);
    assert.equal((await api('DELETE', `/api/v1/apps/${app.id}/credentials/secrets/${rotated.id}`)).status, 204);
    assertOktaError(await api('GET', `/api/v1/apps/${app.id}/credentials/secrets/${rotated.id}`), 404, 'E0000007');
    assertOktaError(await api('DELETE', `/api/v1/apps/${app.id}/credentials/secrets/${rotated.id}`), 404, 'E0000007');
    assert.equal(await clientSecretMatches(server.db, tenant.id, app.id, rotated.client_secret), false);

    const log = await api('GET', `/api/v1/logs?limit=1000&filter=${encodeURIComponent(`target.id eq "${app.id}"`)}`);
    assert.deepEqual(log.body.map((e: { eventType: string }) => e.eventType), [
      'application.lifecycle.create', 'application.lifecycle.activate', 'app.oauth2.credentials.lifecycle.create',
      'app.oauth2.credentials.lifecycle.create', 'app.oauth2.credentials.lifecycle.deactivate', 'app.oauth2.credentials.lifecycle.delete',
    ]);
    const hashes = await server.db.selectFrom('app_client_secrets').select('secret_hash').where('tenant_id', '=', tenant.id).execute();
    const everything = (await api('GET', '/api/v1/logs?limit=1000')).text;
    for (const value of [app.clientSecret, rotated.client_secret, ...hashes.map((h) => h.secret_hash)]) assert.ok(!everything.includes(value), 'no secret or hash in the System Log');
  });

  it('gives secrets only to client_secret_basic apps, and finds no secret of another app or tenant', async () => {
    const spa = await api('POST', '/api/v1/apps', {
      ...appBody(),
      credentials: { oauthClient: { token_endpoint_auth_method: 'none' } },
      settings: { oauthClient: { redirect_uris: ['http://localhost:3000/cb'], application_type: 'browser' } },
    });
    assert.equal(spa.status, 200, spa.text);
    assertOktaError(await api('POST', `/api/v1/apps/${spa.body.id}/credentials/secrets`, {}), 400, 'E0000001');
    assert.deepEqual(await secretsOf(spa.body.id), []);
    assert.equal(await clientSecretMatches(server.db, tenant.id, spa.body.id, ''), false);

    const app = await newApp(f);
    const other = await newApp(f);
    const [secret] = await secretsOf(app.id);
    assertOktaError(await api('GET', `/api/v1/apps/${other.id}/credentials/secrets/${secret?.['id']}`), 404, 'E0000007');
    assertOktaError(await api('POST', `/api/v1/apps/${other.id}/credentials/secrets/${secret?.['id']}/lifecycle/deactivate`), 404, 'E0000007');

    const stranger = await createTestTenant(server.db);
    const theirs = apiClient(server.url, stranger.token);
    assertOktaError(await theirs('GET', `/api/v1/apps/${app.id}/credentials/secrets`), 404, 'E0000007');
    assertOktaError(await theirs('POST', `/api/v1/apps/${app.id}/credentials/secrets`, {}), 404, 'E0000007');
    assert.equal(await clientSecretMatches(server.db, stranger.id, app.id, app.clientSecret), false, "a client_id is looked up in the caller's tenant only");
  });
});
