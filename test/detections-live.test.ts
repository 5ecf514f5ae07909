/**
 * The detection worker over the live System Log: a real server, actions through the real API (or, for support
 * staff across tenants, their events through the real append path), the worker as the server runs it, and
 * what an admin then sees: the alert in /api/v1/alerts and its `bulwark.detection.alert` event in the System
 * Log. Then the guarantees: no alert twice across a restart, one worker among several, and an alert about
 * several tenants raised in the support plane only.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadSigmaRules, type SigmaRule } from '../src/detections/sigma-load.ts';
import { parseThresholds } from '../src/detections/thresholds.ts';
import { startDetectionWorker, type DetectionWorker } from '../src/detections/worker.ts';
import { systemClock } from '../src/lib/clock.ts';
import type { AuditContext } from '../src/syslog/log-event.ts';
import { recordEvent } from '../src/syslog/service.ts';
import { createSupportPlane } from '../src/tenants/service.ts';
import { apiClient, createTestTenant, sharedDataDir, startTestServer, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { documentedBulwarkTypes, oktaEventTypes, problemsOf } from './support/log-event-checks.ts';
import type { LogEventJson } from './support/log-reader.ts';

type AlertJson = { id: string; type: string; severity: string; userId: string | null; details: Record<string, unknown> };

const ADMIN_ROLE_ASSIGNED = '413d4a81-6c98-4479-9863-014785fd579c';

/** Polls `probe` until it answers, for at most `ms`: the worker runs on its own time. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('detections over the live System Log', () => {
  let server: TestServer;
  let acme: TestTenant;
  let api: Api;
  let sigma: SigmaRule[];
  let worker: DetectionWorker;
  const thresholds = (() => {
    const parsed = parseThresholds('supportTenants=3');
    assert.ok(parsed.ok);
    return parsed.value;
  })();
  const start = () => startDetectionWorker({ db: server.db, clock: server.clock, sigma, thresholds, intervalMs: 100, onError: (err) => console.error(err) });

  const alerts = async (call: Api = api): Promise<AlertJson[]> => {
    const res = await call('GET', '/api/v1/alerts?limit=200');
    assert.equal(res.status, 200, res.text);
    return res.body as AlertJson[];
  };
  const events = async (filter: string): Promise<LogEventJson[]> => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const res = await api('GET', `/api/v1/logs?since=${since}&limit=1000&filter=${encodeURIComponent(filter)}`);
    assert.equal(res.status, 200, res.text);
    return res.body as LogEventJson[];
  };
  /** Every tenant's cursor has reached its chain head (the worker's own alert events included). */
  const caughtUp = async (): Promise<true | undefined> => {
    const { rows } = await sql<{ n: string }>`select count(*) as n from log_chain_heads h left join detection_cursors c using (tenant_id) where h.seq > coalesce(c.seq, 0)`.execute(server.db);
    return Number(rows[0]?.n) === 0 ? true : undefined;
  };
  async function newUser(name: string): Promise<string> {
    const login = `${name}@${acme.slug}.example`;
    const res = await api('POST', '/api/v1/users?activate=true', { profile: { login, email: login, firstName: name, lastName: 'Test' }, credentials: { password: { value: 'Quiet-Harbor-Lantern-42' } } });
    assert.equal(res.status, 200, res.text);
    return res.body.id as string;
  }

  before(async () => {
    server = await startTestServer();
    acme = await createTestTenant(server.db);
    api = apiClient(server.url, acme.token);
    const loaded = await loadSigmaRules(join(sharedDataDir(), 'sigma-okta'), { placeholders: { legtimate_identifiers: [`@${acme.slug}.example.com`] } });
    assert.deepEqual(loaded.unsupported, []);
    sigma = loaded.rules;
    worker = start();
  });
  after(async () => {
    await worker.stop();
    await server.close();
  });

  it('raises privilege-after-reset when a user is granted SUPER_ADMIN minutes after a password reset, with its System Log event', async () => {
    const ann = await newUser('ann');
    assert.equal((await api('POST', `/api/v1/users/${ann}/lifecycle/reset_password?sendEmail=true`)).status, 200);
    assert.equal((await api('POST', `/api/v1/users/${ann}/roles`, { type: 'SUPER_ADMIN' })).status, 201);

    const alert = await eventually('the alert', async () => (await alerts()).find((a) => a.type === 'PRIVILEGE_AFTER_RESET'));
    const [reset] = await events(`eventType eq "user.account.reset_password" and target.id eq "${ann}"`);
    const [grant] = await events(`eventType eq "user.account.privilege.grant" and target.id eq "${ann}"`);
    assert.ok(reset && grant);
    assert.equal(alert.severity, 'HIGH');
    assert.equal(alert.userId, ann);
    assert.equal(alert.details['rule'], 'privilege-after-reset');
    assert.deepEqual(alert.details['events'], [reset.uuid, grant.uuid]);
    assert.equal(alert.details['role'], 'SUPER_ADMIN');

    // The Sigma rule for an admin role assigned fires on the same grant, linking it.
    const sigmaAlert = (await alerts()).find((a) => a.type === 'SIGMA_MATCH' && a.details['sigmaRuleId'] === ADMIN_ROLE_ASSIGNED);
    assert.deepEqual(sigmaAlert?.details['events'], [grant.uuid]);
    assert.equal(sigmaAlert?.severity, 'MEDIUM');

    const logged = await eventually('the alert events', async () => {
      const found = await events('eventType eq "bulwark.detection.alert"');
      return found.length >= 2 ? found : undefined;
    });
    const mine = logged.find((e) => e.target[0]?.id === alert.id) as LogEventJson & { actor: { type: string; id: string }; debugContext: { debugData: Record<string, unknown> } };
    assert.ok(mine, 'an event names the alert');
    assert.deepEqual(mine.target.map((t) => [t.type, t.alternateId]), [['SecurityAlert', 'PRIVILEGE_AFTER_RESET']]);
    assert.equal(mine.debugContext.debugData['rule'], 'privilege-after-reset');
    assert.equal(mine.debugContext.debugData['matchedEvents'], `${reset.uuid},${grant.uuid}`);
    assert.deepEqual([mine.actor.type, mine.actor.id], ['SystemPrincipal', 'bulwark-detections']);
    assert.deepEqual(problemsOf(logged, oktaEventTypes(), documentedBulwarkTypes()), []);
  });

  it('raises no privilege-after-reset for a role granted to a user whose password was never reset', async () => {
    const bob = await newUser('bob');
    assert.equal((await api('POST', `/api/v1/users/${bob}/roles`, { type: 'ORG_ADMIN' })).status, 201);
    // The Sigma alert for the grant shows the worker has read it.
    await eventually('the grant read', async () => (await alerts()).find((a) => a.userId === bob && a.details['sigmaRuleId'] === ADMIN_ROLE_ASSIGNED));
    assert.deepEqual((await alerts()).filter((a) => a.userId === bob && a.type === 'PRIVILEGE_AFTER_RESET'), []);
  });

  it('raises no alert twice across a restart, and the restarted worker carries on from the cursors', async () => {
    await eventually('the worker to catch up', caughtUp);
    await worker.stop();
    const before = (await alerts()).map((a) => a.id).sort();
    const cal = await newUser('cal');
    assert.equal((await api('POST', `/api/v1/users/${cal}/lifecycle/reset_password?sendEmail=true`)).status, 200);
    assert.equal((await api('POST', `/api/v1/users/${cal}/roles`, { type: 'READ_ONLY_ADMIN' })).status, 201);

    worker = start();
    await eventually('the new alert', async () => (await alerts()).find((a) => a.type === 'PRIVILEGE_AFTER_RESET' && a.userId === cal));
    await eventually('the worker to catch up', caughtUp);
    const now = await alerts();
    assert.deepEqual(now.map((a) => a.id).filter((id) => before.includes(id)).sort(), before, 'every earlier alert is still there');
    const fresh = now.filter((a) => !before.includes(a.id));
    assert.ok(fresh.every((a) => a.userId === cal), `only cal's alerts are new: ${JSON.stringify(fresh.map((a) => [a.type, a.userId]))}`);
    assert.equal(now.filter((a) => a.type === 'PRIVILEGE_AFTER_RESET').length, 2);
  });

  it('runs in one process only: a second worker waits on the lock, and takes over when the first stops', async () => {
    const second = start();
    try {
      const dan = await newUser('dan');
      await eventually('the first worker to read it', async () => (await alerts()).find((a) => a.userId === dan));
      await eventually('the worker to catch up', caughtUp);
      assert.equal(second.stats().leader, false);
      assert.equal(second.stats().cycles, 0);
      assert.equal((await alerts()).filter((a) => a.userId === dan).length, 1, 'one alert for the new user, not one per worker');

      await worker.stop();
      await eventually('the second worker to take the lock', async () => (second.stats().leader ? true : undefined));
      const eve = await newUser('eve');
      await eventually('the second worker to read it', async () => (await alerts()).find((a) => a.userId === eve));
    } finally {
      worker = second;
    }
  });

  it("raises support-principal-many-tenants in the support plane of the staff member's cell, and in none of the customers' tenants", async () => {
    const plane = await createSupportPlane(server.db, systemClock, { cell: 'commercial', adminEmail: 'it@staff.example.com' });
    const customers = [acme, await createTestTenant(server.db), await createTestTenant(server.db)];
    const staff: AuditContext = {
      actor: { alternateId: 'sam@support.example', detailEntry: { supportPlane: 'commercial' }, displayName: 'Sam Support', id: 'staff-sam', type: 'SupportStaff' },
      ipAddress: '203.0.113.9', userAgent: 'Mozilla/5.0', transaction: { detail: {}, id: 'req-sam', type: 'WEB' }, requestUri: '/api/v1/users',
    };
    // What a support read under a grant appends to each tenant's log (src/support-access); the plane's own log does not count.
    for (const tenant of [plane.tenant.id, ...customers.map((c) => c.id)]) {
      await server.db.transaction().execute((tx) => recordEvent(tx, systemClock, tenant, staff, { eventType: 'bulwark.support.api.read', displayMessage: 'Support staff read the organization\'s data', debugData: { route: '/api/v1/users' } }));
    }
    const planeApi = apiClient(server.url, plane.apiToken);
    const alert = await eventually('the plane alert', async () => (await alerts(planeApi)).find((a) => a.type === 'SUPPORT_PRINCIPAL_MANY_TENANTS'));
    assert.equal(alert.userId, 'staff-sam');
    assert.deepEqual([...(alert.details['tenants'] as string[])].sort(), customers.map((c) => c.id).sort());
    for (const customer of customers) {
      assert.deepEqual((await alerts(apiClient(server.url, customer.token))).filter((a) => a.type === 'SUPPORT_PRINCIPAL_MANY_TENANTS'), [], 'a customer never sees the others\' tenants');
    }
  });
});
