/**
 * Verification of the person before a help-desk reset of a privileged account (docs/privileged-verification.md),
 * over real HTTP: a help-desk admin's reset of a user who holds an admin role is refused (and the refusal logged)
 * until the person is verified, by their own passkey through a one-time link or by a second admin's
 * attestation; the verification is then good for one reset, of that user, of that kind, by that admin, for a
 * short time. Every step is in the System Log.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, tokenWithRole, type Api, type ApiResponse, type TestServer, type TestTenant } from './helpers.ts';
import { grant, newPasskeyUser, newTotpUser, newUser, ok, unique, type TotpUser, type WebFixture } from './support/fixtures.ts';
import { helpCenterCustomer, newStaffMember, newSupportPlane } from './support/help-center.ts';
import { hostClient } from './support/host-client.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';
import { SoftAuthenticator } from './support/soft-authenticator.ts';
import { adminSignIn, newAdminBrowser } from './support/admin-session.ts';
import { documentedBulwarkTypes, oktaEventTypes, problemsOf } from './support/log-event-checks.ts';
import type { LogEventJson } from './support/log-reader.ts';
import { tenantState } from './support/tenant-state.ts';
import { newAdminTarget, roleClient, type RoleClient } from './support/verifications.ts';

const MINUTE = 60_000;
const STATEMENT = 'Visual verification on a video call, badge shown';

type Verification = {
  id: string; status: string; action: string; method: string; userId: string; requestedBy: { id: string; name: string }; created: string; verifyBy: string;
  decision: { outcome: string; by: { id: string; name: string }; at: string; statement: string | null } | null; useBy: string | null; used: string | null; verificationUrl?: string;
};

describe('verification of the person before a help-desk reset of a privileged account', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let f: WebFixture;
  type Admin = RoleClient;
  let helpDesk: Admin;
  let otherHelpDesk: Admin;
  let orgAdmin: Admin;
  let superAdmin: Admin;

  const as = (role: 'HELP_DESK_ADMIN' | 'ORG_ADMIN' | 'SUPER_ADMIN' | 'READ_ONLY_ADMIN'): Promise<Admin> => roleClient(server, tenant.id, role);

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token), web: () => hostClient(server.url, tenant.slug) };
    helpDesk = await as('HELP_DESK_ADMIN');
    otherHelpDesk = await as('HELP_DESK_ADMIN');
    orgAdmin = await as('ORG_ADMIN');
    superAdmin = await as('SUPER_ADMIN');
  });
  after(() => server.close());

  /** A new user with an ACTIVE TOTP factor who holds `role`. */
  async function adminWithFactor(role: 'SUPER_ADMIN' | 'ORG_ADMIN' | 'READ_ONLY_ADMIN'): Promise<TotpUser> {
    const t = await newTotpUser(f);
    await grant(f, t.user.id, role);
    return t;
  }

  const factorsOf = async (userId: string) => ((await f.api('GET', `/api/v1/users/${userId}/factors`)).body as { id: string }[]).map((x) => x.id);
  const ask = (api: Api, userId: string, action: string, method = 'ADMIN_ATTESTATION') => api('POST', `/api/v1/users/${userId}/verifications`, { action, method });
  const asked = async (api: Api, userId: string, action: string, method = 'ADMIN_ATTESTATION') => ok(await ask(api, userId, action, method), 'ask for a verification').body as Verification;
  const attest = (api: Api, v: Pick<Verification, 'id' | 'userId'>, statement = STATEMENT) => api('POST', `/api/v1/users/${v.userId}/verifications/${v.id}/attest`, { statement });
  const read = async (v: Pick<Verification, 'id' | 'userId'>) => ok(await f.api('GET', `/api/v1/users/${v.userId}/verifications/${v.id}`), 'read verification').body as Verification;
  const resetFactors = (api: Api, userId: string) => api('POST', `/api/v1/users/${userId}/lifecycle/reset_factors`);
  const resetPassword = (api: Api, userId: string) => api('POST', `/api/v1/users/${userId}/lifecycle/reset_password?sendEmail=false`);
  const events = (seq: number, type?: string) => eventsAfterOf<Logged>(server.db, tenant.id, seq, type);
  const summary = (e: Logged) => [e.eventType, e.outcome.result, e.actor.id];

  /** The request answers an Okta error of `status` and `code`, and the tenant (its System Log included) is exactly as it was. */
  async function refusedWritingNothing(status: number, code: string, send: () => Promise<ApiResponse>, state = tenant.id): Promise<ApiResponse> {
    const before = await tenantState(server.db, state);
    const res = await send();
    assertOktaError(res, status, code);
    assert.deepEqual(await tenantState(server.db, state), before, `${status} ${code} changed nothing`);
    return res;
  }

  /** A refused reset: 403 E0000006 saying how to ask for a verification. */
  function assertNeedsVerification(res: ApiResponse, userId: string): void {
    assertOktaError(res, 403, 'E0000006');
    assert.match(res.body.errorCauses[0].errorSummary, new RegExp(`POST /api/v1/users/${userId}/verifications`));
  }

  it("refuses a help-desk admin's reset of a super admin's factors and password until the person is verified, and logs each refusal", async () => {
    const target = await adminWithFactor('SUPER_ADMIN');
    const seq = await lastSeqOf(server.db, tenant.id);
    const { log_events: _log, log_chain_heads: _head, ...before } = await tenantState(server.db, tenant.id);
    assertNeedsVerification(await resetFactors(helpDesk.api, target.user.id), target.user.id);
    assertNeedsVerification(await helpDesk.api('DELETE', `/api/v1/users/${target.user.id}/factors/${target.factorId}`), target.user.id);
    assertNeedsVerification(await resetPassword(helpDesk.api, target.user.login), target.user.id);
    assertNeedsVerification(await helpDesk.api('POST', `/api/v1/users/${target.user.id}/lifecycle/expire_password?tempPassword=true`), target.user.id);
    const { log_events: _logAfter, log_chain_heads: _headAfter, ...after } = await tenantState(server.db, tenant.id);
    assert.deepEqual(after, before, 'nothing but the log changed');
    assert.deepEqual(await factorsOf(target.user.id), [target.factorId]);
    const refused = await events(seq);
    assert.deepEqual(refused.map((e) => [...summary(e), e.target.map((t) => t.id), e.debugContext.debugData['action']]), [
      ['bulwark.user.verification.use', 'DENY', helpDesk.userId, [target.user.id], 'RESET_FACTORS'],
      ['bulwark.user.verification.use', 'DENY', helpDesk.userId, [target.user.id], 'RESET_FACTORS'],
      ['bulwark.user.verification.use', 'DENY', helpDesk.userId, [target.user.id], 'RESET_PASSWORD'],
      ['bulwark.user.verification.use', 'DENY', helpDesk.userId, [target.user.id], 'RESET_PASSWORD'],
    ]);
    assert.ok(refused.every((e) => e.outcome.reason === 'VERIFICATION_REQUIRED'));
    // Expiring the password alone is no reset: still refused as before, with nothing to verify and nothing logged.
    await refusedWritingNothing(403, 'E0000006', () => helpDesk.api('POST', `/api/v1/users/${target.user.id}/lifecycle/expire_password`));
  });

  it('lets a second admin attest the person, a super admin for a super admin, never the one who asked; the reset then works once', async () => {
    const target = await adminWithFactor('SUPER_ADMIN');
    const seq = await lastSeqOf(server.db, tenant.id);
    const v = await asked(helpDesk.api, target.user.login, 'RESET_FACTORS');
    assert.deepEqual([v.status, v.action, v.method, v.userId, v.requestedBy.id, v.decision, v.verificationUrl], ['PENDING', 'RESET_FACTORS', 'ADMIN_ATTESTATION', target.user.id, helpDesk.userId, null, undefined]);
    assert.equal(Date.parse(v.verifyBy) - Date.parse(v.created), 30 * MINUTE);

    const org = await refusedWritingNothing(403, 'E0000006', () => attest(orgAdmin.api, v));
    assert.match(org.body.errorCauses[0].errorSummary, /only a super admin/);
    // The help desk holds no right to attest at all, the admin who asked least of all.
    await refusedWritingNothing(403, 'E0000006', () => attest(helpDesk.api, v));
    assertNeedsVerification(await resetFactors(helpDesk.api, target.user.id), target.user.id);

    const attested = ok(await attest(superAdmin.api, v), 'attest').body as Verification;
    assert.deepEqual([attested.status, attested.decision?.outcome, attested.decision?.by.id, attested.decision?.statement], ['VERIFIED', 'VERIFIED', superAdmin.userId, STATEMENT]);
    assert.equal(Date.parse(attested.useBy ?? '') - Date.parse(attested.decision?.at ?? ''), 15 * MINUTE);
    await refusedWritingNothing(400, 'E0000001', () => attest(superAdmin.api, v));
    // Another help-desk admin cannot ride it.
    assertNeedsVerification(await resetFactors(otherHelpDesk.api, target.user.id), target.user.id);

    const reset = await resetFactors(helpDesk.api, target.user.id);
    assert.deepEqual([reset.status, reset.body], [200, {}], reset.text);
    assert.deepEqual(await factorsOf(target.user.id), []);
    const used = await read(v);
    assert.equal(used.status, 'USED');
    assert.ok(used.used);
    assertNeedsVerification(await resetFactors(helpDesk.api, target.user.id), target.user.id);

    const log = await events(seq);
    assert.deepEqual(log.map(summary), [
      ['bulwark.user.verification.request', 'SUCCESS', helpDesk.userId],
      ['bulwark.user.verification.use', 'DENY', helpDesk.userId],
      ['bulwark.user.verification.verify', 'SUCCESS', superAdmin.userId],
      ['bulwark.user.verification.use', 'DENY', otherHelpDesk.userId],
      ['bulwark.user.verification.use', 'SUCCESS', helpDesk.userId],
      ['user.mfa.factor.reset_all', 'SUCCESS', helpDesk.userId],
      ['bulwark.user.verification.use', 'DENY', helpDesk.userId],
    ]);
    const [request, , verify, , use, resetAll] = log;
    assert.deepEqual(request?.target.map((t) => [t.id, t.type]), [[target.user.id, 'User'], [v.id, 'PrivilegedVerification']]);
    assert.deepEqual(request?.debugContext.debugData, { ...request?.debugContext.debugData, verificationId: v.id, action: 'RESET_FACTORS', method: 'ADMIN_ATTESTATION' });
    assert.equal(verify?.debugContext.debugData['statement'], STATEMENT);
    assert.equal(use?.debugContext.debugData['verificationId'], v.id);
    assert.equal(resetAll?.debugContext.debugData['verificationId'], v.id, "the reset's own event names the verification it used");
  });

  it('refuses an attestation by the admin who asked, or by the person themselves, and takes one from an org admin for another admin', async () => {
    const target = await tokenWithRole(server.db, tenant.id, 'ORG_ADMIN');
    const byTarget = apiClient(server.url, target.token);
    // A super admin may ask too (they need no verification, but one they asked for is used, and named, by their reset).
    const own = await asked(superAdmin.api, target.userId, 'RESET_PASSWORD');
    const self = await refusedWritingNothing(403, 'E0000006', () => attest(superAdmin.api, own));
    assert.match(self.body.errorCauses[0].errorSummary, /second admin/);
    const theirs = await asked(helpDesk.api, target.userId, 'RESET_PASSWORD');
    const themselves = await refusedWritingNothing(403, 'E0000006', () => attest(byTarget, theirs));
    assert.match(themselves.body.errorCauses[0].errorSummary, /their own identity/);
    assert.equal((ok(await attest(orgAdmin.api, own), 'org admin attests').body as Verification).status, 'VERIFIED');

    const seq = await lastSeqOf(server.db, tenant.id);
    const reset = ok(await resetPassword(superAdmin.api, target.userId), 'super admin resets');
    assert.ok(reset.body.resetPasswordUrl);
    assert.equal((await read(own)).status, 'USED');
    const [passwordReset] = await events(seq, 'user.account.reset_password');
    assert.equal(passwordReset?.debugContext.debugData['verificationId'], own.id);
    assert.equal((await read(theirs)).status, 'PENDING', "the help desk's request is its own");
  });

  it("verifies the person by their own passkey through the link, and the help desk's password reset then works", async () => {
    const authenticator = new SoftAuthenticator();
    const target = await newAdminTarget(f, 'SUPER_ADMIN', authenticator);
    const stranger = new SoftAuthenticator();
    await newPasskeyUser(f, stranger);
    const seq = await lastSeqOf(server.db, tenant.id);
    const v = await asked(helpDesk.api, target.id, 'RESET_PASSWORD', 'TARGET_PASSKEY');
    const url = new URL(v.verificationUrl ?? '');
    assert.equal(url.origin, `http://${tenant.slug}.localhost:${new URL(server.url).port}`);
    assert.equal(url.pathname, '/verify');
    const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const row = await server.db.selectFrom('privileged_verifications').selectAll().where('tenant_id', '=', tenant.id).where('id', '=', v.id).executeTakeFirstOrThrow();
    assert.equal(row.link_token_hash, createHash('sha256').update(token).digest('hex'), 'only the SHA-256 of the token is kept');
    assert.ok(!JSON.stringify(await read(v)).includes(token), 'the link is shown once, to the admin who asked');

    const web = f.web();
    const origin = `http://${web.host}`;
    await refusedWritingNothing(404, 'E0000007', () => web('POST', '/api/v1/verifications/challenge', { token: 'A'.repeat(43) }));
    const challenged = ok(await web('POST', '/api/v1/verifications/challenge', { token }), 'challenge');
    assert.deepEqual([challenged.body.id, challenged.body.action, challenged.body.requestedBy.name, challenged.body.user.login], [v.id, 'RESET_PASSWORD', v.requestedBy.name, target.login]);
    assert.equal(challenged.body.challenge.allowCredentials.length, 1, "the user's own passkey, none other");

    // Someone else's passkey: refused; the verification waits on, and only the log changed.
    const { log_events: _log, log_chain_heads: _head, ...before } = await tenantState(server.db, tenant.id);
    const wrong = await web('POST', '/api/v1/verifications/verify', { token, credential: stranger.get({ ...challenged.body.challenge, allowCredentials: [] }, origin) });
    assertOktaError(wrong, 403, 'E0000068');
    const { log_events: _logAfter, log_chain_heads: _headAfter, ...after } = await tenantState(server.db, tenant.id);
    assert.deepEqual(after, before);
    assert.equal((await read(v)).status, 'PENDING');

    const verified = ok(await web('POST', '/api/v1/verifications/verify', { token, credential: authenticator.get(challenged.body.challenge, origin) }), 'verify');
    assert.deepEqual(verified.body, { id: v.id, status: 'VERIFIED', action: 'RESET_PASSWORD' });
    const now = await read(v);
    assert.deepEqual([now.status, now.decision?.by.id, now.decision?.statement], ['VERIFIED', target.id, null]);
    await refusedWritingNothing(400, 'E0000001', () => web('POST', '/api/v1/verifications/challenge', { token }));
    await refusedWritingNothing(400, 'E0000001', () => attest(superAdmin.api, v));

    assertNeedsVerification(await resetFactors(helpDesk.api, target.id), target.id);
    const reset = ok(await resetPassword(helpDesk.api, target.id), 'reset password');
    assert.match(reset.body.resetPasswordUrl, /\/signin\/reset-password\//);
    const log = await events(seq);
    assert.deepEqual(log.map(summary), [
      ['bulwark.user.verification.request', 'SUCCESS', helpDesk.userId],
      ['bulwark.user.verification.verify', 'DENY', target.id],
      ['bulwark.user.verification.verify', 'SUCCESS', target.id],
      ['bulwark.user.verification.use', 'DENY', helpDesk.userId],
      ['bulwark.user.verification.use', 'SUCCESS', helpDesk.userId],
      ['user.account.reset_password', 'SUCCESS', helpDesk.userId],
    ]);
    assert.equal(log[5]?.debugContext.debugData['verificationId'], v.id);
    assert.equal(log[2]?.debugContext.debugData['method'], 'TARGET_PASSKEY');
  });

  it("does not let a verification serve another action, another user or another admin", async () => {
    const target = await adminWithFactor('ORG_ADMIN');
    const other = await adminWithFactor('ORG_ADMIN');
    const v = await asked(helpDesk.api, target.user.id, 'RESET_FACTORS');
    ok(await attest(orgAdmin.api, v), 'attest');
    assertNeedsVerification(await resetPassword(helpDesk.api, target.user.id), target.user.id);
    assertNeedsVerification(await resetFactors(otherHelpDesk.api, target.user.id), target.user.id);
    assertNeedsVerification(await resetFactors(helpDesk.api, other.user.id), other.user.id);
    assertNeedsVerification(await helpDesk.api('DELETE', `/api/v1/users/${other.user.id}/factors/${other.factorId}`), other.user.id);
    // Named under another user, it does not exist.
    await refusedWritingNothing(404, 'E0000007', () => f.api('GET', `/api/v1/users/${other.user.id}/verifications/${v.id}`));
    await refusedWritingNothing(404, 'E0000007', () => attest(superAdmin.api, { id: v.id, userId: other.user.id }));
    assert.equal((await read(v)).status, 'VERIFIED', 'none of it used the verification');
    assert.deepEqual(await factorsOf(other.user.id), [other.factorId]);
    // One factor removed uses it too.
    const removed = await helpDesk.api('DELETE', `/api/v1/users/${target.user.id}/factors/${target.factorId}`);
    assert.equal(removed.status, 204, removed.text);
    assert.equal((await read(v)).status, 'USED');
  });

  it('refuses requests that could never be used, and lets a second admin deny one, waiting or verified', async () => {
    const superTarget = await newAdminTarget(f, 'SUPER_ADMIN');
    const readOnly = await as('READ_ONLY_ADMIN');
    const plain = await newUser(f, 'ACTIVE');
    const refusal = async (res: () => Promise<ApiResponse>, status: number, code: string, cause: RegExp) => {
      const answered = await refusedWritingNothing(status, code, res);
      assert.match(answered.body.errorCauses[0].errorSummary, cause);
    };
    await refusal(() => ask(orgAdmin.api, superTarget.id, 'RESET_FACTORS'), 403, 'E0000006', /only a super admin/);
    await refusal(() => ask(readOnly.api, superTarget.id, 'RESET_FACTORS'), 403, 'E0000006', /RESET_FACTORS/);
    await refusal(() => ask(helpDesk.api, plain.id, 'RESET_FACTORS'), 400, 'E0000001', /holds no admin role/);
    await refusal(() => ask(helpDesk.api, helpDesk.userId, 'RESET_PASSWORD'), 400, 'E0000001', /your own account/);
    await refusal(() => ask(helpDesk.api, superTarget.id, 'RESET_PASSWORD', 'TARGET_PASSKEY'), 400, 'E0000001', /no passkey.*ADMIN_ATTESTATION/);

    const seq = await lastSeqOf(server.db, tenant.id);
    const waiting = await asked(helpDesk.api, superTarget.id, 'RESET_PASSWORD');
    const denied = ok(await orgAdmin.api('POST', `/api/v1/users/${superTarget.id}/verifications/${waiting.id}/deny`, { note: 'Not the person on the call' }), 'deny').body as Verification;
    assert.deepEqual([denied.status, denied.decision?.outcome, denied.decision?.by.id, denied.decision?.statement], ['DENIED', 'DENIED', orgAdmin.userId, 'Not the person on the call']);
    await refusedWritingNothing(400, 'E0000001', () => attest(superAdmin.api, waiting));
    await refusedWritingNothing(400, 'E0000001', () => orgAdmin.api('POST', `/api/v1/users/${superTarget.id}/verifications/${waiting.id}/deny`, {}));

    const verified = await asked(helpDesk.api, superTarget.id, 'RESET_PASSWORD');
    ok(await attest(superAdmin.api, verified), 'attest');
    ok(await f.api('POST', `/api/v1/users/${superTarget.id}/verifications/${verified.id}/deny`, {}), 'deny a verified one');
    assertNeedsVerification(await resetPassword(helpDesk.api, superTarget.id), superTarget.id);
    assert.deepEqual((await events(seq)).map((e) => [e.eventType, e.outcome.result]), [
      ['bulwark.user.verification.request', 'SUCCESS'],
      ['bulwark.user.verification.deny', 'DENY'],
      ['bulwark.user.verification.request', 'SUCCESS'],
      ['bulwark.user.verification.verify', 'SUCCESS'],
      ['bulwark.user.verification.deny', 'DENY'],
      ['bulwark.user.verification.use', 'DENY'],
    ]);
  });

  it('answers bad input with 400 and unknown ids with 404, writing nothing', async () => {
    const target = await newAdminTarget(f, 'ORG_ADMIN');
    const v = await asked(helpDesk.api, target.id, 'RESET_FACTORS');
    const base = `/api/v1/users/${target.id}/verifications`;
    for (const body of [{}, { action: 'RESET_FACTORS' }, { action: 'ENROLL_FACTOR', method: 'ADMIN_ATTESTATION' }, { action: 'RESET_FACTORS', method: 'SMS' }, { action: 'RESET_FACTORS', method: 'ADMIN_ATTESTATION', userId: target.id }, JSON.stringify('RESET_FACTORS')]) {
      await refusedWritingNothing(400, 'E0000001', () => helpDesk.api('POST', base, body));
    }
    for (const statement of ['too short', ' '.repeat(12), 42, null]) {
      await refusedWritingNothing(400, 'E0000001', () => superAdmin.api('POST', `${base}/${v.id}/attest`, { statement }));
    }
    await refusedWritingNothing(400, 'E0000001', () => superAdmin.api('POST', `${base}/${v.id}/attest`, {}));
    await refusedWritingNothing(400, 'E0000001', () => superAdmin.api('POST', `${base}/${v.id}/attest`, { statement: STATEMENT, method: 'TARGET_PASSKEY' }));
    await refusedWritingNothing(400, 'E0000001', () => superAdmin.api('GET', `${base}/not-a-verification`));
    await refusedWritingNothing(404, 'E0000007', () => superAdmin.api('GET', `${base}/pvr${'0'.repeat(17)}`));
    await refusedWritingNothing(404, 'E0000007', () => superAdmin.api('POST', `${base}/pvr${'0'.repeat(17)}/attest`, { statement: STATEMENT }));
    await refusedWritingNothing(404, 'E0000007', () => helpDesk.api('POST', `/api/v1/users/00u${'0'.repeat(17)}/verifications`, { action: 'RESET_FACTORS', method: 'ADMIN_ATTESTATION' }));

    const web = f.web();
    for (const body of [{}, { token: 'not a token!' }, { token: '' }, { token: 'A'.repeat(200) }, { token: 'A'.repeat(43), extra: 1 }]) {
      await refusedWritingNothing(400, 'E0000001', () => web('POST', '/api/v1/verifications/challenge', body));
    }
    // A passkey link answered before any challenge was asked for: nothing to answer.
    const authenticator = new SoftAuthenticator();
    const passkeyTarget = await newAdminTarget(f, 'ORG_ADMIN', authenticator);
    const link = await asked(helpDesk.api, passkeyTarget.id, 'RESET_FACTORS', 'TARGET_PASSKEY');
    const token = new URLSearchParams(new URL(link.verificationUrl ?? '').hash.slice(1)).get('token') ?? '';
    const credential = authenticator.get({ challenge: Buffer.from('made up').toString('base64url') }, `http://${web.host}`);
    await refusedWritingNothing(400, 'E0000001', () => web('POST', '/api/v1/verifications/verify', { token, credential }));
    await refusedWritingNothing(400, 'E0000001', () => web('POST', '/api/v1/verifications/verify', { token, credential: { ...credential, response: 'x' } }));
    await refusedWritingNothing(400, 'E0000001', () => superAdmin.api('POST', `/api/v1/users/${passkeyTarget.id}/verifications/${link.id}/attest`, { statement: STATEMENT }));
  });

  it("keeps another organization's admins and hosts away from the tenant's verifications: 404, nothing changed", async () => {
    const other = await createTestTenant(server.db);
    const stranger = apiClient(server.url, other.token);
    const authenticator = new SoftAuthenticator();
    const target = await newAdminTarget(f, 'ORG_ADMIN', authenticator);
    const v = await asked(helpDesk.api, target.id, 'RESET_FACTORS', 'TARGET_PASSKEY');
    const token = new URLSearchParams(new URL(v.verificationUrl ?? '').hash.slice(1)).get('token') ?? '';
    const path = `/api/v1/users/${target.id}/verifications`;
    for (const [method, p, body] of [
      ['POST', path, { action: 'RESET_FACTORS', method: 'ADMIN_ATTESTATION' }],
      ['GET', `${path}/${v.id}`, undefined],
      ['POST', `${path}/${v.id}/attest`, { statement: STATEMENT }],
      ['POST', `${path}/${v.id}/deny`, {}],
      ['GET', `/api/v1/users/${other.adminId}/verifications/${v.id}`, undefined],
      ['POST', `/api/v1/users/${other.adminId}/verifications/${v.id}/deny`, {}],
    ] as const) {
      await refusedWritingNothing(404, 'E0000007', () => stranger(method, p, body));
    }
    const atOther = hostClient(server.url, other.slug);
    await refusedWritingNothing(404, 'E0000007', () => atOther('POST', '/api/v1/verifications/challenge', { token }));
    const challenged = ok(await f.web()('POST', '/api/v1/verifications/challenge', { token }), 'challenge at home');
    await refusedWritingNothing(404, 'E0000007', () => atOther('POST', '/api/v1/verifications/verify', { token, credential: authenticator.get(challenged.body.challenge, `http://${atOther.host}`) }));
    assert.equal((await read(v)).status, 'PENDING');
  });

  it('keeps support staff off admins, even when the person was verified for an admin of the tenant', async () => {
    const plane = await newSupportPlane(server, clock, 'commercial');
    const agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    const caseId = ok(await customer.hc('POST', '/help/v1/cases', { title: unique('Admin locked out'), description: 'Our admin lost their phone.', severity: 'SEV2', productArea: 'SIGN_IN' }), 'case').body.id as string;
    const grantId = ok(await agent.hc('POST', `/help/v1/staff/cases/${caseId}/access-requests`, {
      scopes: ['okta.users.read', 'okta.users.factors.reset', 'okta.users.passwords.reset'], justification: 'The customer asked us to reset a user.',
    }), 'ask for access').body.id as string;
    ok(await f.api('POST', `/api/v1/support-access/grants/${grantId}/approve`, {}), 'approve');
    const token = ok(await agent.hc('POST', `/help/v1/staff/access-grants/${grantId}/token`), 'support token').body.token as string;
    const web = f.web();
    const bySupport = (method: string, path: string, body?: unknown) => web(method, path, body, { authorization: `Support ${token}` });

    const target = await adminWithFactor('READ_ONLY_ADMIN');
    const v = await asked(helpDesk.api, target.user.id, 'RESET_FACTORS');
    ok(await attest(orgAdmin.api, v), 'attest');
    const refused = await refusedWritingNothing(403, 'E0000006', () => bySupport('POST', `/api/v1/users/${target.user.id}/verifications`, { action: 'RESET_FACTORS', method: 'ADMIN_ATTESTATION' }));
    assert.match(refused.body.errorCauses[0].errorSummary, /support staff/);
    await refusedWritingNothing(403, 'E0000006', () => bySupport('POST', `/api/v1/users/${target.user.id}/lifecycle/reset_factors`));
    await refusedWritingNothing(403, 'E0000006', () => bySupport('DELETE', `/api/v1/users/${target.user.id}/factors/${target.factorId}`));
    assert.equal((await read(v)).status, 'VERIFIED');
    const plainUser = await newTotpUser(f);
    assert.equal((await bySupport('POST', `/api/v1/users/${plainUser.user.id}/lifecycle/reset_factors`)).status, 200, 'a user who holds no admin role, as before');
  });

  it('makes attesting a protected action in the admin console: a passkey within the tenant\'s window, else a step-up', async () => {
    const admin = await newAdminBrowser(f);
    const target = await newAdminTarget(f, 'ORG_ADMIN');
    const v = await asked(helpDesk.api, target.id, 'RESET_PASSWORD');
    clock.advance(6 * MINUTE);
    const seq = await lastSeqOf(server.db, tenant.id);
    const stale = await admin('POST', `/api/v1/users/${target.id}/verifications/${v.id}/attest`, { statement: STATEMENT });
    assertOktaError(stale, 403, 'E0000006');
    assert.match(stale.headers.get('www-authenticate') ?? '', /insufficient_user_authentication/);
    assert.equal((await read(v)).status, 'PENDING');
    const [attempt] = await events(seq);
    assert.deepEqual([attempt?.eventType, attempt?.outcome.result, attempt?.debugContext.debugData['protectedAction']], ['security.protected_action.attempt', 'DENY', 'attesting the verification of a person']);
    ok(await admin('POST', '/api/v1/admin/session/step-up', { sessionToken: await adminSignIn(admin.web, admin.authenticator) }), 'step up');
    const attested = ok(await admin('POST', `/api/v1/users/${target.id}/verifications/${v.id}/attest`, { statement: STATEMENT }), 'attest after the step-up');
    assert.equal(attested.body.status, 'VERIFIED');
  });

  it("writes every event of it as a well-formed Okta LogEvent of a documented type", async () => {
    const written = await eventsAfterOf<LogEventJson & { outcome: { result: string } }>(server.db, tenant.id, 0);
    const types = new Set(written.map((e) => `${e.eventType} ${e.outcome.result}`));
    for (const t of ['request SUCCESS', 'verify SUCCESS', 'verify DENY', 'deny DENY', 'use SUCCESS', 'use DENY']) assert.ok(types.has(`bulwark.user.verification.${t}`), t);
    assert.deepEqual(problemsOf(written, oktaEventTypes(), documentedBulwarkTypes()), []);
  });

  it('lets a request lapse after 30 minutes and a verification after 15 unused', async () => {
    const target = await adminWithFactor('ORG_ADMIN');
    const lapsing = await asked(helpDesk.api, target.user.id, 'RESET_FACTORS');
    const authenticator = new SoftAuthenticator();
    const passkeyTarget = await newAdminTarget(f, 'ORG_ADMIN', authenticator);
    const link = await asked(helpDesk.api, passkeyTarget.id, 'RESET_PASSWORD', 'TARGET_PASSKEY');
    const token = new URLSearchParams(new URL(link.verificationUrl ?? '').hash.slice(1)).get('token') ?? '';
    const web = f.web();
    const challenged = ok(await web('POST', '/api/v1/verifications/challenge', { token }), 'challenge');
    clock.advance(30 * MINUTE);
    assert.equal((await read(lapsing)).status, 'EXPIRED');
    await refusedWritingNothing(400, 'E0000001', () => attest(orgAdmin.api, lapsing));
    await refusedWritingNothing(400, 'E0000001', () => web('POST', '/api/v1/verifications/challenge', { token }));
    await refusedWritingNothing(400, 'E0000001', () => web('POST', '/api/v1/verifications/verify', { token, credential: authenticator.get(challenged.body.challenge, `http://${web.host}`) }));
    assert.equal((await read(link)).status, 'EXPIRED');

    const v = await asked(helpDesk.api, target.user.id, 'RESET_FACTORS');
    ok(await attest(orgAdmin.api, v), 'attest');
    clock.advance(15 * MINUTE);
    assert.equal((await read(v)).status, 'EXPIRED');
    assertNeedsVerification(await resetFactors(helpDesk.api, target.user.id), target.user.id);
    assert.deepEqual(await factorsOf(target.user.id), [target.factorId]);
    await refusedWritingNothing(400, 'E0000001', () => orgAdmin.api('POST', `/api/v1/users/${target.user.id}/verifications/${v.id}/deny`, {}));
  });
});
