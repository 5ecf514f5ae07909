/**
 * "New factor from a new location" (CONTEXT.md, incident 1), replayed: a help-desk admin (or a hijacked
 * support tool acting as one) resets a user's password and factors, the attacker signs in with the new
 * password from their own network and tries to enroll their own TOTP. Bulwark refuses, ends every session
 * of the user, logs the DENY and a threat, and raises an alert for the tenant's admins. Clients are placed on
 * real networks through X-Forwarded-For from a trusted proxy (127.0.0.1), and the bundled ASN data names them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, tokenWithRole, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { newUser, PASSWORD, type Fixture, type UserRef } from './support/fixtures.ts';
import { hostClient, type HostClient } from './support/host-client.ts';

const GOOGLE_DNS = '8.8.8.8'; // AS15169 Google LLC: where the user works
const CLOUDFLARE_DNS = '1.1.1.1'; // AS13335 Cloudflare: where the attacker comes from
const GOOGLE_V6 = '2001:4860:4860::8888'; // AS15169 as well

type Logged = { eventType: string; severity: string; outcome: { result: string; reason: string | null }; securityContext: { asNumber: number | null; asOrg: string | null }; request: { ipChain: { ip: string }[] }; client: { ipAddress: string } };

describe('a new factor from a new location', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let api: Api;
  let f: Fixture;

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_TRUSTED_PROXIES: '127.0.0.1', BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    f = { db: server.db, tenantId: tenant.id, api };
  });
  after(() => server.close());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const write = (b: HostClient, ip: string) => ({ ...from(ip), origin: `http://${b.host}` });

  async function session(user: UserRef, ip: string, password = PASSWORD): Promise<HostClient> {
    const browser = hostClient(server.url, tenant.slug);
    const authn = await browser('POST', '/api/v1/authn', { username: user.login, password }, from(ip));
    assert.equal(authn.body.status, 'SUCCESS', authn.text);
    assert.equal((await browser('GET', `/login/sessionCookieRedirect?token=${authn.body.sessionToken}&redirectUrl=%2F`, undefined, from(ip))).status, 302);
    return browser;
  }

  async function events(type: string): Promise<Logged[]> {
    const rows = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).where('event_type', '=', type).orderBy('seq').execute();
    return rows.map((r) => JSON.parse(r.event) as Logged);
  }

  it('fills the network of a sign-in into its session and its events', async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = await session(user, GOOGLE_DNS);
    const started = (await events('user.session.start')).at(-1) as Logged;
    assert.equal(started.client.ipAddress, GOOGLE_DNS);
    assert.equal(started.securityContext.asNumber, 15169);
    assert.match(started.securityContext.asOrg ?? '', /Google/);
    assert.deepEqual(started.request.ipChain.map((h) => h.ip), [GOOGLE_DNS, '127.0.0.1']);
    assert.equal((await browser('GET', '/api/v1/sessions/me', undefined, from(GOOGLE_DNS))).status, 200);
  });

  it('refuses the attacker\'s factor after a help-desk reset, ends every session, and alerts the admins', async () => {
    const user = await newUser(f, 'ACTIVE');
    await session(user, GOOGLE_DNS);
    const victim = await session(user, GOOGLE_DNS);

    // The help desk is talked into a password and MFA reset.
    const helpdesk = apiClient(server.url, (await tokenWithRole(server.db, tenant.id, 'HELP_DESK_ADMIN')).token);
    assert.equal((await helpdesk('POST', `/api/v1/users/${user.id}/lifecycle/reset_factors`)).status, 200);
    assert.equal((await api('POST', `/api/v1/users/${user.id}`, { credentials: { password: { value: 'Attacker-Chosen-1' } } })).status, 200);

    const attacker = await session(user, CLOUDFLARE_DNS, 'Attacker-Chosen-1');
    const refused = await attacker('POST', '/api/v1/users/me/factors', { factorType: 'token:software:totp', provider: 'GOOGLE' }, write(attacker, CLOUDFLARE_DNS));
    assertOktaError(refused, 403, 'E0000006');
    assert.match(refused.body.errorCauses[0].errorSummary, /network this account has not signed in from/);
    assert.ok(refused.setCookies.some((c) => /^sid=;/.test(c)), 'the cookie is cleared');

    assert.deepEqual((await api('GET', `/api/v1/users/${user.id}/factors`)).body, [], 'no factor was added');
    const leftovers = await server.db.selectFrom('factors').select('id').where('tenant_id', '=', tenant.id).where('user_id', '=', user.id).execute();
    assert.deepEqual(leftovers, []);
    attacker.cookies.set('sid', attacker.cookies.get('sid') ?? 'gone');
    assertOktaError(await attacker('GET', '/api/v1/sessions/me', undefined, from(CLOUDFLARE_DNS)), 404, 'E0000007');
    assertOktaError(await victim('GET', '/api/v1/sessions/me', undefined, from(GOOGLE_DNS)), 404, 'E0000007');
    const sessionsLeft = await server.db.selectFrom('sessions').select('id').where('tenant_id', '=', tenant.id).where('user_id', '=', user.id).execute();
    assert.deepEqual(sessionsLeft, [], 'every session of the user ended');

    const denied = (await events('user.mfa.factor.activate')).at(-1) as Logged;
    assert.deepEqual(denied.outcome, { result: 'DENY', reason: 'New factor from a new location' });
    assert.equal(denied.securityContext.asNumber, 13335);
    const threat = (await events('security.threat.detected')).at(-1) as Logged;
    assert.equal(threat.severity, 'WARN');
    assert.equal((await events('user.session.clear')).length > 0, true);

    const alerts = await api('GET', '/api/v1/alerts');
    assert.equal(alerts.status, 200, alerts.text);
    const alert = alerts.body.find((a: { userId: string }) => a.userId === user.id);
    assert.equal(alert.type, 'NEW_FACTOR_FROM_NEW_LOCATION');
    assert.equal(alert.details.asn, 13335);
    assert.deepEqual(alert.details.knownAsns, [15169]);
    assert.equal((await api('GET', `/api/v1/alerts/${alert.id}`)).body.id, alert.id);
    assertOktaError(await apiClient(server.url, (await createTestTenant(server.db)).token)('GET', `/api/v1/alerts/${alert.id}`), 404, 'E0000007');
  });

  it('lets the user add a factor from a network they signed in from, over IPv4 or IPv6 of the same AS', async () => {
    const user = await newUser(f, 'ACTIVE');
    await session(user, GOOGLE_DNS);
    const browser = await session(user, GOOGLE_V6);
    const enrolled = await browser('POST', '/api/v1/users/me/factors', { factorType: 'token:software:totp', provider: 'GOOGLE' }, write(browser, GOOGLE_V6));
    assert.equal(enrolled.status, 200, enrolled.text);
  });

  it('does not let a session vouch for itself: the first sign-in from a network cannot add a factor there', async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = await session(user, GOOGLE_DNS);
    assertOktaError(await browser('POST', '/api/v1/users/me/factors', { factorType: 'token:software:totp', provider: 'GOOGLE' }, write(browser, GOOGLE_DNS)), 403, 'E0000006');
  });

  it('forgets networks after the configured days', async () => {
    const user = await newUser(f, 'ACTIVE');
    await session(user, GOOGLE_DNS);
    clock.advance(31 * 86_400_000);
    const browser = await session(user, GOOGLE_DNS);
    assertOktaError(await browser('POST', '/api/v1/users/me/factors', { factorType: 'token:software:totp', provider: 'GOOGLE' }, write(browser, GOOGLE_DNS)), 403, 'E0000006');
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const plain = await startTestServer();
    try {
      const t = await createTestTenant(plain.db);
      const user = await newUser({ db: plain.db, tenantId: t.id, api: apiClient(plain.url, t.token) }, 'ACTIVE');
      const browser = hostClient(plain.url, t.slug);
      const authn = await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD }, from(CLOUDFLARE_DNS));
      await browser('GET', `/login/sessionCookieRedirect?token=${authn.body.sessionToken}&redirectUrl=%2F`, undefined, from(CLOUDFLARE_DNS));
      const row = await plain.db.selectFrom('log_events').select('event').where('tenant_id', '=', t.id).where('event_type', '=', 'user.session.start').executeTakeFirstOrThrow();
      const started = JSON.parse(row.event) as Logged;
      assert.equal(started.client.ipAddress, '127.0.0.1');
      assert.equal(started.securityContext.asNumber, null);
    } finally {
      await plain.close();
    }
  });
});
