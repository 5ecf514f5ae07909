/**
 * Every event an API write records names the client's AS (securityContext), so an investigation by ASN finds an
 * intruder's admin or support actions and not only its sign-ins: through a trusted proxy, a token's write from
 * 1.1.1.1 is logged with AS13335 (the bundled IP-to-AS table), and one from the loopback with none.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';

describe('the AS of API writes', () => {
  let server: TestServer;
  let tenant: TestTenant;

  before(async () => {
    server = await startTestServer({ config: { BULWARK_TRUSTED_PROXIES: '127.0.0.1' } });
    tenant = await createTestTenant(server.db);
  });
  after(() => server.close());

  async function lastSecurityContext(): Promise<{ asNumber: number | null; asOrg: string | null }> {
    const row = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    return (JSON.parse(row.event) as { securityContext: { asNumber: number | null; asOrg: string | null } }).securityContext;
  }

  it('names the AS a token write came from', async () => {
    const api = apiClient(server.url, tenant.token);
    const created = await api('POST', '/api/v1/groups', { profile: { name: 'Via Cloudflare' } }, { 'x-forwarded-for': '1.1.1.1' });
    assert.equal(created.status, 200, created.text);
    const ctx = await lastSecurityContext();
    assert.equal(ctx.asNumber, 13335);
    assert.match(ctx.asOrg ?? '', /cloudflare/i);

    const local = await api('POST', '/api/v1/groups', { profile: { name: 'From here' } });
    assert.equal(local.status, 200, local.text);
    assert.equal((await lastSecurityContext()).asNumber, null);
  });
});
