/**
 * A tenant's saved investigations over its own live System Log (/api/v1/investigations): what an admin saves,
 * what the questions answer after real API activity, the signed report and its logged download, and what is
 * refused: bad incidents (nothing written), another tenant's investigation, another tenant's events.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readReportPublicKey, verifyReport } from '../src/forensics/report-signing.ts';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type Api, type TestServer, type TestTenant } from './helpers.ts';

type Row = { eventType: string; event: { debugContext: { debugData: Record<string, unknown> }; target: { id: string; type: string }[] } };

describe('/api/v1/investigations', () => {
  let server: TestServer;
  let acme: TestTenant;
  let other: TestTenant;
  let api: Api;
  let otherApi: Api;
  const users: Record<string, string> = {};
  const window = () => ({ since: new Date(Date.now() - 600_000).toISOString(), until: new Date(Date.now() + 600_000).toISOString() });

  async function lastEvents(tenantId: string, n: number): Promise<Row[]> {
    const rows = await server.db.selectFrom('log_events').select(['event_type', 'event']).where('tenant_id', '=', tenantId).orderBy('seq', 'desc').limit(n).execute();
    return rows.map((r) => ({ eventType: r.event_type, event: JSON.parse(r.event) as Row['event'] }));
  }

  before(async () => {
    server = await startTestServer();
    acme = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    api = apiClient(server.url, acme.token);
    otherApi = apiClient(server.url, other.token);
    for (const [t, call] of [[acme, api], [other, otherApi]] as const) {
      for (const name of ['ann', 'bob']) {
        const res = await call('POST', '/api/v1/users?activate=true', { profile: { login: `${name}@${t.slug}.example`, email: `${name}@${t.slug}.example`, firstName: name, lastName: 'Test' }, credentials: { password: { value: 'Quiet-Harbor-Lantern-42' } } });
        assert.equal(res.status, 200, res.text);
        if (t === acme) users[name] = res.body.id as string;
      }
    }
    assert.equal((await api('POST', `/api/v1/users/${users['ann']}/lifecycle/reset_password?sendEmail=true`)).status, 200);
    // The other tenant's admin is the suspect of nothing here: its events must never reach acme's answers.
  });
  after(() => server.close());

  it('saves an investigation and answers its questions over the tenant\'s own System Log', async () => {
    const created = await api('POST', '/api/v1/investigations', { name: 'Admin token misuse', window: window(), suspects: { actorIds: [acme.adminId, other.adminId] } });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    assert.match(id, /^inv/);
    assert.equal(created.body.createdBy.id, acme.adminId);
    const [logged] = await lastEvents(acme.id, 1);
    assert.equal(logged?.eventType, 'bulwark.investigation.create');
    assert.deepEqual(logged?.event.target.map((t) => [t.id, t.type]), [[id, 'Investigation']]);

    const list = await api('GET', '/api/v1/investigations');
    assert.deepEqual(list.body.map((i: { id: string }) => i.id), [id]);
    assert.deepEqual((await otherApi('GET', '/api/v1/investigations')).body, []);

    const blast = await api('GET', `/api/v1/investigations/${id}/blast-radius`);
    assert.equal(blast.status, 200, blast.text);
    assert.deepEqual(blast.body.tenants.map((t: { tenant: string }) => t.tenant), [acme.id]);
    assert.deepEqual(blast.body.actors.map((a: { id: string }) => a.id), [acme.adminId]);
    const targeted = new Set(blast.body.users.map((u: { id: string }) => u.id));
    assert.ok(targeted.has(users['ann']) && targeted.has(users['bob']), JSON.stringify(blast.body.users));
    const types = blast.body.actions.map((a: { eventType: string }) => a.eventType);
    for (const t of ['user.lifecycle.create', 'user.account.reset_password', 'bulwark.investigation.create']) assert.ok(types.includes(t), types.join());

    const first = await api('GET', `/api/v1/investigations/${id}/timeline?limit=2`);
    assert.equal(first.body.entries.length, 2);
    assert.ok(first.body.next);
    const rest = await api('GET', `/api/v1/investigations/${id}/timeline?limit=1000&after=${encodeURIComponent(first.body.next as string)}`);
    assert.equal(first.body.entries.length + rest.body.entries.length, blast.body.totals.events);
    assert.equal(rest.body.next, null);

    const ip = blast.body.actors[0].ipAddresses[0] as string;
    const byIp = await api('GET', `/api/v1/investigations/${id}/pivots/ip?value=${encodeURIComponent(ip)}`);
    assert.deepEqual(byIp.body.map((a: { actorId: string }) => a.actorId), [acme.adminId]);
  });

  it('hands out the signed impact report and logs what left', async () => {
    const id = (await api('POST', '/api/v1/investigations', { name: 'Report', window: window(), suspects: { actorIds: [acme.adminId] } })).body.id as string;
    const res = await fetch(`${server.url}/api/v1/investigations/${id}/report?format=json`, { headers: { authorization: `SSWS ${acme.token}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="impact-report-inv\w+\.json"/);
    const content = Buffer.from(await res.arrayBuffer());
    const signature = Buffer.from(res.headers.get('bulwark-report-signature') ?? '', 'base64url').toString('utf8');
    const key = readReportPublicKey(server.config.dataDir);
    assert.ok(key);
    assert.deepEqual(verifyReport(content, signature, key).ok, true);
    const altered = Buffer.from(content);
    altered[10] = altered[10] === 0x41 ? 0x42 : 0x41;
    assert.equal(verifyReport(altered, signature, key).ok, false);

    const report = JSON.parse(content.toString('utf8')) as { tenant: { id: string }; actions: { actor: { id: string } }[] };
    assert.equal(report.tenant.id, acme.id);
    assert.ok(report.actions.length > 0 && report.actions.every((a) => a.actor.id === acme.adminId));
    const [logged] = await lastEvents(acme.id, 1);
    assert.equal(logged?.eventType, 'bulwark.investigation.report.download');
    const sig = JSON.parse(signature) as { sha256: string };
    assert.deepEqual([logged?.event.debugContext.debugData['format'], logged?.event.debugContext.debugData['sha256'], logged?.event.debugContext.debugData['bytes']], ['json', sig.sha256, content.length]);
  });

  it('keeps each tenant to its own investigations and its own events', async () => {
    const id = (await api('POST', '/api/v1/investigations', { name: 'Mine', window: window(), suspects: { actorIds: [acme.adminId] } })).body.id as string;
    for (const path of ['', '/blast-radius', '/timeline', '/pivots/ip?value=127.0.0.1', '/report?format=json']) {
      assertOktaError(await otherApi('GET', `/api/v1/investigations/${id}${path}`), 404, 'E0000007');
    }
    const before = await logCount(server.db, acme.id);
    assertOktaError(await otherApi('DELETE', `/api/v1/investigations/${id}`), 404, 'E0000007');
    assert.equal(await logCount(server.db, acme.id), before);
    // The other tenant, suspecting acme's admin, finds nothing in its own log.
    const theirs = (await otherApi('POST', '/api/v1/investigations', { name: 'Theirs', window: window(), suspects: { actorIds: [acme.adminId] } })).body.id as string;
    const blast = await otherApi('GET', `/api/v1/investigations/${theirs}/blast-radius`);
    assert.deepEqual([blast.body.totals.events, blast.body.tenants], [0, []]);
  });

  it('refuses a bad incident with the reason and writes nothing', async () => {
    const w = window();
    const bad: [unknown, RegExp][] = [
      [{ name: 'x', window: { since: w.until, until: w.since }, suspects: { actorIds: ['a'] } }, /since must be before until/],
      [{ name: 'x', window: { since: '2026-01-01', until: w.until }, suspects: { actorIds: ['a'] } }, /ISO 8601 time with a zone/],
      [{ name: 'x', window: { since: '2020-01-01T00:00:00Z', until: '2022-01-01T00:00:00Z' }, suspects: { actorIds: ['a'] } }, /at most 366 days/],
      [{ name: 'x', window: w, suspects: {} }, /name at least one/],
      [{ name: 'x', window: w, suspects: { cidrs: ['10.0.0.0/40'] } }, /not a CIDR block/],
      [{ name: 'x', window: w, suspects: { ips: ['10.0.0.256'] } }, /IPv4 or IPv6/],
      [{ name: 'x', window: w, suspects: { actorIds: ['a'], nickname: ['b'] } }, /./],
      [{ window: w, suspects: { actorIds: ['a'] } }, /./],
    ];
    const before = await logCount(server.db, acme.id);
    for (const [body, message] of bad) {
      const res = await api('POST', '/api/v1/investigations', body);
      assertOktaError(res, 400, 'E0000001');
      assert.match(res.body.errorSummary + JSON.stringify(res.body.errorCauses), message, res.text);
    }
    assertOktaError(await api('POST', '/api/v1/investigations', '{"name": '), 400, 'E0000003');
    assertOktaError(await api('GET', '/api/v1/investigations/inv00000000000000000'), 404, 'E0000007');
    assertOktaError(await api('GET', '/api/v1/investigations/not-an-id'), 400, 'E0000001');
    assert.equal(await logCount(server.db, acme.id), before);
  });

  it('deletes an investigation, logged', async () => {
    const id = (await api('POST', '/api/v1/investigations', { name: 'Short-lived', window: window(), suspects: { ips: ['192.0.2.1'] } })).body.id as string;
    assert.equal((await api('DELETE', `/api/v1/investigations/${id}`)).status, 204);
    const [logged] = await lastEvents(acme.id, 1);
    assert.equal(logged?.eventType, 'bulwark.investigation.delete');
    assertOktaError(await api('GET', `/api/v1/investigations/${id}`), 404, 'E0000007');
    assertOktaError(await api('DELETE', `/api/v1/investigations/${id}`), 404, 'E0000007');
  });
});
