/**
 * More time on a support access grant (docs/support-access.md, "Extensions"), over real HTTP on a clock the test
 * moves: the staff member asks from the Help Center on a running grant of theirs; the tenant's admins see the
 * request on the grant and as an alert and decide again (approving is a protected action from the admin
 * console, and may shorten, never lengthen); an approval moves the grant's end, which tokens in hand obey at
 * their next request; a request not decided before the grant ends lapses, and revoking or ending the grant
 * ends it. Every step is in the tenant's log and the support plane's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { newPasskeyAdmin, startAdminSession } from './support/admin-session.ts';
import { ok, unique, type Fixture } from './support/fixtures.ts';
import { helpCenterCustomer, newStaffMember, newSupportPlane, type SupportPlane } from './support/help-center.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { documentedBulwarkTypes, oktaEventTypes, problemsOf } from './support/log-event-checks.ts';
import type { LogEventJson } from './support/log-reader.ts';
import { eventsAfterOf, lastSeqOf } from './support/sign-on.ts';
import { SoftAuthenticator } from './support/soft-authenticator.ts';

const MINUTE = 60_000;

type Extension = {
  id: string;
  status: string;
  durationMinutes: number;
  justification: string;
  requested: string;
  decision: { outcome: string; by: { id: string; name: string }; at: string; note: string | null } | null;
  extendedFrom: string | null;
  expiresAt: string | null;
};
type Grant = { id: string; status: string; expiresAt: string | null; durationMinutes: number; extension: Extension | null };
type Event = {
  eventType: string;
  legacyEventType: string | null;
  displayMessage: string;
  outcome: { result: string; reason: string | null };
  actor: { type: string };
  target: { type: string; id: string }[];
  debugContext: { debugData: Record<string, any> };
};

describe('support access extensions', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let plane: SupportPlane;
  let agent: { hc: HostClient; id: string };
  let caseId: string;

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    plane = await newSupportPlane(server, clock, 'commercial');
    agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    caseId = ok(await customer.hc('POST', '/help/v1/cases', { title: unique('Locked out'), description: 'Nobody can sign in.', severity: 'SEV2', productArea: 'SIGN_IN' }), 'case').body.id as string;
  });
  after(() => server.close());

  /** A grant of the agent's, approved by the tenant's API token for `minutes`. */
  const running = async (minutes: number, staff = agent): Promise<Grant> => {
    const asked = ok(await staff.hc('POST', `/help/v1/staff/cases/${caseId}/access-requests`, { scopes: ['okta.users.read'], durationMinutes: minutes, justification: 'The customer cannot sign in; I need to see the user.' }), 'ask').body as Grant;
    return ok(await f.api('POST', `/api/v1/support-access/grants/${asked.id}/approve`, {}), 'approve').body as Grant;
  };
  const extend = (grantId: string, body: Record<string, unknown> = {}, staff = agent) =>
    staff.hc('POST', `/help/v1/staff/access-grants/${grantId}/extensions`, { durationMinutes: 60, justification: 'The reset is not done yet; one more hour.', ...body });
  const read = async (grantId: string) => ok(await f.api('GET', `/api/v1/support-access/grants/${grantId}`), 'read').body as Grant;
  const tokenOf = async (grantId: string) => ok(await agent.hc('POST', `/help/v1/staff/access-grants/${grantId}/token`), 'token').body as { token: string; expiresAt: string };
  const useToken = (token: string) => hostClient(server.url, tenant.slug)('GET', '/api/v1/users?limit=1', undefined, { authorization: `Support ${token}` });
  /** Moves the clock on by `ms`, the agent busy in the Help Center meanwhile (a staff session idle 15 minutes ends). */
  const pass = async (ms: number) => {
    for (let left = ms; left > 0; left -= 10 * MINUTE) {
      clock.advance(Math.min(left, 10 * MINUTE));
      ok(await agent.hc('GET', '/help/v1/staff/access-grants?limit=1'), 'stay active');
    }
  };
  /** The events of both logs after the marks. */
  const marks = async () => ({ tenant: await lastSeqOf(server.db, tenant.id), plane: await lastSeqOf(server.db, plane.id) });
  const bothLogs = async (from: { tenant: number; plane: number }) => ({
    tenant: await eventsAfterOf<Event>(server.db, tenant.id, from.tenant),
    plane: await eventsAfterOf<Event>(server.db, plane.id, from.plane),
  });

  it('takes a request for more time on a running grant and shows it on the grant, as an alert, and in both logs', async () => {
    const grant = await running(60);
    const from = await marks();
    const asked = ok(await extend(grant.id, { durationMinutes: 90 }), 'extend');
    assert.equal(asked.status, 201);
    const shown = asked.body as Grant;
    assert.deepEqual([shown.status, shown.extension?.status, shown.extension?.durationMinutes, shown.extension?.decision], ['APPROVED', 'PENDING', 90, null]);
    assert.equal(shown.expiresAt, grant.expiresAt, 'nothing changes until the admins decide');
    const seen = await read(grant.id);
    assert.deepEqual([seen.extension?.id, seen.extension?.status, seen.extension?.justification], [shown.extension?.id, 'PENDING', 'The reset is not done yet; one more hour.']);
    const mine = ok(await agent.hc('GET', '/help/v1/staff/access-grants'), 'mine').body as Grant[];
    assert.equal(mine.find((g) => g.id === grant.id)?.extension?.status, 'PENDING');

    const logs = await bothLogs(from);
    for (const events of [logs.tenant, logs.plane]) {
      assert.deepEqual(events.map((e) => [e.eventType, e.outcome.result, e.actor.type]), [['bulwark.support.access.extension.request', 'SUCCESS', 'SupportStaff']]);
      assert.deepEqual([events[0]?.target[0]?.id, events[0]?.debugContext.debugData['extension']?.durationMinutes], [grant.id, 90]);
    }
    const alerts = ok(await f.api('GET', '/api/v1/alerts?limit=200'), 'alerts').body as { type: string; severity: string; details: { grantId: string } }[];
    assert.ok(alerts.some((a) => a.type === 'SUPPORT_ACCESS_EXTENSION_REQUESTED' && a.severity === 'MEDIUM' && a.details.grantId === grant.id));

    const again = await extend(grant.id);
    assertOktaError(again, 400, 'E0000001');
    assert.match(JSON.stringify(again.body), /extension: a request for more time.*is waiting.*one at a time/);
  });

  it('approves more time from the console only with a recent passkey, never longer than asked: a token works past the old end and stops at the new one', async () => {
    const grant = await running(30);
    const held = await tokenOf(grant.id);
    assert.equal(held.expiresAt, grant.expiresAt, 'as the grant stands, the token ends with it');
    await pass(5 * MINUTE);
    ok(await extend(grant.id, { durationMinutes: 60 }), 'extend');

    const before = await logCount(server.db, tenant.id);
    const longer = await f.api('POST', `/api/v1/support-access/grants/${grant.id}/extension/approve`, { durationMinutes: 61 });
    assertOktaError(longer, 400, 'E0000001');
    assert.match(JSON.stringify(longer.body), /durationMinutes: an approval can only shorten the 60 minutes asked for/);
    assert.equal(await logCount(server.db, tenant.id), before, 'a refused approval writes nothing');
    assert.equal((await read(grant.id)).extension?.status, 'PENDING');

    const authenticator = new SoftAuthenticator();
    await newPasskeyAdmin(f, authenticator);
    const admin = await startAdminSession(hostClient(server.url, tenant.slug), authenticator);
    await pass(6 * MINUTE);
    const stale = await admin('POST', `/api/v1/support-access/grants/${grant.id}/extension/approve`, {});
    assertOktaError(stale, 403, 'E0000006');
    assert.equal(stale.body.errorSummary, 'This is a protected action. Please perform step-up authentication.');
    assert.equal((await read(grant.id)).extension?.status, 'PENDING');

    const fresh = await startAdminSession(hostClient(server.url, tenant.slug), authenticator);
    const from = await marks();
    const approved = ok(await fresh('POST', `/api/v1/support-access/grants/${grant.id}/extension/approve`, { durationMinutes: 45, note: 'Forty-five minutes is enough' }), 'approve').body as Grant;
    const oldEnd = Date.parse(grant.expiresAt ?? '');
    assert.equal(Date.parse(approved.expiresAt ?? ''), oldEnd + 45 * MINUTE, 'from the grant\'s current end');
    assert.deepEqual([approved.extension?.status, approved.extension?.durationMinutes, approved.extension?.decision?.note], ['APPROVED', 45, 'Forty-five minutes is enough']);
    assert.deepEqual([Date.parse(approved.extension?.extendedFrom ?? ''), approved.extension?.expiresAt], [oldEnd, approved.expiresAt]);
    assert.equal(approved.durationMinutes, 30, 'what the grant was approved for; its end moves');

    const logs = await bothLogs(from);
    for (const events of [logs.tenant, logs.plane]) {
      const [extended] = events.filter((e) => e.eventType === 'user.session.impersonation.extend');
      assert.deepEqual([extended?.legacyEventType, extended?.displayMessage, extended?.actor.type], ['core.user.impersonation.grant.extended', 'Extend impersonation session', 'User']);
      assert.deepEqual([extended?.debugContext.debugData['extension']?.asked, extended?.debugContext.debugData['extension']?.durationMinutes], [60, 45]);
      assert.equal(extended?.debugContext.debugData['expires'], approved.expiresAt);
    }

    await pass(20 * MINUTE);
    assert.ok(clock.now().getTime() > oldEnd, 'past the grant\'s old end');
    assert.equal((await useToken(held.token)).status, 200, 'the token in hand obeys the new end at its next request');
    await pass(30 * MINUTE);
    assertOktaError(await useToken(held.token), 401, 'E0000011');
    const next = await tokenOf(grant.id);
    assert.equal(next.expiresAt, approved.expiresAt, 'a new token ends with the grant');
    assert.equal((await useToken(next.token)).status, 200);
    await pass(Date.parse(approved.expiresAt ?? '') - clock.now().getTime());
    assertOktaError(await useToken(next.token), 401, 'E0000011');
    assert.equal((await read(grant.id)).status, 'EXPIRED');
  });

  it('never runs a grant more than 480 minutes past the approval of its extension', async () => {
    const grant = await running(480);
    await pass(MINUTE);
    ok(await extend(grant.id, { durationMinutes: 480 }), 'extend');
    await pass(MINUTE);
    const approved = ok(await f.api('POST', `/api/v1/support-access/grants/${grant.id}/extension/approve`, {}), 'approve').body as Grant;
    assert.equal(Date.parse(approved.expiresAt ?? ''), clock.now().getTime() + 480 * MINUTE);
    assert.deepEqual([approved.extension?.status, approved.extension?.durationMinutes], ['APPROVED', 480]);
    ok(await f.api('POST', `/api/v1/support-access/grants/${grant.id}/revoke`), 'revoke');
  });

  it('denies more time: the grant keeps its end, both logs say so, and staff may ask again', async () => {
    const grant = await running(60);
    ok(await extend(grant.id), 'extend');
    const from = await marks();
    const denied = ok(await f.api('POST', `/api/v1/support-access/grants/${grant.id}/extension/deny`, { note: 'Finish tomorrow' }), 'deny').body as Grant;
    assert.deepEqual([denied.status, denied.expiresAt, denied.extension?.status, denied.extension?.decision?.outcome, denied.extension?.decision?.note], ['APPROVED', grant.expiresAt, 'DENIED', 'DENIED', 'Finish tomorrow']);
    const logs = await bothLogs(from);
    for (const events of [logs.tenant, logs.plane]) {
      assert.deepEqual(events.map((e) => [e.eventType, e.outcome.result, e.outcome.reason]), [['bulwark.support.access.extension.deny', 'DENY', 'Finish tomorrow']]);
    }
    assertOktaError(await f.api('POST', `/api/v1/support-access/grants/${grant.id}/extension/approve`, {}), 400, 'E0000001');
    assertOktaError(await f.api('POST', `/api/v1/support-access/grants/${grant.id}/extension/deny`, {}), 400, 'E0000001');
    assert.equal((ok(await extend(grant.id), 'ask again').body as Grant).extension?.status, 'PENDING');
    ok(await f.api('POST', `/api/v1/support-access/grants/${grant.id}/revoke`), 'revoke');
  });

  it('refuses more time on a grant that is not running, not the staff member\'s, or asked for badly, and writes nothing', async () => {
    const waiting = ok(await agent.hc('POST', `/help/v1/staff/cases/${caseId}/access-requests`, { scopes: ['okta.users.read'], justification: 'Looking at the user record.' }), 'ask').body as Grant;
    const grant = await running(60);
    const someoneElse = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const other = await createTestTenant(server.db);
    const stranger = apiClient(server.url, other.token);
    const before = { tenant: await logCount(server.db, tenant.id), plane: await logCount(server.db, plane.id) };

    for (const body of [{ durationMinutes: 14 }, { durationMinutes: 481 }, { durationMinutes: 30.5 }, { justification: 'pls' }, { justification: '          ' }, { durationMinutes: '60' }, { extra: true }]) {
      assertOktaError(await extend(grant.id, body), 400, 'E0000001');
    }
    assertOktaError(await agent.hc('POST', `/help/v1/staff/access-grants/${grant.id}/extensions`, { justification: 'No duration given here.' }), 400, 'E0000001');
    assertOktaError(await extend(grant.id, {}, someoneElse), 404, 'E0000007');
    assertOktaError(await extend('sagAAAAAAAAAAAAAAAAA'), 404, 'E0000007');
    const notRunning = await extend(waiting.id);
    assertOktaError(notRunning, 400, 'E0000001');
    assert.match(JSON.stringify(notRunning.body), /the grant is PENDING; only a running grant can be extended/);
    assertOktaError(await f.api('POST', `/api/v1/support-access/grants/${grant.id}/extension/approve`, {}), 400, 'E0000001');
    assertOktaError(await f.api('POST', `/api/v1/support-access/grants/${grant.id}/extension/deny`, {}), 400, 'E0000001');
    assert.deepEqual({ tenant: await logCount(server.db, tenant.id), plane: await logCount(server.db, plane.id) }, before, 'nothing asked, nothing logged');

    ok(await extend(grant.id), 'extend');
    assertOktaError(await stranger('POST', `/api/v1/support-access/grants/${grant.id}/extension/approve`, {}), 404, 'E0000007');
    assertOktaError(await stranger('POST', `/api/v1/support-access/grants/${grant.id}/extension/deny`, {}), 404, 'E0000007');
    assertOktaError(await stranger('GET', `/api/v1/support-access/grants/${grant.id}`), 404, 'E0000007');
    assert.equal((await read(grant.id)).extension?.status, 'PENDING', 'another organization decided nothing');

    // A closed case ends the use of its grants, so there is nothing to extend.
    const customer = await helpCenterCustomer(server, f, tenant.slug, { admin: true });
    const closing = ok(await customer.hc('POST', '/help/v1/cases', { title: unique('Soon closed'), description: 'x', severity: 'SEV3', productArea: 'OTHER' }), 'case').body.id as string;
    const onClosing = ok(await agent.hc('POST', `/help/v1/staff/cases/${closing}/access-requests`, { scopes: ['okta.users.read'], justification: 'Looking at the user record.' }), 'ask').body as Grant;
    ok(await f.api('POST', `/api/v1/support-access/grants/${onClosing.id}/approve`, {}), 'approve');
    ok(await customer.hc('POST', `/help/v1/cases/${closing}/lifecycle/close`), 'close');
    const closed = await extend(onClosing.id);
    assertOktaError(closed, 400, 'E0000001');
    assert.match(JSON.stringify(closed.body), /case of this grant is closed/);
    ok(await f.api('POST', `/api/v1/support-access/grants/${grant.id}/revoke`), 'revoke');
  });

  it('lets a request for more time lapse with its grant, and ends one still waiting when the grant is revoked or ended', async () => {
    const lapsing = await running(15);
    ok(await extend(lapsing.id), 'extend');
    await pass(15 * MINUTE);
    const lapsed = await read(lapsing.id);
    assert.deepEqual([lapsed.status, lapsed.extension?.status], ['EXPIRED', 'EXPIRED']);
    assertOktaError(await f.api('POST', `/api/v1/support-access/grants/${lapsing.id}/extension/approve`, {}), 400, 'E0000001');
    assertOktaError(await extend(lapsing.id), 400, 'E0000001');

    const revoked = await running(60);
    const asked = ok(await extend(revoked.id), 'extend').body as Grant;
    let from = await marks();
    const afterRevoke = ok(await f.api('POST', `/api/v1/support-access/grants/${revoked.id}/revoke`), 'revoke').body as Grant;
    assert.deepEqual([afterRevoke.status, afterRevoke.extension?.status], ['REVOKED', 'REVOKED']);
    let logs = await bothLogs(from);
    for (const events of [logs.tenant, logs.plane]) {
      assert.deepEqual(events.map((e) => [e.eventType, e.debugContext.debugData['extensionEnded']]), [['user.session.impersonation.revoke', asked.extension?.id]]);
    }
    assertOktaError(await f.api('POST', `/api/v1/support-access/grants/${revoked.id}/extension/approve`, {}), 400, 'E0000001');

    const ended = await running(60);
    const endedAsk = ok(await extend(ended.id), 'extend').body as Grant;
    from = await marks();
    const afterEnd = ok(await agent.hc('POST', `/help/v1/staff/access-grants/${ended.id}/end`), 'end').body as Grant;
    assert.deepEqual([afterEnd.status, afterEnd.extension?.status], ['REVOKED', 'REVOKED']);
    logs = await bothLogs(from);
    assert.deepEqual(logs.tenant.map((e) => [e.eventType, e.debugContext.debugData['extensionEnded']]), [['user.session.impersonation.end', endedAsk.extension?.id]]);
    assert.equal((await read(ended.id)).extension?.status, 'REVOKED');
  });

  it('writes well-formed events of documented types', async () => {
    for (const tenantId of [tenant.id, plane.id]) {
      const events = (await eventsAfterOf<LogEventJson>(server.db, tenantId, 0)).filter((e) => /impersonation|support\.access/.test(e.eventType));
      assert.ok(events.some((e) => e.eventType === 'user.session.impersonation.extend'));
      assert.deepEqual(problemsOf(events, oktaEventTypes(), documentedBulwarkTypes()), []);
    }
  });
});
