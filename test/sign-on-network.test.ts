/**
 * Where a sign-in comes from, as sign-on policy sees it: the new-location rule at MFA_ENROLL (incident 1
 * replayed through a "require MFA" rule), the network and Okta's behaviours in `policy.evaluate_sign_on`,
 * and the groups and users a rule names, which cannot be deleted under it. Clients are placed on real
 * networks through X-Forwarded-For from a trusted proxy (127.0.0.1), named by the bundled ASN data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { addMember, newGroup, newUser, PASSWORD, ruleBodyFor, signOnPolicyIdOf, TOTP_ENROLLMENT, type Fixture, type UserRef } from './support/fixtures.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { tenantState } from './support/tenant-state.ts';

const GOOGLE_DNS = '8.8.8.8'; // AS15169 Google LLC: where the user works
const CLOUDFLARE_DNS = '1.1.1.1'; // AS13335 Cloudflare: where the attacker comes from

type Logged = {
  eventType: string;
  outcome: { result: string; reason: string | null };
  securityContext: { asNumber: number | null; asOrg: string | null };
  target: { type: string; displayName: string }[];
  debugContext: { debugData: Record<string, unknown> };
};

describe('sign-on policy and the network a sign-in comes from', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let api: Api;
  let f: Fixture;
  let policyId: string;

  before(async () => {
    server = await startTestServer({ config: { BULWARK_TRUSTED_PROXIES: '127.0.0.1', BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    f = { db: server.db, tenantId: tenant.id, api };
    policyId = await signOnPolicyIdOf(f);
  });
  after(() => server.close());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  async function lastSeq(): Promise<number> {
    const row = await server.db.selectFrom('log_chain_heads').select('seq').where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow();
    return Number(row.seq);
  }

  async function eventsAfter(seq: number): Promise<Logged[]> {
    const rows = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).where('seq', '>', String(seq)).orderBy('seq').execute();
    return rows.map((r) => JSON.parse(r.event) as Logged);
  }

  /** A full sign-in from `ip` that ends in a session: what makes a network known for the user. */
  async function sessionFrom(user: UserRef, ip: string): Promise<HostClient> {
    const browser = hostClient(server.url, tenant.slug);
    const authn = await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD }, from(ip));
    assert.equal(authn.body.status, 'SUCCESS', authn.text);
    const redirect = await browser('GET', `/login/sessionCookieRedirect?token=${authn.body.sessionToken}&redirectUrl=%2F`, undefined, from(ip));
    assert.equal(redirect.status, 302, redirect.text);
    return browser;
  }

  /** A user in a new group whose rule asks for a factor: with none, their sign-ins go to MFA_ENROLL. */
  async function memberOfMfaRule(): Promise<{ user: UserRef; groupId: string; ruleId: string }> {
    const group = await newGroup(f);
    const rule = await api('POST', `/api/v1/policies/${policyId}/rules`, ruleBodyFor(group.id, { access: 'ALLOW', requireFactor: true }));
    assert.equal(rule.status, 200, rule.text);
    const user = await newUser(f, 'ACTIVE');
    await addMember(f, group.id, user.id);
    return { user, groupId: group.id, ruleId: rule.body.id as string };
  }

  it('refuses to set up a factor at MFA_ENROLL from a network the user has not signed in from, as inside a session', async () => {
    // The user works from Google's network; then the rule asking for a factor is added to their group.
    const user = await newUser(f, 'ACTIVE');
    await sessionFrom(user, GOOGLE_DNS);
    const group = await newGroup(f);
    assert.equal((await api('POST', `/api/v1/policies/${policyId}/rules`, ruleBodyFor(group.id, { access: 'ALLOW', requireFactor: true }))).status, 200);
    await addMember(f, group.id, user.id);

    // Someone holding the password (reset by a hijacked help desk) signs in from Cloudflare's network.
    const attacker = hostClient(server.url, tenant.slug);
    const authn = await attacker('POST', '/api/v1/authn', { username: user.login, password: PASSWORD }, from(CLOUDFLARE_DNS));
    assert.equal(authn.body.status, 'MFA_ENROLL', authn.text);
    const seq = await lastSeq();
    const refused = await attacker('POST', '/api/v1/authn/factors', { stateToken: authn.body.stateToken, ...TOTP_ENROLLMENT }, from(CLOUDFLARE_DNS));
    assertOktaError(refused, 403, 'E0000006');
    assert.match(refused.body.errorCauses[0].errorSummary, /enrollment link/);
    const factors = await api('GET', `/api/v1/users/${user.id}/factors`);
    assert.deepEqual(factors.body, [], 'no factor, not even a pending one');
    const events = await eventsAfter(seq);
    const denied = events.find((e) => e.eventType === 'user.mfa.factor.activate');
    assert.equal(denied?.outcome.result, 'DENY');
    assert.equal(events.find((e) => e.eventType === 'security.threat.detected')?.debugContext.debugData['asn'], 13335);
    const alerts = await api('GET', '/api/v1/alerts');
    assert.ok((alerts.body as { type: string; userId: string }[]).some((a) => a.type === 'NEW_FACTOR_FROM_NEW_LOCATION' && a.userId === user.id), alerts.text);

    // From the network the user is known on, the same step goes ahead.
    const fromWork = await hostClient(server.url, tenant.slug)('POST', '/api/v1/authn', { username: user.login, password: PASSWORD }, from(GOOGLE_DNS));
    const enrolled = await hostClient(server.url, tenant.slug)('POST', '/api/v1/authn/factors', { stateToken: fromWork.body.stateToken, ...TOTP_ENROLLMENT }, from(GOOGLE_DNS));
    assert.equal(enrolled.body.status, 'MFA_ENROLL_ACTIVATE', enrolled.text);
  });

  it('lets a user who has never signed in set up a first factor at MFA_ENROLL from wherever they are', async () => {
    const { user } = await memberOfMfaRule();
    const browser = hostClient(server.url, tenant.slug);
    const authn = await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD }, from(CLOUDFLARE_DNS));
    assert.equal(authn.body.status, 'MFA_ENROLL', authn.text);
    const enrolled = await browser('POST', '/api/v1/authn/factors', { stateToken: authn.body.stateToken, ...TOTP_ENROLLMENT }, from(CLOUDFLARE_DNS));
    assert.equal(enrolled.body.status, 'MFA_ENROLL_ACTIVATE', enrolled.text);
  });

  it('writes the network and Okta\'s behaviours into policy.evaluate_sign_on', async () => {
    const user = await newUser(f, 'ACTIVE');
    await sessionFrom(user, GOOGLE_DNS);
    let seq = await lastSeq();
    await sessionFrom(user, GOOGLE_DNS);
    const known = (await eventsAfter(seq)).find((e) => e.eventType === 'policy.evaluate_sign_on');
    assert.equal(known?.securityContext.asNumber, 15169);
    assert.equal(known?.debugContext.debugData['behaviors'], '{New Geo-Location=NEGATIVE, New IP=NEGATIVE, New Country=NEGATIVE}');
    assert.equal(known?.target[0]?.displayName, 'Okta Dashboard');
    seq = await lastSeq();
    await sessionFrom(user, CLOUDFLARE_DNS);
    const fresh = (await eventsAfter(seq)).find((e) => e.eventType === 'policy.evaluate_sign_on');
    assert.equal(fresh?.securityContext.asNumber, 13335);
    assert.match(String(fresh?.debugContext.debugData['behaviors']), /New IP=POSITIVE/);
  });

  it('refuses to delete a group or a user a rule names, changing nothing, until the rule lets go', async () => {
    const { user, groupId, ruleId } = await memberOfMfaRule();
    const byUser = await api('POST', `/api/v1/policies/${policyId}/rules`, { ...ruleBodyFor(groupId, { access: 'DENY' }), conditions: { people: { users: { exclude: [user.id] } }, app: { include: ['help_center'] } } });
    assert.equal(byUser.status, 200, byUser.text);
    assert.equal((await api('POST', `/api/v1/users/${user.id}/lifecycle/deactivate`)).status, 200);
    const before = await tenantState(server.db, tenant.id);
    const group = await api('DELETE', `/api/v1/groups/${groupId}`);
    assertOktaError(group, 400, 'E0000001');
    assert.match(group.body.errorCauses[0].errorSummary, /group: it is named by the sign-on rule/);
    const deleted = await api('DELETE', `/api/v1/users/${user.id}`);
    assertOktaError(deleted, 400, 'E0000001');
    assert.match(deleted.body.errorCauses[0].errorSummary, /user: it is named by the sign-on rule/);
    assert.deepEqual(await tenantState(server.db, tenant.id), before);
    assert.equal((await api('DELETE', `/api/v1/policies/${policyId}/rules/${ruleId}`)).status, 204);
    assert.equal((await api('DELETE', `/api/v1/groups/${groupId}`)).status, 204);
    assert.equal((await api('DELETE', `/api/v1/policies/${policyId}/rules/${byUser.body.id}`)).status, 204);
    assert.equal((await api('DELETE', `/api/v1/users/${user.id}`)).status, 204);
  });
});
