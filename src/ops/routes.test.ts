import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, createTestTenant, startTestServer, type TestServer } from '../../test/helpers.ts';

describe('operations endpoints', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer(); });
  after(() => server.close());

  it('answers /healthz and /readyz without a token', async () => {
    const api = apiClient(server.url, null);
    assert.deepEqual((await api('GET', '/healthz')).body, { status: 'ok' });
    assert.deepEqual((await api('GET', '/readyz')).body, { status: 'ready' });
  });

  it('exposes Prometheus metrics with per-route request counts', async () => {
    const tenant = await createTestTenant(server.db);
    await apiClient(server.url, tenant.token)('GET', '/api/v1/users');
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /bulwark_http_requests_total\{method="GET",route="\/api\/v1\/users",status="200"\} 1/);
    assert.match(text, /bulwark_process_resident_memory_bytes/);
    assert.doesNotMatch(text, new RegExp(tenant.token), 'no token in metrics');
  });

  it('gives unknown paths Okta’s E0000008 and every response a request id', async () => {
    const res = await apiClient(server.url, null)('GET', '/nothing/here');
    assert.equal(res.status, 404);
    assert.equal(res.body.errorCode, 'E0000008');
    assert.match(res.headers.get('x-okta-request-id') ?? '', /^[A-Za-z0-9_-]{25}$/);
    assert.equal(res.body.errorId, `oae${res.headers.get('x-okta-request-id')}`);
  });
});
