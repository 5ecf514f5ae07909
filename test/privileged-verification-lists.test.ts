/**
 * What the admin console builds on for verification of the person (docs/privileged-verification.md), over real
 * HTTP: a user's verifications, newest first with their status as of now; the organization's verifications
 * waiting for a second admin, each naming in `_links` what the caller may do with it; the alert that an
 * attestation was asked for; and the admin who asked withdrawing their own request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, tokenWithRole, type Api, type ApiResponse, type TestServer, type TestTenant } from './helpers.ts';
import { ok, type Fixture } from './support/fixtures.ts';
import { documentedBulwarkTypes, oktaEventTypes, problemsOf } from './support/log-event-checks.ts';
import type { LogEventJson } from './support/log-reader.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';
import { SoftAuthenticator } from './support/soft-authenticator.ts';
import { tenantState } from './support/tenant-state.ts';
import { newAdminTarget, roleClient, type RoleClient } from './support/verifications.ts';

const MINUTE = 60_000;
const STATEMENT = 'Visual verification on a video call, badge shown';

type Links = Record<string, { href: string; hints?: { allow: string[] } }>;
type Verification = {
  id: string; status: string; action: string; method: string; userId: string; requestedBy: { id: string; name: string }; verifyBy: string;
  decision: { outcome: string; by: { id: string }; statement: string | null } | null; verificationUrl?: string; _links: Links;
};
type Alert = { id: string; type: string; severity: string; userId: string | null; details: Record<string, unknown> };

describe("the console's view of verifications: lists, what waits for whom, alerts and withdrawal", () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  type Admin = RoleClient;
  let helpDesk: Admin;
  let otherHelpDesk: Admin;
  let orgAdmin: Admin;
  let superAdmin: Admin;
  let readOnly: Admin;

  const as = (role: 'HELP_DESK_ADMIN' | 'ORG_ADMIN' | 'SUPER_ADMIN' | 'READ_ONLY_ADMIN'): Promise<Admin> => roleClient(server, tenant.id, role);

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    helpDesk = await as('HELP_DESK_ADMIN');
    otherHelpDesk = await as('HELP_DESK_ADMIN');
    orgAdmin = await as('ORG_ADMIN');
    superAdmin = await as('SUPER_ADMIN');
    readOnly = await as('READ_ONLY_ADMIN');
  });
  after(() => server.close());

  const asked = async (api: Api, userId: string, action: string, method = 'ADMIN_ATTESTATION') =>
    ok(await api('POST', `/api/v1/users/${userId}/verifications`, { action, method }), 'ask for a verification').body as Verification;
  const listOf = async (api: Api, path: string) => ok(await api('GET', path), `GET ${path}`).body as Verification[];
  const waiting = (api: Api) => listOf(api, '/api/v1/verifications?status=PENDING&method=ADMIN_ATTESTATION&limit=200');
  const choices = (v: Verification | undefined) => Object.keys(v?._links ?? {}).filter((k) => k !== 'self' && k !== 'user').sort();
  const alertsOf = async (userId: string) => (ok(await f.api('GET', '/api/v1/alerts?limit=200'), 'alerts').body as Alert[]).filter((a) => a.userId === userId);

  async function refusedWritingNothing(status: number, code: string, send: () => Promise<ApiResponse>): Promise<ApiResponse> {
    const before = await tenantState(server.db, tenant.id);
    const res = await send();
    assertOktaError(res, status, code);
    assert.deepEqual(await tenantState(server.db, tenant.id), before, `${status} ${code} changed nothing`);
    return res;
  }

  it("lists a user's verifications newest first, each with its status as of now", async () => {
    const authenticator = new SoftAuthenticator();
    const target = await newAdminTarget(f, 'ORG_ADMIN', authenticator);
    const lapsed = await asked(helpDesk.api, target.id, 'RESET_FACTORS');
    clock.advance(31 * MINUTE);
    const denied = await asked(helpDesk.api, target.id, 'RESET_PASSWORD');
    ok(await orgAdmin.api('POST', `/api/v1/users/${target.id}/verifications/${denied.id}/deny`, { note: 'Not the person on the call' }), 'deny');
    clock.advance(MINUTE);
    const used = await asked(helpDesk.api, target.id, 'RESET_PASSWORD');
    ok(await orgAdmin.api('POST', `/api/v1/users/${target.id}/verifications/${used.id}/attest`, { statement: STATEMENT }), 'attest');
    ok(await helpDesk.api('POST', `/api/v1/users/${target.id}/lifecycle/reset_password?sendEmail=false`), 'reset with it');
    clock.advance(MINUTE);
    const link = await asked(helpDesk.api, target.login, 'RESET_PASSWORD', 'TARGET_PASSKEY');

    const listed = await listOf(readOnly.api, `/api/v1/users/${target.login}/verifications`);
    assert.deepEqual(listed.map((v) => [v.id, v.status]), [[link.id, 'PENDING'], [used.id, 'USED'], [denied.id, 'DENIED'], [lapsed.id, 'EXPIRED']]);
    assert.equal(listed[2]?.decision?.outcome, 'DENIED');
    assert.ok(listed.every((v) => v.verificationUrl === undefined), 'the link is shown once, in the answer to the request');
    assert.ok(!JSON.stringify(listed).includes(new URL(link.verificationUrl ?? '').hash.slice(1)), 'nor is its token anywhere else');
    assert.deepEqual((await listOf(readOnly.api, `/api/v1/users/${target.id}/verifications?limit=2`)).map((v) => v.id), [link.id, used.id]);
    assert.equal(listed[0]?._links['self']?.href, `${new URL(server.url).origin}/api/v1/users/${target.id}/verifications/${link.id}`);
    assert.deepEqual(listed.map(choices), [[], [], [], []], 'a read-only admin may do nothing with any of them');
    // The help desk may withdraw its own open request; an org admin may deny it; nobody attests a passkey's.
    assert.deepEqual((await listOf(helpDesk.api, `/api/v1/users/${target.id}/verifications?limit=1`)).map(choices), [['deny']]);
    assert.deepEqual((await listOf(otherHelpDesk.api, `/api/v1/users/${target.id}/verifications?limit=1`)).map(choices), [[]]);
    assert.deepEqual((await listOf(orgAdmin.api, `/api/v1/users/${target.id}/verifications?limit=1`)).map(choices), [['deny']]);
  });

  it('lists what waits for a second admin, offering each attestation only to those who may give it', async () => {
    const superTarget = await newAdminTarget(f, 'SUPER_ADMIN');
    const orgTarget = await newAdminTarget(f, 'ORG_ADMIN');
    // A second apart, so that newest first is one order.
    const forSuper = await asked(helpDesk.api, superTarget.id, 'RESET_FACTORS');
    clock.advance(1000);
    const forOrg = await asked(helpDesk.api, orgTarget.id, 'RESET_PASSWORD');
    clock.advance(1000);
    const bySuper = await asked(superAdmin.api, orgTarget.id, 'RESET_FACTORS');
    const mine = (list: Verification[]) => list.filter((v) => [forSuper.id, forOrg.id, bySuper.id].includes(v.id));

    const seenBySuper = mine(await waiting(superAdmin.api));
    assert.deepEqual(seenBySuper.map((v) => [v.id, choices(v)]), [[bySuper.id, ['deny']], [forOrg.id, ['attest', 'deny']], [forSuper.id, ['attest', 'deny']]], 'never their own request');
    assert.equal(seenBySuper[1]?._links['attest']?.href, `${new URL(server.url).origin}/api/v1/users/${orgTarget.id}/verifications/${forOrg.id}/attest`);
    assert.deepEqual(seenBySuper[1]?._links['attest']?.hints, { allow: ['POST'] });
    assert.deepEqual(mine(await waiting(orgAdmin.api)).map((v) => [v.id, choices(v)]), [[bySuper.id, ['attest', 'deny']], [forOrg.id, ['attest', 'deny']], [forSuper.id, ['deny']]], 'a super admin only by a super admin');
    assert.deepEqual(mine(await waiting(helpDesk.api)).map((v) => [v.id, choices(v)]), [[bySuper.id, []], [forOrg.id, ['deny']], [forSuper.id, ['deny']]]);
    // The person never attests their own identity.
    const person = await tokenWithRole(server.db, tenant.id, 'ORG_ADMIN');
    const ofPerson = await asked(helpDesk.api, person.userId, 'RESET_PASSWORD');
    const seenByPerson = (await waiting(apiClient(server.url, person.token))).filter((v) => [ofPerson.id, forOrg.id].includes(v.id));
    assert.deepEqual(seenByPerson.map((v) => [v.id, choices(v)]), [[ofPerson.id, ['deny']], [forOrg.id, ['attest', 'deny']]]);
    ok(await helpDesk.api('POST', `/api/v1/users/${person.userId}/verifications/${ofPerson.id}/deny`, {}), 'withdraw it');

    // Decided, lapsed or of the other method, it waits no more.
    ok(await superAdmin.api('POST', `/api/v1/users/${superTarget.id}/verifications/${forSuper.id}/attest`, { statement: STATEMENT }), 'attest');
    const passkeyTarget = await newAdminTarget(f, 'ORG_ADMIN', new SoftAuthenticator());
    const byLink = await asked(helpDesk.api, passkeyTarget.id, 'RESET_FACTORS', 'TARGET_PASSKEY');
    const ids = async (query: string) => (await listOf(superAdmin.api, `/api/v1/verifications${query}`)).map((v) => v.id);
    assert.deepEqual(mine(await waiting(superAdmin.api)).map((v) => v.id), [bySuper.id, forOrg.id]);
    assert.ok((await ids('?status=VERIFIED')).includes(forSuper.id));
    assert.ok((await ids('?method=TARGET_PASSKEY&status=PENDING')).includes(byLink.id));
    assert.ok(!(await ids('?status=PENDING&method=ADMIN_ATTESTATION')).includes(byLink.id));
    clock.advance(30 * MINUTE);
    assert.deepEqual(mine(await waiting(superAdmin.api)), [], 'lapsed after 30 minutes');
    const expired = await ids('?status=EXPIRED&limit=200');
    for (const id of [bySuper.id, forOrg.id, byLink.id]) assert.ok(expired.includes(id), id);
    assert.ok(expired.includes(forSuper.id), 'verified 30 minutes ago and not used within 15');
    assert.ok(!(await ids('?status=VERIFIED&limit=200')).includes(forSuper.id));
  });

  it('raises an alert for the organization\'s admins when an attestation is asked for, none for a passkey link', async () => {
    const superTarget = await newAdminTarget(f, 'SUPER_ADMIN');
    const passkeyTarget = await newAdminTarget(f, 'ORG_ADMIN', new SoftAuthenticator());
    const v = await asked(helpDesk.api, superTarget.id, 'RESET_PASSWORD');
    await asked(helpDesk.api, passkeyTarget.id, 'RESET_PASSWORD', 'TARGET_PASSKEY');
    const [alert, ...more] = await alertsOf(superTarget.id);
    assert.deepEqual(more, []);
    assert.deepEqual([alert?.type, alert?.severity], ['VERIFICATION_ATTESTATION_REQUESTED', 'MEDIUM']);
    assert.deepEqual(alert?.details, { action: 'RESET_PASSWORD', requestedBy: v.requestedBy.name, attestBy: 'SUPER_ADMIN', verifyBy: v.verifyBy, verificationId: v.id });
    assert.deepEqual(await alertsOf(passkeyTarget.id), []);
    const orgTarget = await newAdminTarget(f, 'READ_ONLY_ADMIN');
    await asked(helpDesk.api, orgTarget.id, 'RESET_FACTORS');
    assert.equal((await alertsOf(orgTarget.id))[0]?.details['attestBy'], 'SUPER_ADMIN or ORG_ADMIN');
  });

  it('lets the admin who asked withdraw their own request, and nobody else without the right to deny', async () => {
    const target = await newAdminTarget(f, 'ORG_ADMIN');
    const v = await asked(helpDesk.api, target.id, 'RESET_FACTORS');
    const deny = (api: Api, body: unknown = {}) => api('POST', `/api/v1/users/${target.id}/verifications/${v.id}/deny`, body);
    const other = await refusedWritingNothing(403, 'E0000006', () => deny(otherHelpDesk.api));
    assert.match(other.body.errorCauses[0].errorSummary, /the admin who asked may withdraw their own/);
    await refusedWritingNothing(403, 'E0000006', () => deny(readOnly.api));
    await refusedWritingNothing(400, 'E0000001', () => deny(helpDesk.api, { note: 42 }));

    const seq = await lastSeqOf(server.db, tenant.id);
    const withdrawn = ok(await deny(helpDesk.api, { note: 'Asked for the wrong action' }), 'withdraw').body as Verification;
    assert.deepEqual([withdrawn.status, withdrawn.decision?.outcome, withdrawn.decision?.by.id, withdrawn.decision?.statement], ['DENIED', 'WITHDRAWN', helpDesk.userId, 'Asked for the wrong action']);
    assert.deepEqual(choices(withdrawn), []);
    await refusedWritingNothing(400, 'E0000001', () => deny(helpDesk.api));
    await refusedWritingNothing(400, 'E0000001', () => orgAdmin.api('POST', `/api/v1/users/${target.id}/verifications/${v.id}/attest`, { statement: STATEMENT }));
    assert.ok(!(await waiting(orgAdmin.api)).some((x) => x.id === v.id), 'it waits for nobody any more');
    const log = await eventsAfterOf<Logged>(server.db, tenant.id, seq);
    assert.deepEqual(log.map((e) => [e.eventType, e.outcome.result, e.actor.id]), [['bulwark.user.verification.withdraw', 'SUCCESS', helpDesk.userId]]);
    assert.deepEqual([log[0]?.debugContext.debugData['verificationId'], log[0]?.debugContext.debugData['was'], log[0]?.debugContext.debugData['note']], [v.id, 'PENDING', 'Asked for the wrong action']);

    // A verified one is withdrawn the same way, and can then no longer be used.
    const verified = await asked(helpDesk.api, target.id, 'RESET_FACTORS');
    ok(await orgAdmin.api('POST', `/api/v1/users/${target.id}/verifications/${verified.id}/attest`, { statement: STATEMENT }), 'attest');
    ok(await helpDesk.api('POST', `/api/v1/users/${target.id}/verifications/${verified.id}/deny`, {}), 'withdraw a verified one');
    assertOktaError(await helpDesk.api('POST', `/api/v1/users/${target.id}/lifecycle/reset_factors`), 403, 'E0000006');
  });

  it('answers bad list queries with 400 and another organization with 404 or its own, writing nothing', async () => {
    const target = await newAdminTarget(f, 'ORG_ADMIN');
    const v = await asked(helpDesk.api, target.id, 'RESET_FACTORS');
    for (const query of ['?status=WAITING', '?method=SMS', '?limit=0', '?limit=201', '?limit=some', '?userId=x', '?status=PENDING&status=USED']) {
      await refusedWritingNothing(400, 'E0000001', () => superAdmin.api('GET', `/api/v1/verifications${query}`));
    }
    for (const query of ['?limit=0', '?status=PENDING']) await refusedWritingNothing(400, 'E0000001', () => superAdmin.api('GET', `/api/v1/users/${target.id}/verifications${query}`));
    await refusedWritingNothing(404, 'E0000007', () => superAdmin.api('GET', `/api/v1/users/00u${'0'.repeat(17)}/verifications`));

    const other = await createTestTenant(server.db);
    const stranger = apiClient(server.url, other.token);
    await refusedWritingNothing(404, 'E0000007', () => stranger('GET', `/api/v1/users/${target.id}/verifications`));
    await refusedWritingNothing(404, 'E0000007', () => stranger('GET', `/api/v1/users/${target.login}/verifications`));
    assert.deepEqual(ok(await stranger('GET', '/api/v1/verifications?limit=200'), 'its own list').body, []);
    assert.ok((await listOf(superAdmin.api, '/api/v1/verifications?limit=200')).some((x) => x.id === v.id));
  });

  it('writes every event of it as a well-formed Okta LogEvent of a documented type', async () => {
    const written = await eventsAfterOf<LogEventJson>(server.db, tenant.id, 0);
    assert.ok(written.some((e) => e.eventType === 'bulwark.user.verification.withdraw'));
    assert.deepEqual(problemsOf(written, oktaEventTypes(), documentedBulwarkTypes()), []);
  });
});
