/**
 * The demo's first start (src/tenants/bootstrap.ts, demo-incident.ts) on a fresh database: `demo` ships with one
 * investigation, of a support account takeover played through the real services, whose blast radius over the
 * demo's own System Log shows the password and factor resets done under a real, approved and then revoked
 * support grant from the intruder's address; starting again adds nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../src/lib/clock.ts';
import { bootstrapDemoTenant, bootstrapSupportPlane, type DemoSupportPlane } from '../src/tenants/bootstrap.ts';
import { DEMO_DOMAIN, demoUsers } from '../src/tenants/demo-data.ts';
import { bootstrapDemoIncident, DEMO_INVESTIGATION } from '../src/tenants/demo-incident.ts';
import type { CreatedTenant } from '../src/tenants/service.ts';
import { serveOver, type AppOverDb } from './cli-helpers.ts';
import { apiClient, logCount, testConfig, testDatabase, type Api, type TestDatabase } from './helpers.ts';

const INTRUDER_IP = '146.70.117.23';
const TENANT_URL = 'http://demo.localhost:3000';

describe('the demo tenant at first start', () => {
  const config = testConfig({ BULWARK_SEED_DEMO: 'true' });
  let database: TestDatabase;
  let demo: CreatedTenant;
  let support: DemoSupportPlane;
  let server: AppOverDb;
  let api: Api;
  let tookMs: number;
  let investigationId: string | undefined;

  before(async () => {
    database = await testDatabase();
    demo = await bootstrapDemoTenant(database.db, systemClock, config) as CreatedTenant;
    assert.ok(demo, 'a fresh database gets the demo tenant');
    support = await bootstrapSupportPlane(database.db, systemClock, config) as DemoSupportPlane;
    const started = performance.now();
    investigationId = await bootstrapDemoIncident(database.db, systemClock, config, demo, support, TENANT_URL);
    tookMs = performance.now() - started;
    server = await serveOver(database.db, systemClock);
    api = apiClient(server.url, demo.apiToken);
  });
  after(async () => {
    await server?.close();
    await database?.drop();
  });

  const passwordPeople = demoUsers(DEMO_DOMAIN).filter((u) => u.password).map((u) => u.profile['login'] as string);

  it('ships one investigation, ready to open, whose blast radius is the takeover\'s resets', async (t) => {
    // How long it took is reported, not asserted: a timing is a benchmark's business, not a test's.
    t.diagnostic(`the incident took ${Math.round(tookMs)} ms`);
    const list = await api('GET', '/api/v1/investigations');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.map((i: { id: string; name: string }) => [i.id, i.name]), [[investigationId, DEMO_INVESTIGATION]]);
    const [saved] = list.body as { suspects: { actorIds: string[]; ips: string[] }; window: { since: string; until: string }; createdBy: { id: string } }[];
    assert.deepEqual(saved?.suspects.ips, [INTRUDER_IP]);
    assert.equal(saved?.createdBy.id, demo.adminId);
    const staffId = saved?.suspects.actorIds[0] as string;

    const blast = await api('GET', `/api/v1/investigations/${investigationId}/blast-radius`);
    assert.equal(blast.status, 200, blast.text);
    const byLogin = new Map((blast.body.users as { alternateId: string; eventTypes: string[] }[]).map((u) => [u.alternateId, u.eventTypes]));
    assert.equal(passwordPeople.length, 4);
    assert.deepEqual([...byLogin.keys()].sort(), [...passwordPeople].sort(), 'the users targeted are the people who had passwords');
    assert.deepEqual(passwordPeople.map((l) => byLogin.get(l)), [
      ['user.account.reset_password'], ['user.account.reset_password'], ['user.account.reset_password'], ['user.mfa.factor.reset_all'],
    ]);
    assert.deepEqual((blast.body.actions as { eventType: string }[]).map((a) => a.eventType).sort(), [
      'bulwark.support.access.request', 'bulwark.support.api.read', 'user.account.reset_password', 'user.mfa.factor.reset_all', 'user.session.impersonation.initiate',
    ]);
    assert.deepEqual((blast.body.actors as { id: string; type: string; ipAddresses: string[] }[]).map((a) => [a.id, a.type, a.ipAddresses]), [[staffId, 'SupportStaff', [INTRUDER_IP]]]);
    assert.equal(blast.body.totals.users, 4);

    const timeline = await api('GET', `/api/v1/investigations/${investigationId}/timeline?limit=100`);
    assert.equal(timeline.body.entries[0].eventType, 'bulwark.support.access.request', 'the intruder asked for access first');
    assert.ok((timeline.body.entries as { published: string }[]).every((e) => e.published >= saved!.window.since && e.published < saved!.window.until));
  });

  it('played the takeover through the services: a real grant, approved, used from the intruder\'s address, then revoked', async () => {
    const [grant] = (await api('GET', '/api/v1/support-access/grants')).body as { id: string; status: string; caseId: string; decision: { by: { id: string } }; staff: { name: string } }[];
    assert.equal(grant?.status, 'REVOKED');
    assert.equal(grant?.decision.by.id, demo.adminId);
    assert.equal(grant?.staff.name, 'Evelyn Berezin');
    const resets = await api('GET', `/api/v1/logs?filter=${encodeURIComponent('eventType eq "user.account.reset_password"')}`);
    assert.equal(resets.body.length, 3);
    for (const e of resets.body as { actor: { type: string; detailEntry: Record<string, string> }; transaction: { detail: Record<string, string> }; client: { ipAddress: string } }[]) {
      assert.equal(e.actor.type, 'SupportStaff');
      assert.deepEqual(e.actor.detailEntry, { caseId: grant?.caseId, supportAccessGrantId: grant?.id, supportPlane: 'commercial' });
      assert.deepEqual(e.transaction.detail, { caseId: grant?.caseId, supportAccessGrantId: grant?.id });
      assert.equal(e.client.ipAddress, INTRUDER_IP);
    }
    for (const login of passwordPeople.slice(0, 3)) {
      const user = await api('GET', `/api/v1/users/${encodeURIComponent(login)}`);
      assert.equal(user.body.status, 'RECOVERY', `${login}'s password was reset`);
    }
    const alerts = (await api('GET', '/api/v1/alerts')).body as { type: string }[];
    assert.ok(alerts.some((a) => a.type === 'SUPPORT_ACCESS_REQUESTED'), 'the admins were told of the request');
  });

  it('adds nothing when the demo is bootstrapped again', async () => {
    const before = await logCount(database.db, demo.tenant.id);
    assert.equal(await bootstrapDemoTenant(database.db, systemClock, config), undefined);
    assert.equal(await bootstrapDemoIncident(database.db, systemClock, config, demo, support, TENANT_URL), undefined);
    assert.equal((await api('GET', '/api/v1/investigations')).body.length, 1);
    assert.equal(await logCount(database.db, demo.tenant.id), before);
  });
});
