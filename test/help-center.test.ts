/**
 * The Help Center's sign-in: on its cell's own host, through the customer's own tenant as an OpenID Connect
 * provider (openid-client inside the Help Center checks the answer), with its own session. Customers are
 * driven here over real HTTP with one cookie jar per host, as a browser keeps them; the Chromium walk-through
 * is test/help-center-web.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { assertCoversApp, listAppRoutes, SUPPORT_PLANE_ROUTES } from './support/app-routes.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { newGroup, newSession, newUser, ok, addMember, sessionTokenFor, signOnPolicyIdOf, unique, type Fixture } from './support/fixtures.ts';
import { helpCenterClient, signInThrough, tenantUser } from './support/help-center.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { documentedBulwarkTypes, oktaEventTypes, problemsOf } from './support/log-event-checks.ts';
import { readAllEvents } from './support/log-reader.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';

const HA = 'high-assurance';

describe('Help Center sign-in', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let port: string;
  let tenant: TestTenant;
  let haTenant: TestTenant;
  let f: Fixture;
  let haF: Fixture;

  before(async () => {
    server = await startTestServer({ clock });
    port = new URL(server.url).port;
    tenant = await createTestTenant(server.db);
    haTenant = await createTestTenant(server.db, undefined, HA);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    haF = { db: server.db, tenantId: haTenant.id, api: apiClient(server.url, haTenant.token) };
  });
  after(() => server.close());

  const helpCenter = (cell = 'commercial') => helpCenterClient(server, cell);
  const signedIn = tenantUser;

  it('serves exactly the support-plane routes the Okta matrices leave to it, on Help Center hosts only', async () => {
    assertCoversApp(await listAppRoutes(server.db, 'support'), SUPPORT_PLANE_ROUTES);
    const web = hostClient(server.url, tenant.slug);
    for (const path of ['/', '/help/v1/session', '/help/signin?org=x1', '/help/callback']) {
      assertOktaError(await web('GET', path), 404, 'E0000008');
      assertOktaError(await hostClient(server.url, 'support-commercial')('GET', path), 404, 'E0000008');
    }
    const page = await helpCenter()('GET', '/', undefined, { accept: 'text/html' });
    assert.equal(page.status, 200);
    assert.match(page.text, /Help Center/);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });

  it('signs a customer in through their own tenant and keeps only what a case needs', async () => {
    const session = await signedIn(f, { admin: true });
    ok(await f.api('POST', `/api/v1/users/${session.user.id}`, { profile: { mobilePhone: '+1 555 0100', locale: 'en_GB' } }), 'add profile details');
    const seq = await lastSeqOf(server.db, tenant.id);
    const hc = helpCenter();
    const { start, back, end } = await signInThrough(hc, session.web, tenant.slug);
    assert.equal(start.status, 303);
    const authorize = new URL(start.headers.get('location') ?? '');
    assert.equal(authorize.origin, `http://${tenant.slug}.localhost:${port}`);
    assert.equal(authorize.pathname, '/oauth2/v1/authorize');
    assert.equal(authorize.searchParams.get('client_id'), 'help_center');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(back?.pathname, '/help/callback');
    assert.equal(back?.searchParams.get('iss'), `http://${tenant.slug}.localhost:${port}`, 'RFC 9207 iss in the authorization response');
    assert.equal(end?.status, 303, end?.text);
    assert.equal(end?.headers.get('location'), '/');
    assert.ok(hc.cookies.has('help_sid'), 'a Help Center session cookie');
    assert.ok(!hc.cookies.has('help_login'), 'the sign-in state is spent');
    assert.match(end?.setCookies.find((c) => c.startsWith('help_sid=')) ?? '', /HttpOnly; .*SameSite=Lax/i);

    const me = ok(await hc('GET', '/help/v1/session'), 'session');
    assert.equal(me.body.organization.slug, tenant.slug);
    assert.equal(me.body.cell, 'commercial');
    assert.equal(me.body.user.subject, session.user.id);
    assert.equal(me.body.user.email, session.user.login);
    assert.deepEqual(me.body.user.adminRoles, ['HELP_DESK_ADMIN']);
    assert.deepEqual(me.body.amr, ['pwd']);
    assert.equal(me.headers.get('cache-control'), 'no-store');

    const rows = await server.db.selectFrom('help_center_users').selectAll().where('subject', '=', session.user.id).execute();
    assert.equal(rows.length, 1);
    assert.deepEqual(Object.keys(rows[0]!).sort(), [
      'address', 'admin_roles', 'cell', 'created', 'email', 'id', 'last_sign_in', 'mobile_phone', 'name', 'password_changed', 'phone', 'staff_roles', 'subject', 'tenant_id', 'time_zone', 'username',
    ]);
    assert.deepEqual([rows[0]!.phone, rows[0]!.mobile_phone, rows[0]!.address], [null, null, null], 'the Help Center asks for no phone or address scope');
    assert.equal(rows[0]!.username, session.user.login, 'the username from the profile scope');
    assert.deepEqual(rows[0]!.staff_roles, [], 'a customer has no staff roles');
    assert.ok(!JSON.stringify(rows).includes('555 0100') && !JSON.stringify(rows).includes('en_GB'), 'nothing the provider was not asked for');
    const sessions = await server.db.selectFrom('help_center_sessions').selectAll().where('user_id', '=', rows[0]!.id).execute();
    assert.equal(sessions.length, 1);
    assert.notEqual(sessions[0]!.token_hash, hc.cookies.get('help_sid'), 'the cookie is kept only as a hash');

    const events = await eventsAfterOf<Logged & { debugContext: { debugData: Record<string, unknown> } }>(server.db, tenant.id, seq);
    const types = events.map((e) => e.eventType);
    assert.ok(types.includes('user.authentication.sso'), types.join());
    const sso = events.find((e) => e.eventType === 'user.authentication.sso')!;
    assert.equal(sso.outcome.result, 'SUCCESS');
    assert.equal(sso.target?.[0]?.displayName, 'Bulwark Help Center');
    const started = events.find((e) => e.eventType === 'bulwark.help_center.session.start');
    assert.equal(started?.actor.id, session.user.id);
    assert.equal(started?.debugContext.debugData['helpCenterSessionId'], sessions[0]!.id);
    const since = new Date(clock.now().getTime() - 86_400_000).toISOString();
    assert.deepEqual(problemsOf(await readAllEvents(f.api, `/api/v1/logs?since=${encodeURIComponent(since)}&limit=1000`), oktaEventTypes(), documentedBulwarkTypes()), []);
  });

  it('lets any user of the tenant in, with no admin roles, and refreshes the record at the next sign-in', async () => {
    const session = await signedIn(f);
    const hc = helpCenter();
    assert.equal((await signInThrough(hc, session.web, tenant.slug)).end?.status, 303);
    assert.deepEqual(ok(await hc('GET', '/help/v1/session'), 'session').body.user.adminRoles, []);
    ok(await f.api('POST', `/api/v1/users/${session.user.id}`, { profile: { firstName: 'Renamed' } }), 'rename');
    ok(await f.api('POST', `/api/v1/users/${session.user.id}/roles`, { type: 'READ_ONLY_ADMIN' }), 'grant role');
    // A new privilege ends the user's sessions: they sign in to their tenant again on the way.
    const again = helpCenter();
    assert.equal((await signInThrough(again, (await newSession(f, session.user)).web, tenant.slug)).end?.status, 303);
    const me = ok(await again('GET', '/help/v1/session'), 'session').body;
    assert.match(me.user.name, /^Renamed /);
    assert.deepEqual(me.user.adminRoles, ['READ_ONLY_ADMIN']);
    assert.equal((await server.db.selectFrom('help_center_users').select('id').where('subject', '=', session.user.id).execute()).length, 1);
  });

  it("obeys the tenant's sign-on rule for the Help Center: refused with access_denied, no session, the denial logged", async () => {
    const session = await signedIn(f);
    const group = await newGroup(f);
    await addMember(f, group.id, session.user.id);
    const policyId = await signOnPolicyIdOf(f);
    ok(await f.api('POST', `/api/v1/policies/${policyId}/rules`, {
      type: 'SIGN_ON', name: unique('Help Center passkeys'),
      conditions: { people: { groups: { include: [group.id] } }, app: { include: ['help_center'] } },
      actions: { signon: { access: 'ALLOW', requireFactor: true, phishingResistant: 'REQUIRED' } },
    }), 'rule');
    const seq = await lastSeqOf(server.db, tenant.id);
    const hc = helpCenter();
    const { back } = await signInThrough(hc, session.web, tenant.slug);
    // A password session does not satisfy the rule: the tenant asks the user to sign in again, for this app.
    assert.equal(back?.pathname, '/signin');
    assert.equal(back?.searchParams.get('app'), 'help_center');
    // The user comes back without a passkey: the tenant refuses the Help Center, and the Help Center says so.
    let at = new URL(back?.searchParams.get('next') ?? '', back);
    while (at.host === session.web.host) {
      const res = await session.web('GET', `${at.pathname}${at.search}`, undefined, { accept: 'text/html' });
      at = new URL(res.headers.get('location') ?? '', at);
    }
    assert.equal(at.host, hc.host);
    assert.equal(at.searchParams.get('error'), 'access_denied');
    const end = await hc('GET', `${at.pathname}${at.search}`, undefined, { accept: 'text/html' });
    assert.equal(end.status, 303);
    const page = new URL(end.headers.get('location') ?? '', 'http://x');
    assert.equal(page.searchParams.get('error'), 'access_denied');
    assert.ok(!hc.cookies.has('help_sid'));
    assertOktaError(await hc('GET', '/help/v1/session'), 401, 'E0000005');
    const denied = (await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'user.authentication.sso')).at(-1);
    assert.equal(denied?.outcome.result, 'DENY');
    assert.equal((await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'bulwark.help_center.session.start')).length, 0);
  });

  describe('cells', () => {
    it('refuses a tenant of another cell at each Help Center, before anything is issued', async () => {
      const ha = await signedIn(haF);
      const commercial = await signedIn(f);
      for (const [hc, web, slug] of [[helpCenter(), ha.web, haTenant.slug], [helpCenter(HA), commercial.web, tenant.slug]] as const) {
        const { start } = await signInThrough(hc, web, slug);
        assert.equal(start.status, 303);
        assert.equal(start.headers.get('location'), '/?error=wrong_cell');
        assert.equal(start.setCookies.length, 0, 'no sign-in started');
      }
      const { end } = await signInThrough(helpCenter(HA), ha.web, haTenant.slug);
      assert.equal(end?.status, 303, 'the high-assurance tenant signs in to its own Help Center');
    });

    it("has each tenant's provider refuse another cell's Help Center with invalid_redirect_uri, nothing issued", async () => {
      const ha = await signedIn(haF);
      const hc = helpCenter(HA);
      const { start } = await signInThrough(hc, ha.web, haTenant.slug);
      const authorize = new URL(start.headers.get('location') ?? '');
      const before = await server.db.selectFrom('oidc_models').select(({ fn }) => fn.countAll<string>().as('n')).where('tenant_id', '=', haTenant.id).executeTakeFirstOrThrow();
      // The same request, but naming the commercial Help Center's callback, as a forged link would.
      authorize.searchParams.set('redirect_uri', `http://support.localhost:${port}/help/callback`);
      const res = await ha.web('GET', `${authorize.pathname}${authorize.search}`, undefined, { accept: 'text/html' });
      assert.equal(res.status, 400);
      assert.match(res.text, /invalid_redirect_uri/);
      assert.equal(res.headers.get('location'), null, 'the browser is not sent anywhere');
      const afterCount = await server.db.selectFrom('oidc_models').select(({ fn }) => fn.countAll<string>().as('n')).where('tenant_id', '=', haTenant.id).executeTakeFirstOrThrow();
      assert.equal(afterCount.n, before.n);
    });

    it("does not accept one cell's sign-in state or session at the other cell's Help Center", async () => {
      const ha = await signedIn(haF);
      const haHc = helpCenter(HA);
      const started = await haHc('GET', `/help/signin?org=${haTenant.slug}`, undefined, { accept: 'text/html' });
      assert.equal(started.status, 303);
      const commercial = helpCenter();
      commercial.cookies.set('help_login', haHc.cookies.get('help_login') ?? '');
      const res = await commercial('GET', '/help/callback?code=x&state=y', undefined, { accept: 'text/html' });
      assert.equal(res.headers.get('location'), '/?error=expired');

      assert.equal((await signInThrough(haHc, ha.web, haTenant.slug)).end?.status, 303);
      commercial.cookies.set('help_sid', haHc.cookies.get('help_sid') ?? '');
      assertOktaError(await commercial('GET', '/help/v1/session'), 401, 'E0000005');
      ok(await haHc('GET', '/help/v1/session'), 'still live at its own Help Center');
    });
  });

  describe('the callback', () => {
    it('refuses a callback without the sign-in it answers, a wrong state, and a replayed code', async () => {
      const session = await signedIn(f);
      const hc = helpCenter();
      assert.equal((await hc('GET', '/help/callback?code=abc&state=def', undefined, { accept: 'text/html' })).headers.get('location'), '/?error=expired');

      const { back } = await signInThrough(helpCenter(), session.web, tenant.slug);
      assert.ok(back);
      // A second browser that started its own sign-in is handed the first one's code: the state differs.
      const other = helpCenter();
      await other('GET', `/help/signin?org=${tenant.slug}`, undefined, { accept: 'text/html' });
      const mixed = await other('GET', `${back.pathname}${back.search}`, undefined, { accept: 'text/html' });
      assert.match(mixed.headers.get('location') ?? '', /^\/\?error=failed&/);
      assert.ok(!other.cookies.has('help_sid'));

      // The browser the code was for uses it: then a replay, with a new sign-in's state grafted on, is refused by the provider.
      const own = helpCenter();
      const flow = await signInThrough(own, session.web, tenant.slug);
      assert.equal(flow.end?.status, 303);
      const replay = helpCenter();
      const restart = await replay('GET', `/help/signin?org=${tenant.slug}`, undefined, { accept: 'text/html' });
      const state = new URL(restart.headers.get('location') ?? '').searchParams.get('state') ?? '';
      const forged = new URL(flow.back!.href);
      forged.searchParams.set('state', state);
      const res = await replay('GET', `${forged.pathname}${forged.search}`, undefined, { accept: 'text/html' });
      assert.match(res.headers.get('location') ?? '', /^\/\?error=failed&error_description=.*grant/);
      assert.ok(!replay.cookies.has('help_sid'));
    });

    it('answers an unknown organisation and bad input without starting anything', async () => {
      const hc = helpCenter();
      const unknown = await hc('GET', '/help/signin?org=no-such-org', undefined, { accept: 'text/html' });
      assert.equal(unknown.headers.get('location'), '/?error=unknown_org');
      assertOktaError(await hc('GET', '/help/signin?org=Not%20A%20Slug'), 400, 'E0000001');
      assertOktaError(await hc('GET', '/help/signin'), 400, 'E0000001');
      assertOktaError(await hc('GET', `/help/signin?org=${tenant.slug}&extra=1`), 400, 'E0000001');
      assertOktaError(await hc('GET', `/help/callback?code=${'x'.repeat(3000)}`), 400, 'E0000001');
      assert.equal(hc.cookies.size, 0);
    });
  });

  describe('the session', () => {
    it('ends after its idle time and its maximum lifetime, whichever comes first', async () => {
      const session = await signedIn(f);
      const hc = helpCenter();
      assert.equal((await signInThrough(hc, session.web, tenant.slug)).end?.status, 303);
      clock.advance(29 * 60_000);
      ok(await hc('GET', '/help/v1/session'), 'active within the idle time');
      clock.advance(31 * 60_000);
      const idle = await hc('GET', '/help/v1/session');
      assertOktaError(idle, 401, 'E0000005');
      assert.match(JSON.stringify(idle.body), /ended after 30 minutes without activity/);

      const fresh = await signedIn(f);
      const busy = helpCenter();
      assert.equal((await signInThrough(busy, fresh.web, tenant.slug)).end?.status, 303);
      for (let minutes = 0; minutes < 8 * 60 - 20; minutes += 20) {
        clock.advance(20 * 60_000);
        ok(await busy('GET', '/help/v1/session'), `active at ${minutes + 20} minutes`);
      }
      clock.advance(25 * 60_000);
      const max = await busy('GET', '/help/v1/session');
      assertOktaError(max, 401, 'E0000005');
      assert.match(JSON.stringify(max.body), /ended after 8 hours/);
    });

    it('signs out only from the same origin, logged in the tenant; the tenant session lives on', async () => {
      const session = await signedIn(f);
      const hc = helpCenter();
      assert.equal((await signInThrough(hc, session.web, tenant.slug)).end?.status, 303);
      const seq = await lastSeqOf(server.db, tenant.id);
      assertOktaError(await hc('DELETE', '/help/v1/session', undefined, { 'sec-fetch-site': 'cross-site' }), 403, 'E0000006');
      assertOktaError(await hc('DELETE', '/help/v1/session', undefined, { origin: `http://${tenant.slug}.localhost:${port}` }), 403, 'E0000006');
      ok(await hc('GET', '/help/v1/session'), 'still signed in');
      const out = await hc('DELETE', '/help/v1/session', undefined, { origin: `http://${hc.host}`, 'sec-fetch-site': 'same-origin' });
      assert.equal(out.status, 204);
      const sid = out.setCookies.find((c) => c.startsWith('help_sid='));
      assert.match(sid ?? '', /Expires=Thu, 01 Jan 1970/);
      const ended = await eventsAfterOf<Logged>(server.db, tenant.id, seq);
      assert.deepEqual(ended.map((e) => e.eventType), ['bulwark.help_center.session.end']);
      ok(await session.web('GET', '/api/v1/sessions/me'), 'the tenant session is untouched');
    });
  });

  it('keeps the Help Center client to the Help Center: its secret is not guessable and its scope is not for apps', async () => {
    const basic = `Basic ${Buffer.from('help_center:guess').toString('base64')}`;
    const web = hostClient(server.url, tenant.slug);
    const res = await web('POST', '/oauth2/v1/token', 'grant_type=authorization_code&code=x&redirect_uri=x', { 'content-type': 'application/x-www-form-urlencoded', authorization: basic });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
  });

  it('works behind a TLS proxy: https issuer, __Host- cookies, the in-process token call made for https', async () => {
    // The proxy is at 127.0.0.2; the in-process calls come from 127.0.0.1, which is not trusted, so only their own key makes them https.
    const proxied = await startTestServer({ config: { BULWARK_TRUSTED_PROXIES: '127.0.0.2' } });
    try {
      const t = await createTestTenant(proxied.db);
      const pf: Fixture = { db: proxied.db, tenantId: t.id, api: apiClient(proxied.url, t.token) };
      /** A browser tab on `slug`'s host whose every request the proxy marks as having come over https. */
      const overTls = (slug: string): HostClient => {
        const inner = hostClient(proxied.url, slug, { localAddress: '127.0.0.2' });
        return Object.assign((method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
          inner(method, path, body, { 'x-forwarded-proto': 'https', ...headers }), { cookies: inner.cookies, host: inner.host });
      };
      const user = await newUser(pf, 'ACTIVE');
      const web = overTls(t.slug);
      const token = await sessionTokenFor(web, user);
      assert.equal((await web('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2F`)).status, 302);
      assert.ok(web.cookies.has('__Host-sid'));
      const hc = overTls('support');
      const { start, end } = await signInThrough(hc, web, t.slug);
      assert.match(start.headers.get('location') ?? '', new RegExp(`^https://${t.slug}\\.localhost:\\d+/oauth2/v1/authorize\\?`));
      assert.equal(end?.status, 303, end?.text);
      assert.ok(hc.cookies.has('__Host-help_sid'));
      assert.match(end?.setCookies.find((c) => c.startsWith('__Host-help_sid=')) ?? '', /Secure/);
      assert.equal(ok(await hc('GET', '/help/v1/session'), 'session').body.user.subject, user.id);
    } finally {
      await proxied.close();
    }
  });
});
