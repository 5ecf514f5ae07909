/**
 * The admin console's session (docs/admin-sessions.md), over real HTTP: made from a passkey sign-in and bound
 * to a device key; every management call by cookie carries a DPoP proof of that key; the tenant's timeouts end
 * it on a server clock the tests move; a request from another network ends it; protected actions need a
 * recent passkey, which a step-up gives (with a new cookie). Clients are placed on real networks through
 * X-Forwarded-For from a trusted proxy (127.0.0.1), named by the bundled ASN data.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { PERMISSIONS } from '../src/roles/permissions.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, tokenWithRole, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { adminBrowser, adminSignIn, newDeviceKey, newPasskeyAdmin, proofOf, startAdminSession } from './support/admin-session.ts';
import { newUser, sessionTokenFor, type Fixture } from './support/fixtures.ts';
import { hostClient } from './support/host-client.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';
import { SoftAuthenticator } from './support/soft-authenticator.ts';
import { tenantState } from './support/tenant-state.ts';

const GOOGLE_DNS = '8.8.8.8'; // AS15169: where the admin works
const CLOUDFLARE_DNS = '1.1.1.1'; // AS13335: somewhere else
const MINUTE = 60_000;

describe('admin console sessions', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let api: Api;
  let f: Fixture;
  let device: SoftAuthenticator;

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_TRUSTED_PROXIES: '127.0.0.1', BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    f = { db: server.db, tenantId: tenant.id, api };
    device = new SoftAuthenticator();
    await newPasskeyAdmin(f, device);
  });
  after(() => server.close());
  beforeEach(() => clock.set(new Date()));

  const signedIn = (from: string | null = GOOGLE_DNS) => startAdminSession(hostClient(server.url, tenant.slug), device, from);
  const events = async (seq: number, type?: string) => eventsAfterOf<Logged>(server.db, tenant.id, seq, type);

  it('starts from a passkey sign-in for the admin console, bound to the device key, and acts on the management API by cookie and proof', async () => {
    const seq = await lastSeqOf(server.db, tenant.id);
    const admin = await signedIn();
    const me = await admin('GET', '/api/v1/admin/session');
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.body.roles, ['SUPER_ADMIN']);
    assert.deepEqual(me.body.permissions, [...PERMISSIONS].sort(), 'a super admin may do everything');
    assert.deepEqual({ id: me.body.tenant.id, slug: me.body.tenant.slug }, { id: tenant.id, slug: tenant.slug });
    assert.equal(typeof me.body.tenant.name, 'string');
    assert.deepEqual(me.body.network, { ip: GOOGLE_DNS, asNumber: 15169, asOrg: me.body.network.asOrg });
    assert.equal(Date.parse(me.body.expiresAt) - Date.parse(me.body.created), 720 * MINUTE, 'at most 12 hours');
    assert.equal(Date.parse(me.body.idleExpiresAt) - Date.parse(me.body.created), 15 * MINUTE, '15 minutes idle');
    assert.match(me.body.deviceKeyThumbprint, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(me.headers.get('set-cookie'), null);
    assert.ok(admin.web.cookies.has('admin_sid') && !admin.web.cookies.has('sid'), 'its own cookie, not the end-user session\'s');

    const created = await admin('POST', '/api/v1/groups', { profile: { name: `admins-made-${Date.now()}` } });
    assert.equal(created.status, 200, created.text);
    const [start] = await events(seq, 'user.session.access_admin_app');
    assert.equal(start?.target[0]?.displayName, 'Okta Admin Console');
    const [made] = await events(seq, 'group.lifecycle.create');
    assert.equal(made?.actor.type, 'User');
    const raw = made as unknown as { authenticationContext: { externalSessionId: string }; transaction: { detail: Record<string, unknown> } };
    assert.equal(raw.authenticationContext.externalSessionId, me.body.id, 'the admin session is named on what it did');
    assert.deepEqual(raw.transaction.detail, {});
  });

  it('tells a read-only admin\'s console what its role permits, and nothing more', async () => {
    const reader = new SoftAuthenticator();
    await newPasskeyAdmin(f, reader, 'READ_ONLY_ADMIN');
    const me = await startAdminSession(hostClient(server.url, tenant.slug), reader, GOOGLE_DNS);
    const session = await me('GET', '/api/v1/admin/session');
    assert.deepEqual(session.body.roles, ['READ_ONLY_ADMIN']);
    assert.deepEqual(session.body.permissions, ['apps.read', 'groups.read', 'investigations.read', 'logs.read', 'policies.read', 'remediations.read', 'roles.read', 'support.read', 'users.read']);
    assertOktaError(await me('GET', '/api/v1/api-tokens'), 403, 'E0000006');
  });

  it('refuses a sessionToken of another app, of a user without an admin role, or twice; and an admin one as an end-user session', async () => {
    const web = hostClient(server.url, tenant.slug);
    const user = await newUser(f, 'ACTIVE');
    const dashboardToken = await sessionTokenFor(web, user);
    const key = newDeviceKey();
    const refused = async (sessionToken: string) => {
      const before = await tenantState(server.db, tenant.id);
      assertOktaError(await web('POST', '/api/v1/admin/session', { sessionToken, publicKey: key.publicJwk }), 401, 'E0000004');
      assert.deepEqual(await tenantState(server.db, tenant.id), before, 'nothing written');
    };
    await refused(dashboardToken);
    const plain = new SoftAuthenticator();
    const reader = await newPasskeyAdmin(f, plain, 'READ_ONLY_ADMIN');
    const [role] = (await api('GET', `/api/v1/users/${reader.id}/roles`)).body;
    assert.equal((await api('DELETE', `/api/v1/users/${reader.id}/roles/${role.id}`)).status, 204);
    await refused(await adminSignIn(web, plain));

    const adminToken = await adminSignIn(web, device);
    const redirect = await web('GET', `/login/sessionCookieRedirect?token=${adminToken}&redirectUrl=%2F`);
    assertOktaError(redirect, 401, 'E0000004');
    assert.equal((await web('POST', '/api/v1/admin/session', { sessionToken: adminToken, publicKey: key.publicJwk })).status, 200);
    assertOktaError(await web('POST', '/api/v1/admin/session', { sessionToken: adminToken, publicKey: key.publicJwk }), 401, 'E0000004');
  });

  it('refuses a malformed device key with 400 and writes nothing', async () => {
    const web = hostClient(server.url, tenant.slug);
    const sessionToken = await adminSignIn(web, device);
    const good = newDeviceKey().publicJwk;
    const before = await tenantState(server.db, tenant.id);
    for (const publicKey of [{ ...good, kty: 'RSA' }, { ...good, crv: 'P-384' }, { ...good, x: 'short' }, { ...good, d: good.x }, { kty: 'EC', crv: 'P-256', x: good.x }, 'key']) {
      assertOktaError(await web('POST', '/api/v1/admin/session', { sessionToken, publicKey }), 400, 'E0000001');
    }
    assertOktaError(await web('POST', '/api/v1/admin/session', { publicKey: good }), 400, 'E0000001');
    assert.deepEqual(await tenantState(server.db, tenant.id), before);
  });

  it('refuses the cookie without a proof of the device key, logs each refusal, and keeps the session for its own browser', async () => {
    const admin = await signedIn();
    const seq = await lastSeqOf(server.db, tenant.id);
    // The cookie copied into another client: the same request, without the key.
    const thief = hostClient(server.url, tenant.slug);
    thief.cookies.set('admin_sid', admin.web.cookies.get('admin_sid') as string);
    const bare = await thief('GET', '/api/v1/users', undefined, { 'x-forwarded-for': GOOGLE_DNS });
    assertOktaError(bare, 401, 'E0000011');
    assert.match(bare.headers.get('www-authenticate') ?? '', /invalid_dpop_proof/);

    const otherKey = newDeviceKey();
    const signedByOther = await proofOf(otherKey, { htm: 'GET', htu: admin.htu('/api/v1/users'), nonce: admin.nonce() });
    assertOktaError(await thief('GET', '/api/v1/users', undefined, { dpop: signedByOther, 'x-forwarded-for': GOOGLE_DNS }), 401, 'E0000011');
    const otherKeyClaimingOurs = await proofOf(otherKey, { htm: 'GET', htu: admin.htu('/api/v1/users'), nonce: admin.nonce() }, { jwk: admin.key.publicJwk });
    assertOktaError(await thief('GET', '/api/v1/users', undefined, { dpop: otherKeyClaimingOurs, 'x-forwarded-for': GOOGLE_DNS }), 401, 'E0000011');

    const refusals = await events(seq, 'user.session.context.change');
    assert.equal(refusals.length, 3);
    for (const e of refusals) {
      assert.deepEqual(e.outcome, { result: 'DENY', reason: 'DEVICE_PROOF_INVALID' });
      assert.equal(e.debugContext.debugData['sessionEnded'], false);
    }
    assert.equal((await admin('GET', '/api/v1/users?limit=1')).status, 200, 'the browser with the key goes on');
  });

  it('refuses a proof made for another request, replayed, or without the current nonce (which it answers with)', async () => {
    const admin = await signedIn();
    const send = (dpop: string, method = 'GET', path = '/api/v1/users') => admin.web(method, path, undefined, { dpop, 'x-forwarded-for': GOOGLE_DNS });
    const forGroups = await proofOf(admin.key, { htm: 'GET', htu: admin.htu('/api/v1/groups'), nonce: admin.nonce() });
    assertOktaError(await send(forGroups), 401, 'E0000011');
    const forPost = await proofOf(admin.key, { htm: 'POST', htu: admin.htu('/api/v1/users'), nonce: admin.nonce() });
    assertOktaError(await send(forPost), 401, 'E0000011');
    const otherHost = await proofOf(admin.key, { htm: 'GET', htu: `http://evil.localhost/api/v1/users`, nonce: admin.nonce() });
    assertOktaError(await send(otherHost), 401, 'E0000011');

    const once = await proofOf(admin.key, { htm: 'GET', htu: admin.htu('/api/v1/users'), nonce: admin.nonce() });
    assert.equal((await send(once)).status, 200);
    assertOktaError(await send(once), 401, 'E0000011');

    const seq = await lastSeqOf(server.db, tenant.id);
    const noNonce = await proofOf(admin.key, { htm: 'GET', htu: admin.htu('/api/v1/users'), nonce: null });
    const stale = await send(noNonce);
    assertOktaError(stale, 401, 'E0000011');
    assert.match(stale.headers.get('www-authenticate') ?? '', /use_dpop_nonce/);
    const fresh = stale.headers.get('dpop-nonce') as string;
    assert.ok(fresh);
    clock.advance(11 * MINUTE);
    const withOld = await send(await proofOf(admin.key, { htm: 'GET', htu: admin.htu('/api/v1/users'), nonce: fresh }));
    assert.match(withOld.headers.get('www-authenticate') ?? '', /use_dpop_nonce/, 'a nonce from 11 minutes ago is stale');
    const newer = withOld.headers.get('dpop-nonce') as string;
    assert.notEqual(newer, fresh);
    assert.equal((await send(await proofOf(admin.key, { htm: 'GET', htu: admin.htu('/api/v1/users'), nonce: newer }))).status, 200, 'the new one works');
    assert.deepEqual(await events(seq, 'user.session.context.change'), [], 'a stale nonce is the normal flow, not logged');
  });

  it('is no end-user session: its cookie value in `sid` opens nothing', async () => {
    const admin = await signedIn();
    const web = hostClient(server.url, tenant.slug);
    web.cookies.set('sid', admin.web.cookies.get('admin_sid') as string);
    assertOktaError(await web('GET', '/api/v1/sessions/me'), 404, 'E0000007');
    assertOktaError(await web('GET', '/api/v1/users/me/factors'), 404, 'E0000007');
  });

  it('ends after 15 minutes idle and after 12 hours in all, leaving the user\'s end-user session alone', async () => {
    const admin = await signedIn();
    const dashboard = hostClient(server.url, tenant.slug);
    const start = await dashboard('POST', '/api/v1/authn/passkey', {});
    const credential = device.get(start.body._embedded.challenge, `http://${dashboard.host}`);
    const signIn = await dashboard('POST', '/api/v1/authn/passkey/verify', { stateToken: start.body.stateToken, credential });
    assert.equal((await dashboard('GET', `/login/sessionCookieRedirect?token=${signIn.body.sessionToken}&redirectUrl=%2F`)).status, 302);
    clock.advance(14 * MINUTE);
    assert.equal((await admin('GET', '/api/v1/users?limit=1')).status, 200);
    clock.advance(15 * MINUTE + 1000);
    const idle = await admin('GET', '/api/v1/users?limit=1');
    assertOktaError(idle, 401, 'E0000005');
    assert.equal(idle.body.errorCauses[0].errorSummary, 'session: The admin session ended after 15 minutes without activity. Sign in again.');
    assert.equal((await dashboard('GET', '/api/v1/sessions/me')).status, 200, 'the end-user session lives on');

    clock.set(new Date());
    const busy = await signedIn();
    for (let i = 0; i < 12 * 6 - 1; i += 1) {
      clock.advance(10 * MINUTE);
      assert.equal((await busy('GET', '/api/v1/users?limit=1')).status, 200, `active at ${(i + 1) * 10} minutes`);
    }
    clock.advance(10 * MINUTE);
    const over = await busy('GET', '/api/v1/users?limit=1');
    assertOktaError(over, 401, 'E0000005');
    assert.equal(over.body.errorCauses[0].errorSummary, 'session: The admin session reached its maximum of 12 hours. Sign in again.');

    const leaving = await signedIn();
    const cookie = leaving.web.cookies.get('admin_sid') as string;
    assert.equal((await leaving('DELETE', '/api/v1/admin/session')).status, 204);
    leaving.web.cookies.set('admin_sid', cookie);
    const gone = await leaving('GET', '/api/v1/users?limit=1');
    assertOktaError(gone, 401, 'E0000005');
    assert.match(gone.body.errorCauses[0].errorSummary, /There is no admin session: it was signed out/);
  });

  it('takes shorter timeouts set by the tenant at the next request of a live session', async () => {
    const admin = await signedIn();
    clock.advance(6 * MINUTE);
    assert.equal((await admin('GET', '/api/v1/users?limit=1')).status, 200);
    const shorter = { maxSessionIdleMinutes: 5, maxSessionLifetimeMinutes: 60, protectedActionMinutes: 5, asnBinding: { enabled: true, allowedAsns: [], allowedRanges: [] } };
    assert.equal((await api('PUT', '/api/v1/admin/settings/session', shorter)).status, 200);
    try {
      clock.advance(5 * MINUTE + 1000);
      assertOktaError(await admin('GET', '/api/v1/users?limit=1'), 401, 'E0000005');
    } finally {
      await api('PUT', '/api/v1/admin/settings/session', { ...shorter, maxSessionIdleMinutes: 15, maxSessionLifetimeMinutes: 720 });
    }
  });

  it('ends the session when a request comes from another AS, logs it, and only a new sign-in gets back in', async () => {
    const admin = await signedIn(GOOGLE_DNS);
    const seq = await lastSeqOf(server.db, tenant.id);
    admin.setFrom(CLOUDFLARE_DNS);
    const moved = await admin('GET', '/api/v1/users?limit=1');
    assertOktaError(moved, 401, 'E0000005');
    assert.match(moved.body.errorCauses[0].errorSummary, /AS15169.*AS13335/);
    admin.setFrom(GOOGLE_DNS);
    assertOktaError(await admin('GET', '/api/v1/users?limit=1'), 401, 'E0000005');
    const [change] = await events(seq, 'user.session.context.change');
    assert.deepEqual(change?.outcome, { result: 'DENY', reason: 'ASN_CHANGED' });
    assert.equal(change?.debugContext.debugData['sessionAsNumber'], 15169);
    assert.equal(change?.debugContext.debugData['requestAsNumber'], 13335);
    assert.equal(change?.debugContext.debugData['sessionEnded'], true);
    assert.equal((await (await signedIn(GOOGLE_DNS))('GET', '/api/v1/users?limit=1')).status, 200);
  });

  it('lets a session move to an allowed AS or address range, or anywhere when binding is off', async () => {
    const base = { maxSessionIdleMinutes: 15, maxSessionLifetimeMinutes: 720, protectedActionMinutes: 5 };
    const cases = [
      { asnBinding: { enabled: true, allowedAsns: [13335], allowedRanges: [] }, from: CLOUDFLARE_DNS },
      { asnBinding: { enabled: true, allowedAsns: [], allowedRanges: ['1.1.1.0/24'] }, from: CLOUDFLARE_DNS },
      { asnBinding: { enabled: false, allowedAsns: [], allowedRanges: [] }, from: '9.9.9.9' },
    ];
    try {
      for (const c of cases) {
        assert.equal((await api('PUT', '/api/v1/admin/settings/session', { ...base, asnBinding: c.asnBinding })).status, 200);
        const admin = await signedIn(GOOGLE_DNS);
        admin.setFrom(c.from);
        assert.equal((await admin('GET', '/api/v1/users?limit=1')).status, 200, JSON.stringify(c));
      }
    } finally {
      await api('PUT', '/api/v1/admin/settings/session', { ...base, asnBinding: { enabled: true, allowedAsns: [], allowedRanges: [] } });
    }
  });

  it('refuses a protected action without a passkey in the last 5 minutes, and does it after a step-up, with a new cookie', async () => {
    const admin = await signedIn();
    const seq = await lastSeqOf(server.db, tenant.id);
    clock.advance(6 * MINUTE);
    const tokensBefore = (await api('GET', '/api/v1/api-tokens')).body.length as number;
    const refused = await admin('POST', '/api/v1/api-tokens', { name: 'ci' });
    assertOktaError(refused, 403, 'E0000006');
    assert.equal(refused.body.errorSummary, 'This is a protected action. Please perform step-up authentication.');
    assert.match(refused.headers.get('www-authenticate') ?? '', /insufficient_user_authentication.*max_age=300/);
    assert.equal((await api('GET', '/api/v1/api-tokens')).body.length, tokensBefore, 'no token made');
    const [attempt] = await events(seq, 'security.protected_action.attempt');
    assert.deepEqual(attempt?.outcome, { result: 'DENY', reason: 'STEP_UP_REQUIRED' });
    assert.equal(attempt?.debugContext.debugData['protectedAction'], 'creating an API token');

    const oldCookie = admin.web.cookies.get('admin_sid') as string;
    const stepUpToken = await adminSignIn(admin.web, device, GOOGLE_DNS);
    const stepped = await admin('POST', '/api/v1/admin/session/step-up', { sessionToken: stepUpToken });
    assert.equal(stepped.status, 200, stepped.text);
    assert.equal(Date.parse(stepped.body.lastStepUp), clock.now().getTime());
    assert.notEqual(admin.web.cookies.get('admin_sid'), oldCookie, 'a new cookie');
    assert.equal((await admin('POST', '/api/v1/api-tokens', { name: 'ci' })).status, 201);

    const stale = adminBrowser(hostClient(server.url, tenant.slug), admin.key, admin.nonce(), GOOGLE_DNS);
    stale.web.cookies.set('admin_sid', oldCookie);
    assertOktaError(await stale('GET', '/api/v1/users?limit=1'), 401, 'E0000005');
    assert.equal((await events(seq, 'bulwark.admin_session.step_up')).length, 1);
  });

  it('steps up only with a fresh passkey sign-in of the same admin for the admin console', async () => {
    const admin = await signedIn();
    const web = hostClient(server.url, tenant.slug);
    const dashboardToken = await sessionTokenFor(web, await newUser(f, 'ACTIVE'));
    assertOktaError(await admin('POST', '/api/v1/admin/session/step-up', { sessionToken: dashboardToken }), 401, 'E0000004');
    const other = new SoftAuthenticator();
    await newPasskeyAdmin(f, other);
    assertOktaError(await admin('POST', '/api/v1/admin/session/step-up', { sessionToken: await adminSignIn(web, other, GOOGLE_DNS) }), 401, 'E0000004');
    assertOktaError(await admin('POST', '/api/v1/admin/session/step-up', {}), 400, 'E0000001');
  });

  it('protects resetting an admin\'s factors, not a user\'s', async () => {
    const admin = await signedIn();
    clock.advance(6 * MINUTE);
    const plainUser = await newUser(f, 'ACTIVE');
    assert.equal((await admin('POST', `/api/v1/users/${plainUser.id}/lifecycle/reset_factors`)).status, 200);
    const otherAdmin = await newPasskeyAdmin(f, new SoftAuthenticator(), 'HELP_DESK_ADMIN');
    assertOktaError(await admin('POST', `/api/v1/users/${otherAdmin.id}/lifecycle/reset_factors`), 403, 'E0000006');
    assertOktaError(await admin('POST', `/api/v1/users/${otherAdmin.id}/lifecycle/expire_password`), 403, 'E0000006');
    assert.equal((await api('GET', `/api/v1/users/${otherAdmin.id}/factors`)).body.length, 1, 'the admin\'s passkey is still there');
  });

  it('signs out: the cookie is cleared and the session is over', async () => {
    const admin = await signedIn();
    const cookie = admin.web.cookies.get('admin_sid') as string;
    const out = await admin('DELETE', '/api/v1/admin/session');
    assert.equal(out.status, 204);
    assert.equal(admin.web.cookies.has('admin_sid'), false);
    admin.web.cookies.set('admin_sid', cookie);
    assertOktaError(await admin('GET', '/api/v1/admin/session'), 401, 'E0000005');
  });

  it('is one tenant\'s: its cookie and key open nothing on another tenant\'s host', async () => {
    const admin = await signedIn();
    const other = await createTestTenant(server.db);
    const there = adminBrowser(hostClient(server.url, other.slug), admin.key, admin.nonce(), GOOGLE_DNS);
    there.web.cookies.set('admin_sid', admin.web.cookies.get('admin_sid') as string);
    assertOktaError(await there('GET', '/api/v1/users'), 401, 'E0000005');
    assertOktaError(await there('GET', '/api/v1/admin/session'), 401, 'E0000005');
  });

  it('keeps API tokens as they were: a token is used when sent, and cannot reach the admin session routes', async () => {
    assert.equal((await api('GET', '/api/v1/users?limit=1')).status, 200);
    assertOktaError(await api('GET', '/api/v1/admin/session'), 401, 'E0000005');
    const admin = await signedIn();
    const both = await admin.web('GET', '/api/v1/users?limit=1', undefined, { authorization: `SSWS ${tenant.token}` });
    assert.equal(both.status, 200, 'the token decides; no proof needed');
  });

  describe('settings', () => {
    const good = { maxSessionIdleMinutes: 10, maxSessionLifetimeMinutes: 480, protectedActionMinutes: 3, asnBinding: { enabled: true, allowedAsns: [64512], allowedRanges: ['10.0.0.0/8', '2001:db8::/32'] } };
    const defaults = { maxSessionIdleMinutes: 15, maxSessionLifetimeMinutes: 720, protectedActionMinutes: 5, asnBinding: { enabled: true, allowedAsns: [], allowedRanges: [] } };

    it('reads the defaults, replaces them with a logged change, and puts them back', async () => {
      const fresh = await createTestTenant(server.db);
      const freshApi = apiClient(server.url, fresh.token);
      assert.deepEqual((await freshApi('GET', '/api/v1/admin/settings/session')).body, { ...defaults, lastUpdated: null });
      const seq = await lastSeqOf(server.db, fresh.id);
      const put = await freshApi('PUT', '/api/v1/admin/settings/session', good);
      assert.equal(put.status, 200, put.text);
      assert.deepEqual({ ...put.body, lastUpdated: undefined }, { ...good, lastUpdated: undefined });
      const [change] = await eventsAfterOf<Logged>(server.db, fresh.id, seq, 'bulwark.admin_session.settings.update');
      assert.deepEqual(change?.target[0]?.changeDetails, { from: defaults, to: good });
      assert.deepEqual((await freshApi('GET', '/api/v1/admin/settings/session')).body.asnBinding, good.asnBinding);
    });

    it('refuses values out of bounds or inconsistent with 400, and roles other than super admin with 403, writing nothing', async () => {
      const orgAdmin = apiClient(server.url, (await tokenWithRole(server.db, tenant.id, 'ORG_ADMIN')).token);
      const before = await tenantState(server.db, tenant.id);
      const bad: unknown[] = [
        { ...good, maxSessionIdleMinutes: 4 },
        { ...good, maxSessionIdleMinutes: 121 },
        { ...good, maxSessionLifetimeMinutes: 1441 },
        { ...good, maxSessionIdleMinutes: 60, maxSessionLifetimeMinutes: 30 },
        { ...good, protectedActionMinutes: 0 },
        { ...good, protectedActionMinutes: 1.5 },
        { ...good, asnBinding: { ...good.asnBinding, allowedRanges: ['10.0.0.0/33'] } },
        { ...good, asnBinding: { ...good.asnBinding, allowedRanges: ['example.com'] } },
        { ...good, asnBinding: { ...good.asnBinding, allowedAsns: [0] } },
        { ...good, asnBinding: { enabled: true } },
        { ...good, extra: 1 },
        {},
      ];
      for (const body of bad) assertOktaError(await api('PUT', '/api/v1/admin/settings/session', body), 400, 'E0000001');
      assertOktaError(await orgAdmin('PUT', '/api/v1/admin/settings/session', good), 403, 'E0000006');
      assert.equal((await orgAdmin('GET', '/api/v1/admin/settings/session')).status, 200);
      assert.deepEqual(await tenantState(server.db, tenant.id), before);
    });
  });
});
