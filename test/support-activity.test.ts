/**
 * Access transparency (docs/support-access.md): a tenant's admins watch support activity live, over real
 * server-sent events, each event the moment its transaction commits and never before; a viewer that drops
 * resumes where it was; the tenant takes the whole history away as CSV or NDJSON. Reads under a grant are
 * support activity too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { AuditContext } from '../src/syslog/log-event.ts';
import { recordEvent } from '../src/syslog/service.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, tokenWithRole, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { newUser, ok, unique, type Fixture } from './support/fixtures.ts';
import { helpCenterCustomer, newStaffMember, newSupportPlane, type SupportPlane } from './support/help-center.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { lastSeqOf } from './support/sign-on.ts';
import { openSse, type SseStream } from './support/sse.ts';

type Event = { uuid: string; eventType: string; actor: { type: string; displayName: string }; debugContext: { debugData: Record<string, unknown> } };

describe('support activity, live and as history', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let f: Fixture;
  let plane: SupportPlane;
  let agent: { hc: HostClient; id: string };
  let caseId: string;
  const streams: SseStream[] = [];

  before(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    plane = await newSupportPlane(server, server.clock, 'commercial');
    agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    caseId = ok(await customer.hc('POST', '/help/v1/cases', { title: unique('Locked out'), description: 'Nobody can sign in.', severity: 'SEV1', productArea: 'SIGN_IN' }), 'case').body.id as string;
  });
  after(async () => {
    for (const s of streams) s.close();
    await server.close();
  });

  async function watch(token: string, query = '', headers: Record<string, string> = {}): Promise<SseStream> {
    const stream = await openSse(`${server.url}/api/v1/support-access/activity${query}`, { authorization: `SSWS ${token}`, ...headers });
    streams.push(stream);
    return stream;
  }
  const activity = (s: SseStream) => s.messages.filter((m) => m.event === 'activity').map((m) => ({ seq: Number(m.id), event: JSON.parse(m.data) as Event }));
  const arrives = (s: SseStream, type: string) => s.next((m) => m.event === 'activity' && (JSON.parse(m.data) as Event).eventType === type);

  /** Staff ask for access with `scopes`, the tenant approves, staff take a token: a client acting under it. */
  async function supportSession(scopes: string[]): Promise<{ grantId: string; as: (method: string, path: string) => ReturnType<HostClient> }> {
    const asked = ok(await agent.hc('POST', `/help/v1/staff/cases/${caseId}/access-requests`, { scopes, justification: 'The customer cannot sign in; I need to look.' }), 'ask').body as { id: string };
    ok(await f.api('POST', `/api/v1/support-access/grants/${asked.id}/approve`, {}), 'approve');
    const { token } = ok(await agent.hc('POST', `/help/v1/staff/access-grants/${asked.id}/token`), 'token').body as { token: string };
    const web = hostClient(server.url, tenant.slug);
    return { grantId: asked.id, as: (method, path) => web(method, path, undefined, { authorization: `Support ${token}` }) };
  }

  it('streams each step of a grant and each support action as it commits, with its place in the log, and nothing else', async () => {
    const live = await watch(tenant.token);
    assert.equal(live.status, 200);
    assert.match(live.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(live.headers.get('cache-control'), 'no-store');
    const seq = await lastSeqOf(server.db, tenant.id);

    const { as } = await supportSession(['okta.users.read', 'okta.users.factors.reset']);
    await arrives(live, 'user.session.impersonation.initiate');
    const user = await newUser(f, 'ACTIVE');
    assert.equal((await as('GET', `/api/v1/users?search=${encodeURIComponent(`profile.login eq "${user.login}"`)}`)).status, 200);
    assert.equal((await as('POST', `/api/v1/users/${user.id}/lifecycle/reset_factors`)).status, 200);
    const reset = await arrives(live, 'user.mfa.factor.reset_all');

    const seen = activity(live).filter((a) => a.seq > seq);
    assert.deepEqual(seen.map((a) => a.event.eventType), [
      'bulwark.support.access.request', 'user.session.impersonation.grant', 'user.session.impersonation.initiate', 'bulwark.support.api.read', 'user.mfa.factor.reset_all',
    ], 'the admin\'s own user creation is not support activity');
    const read = seen[3]?.event;
    assert.equal(read?.actor.type, 'SupportStaff');
    assert.deepEqual([read?.debugContext.debugData['route'], read?.debugContext.debugData['query']], ['/api/v1/users', `search=${encodeURIComponent(`profile.login eq "${user.login}"`)}`]);
    assert.equal(JSON.parse(reset.data).actor.type, 'SupportStaff');
    const stored = await server.db.selectFrom('log_events').select(['seq', 'uuid']).where('tenant_id', '=', tenant.id).where('seq', '>', String(seq)).orderBy('seq').execute();
    for (const a of seen) assert.equal(stored.find((r) => Number(r.seq) === a.seq)?.uuid, a.event.uuid, 'each message id is the event\'s seq');
    assert.deepEqual(seen.map((a) => a.seq), [...seen.map((a) => a.seq)].sort((x, y) => x - y), 'in log order');
  });

  it('announces nothing that rolls back, and another tenant\'s viewers see none of it', async () => {
    const live = await watch(tenant.token);
    const elsewhere = await watch(other.token);
    const audit: AuditContext = {
      actor: { alternateId: 'agent@staff.example.com', detailEntry: null, displayName: 'Rolled Back', id: '00uroll', type: 'SupportStaff' },
      ipAddress: null, userAgent: null, transaction: { detail: {}, id: 'rollback-test', type: 'WEB' }, requestUri: null,
    };
    const attempt = server.db.transaction().execute(async (tx) => {
      await recordEvent(tx, server.clock, tenant.id, audit, { eventType: 'bulwark.support.api.read', displayMessage: 'never committed' });
      throw new Error('roll back');
    });
    await assert.rejects(attempt, /roll back/);
    const { as } = await supportSession(['okta.users.read']);
    assert.equal((await as('GET', '/api/v1/users?limit=1')).status, 200);
    await arrives(live, 'bulwark.support.api.read');
    assert.ok(!activity(live).some((a) => a.event.actor.displayName === 'Rolled Back'), 'a rolled-back event never reaches a viewer');
    // The other tenant's own support activity arrives; this tenant's never does.
    const otherAgentCase = await helpCenterCustomer(server, { db: server.db, tenantId: other.id, api: apiClient(server.url, other.token) }, other.slug);
    const kase = ok(await otherAgentCase.hc('POST', '/help/v1/cases', { title: 'Other', description: 'x', severity: 'SEV3', productArea: 'SSO' }), 'case').body.id as string;
    ok(await agent.hc('POST', `/help/v1/staff/cases/${kase}/access-requests`, { scopes: ['okta.users.read'], justification: 'Another organization asks too.' }), 'ask other');
    await arrives(elsewhere, 'bulwark.support.access.request');
    const mine = new Set(activity(live).map((a) => a.event.uuid));
    assert.ok(!activity(elsewhere).some((a) => mine.has(a.event.uuid)));
  });

  it('resumes after the last event a viewer saw, by Last-Event-ID or after, and answers a page of JSON to a client that polls', async () => {
    const seq = await lastSeqOf(server.db, tenant.id);
    const { as } = await supportSession(['okta.users.read']);
    for (let i = 0; i < 3; i += 1) assert.equal((await as('GET', '/api/v1/users?limit=1')).status, 200);
    const expected = (await server.db.selectFrom('log_events').select(['seq', 'event_type']).where('tenant_id', '=', tenant.id).where('seq', '>', String(seq)).orderBy('seq').execute())
      .filter((r) => r.event_type.startsWith('bulwark.support') || r.event_type.startsWith('user.session.impersonation'));
    assert.equal(expected.length, 6, 'request, grant, initiate and three reads');

    const byHeader = await watch(tenant.token, '', { 'last-event-id': String(seq) });
    const byQuery = await watch(tenant.token, `?after=${expected[2]?.seq}`);
    await byHeader.next((m) => m.id === expected.at(-1)?.seq);
    await byQuery.next((m) => m.id === expected.at(-1)?.seq);
    assert.deepEqual(activity(byHeader).map((a) => a.seq), expected.map((r) => Number(r.seq)));
    assert.deepEqual(activity(byQuery).map((a) => a.seq), expected.slice(3).map((r) => Number(r.seq)));

    const polled = ok(await f.api('GET', `/api/v1/support-access/activity?after=${seq}`), 'poll').body as Event[];
    assert.deepEqual(polled.map((e) => e.eventType), expected.map((r) => r.event_type));
    const recent = ok(await f.api('GET', '/api/v1/support-access/activity'), 'recent').body as Event[];
    assert.ok(recent.length > 0 && recent.length <= 50);
    assert.equal(recent.at(-1)?.eventType, 'bulwark.support.api.read');
  });

  it('lets only admins who may read support access watch, and refuses bad input without writing anything', async () => {
    const helpdesk = await tokenWithRole(server.db, tenant.id, 'HELP_DESK_ADMIN');
    const readOnly = await tokenWithRole(server.db, tenant.id, 'READ_ONLY_ADMIN');
    const seq = await lastSeqOf(server.db, tenant.id);
    assert.equal((await watch(helpdesk.token)).status, 403);
    assert.equal((await watch(tenant.token, '?after=-1')).status, 400);
    assert.equal((await watch(tenant.token, '?after=x')).status, 400);
    assertOktaError(await f.api('GET', '/api/v1/support-access/activity?since=2020-01-01T00:00:00Z'), 400, 'E0000001');
    assert.equal((await watch(readOnly.token)).status, 200);
    const { as } = await supportSession(['okta.users.read', 'okta.logs.read']);
    assertOktaError(await as('GET', '/api/v1/support-access/activity'), 403, 'E0000006');
    const writes = (await server.db.selectFrom('log_events').select('event_type').where('tenant_id', '=', tenant.id).where('seq', '>', String(seq)).orderBy('seq').execute()).map((r) => r.event_type);
    assert.deepEqual(writes, ['bulwark.support.access.request', 'user.session.impersonation.grant', 'user.session.impersonation.initiate'], 'the refused calls wrote nothing, not even a read');
  });

  it('exports the tenant\'s support-access history as CSV and NDJSON, within a window', async () => {
    const api: Api = f.api;
    const csv = await api('GET', '/api/v1/support-access/history');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', new RegExp(`attachment; filename="support-access-${tenant.slug}-`));
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    const logged = (await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).orderBy('seq').execute()).map((r) => JSON.parse(r.event) as Event & { actor: { type: string } });
    const support = logged.filter((e) => e.actor.type === 'SupportStaff' || /^(user\.session\.impersonation|bulwark\.support\.access)\./.test(e.eventType));
    assert.deepEqual(rows.map((r) => r['uuid']), support.map((e) => e.uuid));
    const resetRow = rows.find((r) => r['eventType'] === 'user.mfa.factor.reset_all');
    assert.equal(resetRow?.['actorType'], 'SupportStaff');
    assert.match(resetRow?.['supportAccessGrantId'] ?? '', /^sag/);
    assert.equal(resetRow?.['caseId'], caseId);

    const ndjson = await api('GET', '/api/v1/support-access/history?format=ndjson');
    assert.deepEqual(ndjson.text.trim().split('\n').map((l) => (JSON.parse(l) as Event).uuid), support.map((e) => e.uuid));
    const future = await api('GET', `/api/v1/support-access/history?since=${new Date(Date.now() + 3_600_000).toISOString()}&until=${new Date(Date.now() + 7_200_000).toISOString()}`);
    assert.deepEqual(parse(future.text, { columns: true }), [], 'an empty window: the header only');
    assert.equal(future.text.trim(), 'published,eventType,displayMessage,outcome,actorType,actor,actorId,supportAccessGrantId,caseId,targets,ipAddress,uuid');

    assertOktaError(await api('GET', '/api/v1/support-access/history?format=pdf'), 400, 'E0000001');
    assertOktaError(await api('GET', '/api/v1/support-access/history?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z'), 400, 'E0000001');
    assertOktaError(await api('GET', '/api/v1/support-access/history?since=2020-01-01T00:00:00Z&until=2026-01-01T00:00:00Z'), 400, 'E0000001');
    const stranger = await apiClient(server.url, other.token)('GET', '/api/v1/support-access/history?format=ndjson');
    assert.ok(!support.some((e) => stranger.text.includes(e.uuid)), 'another tenant exports only its own');
  });
});
