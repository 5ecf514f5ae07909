import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '#src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type Api, type TestServer, type TestTenant } from '../../test/helpers.ts';
import { newAdminBrowser } from '../../test/support/admin-session.ts';
import { appBody, newApp, type WebFixture } from '../../test/support/fixtures.ts';
import { hostClient } from '../../test/support/host-client.ts';
import { tenantState } from '../../test/support/tenant-state.ts';

describe('protected app changes in an admin session', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let api: Api;
  let f: WebFixture;
  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    f = { db: server.db, tenantId: tenant.id, api, web: () => hostClient(server.url, tenant.slug) };
  });
  after(() => server.close());

  it('asks for a fresh passkey to create an app, replace it or make a client secret, but not to read or deactivate one', async () => {
    const app = await newApp(f);
    const admin = await newAdminBrowser(f);
    assert.equal((await admin('POST', '/api/v1/apps', appBody())).status, 200, 'just signed in with a passkey');
    clock.advance(6 * 60_000);
    const before = await tenantState(server.db, tenant.id);
    for (const [method, path, body] of [
      ['POST', '/api/v1/apps', appBody()],
      ['PUT', `/api/v1/apps/${app.id}`, appBody('Elsewhere')],
      ['POST', `/api/v1/apps/${app.id}/credentials/secrets`, {}],
    ] as const) {
      const refused = await admin(method, path, body);
      assertOktaError(refused, 403, 'E0000006');
      assert.equal(refused.body.errorSummary, 'This is a protected action. Please perform step-up authentication.');
    }
    const after = await tenantState(server.db, tenant.id);
    // The session itself moves on (its idle clock) and the refusals are logged; the apps do not change.
    for (const table of ['apps', 'app_client_secrets']) assert.deepEqual(after[table], before[table], table);
    assert.equal((await admin('GET', `/api/v1/apps/${app.id}`)).status, 200);
    assert.equal((await admin('POST', `/api/v1/apps/${app.id}/lifecycle/deactivate`)).status, 200);
  });
});
