/**
 * Support staff session hygiene (issue 8, item 5; docs/help-center.md "Staff sessions"). Clearing a user's
 * sessions ends all of them: in their tenant, in the Help Center, and, for support staff, the support tokens
 * they hold in customers' tenants. So the "new factor from a new location" rule, which clears sessions, stops a
 * staff member's whole reach at once. Staff Help Center sessions are stricter than customers': a short idle
 * timeout, and bound to the AS they started in. Clients are placed on real networks through X-Forwarded-For
 * from a trusted proxy (127.0.0.1), and the bundled ASN data names them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { ok, unique, type Fixture } from './support/fixtures.ts';
import { helpCenterCustomer, newStaffMember, newSupportPlane, type SupportPlane } from './support/help-center.ts';
import { hostClient, type HostClient, type HostResponse } from './support/host-client.ts';
import { documentedBulwarkTypes, oktaEventTypes, problemsOf } from './support/log-event-checks.ts';
import { readAllEvents } from './support/log-reader.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';
import type { SoftAuthenticator } from './support/soft-authenticator.ts';

const GOOGLE_DNS = '8.8.8.8'; // AS15169 Google LLC: where the staff member works
const GOOGLE_V6 = '2001:4860:4860::8888'; // AS15169 as well, another address
const CLOUDFLARE_DNS = '1.1.1.1'; // AS13335 Cloudflare: somewhere else
const MINUTE = 60_000;

type Event = Logged & { severity: string; actor: { id: string; type: string }; securityContext: { asNumber: number | null } };
type Staff = { hc: HostClient; web: HostClient; authenticator: SoftAuthenticator; id: string };

const from = (ip: string) => ({ 'x-forwarded-for': ip });

describe('support staff session hygiene', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let plane: SupportPlane;

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_TRUSTED_PROXIES: '127.0.0.1', BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    plane = await newSupportPlane(server, clock, 'commercial');
  });
  after(() => server.close());

  /** An agent working from Google's network: signed in to the plane and, through it, to the Help Center. */
  const agentAt = (ip: string): Promise<Staff> => newStaffMember(server, plane, 'commercial', 'Support agents', { headers: from(ip) });

  /** A case of the tenant, the agent's access to it approved by the tenant's admin, and a support token under it. */
  async function supportToken(agent: Staff): Promise<{ token: string; grantId: string; call(): Promise<HostResponse> }> {
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    const caseId = ok(await customer.hc('POST', '/help/v1/cases', { title: unique('Locked out'), description: 'Nobody can sign in.', severity: 'SEV2', productArea: 'SIGN_IN' }), 'case').body.id as string;
    const grantId = ok(await agent.hc('POST', `/help/v1/staff/cases/${caseId}/access-requests`, { scopes: ['okta.users.read'], justification: 'The customer cannot sign in; I need to see the user.' }), 'ask').body.id as string;
    ok(await f.api('POST', `/api/v1/support-access/grants/${grantId}/approve`, {}), 'approve');
    const { token } = ok(await agent.hc('POST', `/help/v1/staff/access-grants/${grantId}/token`), 'token').body as { token: string };
    const call = () => hostClient(server.url, tenant.slug)('GET', '/api/v1/users?limit=1', undefined, { authorization: `Support ${token}` });
    assert.equal((await call()).status, 200);
    return { token, grantId, call };
  }

  const helpCenterSessionIdOf = async (hc: HostClient) => ok(await hc('GET', '/help/v1/session'), 'session').body.id as string;

  it('ends a staff member\'s plane sessions, Help Center session and support tokens when a factor is added from a new AS', async () => {
    const agent = await agentAt(GOOGLE_DNS);
    const colleague = await agentAt(GOOGLE_DNS);
    const held = await supportToken(agent);
    const colleagues = await supportToken(colleague);
    const helpCenterSessionId = await helpCenterSessionIdOf(agent.hc);
    const tokenId = (await server.db.selectFrom('support_access_tokens').select('id').where('tenant_id', '=', tenant.id).where('grant_id', '=', held.grantId).executeTakeFirstOrThrow()).id;
    // The agent signs in to their own account in the plane with their passkey (a fresh sign-in for that app).
    const start = ok(await agent.web('POST', '/api/v1/authn/passkey', {}), 'passkey sign-in');
    const done = ok(await agent.web('POST', '/api/v1/authn/passkey/verify', { stateToken: start.body.stateToken, credential: agent.authenticator.get(start.body._embedded.challenge, `http://${agent.web.host}`) }), 'verify passkey');
    assert.equal((await agent.web('GET', `/login/sessionCookieRedirect?token=${done.body.sessionToken}&redirectUrl=%2F`)).status, 302);
    assert.equal((await agent.web('GET', '/api/v1/sessions/me')).status, 200);
    const planeSeq = await lastSeqOf(server.db, plane.id);
    const tenantSeq = await lastSeqOf(server.db, tenant.id);

    // Someone holding the agent's plane cookie adds their own authenticator from elsewhere.
    const refused = await agent.web('POST', '/api/v1/users/me/factors', { factorType: 'token:software:totp', provider: 'GOOGLE' }, { ...from(CLOUDFLARE_DNS), origin: `http://${agent.web.host}` });
    assertOktaError(refused, 403, 'E0000006');
    assert.match(refused.body.errorCauses[0].errorSummary, /network this account has not signed in from/);

    // Everything the agent held stops working, on real requests. The plane's own session routes answer as Okta's
    // do when there is no session (404); the Help Center and the tenant's API refuse with 401.
    assertOktaError(await agent.web('GET', '/api/v1/sessions/me'), 404, 'E0000007');
    assertOktaError(await agent.web('GET', '/idp/myaccount/profile'), 404, 'E0000007');
    const planeSessionsLeft = await server.db.selectFrom('sessions').select('id').where('tenant_id', '=', plane.id).where('user_id', '=', agent.id).execute();
    assert.deepEqual(planeSessionsLeft, [], 'both plane sessions (the Help Center sign-in\'s and the account\'s) ended');
    const helpCenter = await agent.hc('GET', '/help/v1/session');
    assertOktaError(helpCenter, 401, 'E0000005');
    assert.match(JSON.stringify(helpCenter.body.errorCauses), /your sessions were ended in your organization/);
    assertOktaError(await agent.hc('GET', '/help/v1/staff/cases'), 401, 'E0000005');
    assertOktaError(await held.call(), 401, 'E0000011');
    // Nobody else's: the colleague works on, and the grant, the tenant's decision, stands.
    assert.equal((await colleagues.call()).status, 200);
    assert.equal((await colleague.hc('GET', '/help/v1/session')).status, 200);
    assert.equal(ok(await f.api('GET', `/api/v1/support-access/grants/${held.grantId}`), 'grant').body.status, 'APPROVED');

    const planeEvents = await eventsAfterOf<Event>(server.db, plane.id, planeSeq);
    const denied = planeEvents.find((e) => e.eventType === 'user.mfa.factor.activate');
    assert.deepEqual(denied?.outcome, { result: 'DENY', reason: 'New factor from a new location' });
    assert.equal(denied?.securityContext.asNumber, 13335);
    const threat = planeEvents.find((e) => e.eventType === 'security.threat.detected');
    assert.deepEqual([threat?.severity, threat?.outcome.reason], ['WARN', 'NEW_FACTOR_FROM_NEW_LOCATION']);
    const cleared = planeEvents.find((e) => e.eventType === 'user.session.clear');
    assert.equal(cleared?.target[0]?.id, agent.id);
    const clearedData = cleared?.debugContext.debugData ?? {};
    assert.notEqual(clearedData['endedSessionIds'], '', 'the plane session');
    assert.equal(clearedData['endedHelpCenterSessionIds'], helpCenterSessionId);
    assert.equal(clearedData['revokedSupportTokenIds'], tokenId);
    const revoked = planeEvents.filter((e) => e.eventType === 'bulwark.support.access.token.revoke');
    assert.deepEqual(revoked.map((e) => e.debugContext.debugData['supportAccessTokenIds']), [[tokenId]]);
    // The tenant the token reached sees it end, and nothing of the colleague's.
    const inTenant = await eventsAfterOf<Event>(server.db, tenant.id, tenantSeq, 'bulwark.support.access.token.revoke');
    assert.deepEqual(inTenant.map((e) => [e.target[0]?.id, e.debugContext.debugData['supportAccessTokenIds'], e.debugContext.debugData['reason']]), [[held.grantId, [tokenId], 'STAFF_SESSIONS_CLEARED']]);

    const alerts = ok(await plane.api('GET', '/api/v1/alerts'), 'alerts').body as { type: string; userId: string; details: { asn: number; endedSessionIds: string[] } }[];
    const alert = alerts.find((a) => a.userId === agent.id);
    assert.equal(alert?.type, 'NEW_FACTOR_FROM_NEW_LOCATION');
    assert.equal(alert?.details.asn, 13335);

    // What this rule writes is well-formed, of documented types, as the Logs API serves it.
    const since = new Date(clock.now().getTime() - 86_400_000).toISOString();
    const written = new Set(['user.session.clear', 'bulwark.support.access.token.revoke', 'user.mfa.factor.activate', 'security.threat.detected']);
    for (const api of [plane.api, f.api]) {
      const events = (await readAllEvents(api, `/api/v1/logs?since=${encodeURIComponent(since)}&limit=1000`)).filter((e) => written.has(e.eventType));
      assert.ok(events.length > 0);
      assert.deepEqual(problemsOf(events, oktaEventTypes(), documentedBulwarkTypes()), []);
    }
  });

  it('ends a customer\'s Help Center session when their tenant\'s admin clears their sessions, and only theirs', async () => {
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    const bystander = await helpCenterCustomer(server, f, tenant.slug);
    const userId = customer.tenantSession.user.id;
    const sessionId = await helpCenterSessionIdOf(customer.hc);

    // Another organization's admin cannot reach the user at all.
    const stranger = await createTestTenant(server.db);
    assertOktaError(await apiClient(server.url, stranger.token)('DELETE', `/api/v1/users/${userId}/sessions`), 404, 'E0000007');
    assert.equal((await customer.hc('GET', '/help/v1/session')).status, 200);

    const seq = await lastSeqOf(server.db, tenant.id);
    assert.equal((await f.api('DELETE', `/api/v1/users/${userId}/sessions`)).status, 204);
    const ended = await customer.hc('GET', '/help/v1/session');
    assertOktaError(ended, 401, 'E0000005');
    assert.match(JSON.stringify(ended.body.errorCauses), /your sessions were ended in your organization/);
    assertOktaError(await customer.hc('GET', '/help/v1/cases'), 401, 'E0000005');
    assert.equal((await bystander.hc('GET', '/help/v1/session')).status, 200, 'another customer of the tenant stays signed in');
    const row = await server.db.selectFrom('help_center_sessions').select(['ended', 'end_reason']).where('tenant_id', '=', tenant.id).where('id', '=', sessionId).executeTakeFirstOrThrow();
    assert.equal(row.end_reason, 'CLEARED');

    const [cleared, ...more] = await eventsAfterOf<Event>(server.db, tenant.id, seq, 'user.session.clear');
    assert.equal(more.length, 0);
    assert.deepEqual([cleared?.debugContext.debugData['reason'], cleared?.debugContext.debugData['endedHelpCenterSessionIds'], cleared?.debugContext.debugData['revokedSupportTokenIds']], ['admin', sessionId, '']);
  });

  it('ends a staff session after 15 idle minutes, while a customer\'s session of the same age lives on', async () => {
    const agent = await agentAt(GOOGLE_DNS);
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    const session = ok(await agent.hc('GET', '/help/v1/session'), 'session').body as { kind: string; expiresAt: string };
    assert.equal(session.kind, 'STAFF');
    assert.equal(Date.parse(session.expiresAt), clock.now().getTime() + 15 * MINUTE, 'the staff idle timeout, not the customers\' 30 minutes');
    const customerSession = ok(await customer.hc('GET', '/help/v1/session'), 'session').body as { expiresAt: string };
    assert.equal(Date.parse(customerSession.expiresAt), clock.now().getTime() + 30 * MINUTE);

    // Use restarts the idle clock.
    clock.advance(14 * MINUTE);
    assert.equal((await agent.hc('GET', '/help/v1/staff/cases')).status, 200);
    clock.advance(14 * MINUTE);
    assert.equal((await agent.hc('GET', '/help/v1/session')).status, 200);

    const seq = await lastSeqOf(server.db, plane.id);
    clock.advance(15 * MINUTE);
    const idle = await agent.hc('GET', '/help/v1/session');
    assertOktaError(idle, 401, 'E0000005');
    assert.match(JSON.stringify(idle.body.errorCauses), /after 15 minutes without activity/);
    assertOktaError(await agent.hc('GET', '/help/v1/staff/cases'), 401, 'E0000005');
    assert.deepEqual(await eventsAfterOf(server.db, plane.id, seq), [], 'a timeout is not an event');

    const fresh = await helpCenterCustomer(server, f, tenant.slug);
    clock.advance(16 * MINUTE);
    assert.equal((await fresh.hc('GET', '/help/v1/session')).status, 200, 'a customer idle for 16 minutes is still signed in');
    clock.advance(30 * MINUTE);
    const customerIdle = await fresh.hc('GET', '/help/v1/session');
    assertOktaError(customerIdle, 401, 'E0000005');
    assert.match(JSON.stringify(customerIdle.body.errorCauses), /after 30 minutes without activity/);
  });

  it('ends a staff session used from another AS, with the DENY in the plane\'s log; the same AS from another address is fine', async () => {
    const agent = await agentAt(GOOGLE_DNS);
    const sessionId = await helpCenterSessionIdOf(agent.hc);
    const seq = await lastSeqOf(server.db, plane.id);
    assert.equal((await agent.hc('GET', '/help/v1/staff/cases', undefined, from(GOOGLE_V6))).status, 200, 'the same AS over IPv6');
    assert.equal((await agent.hc('GET', '/help/v1/session', undefined, from(GOOGLE_DNS))).status, 200);
    assert.deepEqual(await eventsAfterOf<Event>(server.db, plane.id, seq, 'user.session.context.change'), []);

    const moved = await agent.hc('GET', '/help/v1/staff/cases', undefined, from(CLOUDFLARE_DNS));
    assertOktaError(moved, 401, 'E0000005');
    assert.match(moved.body.errorCauses[0].errorSummary, /started from AS15169.*this request came from AS13335.*has ended/);
    // The session is over, from anywhere; its owner signs in again with their passkey.
    const back = await agent.hc('GET', '/help/v1/session', undefined, from(GOOGLE_DNS));
    assertOktaError(back, 401, 'E0000005');
    assert.match(JSON.stringify(back.body.errorCauses), /used from another network/);
    const row = await server.db.selectFrom('help_center_sessions').select(['end_reason', 'asn', 'ip_address']).where('tenant_id', '=', plane.id).where('id', '=', sessionId).executeTakeFirstOrThrow();
    assert.deepEqual(row, { end_reason: 'ASN_CHANGED', asn: 15169, ip_address: GOOGLE_DNS });

    const [change, ...more] = await eventsAfterOf<Event>(server.db, plane.id, seq, 'user.session.context.change');
    assert.equal(more.length, 0, 'one event: the ended session is not judged again');
    assert.deepEqual(change?.outcome, { result: 'DENY', reason: 'ASN_CHANGED' });
    assert.deepEqual([change?.actor.type, change?.actor.id], ['SupportStaff', agent.id]);
    assert.deepEqual(change?.target.map((t) => [t.type, t.id]), [['User', agent.id], ['Session', sessionId]]);
    const data = change?.debugContext.debugData ?? {};
    assert.deepEqual([data['sessionAsNumber'], data['sessionIpAddress'], data['requestAsNumber'], data['requestIpAddress'], data['sessionEnded']], [15169, GOOGLE_DNS, 13335, CLOUDFLARE_DNS, true]);
    assert.equal(change?.securityContext.asNumber, 13335);
    const served = (await readAllEvents(plane.api, `/api/v1/logs?since=${encodeURIComponent(new Date(clock.now().getTime() - MINUTE).toISOString())}&limit=1000`)).filter((e) => e.eventType === 'user.session.context.change');
    assert.deepEqual(problemsOf(served, oktaEventTypes(), documentedBulwarkTypes()), []);
  });

  it('leaves customers\' Help Center sessions unbound: their own tenant\'s policy decides where they sign in from', async () => {
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    const seq = await lastSeqOf(server.db, tenant.id);
    assert.equal((await customer.hc('GET', '/help/v1/cases', undefined, from(GOOGLE_DNS))).status, 200);
    assert.equal((await customer.hc('GET', '/help/v1/session', undefined, from(CLOUDFLARE_DNS))).status, 200);
    assert.deepEqual(await eventsAfterOf<Event>(server.db, tenant.id, seq, 'user.session.context.change'), []);
  });
});
