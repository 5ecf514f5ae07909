/**
 * Every event the server writes is a well-formed Okta LogEvent with an Okta event type: each route that
 * changes state is called, then the tenant's whole System Log is read back over HTTP and each event checked
 * against the strict Bulwark profile of the LogEvent schema and against Okta's published event-type catalog.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { purgeExpiredEvents } from '../src/syslog/retention.ts';
import { setLogRetention } from '../src/tenants/service.ts';
import { apiClient, createTestTenant, startTestServer, tokenWithRole, type TestServer, type TestTenant } from './helpers.ts';
import { addMember, grant, newGroup, newToken, newUser, PASSWORD, profileOf, type Fixture } from './support/fixtures.ts';
import { documentedBulwarkTypes, oktaEventTypes, problemsOf } from './support/log-event-checks.ts';
import { readAllEvents } from './support/log-reader.ts';
import { methodOf, ROUTES } from './support/route-catalog.ts';

describe('every System Log event the server writes', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let okta: Set<string>;
  let bulwark: Set<string>;

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    okta = oktaEventTypes();
    bulwark = documentedBulwarkTypes();
  });
  after(() => server.close());

  it('reads the catalogs it checks against', () => {
    assert.ok(okta.size > 1000, `${okta.size} Okta event types`);
    assert.ok(okta.has('user.lifecycle.create'));
    assert.ok(bulwark.has('bulwark.tenant.create'));
  });

  it('validates every event of a tenant after every route that writes has been called', async () => {
    for (const [key, entry] of Object.entries(ROUTES)) {
      if (!entry.writes) continue;
      const call = await entry.prepare(f);
      const res = await f.api(methodOf(key), call.path, call.body);
      assert.equal(res.status, entry.ok, `${key}: ${res.text}`);
    }
    // The paths through the services that the catalog's one call per route does not take.
    const group = await newGroup(f);
    const created = await f.api('POST', '/api/v1/users', { profile: profileOf('member@events.example.com'), credentials: { password: { value: PASSWORD } }, groupIds: [group.id] });
    assert.equal(created.status, 200, created.text);
    const id = created.body.id as string;
    assert.equal((await f.api('POST', `/api/v1/users/${id}`, { profile: { email: 'moved@events.example.com' }, credentials: { password: { value: `${PASSWORD}-new` } } })).status, 200);
    const roleA = await grant(f, id, 'READ_ONLY_ADMIN');
    await grant(f, id, 'HELP_DESK_ADMIN');
    assert.equal((await f.api('DELETE', `/api/v1/users/${id}/roles/${roleA}`)).status, 204);
    const roles = await f.api('GET', `/api/v1/users/${id}/roles`);
    assert.equal((await f.api('DELETE', `/api/v1/users/${id}/roles/${roles.body[0].id}`)).status, 204);
    const admin = await tokenWithRole(server.db, tenant.id, 'ORG_ADMIN');
    assert.equal((await f.api('POST', `/api/v1/users/${admin.userId}/lifecycle/deactivate`)).status, 200);
    const leaving = await newUser(f);
    await addMember(f, group.id, leaving.id);
    assert.equal((await f.api('DELETE', `/api/v1/users/${leaving.id}`)).status, 204);
    assert.equal((await f.api('DELETE', `/api/v1/users/${leaving.id}`)).status, 204);
    await newToken(f);

    const events = await readAllEvents(f.api, '/api/v1/logs?limit=50');
    const stored = await server.db.selectFrom('log_events').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow();
    assert.equal(events.length, Number(stored.n), 'the API returned every stored event');
    assert.deepEqual(problemsOf(events, okta, bulwark), []);

    const types = new Set(events.map((e) => e.eventType));
    const expected = [
      'bulwark.tenant.create', 'user.lifecycle.create', 'user.lifecycle.activate', 'user.lifecycle.reactivate', 'user.lifecycle.deactivate',
      'user.lifecycle.suspend', 'user.lifecycle.unsuspend', 'user.account.unlock_by_admin', 'user.account.reset_password',
      'user.account.expire_password', 'user.account.update_profile', 'user.account.update_primary_email', 'user.account.update_password',
      'user.lifecycle.delete.initiated', 'user.lifecycle.delete.completed', 'user.account.privilege.grant', 'user.account.privilege.revoke',
      'group.lifecycle.create', 'group.profile.update', 'group.lifecycle.delete', 'group.user_membership.add', 'group.user_membership.remove',
      'system.api_token.create', 'system.api_token.revoke',
    ];
    assert.deepEqual(expected.filter((t) => !types.has(t)), [], 'event types the exercise should have produced');
  });

  it("validates the operator's own events: retention changes and purges", async () => {
    const other = await createTestTenant(server.db);
    const api = apiClient(server.url, other.token);
    await newUser({ db: server.db, tenantId: other.id, api });
    await setLogRetention(server.db, clock, other.slug, 1);
    clock.advance(2 * 86_400_000);
    const purged = await purgeExpiredEvents(server.db, clock);
    assert.ok(purged.some((p) => p.tenantId === other.id && p.purged > 0), 'the tenant had events to purge');
    const events = await readAllEvents(api, '/api/v1/logs?limit=50');
    assert.deepEqual(events.map((e) => e.eventType), ['bulwark.log.retention.purge']);
    assert.deepEqual(problemsOf(events, okta, bulwark), []);
  });
});
