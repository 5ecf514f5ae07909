/**
 * Network zones (Okta's /api/v1/zones) and the sign-on rules that name them, over real HTTP: IP and DYNAMIC
 * zones, their lifecycle and events, the network condition of a rule (include, exclude, ALL_ZONES, an
 * inactive zone), and the requests the API must refuse without writing anything. Clients are placed on real
 * networks through X-Forwarded-For from a trusted proxy (127.0.0.1), named by the bundled ASN data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, tokenWithRole, type Api, type ApiResponse, type TestServer, type TestTenant } from './helpers.ts';
import { addMember, newGroup, newUser, PASSWORD, ruleBodyFor, signOnPolicyIdOf, unique, zoneBody, type Fixture, type UserRef } from './support/fixtures.ts';
import { hostClient } from './support/host-client.ts';
import { tenantState } from './support/tenant-state.ts';

const GOOGLE_DNS = '8.8.8.8'; // AS15169 Google LLC
const CLOUDFLARE_DNS = '1.1.1.1'; // AS13335 Cloudflare
const QUAD9 = '9.9.9.9'; // AS19281 Quad9: in one zone of these tests only

type Logged = {
  eventType: string;
  outcome: { result: string };
  actor: { id: string };
  target: { id: string; type: string; displayName: string; detailEntry: Record<string, unknown> | null; changeDetails?: { from: Record<string, any>; to: Record<string, any> } }[];
  client: { ipAddress: string };
  debugContext: { debugData: Record<string, unknown> };
};

describe('network zones', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let api: Api;
  let f: Fixture;
  let otherF: Fixture;
  let policyId: string;

  before(async () => {
    server = await startTestServer({ config: { BULWARK_TRUSTED_PROXIES: '127.0.0.1', BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    f = { db: server.db, tenantId: tenant.id, api };
    otherF = { db: server.db, tenantId: other.id, api: apiClient(server.url, other.token) };
    policyId = await signOnPolicyIdOf(f);
  });
  after(() => server.close());

  /** A password sign-in of `user` to the dashboard from `ip` (or, without one, from the proxy itself). */
  function signInFrom(user: UserRef, ip?: string): Promise<ApiResponse> {
    return hostClient(server.url, tenant.slug)('POST', '/api/v1/authn', { username: user.login, password: PASSWORD }, ip ? { 'x-forwarded-for': ip } : {});
  }

  async function createZone(body: Record<string, unknown>): Promise<Record<string, any>> {
    const res = await api('POST', '/api/v1/zones', body);
    assert.equal(res.status, 200, res.text);
    return res.body as Record<string, any>;
  }

  const ipZone = (...cidrs: string[]) => createZone({ type: 'IP', name: unique('Zone'), gateways: cidrs.map((value) => ({ type: 'CIDR', value })) });

  /** A rule for a new group with `network` as its network condition, and an ACTIVE member of the group. */
  async function memberOfZoneRule(network: Record<string, unknown>, signon: Record<string, unknown>): Promise<{ member: UserRef; ruleId: string; ruleName: string }> {
    const group = await newGroup(f);
    const body = ruleBodyFor(group.id, signon, { conditions: { people: { groups: { include: [group.id] } }, network } });
    const rule = await api('POST', `/api/v1/policies/${policyId}/rules`, body);
    assert.equal(rule.status, 200, rule.text);
    assert.deepEqual(rule.body.conditions.network, { include: [], exclude: [], ...network });
    const member = await newUser(f, 'ACTIVE');
    await addMember(f, group.id, member.id);
    return { member, ruleId: rule.body.id as string, ruleName: rule.body.name as string };
  }

  async function lastSeq(tenantId: string): Promise<number> {
    const row = await server.db.selectFrom('log_chain_heads').select('seq').where('tenant_id', '=', tenantId).executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async function eventsAfter(seq: number, type?: string): Promise<Logged[]> {
    let q = server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).where('seq', '>', String(seq));
    if (type) q = q.where('event_type', '=', type);
    return (await q.orderBy('seq').execute()).map((r) => JSON.parse(r.event) as Logged);
  }

  it('creates, reads, replaces, deactivates, activates and deletes a zone, logging each with the admin as actor', async () => {
    const seq = await lastSeq(tenant.id);
    const body = zoneBody();
    const zone = await createZone(body);
    assert.match(zone['id'], /^nzo[0-9A-Za-z]{17}$/);
    assert.deepEqual(
      { type: zone['type'], name: zone['name'], status: zone['status'], usage: zone['usage'], system: zone['system'], gateways: zone['gateways'], proxies: zone['proxies'] },
      { type: 'IP', name: body['name'], status: 'ACTIVE', usage: 'POLICY', system: false, gateways: body['gateways'], proxies: null },
    );
    const self = `/api/v1/zones/${zone['id']}`;
    assert.deepEqual((await api('GET', self)).body, zone);
    assert.ok((await api('GET', '/api/v1/zones')).body.some((z: { id: string }) => z.id === zone['id']));
    assert.equal((await otherF.api('GET', '/api/v1/zones')).body.some((z: { id: string }) => z.id === zone['id']), false, 'another tenant does not list it');

    const replaced = await api('PUT', self, { ...zone, gateways: [{ type: 'RANGE', value: '192.0.2.10-192.0.2.20' }] });
    assert.equal(replaced.status, 200, replaced.text);
    assert.deepEqual(replaced.body.gateways, [{ type: 'RANGE', value: '192.0.2.10-192.0.2.20' }]);
    assert.equal(replaced.body.created, zone['created']);
    const deactivated = await api('POST', `${self}/lifecycle/deactivate`);
    assert.equal(deactivated.status, 200, deactivated.text);
    assert.equal(deactivated.body.status, 'INACTIVE');
    assert.equal((await api('POST', `${self}/lifecycle/deactivate`)).body.status, 'INACTIVE', 'deactivating twice is no change');
    assert.equal((await api('POST', `${self}/lifecycle/activate`)).body.status, 'ACTIVE');
    assert.equal((await api('DELETE', self)).status, 204);
    assertOktaError(await api('GET', self), 404, 'E0000007');

    const events = await eventsAfter(seq);
    assert.deepEqual(events.map((e) => e.eventType), ['zone.create', 'zone.update', 'zone.deactivate', 'zone.activate', 'zone.delete']);
    for (const e of events) {
      assert.deepEqual([e.actor.id, e.outcome.result], [tenant.adminId, 'SUCCESS']);
      assert.deepEqual(e.target.map((t) => [t.type, t.id, t.displayName]), [['NetworkZone', zone['id'], body['name']]]);
    }
    assert.deepEqual(events[1]?.target[0]?.changeDetails?.from['gateways'], body['gateways']);
    assert.deepEqual(events[1]?.target[0]?.changeDetails?.to['gateways'], [{ type: 'RANGE', value: '192.0.2.10-192.0.2.20' }]);
  });

  it('keeps a DYNAMIC zone\'s ASNs as strings and its locations as Okta writes them', async () => {
    const zone = await createZone({ type: 'DYNAMIC', name: unique('Dynamic'), asns: ['13335', '13335', '15169'], locations: [{ country: 'US' }] });
    assert.deepEqual(
      { type: zone['type'], asns: zone['asns'], locations: zone['locations'], proxyType: zone['proxyType'], gateways: zone['gateways'] },
      { type: 'DYNAMIC', asns: ['13335', '15169'], locations: [{ country: 'US', region: null }], proxyType: null, gateways: undefined },
    );
    const replaced = await api('PUT', `/api/v1/zones/${zone['id']}`, { type: 'DYNAMIC', name: zone['name'], asns: ['15169'] });
    assert.equal(replaced.status, 200, replaced.text);
    assert.deepEqual([replaced.body.asns, replaced.body.locations], [['15169'], []]);
  });

  it('denies a rule\'s IP zone and lets other networks in', async () => {
    const zone = await ipZone(`${GOOGLE_DNS}/32`);
    const { member, ruleId } = await memberOfZoneRule({ connection: 'ZONE', include: [zone['id']] }, { access: 'DENY' });
    const outsider = await newUser(f, 'ACTIVE');
    const seq = await lastSeq(tenant.id);
    const refused = await signInFrom(member, GOOGLE_DNS);
    assertOktaError(refused, 403, 'E0000057');
    assert.match(refused.body.errorCauses[0].errorSummary, /denied by the organization's sign-on policy/);
    assert.equal((await signInFrom(member, CLOUDFLARE_DNS)).body.status, 'SUCCESS');
    assert.equal((await signInFrom(member)).body.status, 'SUCCESS', 'from the proxy\'s own address');
    assert.equal((await signInFrom(outsider, GOOGLE_DNS)).body.status, 'SUCCESS', 'the rule is for its group only');
    const [denied] = await eventsAfter(seq, 'policy.evaluate_sign_on');
    assert.equal(denied?.outcome.result, 'DENY');
    assert.equal(denied?.target[2]?.id, ruleId);
    assert.equal(denied?.client.ipAddress, GOOGLE_DNS);
  });

  it('asks for a factor only from the AS of a DYNAMIC zone', async () => {
    const zone = await createZone({ type: 'DYNAMIC', name: unique('Cloudflare'), asns: ['13335'] });
    const { member } = await memberOfZoneRule({ connection: 'ZONE', include: [zone['id']] }, { access: 'ALLOW', requireFactor: true });
    const enroll = await signInFrom(member, CLOUDFLARE_DNS);
    assert.equal(enroll.body.status, 'MFA_ENROLL', enroll.text);
    assert.equal((await signInFrom(member, GOOGLE_DNS)).body.status, 'SUCCESS');
    assert.equal((await signInFrom(member)).body.status, 'SUCCESS');
  });

  it('applies a rule everywhere but the zone it excludes', async () => {
    const zone = await ipZone(`${GOOGLE_DNS}/32`);
    const { member } = await memberOfZoneRule({ connection: 'ZONE', exclude: [zone['id']] }, { access: 'DENY' });
    assert.equal((await signInFrom(member, GOOGLE_DNS)).body.status, 'SUCCESS');
    assertOktaError(await signInFrom(member, CLOUDFLARE_DNS), 403, 'E0000057');
    assertOktaError(await signInFrom(member), 403, 'E0000057');
  });

  it('matches any active zone of the tenant with ALL_ZONES', async () => {
    const zone = await ipZone(`${QUAD9}/32`);
    const { member } = await memberOfZoneRule({ connection: 'ZONE', include: ['ALL_ZONES'] }, { access: 'DENY' });
    assertOktaError(await signInFrom(member, QUAD9), 403, 'E0000057');
    assert.equal((await signInFrom(member)).body.status, 'SUCCESS', 'the proxy\'s own address is in no zone');
    assert.equal((await api('POST', `/api/v1/zones/${zone['id']}/lifecycle/deactivate`)).status, 200);
    assert.equal((await signInFrom(member, QUAD9)).body.status, 'SUCCESS', 'no active zone holds the address any more');
  });

  it('lets an inactive zone match nothing: its DENY stops, and its exclusion no longer carves anyone out', async () => {
    const included = await ipZone(`${GOOGLE_DNS}/32`);
    const { member } = await memberOfZoneRule({ connection: 'ZONE', include: [included['id']] }, { access: 'DENY' });
    assertOktaError(await signInFrom(member, GOOGLE_DNS), 403, 'E0000057');
    assert.equal((await api('POST', `/api/v1/zones/${included['id']}/lifecycle/deactivate`)).status, 200);
    assert.equal((await signInFrom(member, GOOGLE_DNS)).body.status, 'SUCCESS');
    assert.equal((await api('POST', `/api/v1/zones/${included['id']}/lifecycle/activate`)).status, 200);
    assertOktaError(await signInFrom(member, GOOGLE_DNS), 403, 'E0000057');

    const excluded = await ipZone(`${GOOGLE_DNS}/32`);
    const carved = await memberOfZoneRule({ connection: 'ZONE', exclude: [excluded['id']] }, { access: 'DENY' });
    assert.equal((await signInFrom(carved.member, GOOGLE_DNS)).body.status, 'SUCCESS');
    assert.equal((await api('POST', `/api/v1/zones/${excluded['id']}/lifecycle/deactivate`)).status, 200);
    assertOktaError(await signInFrom(carved.member, GOOGLE_DNS), 403, 'E0000057');
  });

  it('refuses to delete a zone a rule names, until the rule lets go of it', async () => {
    const zone = await ipZone(`${GOOGLE_DNS}/32`);
    const { ruleId, ruleName } = await memberOfZoneRule({ connection: 'ZONE', include: [zone['id']] }, { access: 'DENY' });
    assert.equal((await api('POST', `/api/v1/policies/${policyId}/rules/${ruleId}/lifecycle/deactivate`)).status, 204);
    const before = await tenantState(server.db, tenant.id);
    const refused = await api('DELETE', `/api/v1/zones/${zone['id']}`);
    assertOktaError(refused, 400, 'E0000001');
    assert.match(refused.body.errorCauses[0].errorSummary, new RegExp(`named by the sign-on rule ${ruleName}`));
    assert.deepEqual(await tenantState(server.db, tenant.id), before, 'nothing changed, even with the rule inactive');
    assert.equal((await api('DELETE', `/api/v1/policies/${policyId}/rules/${ruleId}`)).status, 204);
    assert.equal((await api('DELETE', `/api/v1/zones/${zone['id']}`)).status, 204);
  });

  it('refuses bad zones and other tenants\' zones, writing nothing', async () => {
    const ip = await createZone(zoneBody());
    const dynamic = await createZone({ type: 'DYNAMIC', name: unique('Dynamic'), asns: ['64500'] });
    const foreign = (await otherF.api('POST', '/api/v1/zones', zoneBody())).body.id as string;
    const gateways = (...values: string[]) => ({ type: 'IP', name: unique('Bad'), gateways: values.map((value) => ({ type: value.includes('-') ? 'RANGE' : 'CIDR', value })) });
    const cases: { what: string; method: string; path: string; body?: unknown; status: number; code: string; cause?: RegExp }[] = [
      ...['8.8.8.8/33', '300.1.1.1/24', '10.0.0.0', '10.0.0.0/8/1', '10.0.0.0/-1', 'fe80::/129', 'not-an-ip/8'].map((value) => (
        { what: `CIDR ${value}`, method: 'POST', path: '/api/v1/zones', body: { type: 'IP', name: unique('Bad'), gateways: [{ type: 'CIDR', value }] }, status: 400, code: 'E0000001' }
      )),
      { what: 'a reversed range', method: 'POST', path: '/api/v1/zones', body: gateways('10.0.0.9-10.0.0.1'), status: 400, code: 'E0000001', cause: /10\.0\.0\.9-10\.0\.0\.1 is not a valid address range/ },
      { what: 'a range across families', method: 'POST', path: '/api/v1/zones', body: gateways('10.0.0.1-::1'), status: 400, code: 'E0000001', cause: /not a valid address range/ },
      { what: 'one bad gateway among good ones', method: 'POST', path: '/api/v1/zones', body: gateways('203.0.113.0/24', '198.51.100.0/33'), status: 400, code: 'E0000001', cause: /198\.51\.100\.0\/33 is not a valid CIDR block/ },
      { what: 'an IP zone without gateways', method: 'POST', path: '/api/v1/zones', body: { type: 'IP', name: unique('Bad'), gateways: [] }, status: 400, code: 'E0000001', cause: /needs at least one/ },
      { what: 'ASNs on an IP zone', method: 'POST', path: '/api/v1/zones', body: { ...gateways('203.0.113.0/24'), asns: ['13335'] }, status: 400, code: 'E0000001', cause: /only DYNAMIC zones/ },
      { what: 'a DYNAMIC zone without ASNs or locations', method: 'POST', path: '/api/v1/zones', body: { type: 'DYNAMIC', name: unique('Bad') }, status: 400, code: 'E0000001', cause: /at least one ASN or country/ },
      { what: 'a DYNAMIC zone with empty lists', method: 'POST', path: '/api/v1/zones', body: { type: 'DYNAMIC', name: unique('Bad'), asns: [], locations: [] }, status: 400, code: 'E0000001', cause: /at least one ASN or country/ },
      { what: 'gateways on a DYNAMIC zone', method: 'POST', path: '/api/v1/zones', body: { type: 'DYNAMIC', name: unique('Bad'), asns: ['13335'], gateways: [{ type: 'CIDR', value: '10.0.0.0/8' }] }, status: 400, code: 'E0000001', cause: /only IP zones/ },
      { what: 'ASNs as numbers', method: 'POST', path: '/api/v1/zones', body: { type: 'DYNAMIC', name: unique('Bad'), asns: [13335] }, status: 400, code: 'E0000001' },
      { what: 'an ASN that is not a number', method: 'POST', path: '/api/v1/zones', body: { type: 'DYNAMIC', name: unique('Bad'), asns: ['AS13335'] }, status: 400, code: 'E0000001' },
      { what: 'a country that is not ISO 3166 alpha-2', method: 'POST', path: '/api/v1/zones', body: { type: 'DYNAMIC', name: unique('Bad'), locations: [{ country: 'usa' }] }, status: 400, code: 'E0000001' },
      { what: 'proxies', method: 'POST', path: '/api/v1/zones', body: { ...gateways('203.0.113.0/24'), proxies: [{ type: 'CIDR', value: '10.0.0.0/8' }] }, status: 400, code: 'E0000001' },
      { what: 'an unknown type', method: 'POST', path: '/api/v1/zones', body: { ...gateways('203.0.113.0/24'), type: 'IP_ZONE' }, status: 400, code: 'E0000001' },
      { what: 'no name', method: 'POST', path: '/api/v1/zones', body: { type: 'IP', gateways: [{ type: 'CIDR', value: '10.0.0.0/8' }] }, status: 400, code: 'E0000001' },
      { what: 'an unknown field', method: 'POST', path: '/api/v1/zones', body: { ...gateways('203.0.113.0/24'), trusted: true }, status: 400, code: 'E0000001' },
      { what: 'a name taken', method: 'POST', path: '/api/v1/zones', body: { ...gateways('203.0.113.0/24'), name: ip['name'] }, status: 400, code: 'E0000001', cause: /already exists/ },
      { what: 'renaming to a name taken', method: 'PUT', path: `/api/v1/zones/${dynamic['id']}`, body: { type: 'DYNAMIC', name: ip['name'], asns: ['64500'] }, status: 400, code: 'E0000001', cause: /already exists/ },
      { what: 'an IP zone made DYNAMIC', method: 'PUT', path: `/api/v1/zones/${ip['id']}`, body: { type: 'DYNAMIC', name: ip['name'], asns: ['13335'] }, status: 400, code: 'E0000001', cause: /type cannot change/ },
      { what: 'a DYNAMIC zone made IP', method: 'PUT', path: `/api/v1/zones/${dynamic['id']}`, body: { type: 'IP', name: dynamic['name'], gateways: [{ type: 'CIDR', value: '10.0.0.0/8' }] }, status: 400, code: 'E0000001', cause: /type cannot change/ },
      { what: 'an unknown zone', method: 'GET', path: '/api/v1/zones/nzo00000000000000000', status: 404, code: 'E0000007' },
      { what: 'an unknown zone (replace)', method: 'PUT', path: '/api/v1/zones/nzo00000000000000000', body: zoneBody(), status: 404, code: 'E0000007' },
      { what: 'another tenant\'s zone (read)', method: 'GET', path: `/api/v1/zones/${foreign}`, status: 404, code: 'E0000007' },
      { what: 'another tenant\'s zone (replace)', method: 'PUT', path: `/api/v1/zones/${foreign}`, body: zoneBody(), status: 404, code: 'E0000007' },
      { what: 'another tenant\'s zone (delete)', method: 'DELETE', path: `/api/v1/zones/${foreign}`, status: 404, code: 'E0000007' },
      { what: 'another tenant\'s zone (deactivate)', method: 'POST', path: `/api/v1/zones/${foreign}/lifecycle/deactivate`, status: 404, code: 'E0000007' },
    ];
    const before = await tenantState(server.db, tenant.id);
    const otherBefore = await tenantState(server.db, other.id);
    const events = await logCount(server.db, tenant.id);
    for (const c of cases) {
      const res = await api(c.method, c.path, c.body);
      assert.doesNotThrow(() => assertOktaError(res, c.status, c.code), `${c.what}: ${res.status} ${res.text}`);
      if (c.cause) assert.match(res.body.errorCauses.map((x: { errorSummary: string }) => x.errorSummary).join('\n'), c.cause, c.what);
      assert.deepEqual(await tenantState(server.db, tenant.id), before, `${c.what} changed nothing`);
    }
    assert.equal(await logCount(server.db, tenant.id), events, 'no System Log event');
    assert.deepEqual(await tenantState(server.db, other.id), otherBefore, 'nothing changed in the other tenant');
  });

  it('lets a read-only admin read zones but not change them', async () => {
    const zone = await createZone(zoneBody());
    const readOnly = apiClient(server.url, (await tokenWithRole(server.db, tenant.id, 'READ_ONLY_ADMIN')).token);
    const helpDesk = apiClient(server.url, (await tokenWithRole(server.db, tenant.id, 'HELP_DESK_ADMIN')).token);
    assert.deepEqual((await readOnly('GET', `/api/v1/zones/${zone['id']}`)).body, zone);
    assert.equal((await readOnly('GET', '/api/v1/zones')).status, 200);
    const before = await tenantState(server.db, tenant.id);
    for (const [method, path, body] of [
      ['POST', '/api/v1/zones', zoneBody()],
      ['PUT', `/api/v1/zones/${zone['id']}`, { ...zone, name: unique('Renamed') }],
      ['DELETE', `/api/v1/zones/${zone['id']}`, undefined],
      ['POST', `/api/v1/zones/${zone['id']}/lifecycle/deactivate`, undefined],
    ] as const) {
      assertOktaError(await readOnly(method, path, body), 403, 'E0000006');
      assertOktaError(await helpDesk(method, path, body), 403, 'E0000006');
    }
    assertOktaError(await helpDesk('GET', '/api/v1/zones'), 403, 'E0000006');
    assert.deepEqual(await tenantState(server.db, tenant.id), before, 'nothing changed');
  });
});
