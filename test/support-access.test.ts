/**
 * Support access grants (docs/support-access.md), their life over real HTTP: support staff ask for access to a
 * tenant against one of its open cases from the Help Center; the tenant's admins see the request (System Log,
 * alert) and approve it (a protected action in the admin console), narrower if they like, or deny it; it lapses
 * undecided after 12 hours, ends at its time, and either side can end it sooner. Every step is in the tenant's
 * log and the support plane's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { newPasskeyAdmin, startAdminSession } from './support/admin-session.ts';
import { grant, newTotpUser, ok, unique, type Fixture } from './support/fixtures.ts';
import { helpCenterCustomer, newCaseOf, newStaffMember, newSupportPlane, type SupportPlane } from './support/help-center.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { eventsAfterOf, lastSeqOf } from './support/sign-on.ts';
import { SoftAuthenticator } from './support/soft-authenticator.ts';

const HA = 'high-assurance';
const MINUTE = 60_000;
type Grant = { id: string; status: string; scopes: { name: string; write: boolean }[]; durationMinutes: number; expiresAt: string | null; staff: { name: string }; caseId: string };
type Event = { eventType: string; legacyEventType: string | null; outcome: { result: string }; actor: { type: string; displayName: string }; target: { type: string; id: string }[]; debugContext: { debugData: Record<string, unknown> } };

describe('support access grants', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let f: Fixture;
  let plane: SupportPlane;
  let agent: { hc: HostClient; id: string };
  let caseId: string;

  before(async () => {
    server = await startTestServer({ clock });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    plane = await newSupportPlane(server, clock, 'commercial');
    await newSupportPlane(server, clock, HA);
    agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    caseId = ok(await customer.hc('POST', '/help/v1/cases', { title: unique('Locked out'), description: 'Nobody can sign in.', severity: 'SEV1', productArea: 'SIGN_IN' }), 'case').body.id as string;
  });
  after(() => server.close());

  const ask = (body: Record<string, unknown> = {}) => agent.hc('POST', `/help/v1/staff/cases/${caseId}/access-requests`, {
    scopes: ['okta.users.read', 'okta.logs.read', 'okta.users.factors.reset'], durationMinutes: 240, justification: 'The customer cannot sign in; I need to see the user and the log.', ...body,
  });

  it('takes a request against an open case and shows it to the tenant: its log, an alert, and the support plane\'s log', async () => {
    const seq = await lastSeqOf(server.db, tenant.id);
    const planeSeq = await lastSeqOf(server.db, plane.id);
    const asked = ok(await ask(), 'ask').body as Grant;
    assert.equal(asked.status, 'PENDING');
    assert.deepEqual(asked.scopes.map((s) => [s.name, s.write]), [['okta.users.read', false], ['okta.logs.read', false], ['okta.users.factors.reset', true]]);
    const seen = ok(await f.api('GET', `/api/v1/support-access/grants/${asked.id}`), 'admin reads').body as Grant;
    assert.deepEqual([seen.status, seen.caseId, seen.staff.name], ['PENDING', caseId, asked.staff.name]);
    const [event] = await eventsAfterOf<Event>(server.db, tenant.id, seq, 'bulwark.support.access.request');
    assert.deepEqual([event?.actor.type, event?.target.map((t) => t.type)], ['SupportStaff', ['SupportAccessGrant', 'SupportCase']]);
    assert.equal((await eventsAfterOf<Event>(server.db, plane.id, planeSeq, 'bulwark.support.access.request')).length, 1);
    const alerts = ok(await f.api('GET', '/api/v1/alerts?limit=200'), 'alerts').body as { type: string; details: { grantId: string } }[];
    assert.ok(alerts.some((a) => a.type === 'SUPPORT_ACCESS_REQUESTED' && a.details.grantId === asked.id));
    const mine = ok(await agent.hc('GET', '/help/v1/staff/access-grants'), 'mine').body as Grant[];
    assert.ok(mine.some((g) => g.id === asked.id));
  });

  it('refuses requests that are malformed, too long, against a closed case, another cell\'s case, or from staff who do not work cases', async () => {
    const seq = await lastSeqOf(server.db, tenant.id);
    assertOktaError(await ask({ scopes: [] }), 400, 'E0000001');
    assertOktaError(await ask({ scopes: ['okta.users.manage'] }), 400, 'E0000001');
    assertOktaError(await ask({ durationMinutes: 481 }), 400, 'E0000001');
    assertOktaError(await ask({ justification: 'pls' }), 400, 'E0000001');
    const security = await newStaffMember(server, plane, 'commercial', 'Support security');
    assertOktaError(await security.hc('POST', `/help/v1/staff/cases/${caseId}/access-requests`, { scopes: ['okta.users.read'], justification: 'Security wants to look around.' }), 403, 'E0000006');
    const ha = await createTestTenant(server.db, undefined, HA);
    const haCustomer = await helpCenterCustomer(server, { db: server.db, tenantId: ha.id, api: apiClient(server.url, ha.token) }, ha.slug, { cell: HA });
    const haCase = ok(await haCustomer.hc('POST', '/help/v1/cases', { title: 'HA', description: 'x', severity: 'SEV3', productArea: 'SSO' }), 'ha case').body.id as string;
    assertOktaError(await agent.hc('POST', `/help/v1/staff/cases/${haCase}/access-requests`, { scopes: ['okta.users.read'], justification: 'Another cell\'s case.' }), 404, 'E0000007');
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    const closing = ok(await customer.hc('POST', '/help/v1/cases', { title: 'Done soon', description: 'x', severity: 'SEV4', productArea: 'OTHER' }), 'case').body.id as string;
    ok(await customer.hc('POST', `/help/v1/cases/${closing}/lifecycle/close`), 'close');
    const closed = await agent.hc('POST', `/help/v1/staff/cases/${closing}/access-requests`, { scopes: ['okta.users.read'], justification: 'The case is closed already.' });
    assertOktaError(closed, 400, 'E0000001');
    assert.match(JSON.stringify(closed.body), /against an open case/);
    assert.deepEqual((await eventsAfterOf<Event>(server.db, tenant.id, seq)).map((e) => e.eventType).filter((t) => t.startsWith('bulwark.support.access')), [], 'nothing asked, nothing logged');
  });

  it('approves only as narrow or narrower, from the admin console with a recent passkey, and logs the grant in both logs', async () => {
    const asked = ok(await ask(), 'ask').body as Grant;
    const wider = await f.api('POST', `/api/v1/support-access/grants/${asked.id}/approve`, { scopes: ['okta.users.read', 'okta.users.passwords.reset'] });
    assertOktaError(wider, 400, 'E0000001');
    assert.match(JSON.stringify(wider.body), /only narrow.*okta.users.passwords.reset/);
    assertOktaError(await f.api('POST', `/api/v1/support-access/grants/${asked.id}/approve`, { durationMinutes: 300 }), 400, 'E0000001');

    const authenticator = new SoftAuthenticator();
    await newPasskeyAdmin(f, authenticator);
    const admin = await startAdminSession(hostClient(server.url, tenant.slug), authenticator);
    clock.advance(6 * MINUTE);
    const stale = await admin('POST', `/api/v1/support-access/grants/${asked.id}/approve`, {});
    assertOktaError(stale, 403, 'E0000006');
    assert.equal(stale.body.errorSummary, 'This is a protected action. Please perform step-up authentication.');

    const fresh = await startAdminSession(hostClient(server.url, tenant.slug), authenticator);
    const seq = await lastSeqOf(server.db, tenant.id);
    const planeSeq = await lastSeqOf(server.db, plane.id);
    const approved = ok(await fresh('POST', `/api/v1/support-access/grants/${asked.id}/approve`, { scopes: ['okta.users.read'], durationMinutes: 60, note: 'Read only, one hour' }), 'approve').body as Grant;
    assert.deepEqual([approved.status, approved.scopes.map((s) => s.name), approved.durationMinutes], ['APPROVED', ['okta.users.read'], 60]);
    assert.equal(Date.parse(approved.expiresAt ?? ''), clock.now().getTime() + 60 * MINUTE);
    for (const [tenantId, from] of [[tenant.id, seq], [plane.id, planeSeq]] as const) {
      const [grant] = await eventsAfterOf<Event>(server.db, tenantId, from, 'user.session.impersonation.grant');
      assert.deepEqual([grant?.legacyEventType, grant?.actor.type, grant?.debugContext.debugData['scopes']], ['core.user.impersonation.grant.enabled', 'User', ['okta.users.read']]);
    }
    assertOktaError(await f.api('POST', `/api/v1/support-access/grants/${asked.id}/deny`, {}), 400, 'E0000001');

    clock.advance(61 * MINUTE);
    assert.equal((ok(await f.api('GET', `/api/v1/support-access/grants/${asked.id}`), 'read').body as Grant).status, 'EXPIRED', 'over at its time');
    assertOktaError(await f.api('POST', `/api/v1/support-access/grants/${asked.id}/revoke`), 400, 'E0000001');
  });

  it('lets a request lapse after 12 hours undecided, and either side end a grant sooner', async () => {
    agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const lapsing = ok(await ask(), 'ask').body as Grant;
    const denied = ok(await ask(), 'ask').body as Grant;
    const revoked = ok(await ask(), 'ask').body as Grant;
    const ended = ok(await ask(), 'ask').body as Grant;
    const seq = await lastSeqOf(server.db, tenant.id);
    assert.equal((ok(await f.api('POST', `/api/v1/support-access/grants/${denied.id}/deny`, { note: 'Use the HAR instead' }), 'deny').body as Grant).status, 'DENIED');
    ok(await f.api('POST', `/api/v1/support-access/grants/${revoked.id}/approve`, {}), 'approve');
    assert.equal((ok(await f.api('POST', `/api/v1/support-access/grants/${revoked.id}/revoke`), 'revoke').body as Grant).status, 'REVOKED');
    ok(await f.api('POST', `/api/v1/support-access/grants/${ended.id}/approve`, {}), 'approve');
    assert.equal((ok(await agent.hc('POST', `/help/v1/staff/access-grants/${ended.id}/end`), 'end').body as Grant).status, 'REVOKED');
    assertOktaError(await agent.hc('POST', `/help/v1/staff/access-grants/${ended.id}/end`), 400, 'E0000001');
    const events = (await eventsAfterOf<Event>(server.db, tenant.id, seq)).map((e) => [e.eventType, e.outcome.result]);
    assert.deepEqual(events, [
      ['bulwark.support.access.deny', 'DENY'],
      ['user.session.impersonation.grant', 'SUCCESS'],
      ['user.session.impersonation.revoke', 'SUCCESS'],
      ['user.session.impersonation.grant', 'SUCCESS'],
      ['user.session.impersonation.end', 'SUCCESS'],
    ]);
    clock.advance(12 * 60 * MINUTE);
    assert.equal((ok(await f.api('GET', `/api/v1/support-access/grants/${lapsing.id}`), 'read').body as Grant).status, 'EXPIRED');
    assertOktaError(await f.api('POST', `/api/v1/support-access/grants/${lapsing.id}/approve`, {}), 400, 'E0000001');

    const stranger = apiClient(server.url, other.token);
    assertOktaError(await stranger('GET', `/api/v1/support-access/grants/${lapsing.id}`), 404, 'E0000007');
    assert.ok(!(ok(await stranger('GET', '/api/v1/support-access/grants'), 'list').body as Grant[]).some((g) => g.id === lapsing.id), 'another organization sees none of it');
  });

  it('lets staff act under an approved grant only as its scopes say, on non-admins only, and not a request after it ends', async () => {
    agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const asked = ok(await ask({ scopes: ['okta.users.read', 'okta.users.factors.reset'] }), 'ask').body as Grant;
    assertOktaError(await agent.hc('POST', `/help/v1/staff/access-grants/${asked.id}/token`), 400, 'E0000001');
    ok(await f.api('POST', `/api/v1/support-access/grants/${asked.id}/approve`, { durationMinutes: 120 }), 'approve');
    const seq = await lastSeqOf(server.db, tenant.id);
    const issued = ok(await agent.hc('POST', `/help/v1/staff/access-grants/${asked.id}/token`), 'token').body as { token: string; expiresAt: string; api: string };
    assert.equal(Date.parse(issued.expiresAt), clock.now().getTime() + 60 * MINUTE, 'an hour at most');
    assert.match(issued.api, new RegExp(`^http://${tenant.slug}\\.`));
    const web = hostClient(server.url, tenant.slug);
    const as = (method: string, path: string, body?: unknown) => web(method, path, body, { authorization: `Support ${issued.token}` });

    const user = await newTotpUser(f);
    const admin = await newTotpUser(f);
    await grant(f, admin.user.id, 'ORG_ADMIN');
    assert.equal((await as('GET', `/api/v1/users/${user.user.id}`)).status, 200, 'read users');
    assertOktaError(await as('GET', '/api/v1/logs'), 403, 'E0000006');
    assertOktaError(await as('POST', `/api/v1/users/${user.user.id}/lifecycle/reset_password?sendEmail=false`), 403, 'E0000006');
    assertOktaError(await as('GET', '/api/v1/api-tokens'), 403, 'E0000006');
    assertOktaError(await as('POST', `/api/v1/users/${admin.user.id}/lifecycle/reset_factors`), 403, 'E0000006');
    const initiated = (await eventsAfterOf<Event>(server.db, tenant.id, seq)).find((e) => e.eventType === 'user.session.impersonation.initiate');
    assert.equal(initiated?.actor.type, 'SupportStaff');
    const beforeReset = await lastSeqOf(server.db, tenant.id);
    assert.equal((await as('POST', `/api/v1/users/${user.user.id}/lifecycle/reset_factors`)).status, 200, 'a non-admin\'s factors');
    const reset = await eventsAfterOf<Event & { transaction: { detail: Record<string, string> } }>(server.db, tenant.id, beforeReset);
    assert.ok(reset.length > 0);
    for (const e of reset) {
      assert.equal(e.actor.type, 'SupportStaff');
      assert.deepEqual(e.transaction.detail, { caseId, supportAccessGrantId: asked.id });
    }

    const elsewhere = await hostClient(server.url, other.slug)('GET', '/api/v1/users', undefined, { authorization: `Support ${issued.token}` });
    assertOktaError(elsewhere, 401, 'E0000011');
    ok(await f.api('POST', `/api/v1/support-access/grants/${asked.id}/revoke`), 'revoke');
    assertOktaError(await as('GET', `/api/v1/users/${user.user.id}`), 401, 'E0000011');
    assertOktaError(await web('GET', '/api/v1/users', undefined, { authorization: 'Support nope' }), 401, 'E0000011');
  });

  it('ends a grant\'s use when its case closes, its time is up, or the staff member is deactivated in the support plane', async () => {
    const use = async (open: (caseId: string) => Promise<void>, made: (staffId: string) => void = () => {}) => {
      const customer = await helpCenterCustomer(server, f, tenant.slug);
      const staff = await newStaffMember(server, plane, 'commercial', 'Support agents');
      made(staff.id);
      const kase = ok(await customer.hc('POST', '/help/v1/cases', { title: unique('Help'), description: 'x', severity: 'SEV2', productArea: 'MFA' }), 'case').body.id as string;
      const asked = ok(await staff.hc('POST', `/help/v1/staff/cases/${kase}/access-requests`, { scopes: ['okta.users.read'], justification: 'Looking at the user record.' }), 'ask').body as Grant;
      ok(await f.api('POST', `/api/v1/support-access/grants/${asked.id}/approve`, { durationMinutes: 30 }), 'approve');
      const { token } = ok(await staff.hc('POST', `/help/v1/staff/access-grants/${asked.id}/token`), 'token').body as { token: string };
      const call = () => hostClient(server.url, tenant.slug)('GET', '/api/v1/users?limit=1', undefined, { authorization: `Support ${token}` });
      assert.equal((await call()).status, 200);
      await open(kase);
      assertOktaError(await call(), 401, 'E0000011');
      return staff;
    };
    await use(async (kase) => {
      const closer = await helpCenterCustomer(server, f, tenant.slug, { admin: true });
      ok(await closer.hc('POST', `/help/v1/cases/${kase}/lifecycle/close`), 'close');
    });
    let staffId = '';
    const deactivated = await use(async () => { ok(await plane.api('POST', `/api/v1/users/${staffId}/lifecycle/deactivate`), 'deactivate'); }, (id) => { staffId = id; });
    assert.ok(deactivated);
    await use(async () => { clock.advance(31 * MINUTE); });
  });

  it('replays 2022: a hijacked staff session aimed at 50 organizations resets nothing, and every try is logged and alerted', async () => {
    const stolen = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const targets: { f: Fixture; slug: string; caseId: string; user: string; seq: number }[] = [];
    for (let i = 0; i < 50; i++) {
      const t = await createTestTenant(server.db);
      const tf = { db: server.db, tenantId: t.id, api: apiClient(server.url, t.token) };
      const user = await newTotpUser(tf);
      targets.push({ f: tf, slug: t.slug, caseId: (await newCaseOf(tf)).id, user: user.user.id, seq: await lastSeqOf(server.db, t.id) });
    }
    const planeSeq = await lastSeqOf(server.db, plane.id);
    const asked: (Grant | undefined)[] = [];
    for (const target of targets) {
      // Straight at the organization's API: the staff session is no credential there, and no token can be made up.
      const web = hostClient(server.url, target.slug);
      for (const [name, value] of stolen.hc.cookies) web.cookies.set(name, value);
      assertOktaError(await web('POST', `/api/v1/users/${target.user}/lifecycle/reset_factors`), 401, 'E0000011');
      assertOktaError(await web('POST', `/api/v1/users/${target.user}/lifecycle/reset_factors`, undefined, { authorization: `Support ${'A'.repeat(43)}` }), 401, 'E0000011');
      const request = await stolen.hc('POST', `/help/v1/staff/cases/${target.caseId}/access-requests`, { scopes: ['okta.users.factors.reset'], justification: 'Resetting MFA as the customer asked.' });
      asked.push(request.status === 201 ? request.body as Grant : undefined);
      if (request.status !== 201) assertOktaError(request, 429, 'E0000047');
      const grantId = asked.at(-1)?.id;
      if (grantId) assertOktaError(await stolen.hc('POST', `/help/v1/staff/access-grants/${grantId}/token`), 400, 'E0000001');
    }
    assert.equal(asked.filter(Boolean).length, 20, 'twenty organizations an hour at most; the other thirty refused');

    for (const [i, target] of targets.entries()) {
      const events = await eventsAfterOf<Event>(server.db, target.f.tenantId, target.seq);
      assert.ok(!events.some((e) => e.eventType.startsWith('user.mfa.factor')), `nothing reset in organization ${i}`);
      const types = events.map((e) => `${e.eventType} ${e.outcome.result}`);
      if (asked[i]) assert.deepEqual(types, ['bulwark.support.access.request SUCCESS', 'user.session.impersonation.initiate DENY'], `organization ${i} sees the request and the try to use it`);
    }
    const inPlane = (await eventsAfterOf<Event>(server.db, plane.id, planeSeq)).map((e) => `${e.eventType} ${e.outcome.result}`);
    assert.equal(inPlane.filter((t) => t === 'bulwark.support.access.request SUCCESS').length, 20);
    assert.equal(inPlane.filter((t) => t === 'user.session.impersonation.initiate DENY').length, 20);
    assert.equal(inPlane.filter((t) => t === 'bulwark.support.access.request DENY').length, 30, 'each refused request logged');
    const alerts = await server.db.selectFrom('security_alerts').select(['type', 'severity']).where('tenant_id', '=', plane.id).where('type', '=', 'SUPPORT_STAFF_MANY_TENANTS').execute();
    assert.deepEqual(alerts.map((a) => a.severity), ['HIGH'], 'one alert to the plane\'s security staff when the sixth organization was asked for');

    // One organization approves read-only access: a reset is still refused.
    const [first, second] = targets;
    const readOnly = ok(await stolen.hc('POST', `/help/v1/staff/cases/${first?.caseId}/access-requests`, { scopes: ['okta.users.read'], justification: 'Only to look at the user.' }), 'ask').body as Grant;
    ok(await first!.f.api('POST', `/api/v1/support-access/grants/${readOnly.id}/approve`, {}), 'approve read');
    const readToken = (ok(await stolen.hc('POST', `/help/v1/staff/access-grants/${readOnly.id}/token`), 'token').body as { token: string }).token;
    const asReader = (path: string, method = 'POST') => hostClient(server.url, first!.slug)(method, path, undefined, { authorization: `Support ${readToken}` });
    assert.equal((await asReader(`/api/v1/users/${first!.user}`, 'GET')).status, 200);
    assertOktaError(await asReader(`/api/v1/users/${first!.user}/lifecycle/reset_factors`), 403, 'E0000006');
    // Another approves resets: only its non-admins, and only until the grant ends.
    const resetGrant = asked[1] as Grant;
    const admin = await newTotpUser(second!.f);
    await grant(second!.f, admin.user.id, 'SUPER_ADMIN');
    ok(await second!.f.api('POST', `/api/v1/support-access/grants/${resetGrant.id}/approve`, { durationMinutes: 15 }), 'approve reset');
    const resetToken = (ok(await stolen.hc('POST', `/help/v1/staff/access-grants/${resetGrant.id}/token`), 'token').body as { token: string }).token;
    const asResetter = (user: string) => hostClient(server.url, second!.slug)('POST', `/api/v1/users/${user}/lifecycle/reset_factors`, undefined, { authorization: `Support ${resetToken}` });
    assertOktaError(await asResetter(admin.user.id), 403, 'E0000006');
    assert.equal((await asResetter(second!.user)).status, 200, 'a non-admin, while the grant lasts');
    assertOktaError(await hostClient(server.url, first!.slug)('POST', `/api/v1/users/${first!.user}/lifecycle/reset_factors`, undefined, { authorization: `Support ${resetToken}` }), 401, 'E0000011');
    clock.advance(16 * MINUTE);
    assertOktaError(await asResetter(second!.user), 401, 'E0000011');
  });
});
