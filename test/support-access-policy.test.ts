/**
 * Pre-approval of support access (docs/support-access.md, "Pre-approval rules"), over real HTTP: a tenant's
 * admins set rules in advance (a protected action from the admin console), read scopes only; a request within
 * a rule (its scopes, its case's severity, its duration) is approved as it arrives, naming the rule and no admin,
 * logged in both logs, the admins alerted all the same. Anything else waits for an admin as before, and one
 * tenant's rules never approve a request for another.
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

type Rule = { name: string; scopes: string[]; severities: string[]; maxDurationMinutes: number };
type Policy = { rules: Rule[]; lastUpdated: string | null };
type Grant = {
  id: string;
  status: string;
  expiresAt: string | null;
  decision: { outcome: string; by: { id: string; name: string } | null; rule: { name: string } | null; at: string; note: string | null } | null;
};
type Event = {
  eventType: string;
  outcome: { result: string };
  actor: { type: string; displayName: string; detailEntry: Record<string, unknown> | null };
  target: { type: string; id: string; changeDetails?: { from: { rules: Rule[] }; to: { rules: Rule[] } } }[];
  debugContext: { debugData: Record<string, any> };
};

const SEV1_READS: Rule = { name: 'Severity 1: look, do not touch', scopes: ['okta.users.read', 'okta.logs.read'], severities: ['SEV1'], maxDurationMinutes: 120 };

describe('support access pre-approval', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let plane: SupportPlane;
  let agent: { hc: HostClient; id: string };
  /** The tenant with rules (A), and another of the same cell with none (B). */
  let a: { tenant: TestTenant; f: Fixture; cases: Record<'SEV1' | 'SEV3', string> };
  let b: { tenant: TestTenant; f: Fixture; cases: Record<'SEV1' | 'SEV3', string> };

  const organization = async (): Promise<typeof a> => {
    const tenant = await createTestTenant(server.db);
    const f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    const open = async (severity: string) => ok(await customer.hc('POST', '/help/v1/cases', { title: unique(severity), description: 'Sign-in is broken.', severity, productArea: 'SIGN_IN' }), 'case').body.id as string;
    return { tenant, f, cases: { SEV1: await open('SEV1'), SEV3: await open('SEV3') } };
  };

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    plane = await newSupportPlane(server, clock, 'commercial');
    agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    a = await organization();
    b = await organization();
  });
  after(() => server.close());

  const ask = (caseId: string, scopes: string[], durationMinutes = 60) =>
    agent.hc('POST', `/help/v1/staff/cases/${caseId}/access-requests`, { scopes, durationMinutes, justification: 'Severity 1: I need to see the users and the log.' });
  const policyOf = async (f: Fixture) => ok(await f.api('GET', '/api/v1/support-access/policy'), 'read policy').body as Policy;

  it('starts with no rules, and refuses a rule naming a write scope with the reason, changing nothing', async () => {
    assert.deepEqual(await policyOf(a.f), { rules: [], lastUpdated: null });
    const before = await logCount(server.db, a.tenant.id);
    const writes = await a.f.api('PUT', '/api/v1/support-access/policy', { rules: [SEV1_READS, { ...SEV1_READS, name: 'Resets too', scopes: ['okta.users.read', 'okta.users.factors.reset'] }] });
    assertOktaError(writes, 400, 'E0000001');
    const causes = (writes.body.errorCauses as { errorSummary: string }[]).map((c) => c.errorSummary);
    assert.equal(causes.length, 1, JSON.stringify(causes));
    assert.match(causes[0] ?? '', /^rules\[1\]\.scopes: okta\.users\.factors\.reset is a write scope; write scopes are never pre-approved.*admin's account/);
    for (const body of [
      { rules: [SEV1_READS, { ...SEV1_READS, name: ' severity 1: LOOK, do not touch ' }] },
      { rules: [{ ...SEV1_READS, scopes: [] }] },
      { rules: [{ ...SEV1_READS, scopes: ['okta.users.manage'] }] },
      { rules: [{ ...SEV1_READS, severities: ['SEV0'] }] },
      { rules: [{ ...SEV1_READS, severities: [] }] },
      { rules: [{ ...SEV1_READS, maxDurationMinutes: 481 }] },
      { rules: [{ ...SEV1_READS, name: '   ' }] },
      { rules: [{ ...SEV1_READS, extra: 1 }] },
      { rules: Array.from({ length: 21 }, (_, i) => ({ ...SEV1_READS, name: `Rule ${i}` })) },
      {},
    ]) assertOktaError(await a.f.api('PUT', '/api/v1/support-access/policy', body), 400, 'E0000001');
    assert.deepEqual(await policyOf(a.f), { rules: [], lastUpdated: null });
    assert.equal(await logCount(server.db, a.tenant.id), before, 'nothing logged');
  });

  it('sets the rules from the admin console only with a recent passkey, logging them before and after', async () => {
    const authenticator = new SoftAuthenticator();
    await newPasskeyAdmin(a.f, authenticator);
    const admin = await startAdminSession(hostClient(server.url, a.tenant.slug), authenticator);
    clock.advance(6 * MINUTE);
    assertOktaError(await admin('PUT', '/api/v1/support-access/policy', { rules: [SEV1_READS] }), 403, 'E0000006');
    assert.deepEqual((await policyOf(a.f)).rules, []);

    const fresh = await startAdminSession(hostClient(server.url, a.tenant.slug), authenticator);
    const seq = await lastSeqOf(server.db, a.tenant.id);
    const set = ok(await fresh('PUT', '/api/v1/support-access/policy', { rules: [{ ...SEV1_READS, name: `  ${SEV1_READS.name} ` }] }), 'set').body as Policy;
    assert.deepEqual(set, { rules: [SEV1_READS], lastUpdated: clock.now().toISOString() });
    assert.deepEqual(await policyOf(a.f), set);
    const [event] = await eventsAfterOf<Event>(server.db, a.tenant.id, seq, 'bulwark.support.access.policy.update');
    assert.deepEqual([event?.actor.type, event?.target[0]?.type, event?.target[0]?.changeDetails], ['User', 'SupportAccessPolicy', { from: { rules: [] }, to: { rules: [SEV1_READS] } }]);

    assert.deepEqual(await policyOf(b.f), { rules: [], lastUpdated: null }, 'another organization\'s rules are its own');
  });

  it('approves at once a read-only request on a severity 1 case within a rule, naming the rule and no admin, in both logs, with an alert', async () => {
    const seq = await lastSeqOf(server.db, a.tenant.id);
    const planeSeq = await lastSeqOf(server.db, plane.id);
    const asked = await ask(a.cases.SEV1, ['okta.users.read'], 90);
    assert.equal(asked.status, 201);
    const approved = asked.body as Grant;
    assert.equal(approved.status, 'APPROVED');
    assert.deepEqual([approved.decision?.outcome, approved.decision?.by, approved.decision?.rule], ['APPROVED', null, { name: SEV1_READS.name }]);
    assert.equal(Date.parse(approved.expiresAt ?? ''), clock.now().getTime() + 90 * MINUTE, 'as asked, from now');
    assert.deepEqual(ok(await a.f.api('GET', `/api/v1/support-access/grants/${approved.id}`), 'admin reads').body.decision.rule, { name: SEV1_READS.name });

    for (const [tenantId, from] of [[a.tenant.id, seq], [plane.id, planeSeq]] as const) {
      const events = await eventsAfterOf<Event>(server.db, tenantId, from);
      assert.deepEqual(events.map((e) => e.eventType), ['bulwark.support.access.request', 'user.session.impersonation.grant']);
      const granted = events[1];
      assert.deepEqual([granted?.actor.type, granted?.actor.detailEntry], ['SystemPrincipal', { rule: SEV1_READS.name }]);
      assert.deepEqual(granted?.debugContext.debugData['rule'], SEV1_READS);
      assert.deepEqual([granted?.debugContext.debugData['caseSeverity'], granted?.target.map((t) => t.type)], ['SEV1', ['SupportAccessGrant', 'SupportCase']]);
    }
    const alerts = ok(await a.f.api('GET', '/api/v1/alerts?limit=200'), 'alerts').body as { type: string; severity: string; details: { grantId: string; rule: Rule } }[];
    const alert = alerts.find((x) => x.details.grantId === approved.id);
    assert.deepEqual([alert?.type, alert?.severity, alert?.details.rule.name], ['SUPPORT_ACCESS_PREAPPROVED', 'INFO', SEV1_READS.name]);

    const { token } = ok(await agent.hc('POST', `/help/v1/staff/access-grants/${approved.id}/token`), 'token').body as { token: string };
    assert.equal((await hostClient(server.url, a.tenant.slug)('GET', '/api/v1/users?limit=1', undefined, { authorization: `Support ${token}` })).status, 200);
  });

  it('leaves waiting for an admin a request with a write scope, on a case of another severity, or longer than the rule allows', async () => {
    const waited: string[] = [];
    for (const [caseId, scopes, minutes] of [
      [a.cases.SEV1, ['okta.users.read', 'okta.users.factors.reset'], 60],
      [a.cases.SEV1, ['okta.users.passwords.reset'], 15],
      [a.cases.SEV3, ['okta.users.read'], 60],
      [a.cases.SEV1, ['okta.users.read', 'okta.policies.read'], 60],
      [a.cases.SEV1, ['okta.logs.read'], 121],
    ] as const) {
      const seq = await lastSeqOf(server.db, a.tenant.id);
      const waiting = ok(await ask(caseId, [...scopes], minutes), 'ask').body as Grant;
      assert.deepEqual([waiting.status, waiting.decision], ['PENDING', null], `${scopes.join(' ')} for ${minutes} minutes`);
      waited.push(waiting.id);
      assert.deepEqual((await eventsAfterOf<Event>(server.db, a.tenant.id, seq)).map((e) => e.eventType), ['bulwark.support.access.request']);
    }
    const alerts = ok(await a.f.api('GET', '/api/v1/alerts?limit=200'), 'alerts').body as { type: string; details: { grantId: string } }[];
    assert.deepEqual(waited.map((id) => alerts.find((x) => x.details.grantId === id)?.type), waited.map(() => 'SUPPORT_ACCESS_REQUESTED'));
  });

  it('never lets one organization\'s rules approve a request for another', async () => {
    const seq = await lastSeqOf(server.db, b.tenant.id);
    const elsewhere = ok(await ask(b.cases.SEV1, ['okta.users.read']), 'ask').body as Grant;
    assert.deepEqual([elsewhere.status, elsewhere.decision], ['PENDING', null]);
    assert.deepEqual((await eventsAfterOf<Event>(server.db, b.tenant.id, seq)).map((e) => e.eventType), ['bulwark.support.access.request']);

    // B's own rule, for SEV3 only, approves B's requests and not A's.
    ok(await b.f.api('PUT', '/api/v1/support-access/policy', { rules: [{ name: 'Severity 3 users', scopes: ['okta.users.read'], severities: ['SEV3'], maxDurationMinutes: 60 }] }), 'set B');
    assert.equal((ok(await ask(b.cases.SEV3, ['okta.users.read']), 'ask').body as Grant).decision?.rule?.name, 'Severity 3 users');
    assert.equal((ok(await ask(a.cases.SEV3, ['okta.users.read']), 'ask').body as Grant).status, 'PENDING');
    assert.deepEqual((await policyOf(a.f)).rules, [SEV1_READS]);
  });

  it('stops pre-approving once the rules are taken away, and logs what was removed', async () => {
    const seq = await lastSeqOf(server.db, a.tenant.id);
    ok(await a.f.api('PUT', '/api/v1/support-access/policy', { rules: [] }), 'clear');
    const [event] = await eventsAfterOf<Event>(server.db, a.tenant.id, seq, 'bulwark.support.access.policy.update');
    assert.deepEqual(event?.target[0]?.changeDetails, { from: { rules: [SEV1_READS] }, to: { rules: [] } });
    assert.equal((ok(await ask(a.cases.SEV1, ['okta.users.read']), 'ask').body as Grant).status, 'PENDING');
  });

  it('writes well-formed events of documented types', async () => {
    for (const tenantId of [a.tenant.id, b.tenant.id, plane.id]) {
      const events = (await eventsAfterOf<LogEventJson>(server.db, tenantId, 0)).filter((e) => /impersonation|support\.access/.test(e.eventType));
      assert.deepEqual(problemsOf(events, oktaEventTypes(), documentedBulwarkTypes()), []);
    }
  });
});
