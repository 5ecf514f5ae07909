/**
 * The signed-in user's own sessions (/api/v1/users/me/sessions), over real HTTP on the tenant's host: the
 * list with where each session came from, signing out of one, signing out everywhere, and what the routes
 * refuse: another user's or another tenant's session, ill-formed ids, cross-site writes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { newSession, newUser, pageHeaders, type Fixture } from './support/fixtures.ts';
import { hostClient } from './support/host-client.ts';
import { tenantState } from './support/tenant-state.ts';

type Logged = { eventType: string; target: { id: string; type: string }[]; debugContext: { debugData: Record<string, unknown> } };

describe('the signed-in user\'s own sessions', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let f: Fixture;
  let otherF: Fixture;

  before(async () => {
    server = await startTestServer({ config: { BULWARK_TRUSTED_PROXIES: '127.0.0.1', BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    otherF = { db: server.db, tenantId: other.id, api: apiClient(server.url, other.token) };
  });
  after(() => server.close());

  async function eventsAfter(seq: number): Promise<Logged[]> {
    const rows = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).where('seq', '>', String(seq)).orderBy('seq').execute();
    return rows.map((r) => JSON.parse(r.event) as Logged);
  }

  async function lastSeq(): Promise<number> {
    return Number((await server.db.selectFrom('log_chain_heads').select('seq').where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow()).seq);
  }

  it('lists the user\'s live sessions, newest first, marking the one asking, with network and app', async () => {
    const user = await newUser(f, 'ACTIVE');
    const first = await newSession(f, user);
    const second = await newSession(f, user);
    const stranger = await newSession(f);
    const res = await second.web('GET', '/api/v1/users/me/sessions');
    assert.equal(res.status, 200, res.text);
    const list = res.body as Record<string, any>[];
    assert.deepEqual(list.map((s) => s['id']), [second.id, first.id], 'only the user\'s own, newest first');
    assert.deepEqual(list.map((s) => s['current']), [true, false]);
    assert.equal(list[0]?.['app'], 'dashboard');
    assert.deepEqual(list[0]?.['amr'], ['pwd']);
    assert.equal(list[0]?.['ipAddress'], '127.0.0.1');
    assert.ok(!res.text.includes(stranger.id));
    for (const key of ['createdAt', 'lastSeenAt', 'expiresAt']) assert.ok(!Number.isNaN(Date.parse(list[0]?.[key])), key);
  });

  it('signs out of one session, the one asking stays; signing out of the one asking clears its cookie', async () => {
    const user = await newUser(f, 'ACTIVE');
    const elsewhere = await newSession(f, user);
    const here = await newSession(f, user);
    const seq = await lastSeq();
    const ended = await here.web('DELETE', `/api/v1/users/me/sessions/${elsewhere.id}`, undefined, pageHeaders(here.web, 'DELETE'));
    assert.equal(ended.status, 204, ended.text);
    assertOktaError(await elsewhere.web('GET', '/api/v1/sessions/me'), 404, 'E0000007');
    assert.equal((await here.web('GET', '/api/v1/sessions/me')).status, 200);
    const events = await eventsAfter(seq);
    assert.deepEqual(events.map((e) => e.eventType), ['user.session.end']);
    assert.ok(events[0]?.target.some((t) => t.type === 'Session' && t.id === elsewhere.id));

    const self = await here.web('DELETE', `/api/v1/users/me/sessions/${here.id}`, undefined, pageHeaders(here.web, 'DELETE'));
    assert.equal(self.status, 204, self.text);
    assert.equal(here.web.cookies.has('sid'), false, 'the cookie is cleared');
    assertOktaError(await here.web('GET', '/api/v1/sessions/me'), 404, 'E0000007');
  });

  it('signs out everywhere: every session of the user ends, the cookie is cleared, and it is logged as the user\'s clear', async () => {
    const user = await newUser(f, 'ACTIVE');
    const a = await newSession(f, user);
    const b = await newSession(f, user);
    const bystander = await newSession(f);
    const seq = await lastSeq();
    const res = await b.web('DELETE', '/api/v1/users/me/sessions', undefined, pageHeaders(b.web, 'DELETE'));
    assert.equal(res.status, 204, res.text);
    assert.equal(b.web.cookies.has('sid'), false, 'the cookie is cleared');
    for (const s of [a, b]) assertOktaError(await s.web('GET', '/api/v1/sessions/me'), 404, 'E0000007');
    assert.equal((await bystander.web('GET', '/api/v1/sessions/me')).status, 200, 'another user is not touched');
    const events = await eventsAfter(seq);
    assert.deepEqual(events.map((e) => e.eventType), ['user.session.clear']);
    assert.equal(events[0]?.debugContext.debugData['reason'], 'self');
    assert.deepEqual(String(events[0]?.debugContext.debugData['endedSessionIds']).split(',').sort(), [a.id, b.id].sort());
  });

  it('refuses another user\'s, another tenant\'s, ended and ill-formed session ids, and cross-site writes, changing nothing', async () => {
    const mine = await newSession(f);
    const theirs = await newSession(f);
    const foreign = await newSession(otherF);
    const gone = await newSession(f, mine.user);
    assert.equal((await gone.web('DELETE', '/api/v1/sessions/me', undefined, pageHeaders(gone.web, 'DELETE'))).status, 204);
    const before = await tenantState(server.db, tenant.id);
    const beforeOther = await tenantState(server.db, other.id);
    for (const id of [theirs.id, foreign.id, gone.id, `102${'a'.repeat(17)}`]) {
      assertOktaError(await mine.web('DELETE', `/api/v1/users/me/sessions/${id}`, undefined, pageHeaders(mine.web, 'DELETE')), 404, 'E0000007');
    }
    for (const id of ['x', `102${'a'.repeat(16)}!`, 'a'.repeat(21)]) {
      assertOktaError(await mine.web('DELETE', `/api/v1/users/me/sessions/${encodeURIComponent(id)}`, undefined, pageHeaders(mine.web, 'DELETE')), 400, 'E0000001');
    }
    const crossSite = { origin: 'https://evil.example' };
    assertOktaError(await mine.web('DELETE', '/api/v1/users/me/sessions', undefined, crossSite), 403, 'E0000006');
    assertOktaError(await mine.web('DELETE', `/api/v1/users/me/sessions/${mine.id}`, undefined, crossSite), 403, 'E0000006');
    assertOktaError(await hostClient(server.url, tenant.slug)('GET', '/api/v1/users/me/sessions'), 404, 'E0000007');
    assert.deepEqual(await tenantState(server.db, tenant.id), before);
    assert.deepEqual(await tenantState(server.db, other.id), beforeOther);
    assert.equal((await theirs.web('GET', '/api/v1/sessions/me')).status, 200);
    assert.equal((await foreign.web('GET', '/api/v1/sessions/me')).status, 200);
  });
});
