/**
 * Password sign-in through Okta's Classic Authentication API and the session it leads to, over real HTTP on a
 * tenant's own host: sessionToken, cookie redirect, /sessions/me, lockout, expiry, rehash, admin session
 * control, CSRF and tenant boundaries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { newUser, PASSWORD, type Fixture, type UserRef } from './support/fixtures.ts';
import { hostClient, type HostClient } from './support/host-client.ts';

type Logged = { eventType: string; outcome: { result: string; reason: string | null }; actor: { id: string; alternateId: string }; target: { id: string; type: string }[]; authenticationContext: { externalSessionId: string | null; credentialType: string | null } };

async function lastSeq(server: TestServer, tenantId: string): Promise<number> {
  const row = await server.db.selectFrom('log_chain_heads').select('seq').where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
  return Number(row.seq);
}

async function eventsAfter(server: TestServer, tenantId: string, seq: number): Promise<Logged[]> {
  const rows = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenantId).where('seq', '>', String(seq)).orderBy('seq').execute();
  return rows.map((r) => JSON.parse(r.event) as Logged);
}

async function storedHash(server: TestServer, tenantId: string, userId: string): Promise<string | null> {
  const row = await server.db.selectFrom('users').select('password_hash').where('tenant_id', '=', tenantId).where('id', '=', userId).executeTakeFirstOrThrow();
  return row.password_hash;
}

describe('password sign-in and sessions', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let api: Api;
  let f: Fixture;
  let web: () => HostClient;

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_LOCKOUT_ATTEMPTS: '3', BULWARK_LOCKOUT_MINUTES: '30', BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    f = { db: server.db, tenantId: tenant.id, api };
    web = () => hostClient(server.url, tenant.slug);
  });
  after(() => server.close());

  async function signIn(client: HostClient, user: UserRef, password = PASSWORD) {
    return client('POST', '/api/v1/authn', { username: user.login, password });
  }

  it('signs in with a password, turns the sessionToken into a cookie session, and signs out', async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = web();
    const before = await lastSeq(server, tenant.id);
    const authn = await signIn(browser, user);
    assert.equal(authn.status, 200, authn.text);
    assert.equal(authn.body.status, 'SUCCESS');
    assert.match(authn.body.sessionToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(authn.body._embedded.user.id, user.id);
    assert.equal(authn.body._embedded.user.profile.login, user.login);
    assert.equal(authn.text.includes(PASSWORD) || authn.text.includes('argon2'), false, 'no credential in the transaction');

    const redirect = await browser('GET', `/login/sessionCookieRedirect?token=${authn.body.sessionToken}&redirectUrl=${encodeURIComponent('/app/home')}`);
    assert.equal(redirect.status, 302, redirect.text);
    assert.equal(redirect.headers.get('location'), `http://${browser.host}/app/home`);
    const cookie = redirect.setCookies.find((c) => c.startsWith('sid='));
    assert.ok(cookie, 'a sid cookie is set');
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
    const cookieValue = browser.cookies.get('sid') as string;

    const me = await browser('GET', '/api/v1/sessions/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.userId, user.id);
    assert.equal(me.body.login, user.login);
    assert.equal(me.body.status, 'ACTIVE');
    assert.deepEqual(me.body.amr, ['pwd']);
    assert.match(me.body.id, /^102[0-9A-Za-z]{17}$/);
    assert.notEqual(me.body.id, cookieValue, 'the session id is not the cookie');
    assert.equal(me.text.includes(cookieValue), false, 'the cookie value is never echoed');
    const stored = await server.db.selectFrom('sessions').select('token_hash').where('id', '=', me.body.id).executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, cookieValue, 'only a hash of the cookie is stored');

    const out = await browser('DELETE', '/api/v1/sessions/me');
    assert.equal(out.status, 204, out.text);
    assert.equal(browser.cookies.has('sid'), false, 'the cookie is cleared');
    browser.cookies.set('sid', cookieValue);
    assertOktaError(await browser('GET', '/api/v1/sessions/me'), 404, 'E0000007');

    const events = await eventsAfter(server, tenant.id, before);
    assert.deepEqual(events.map((e) => e.eventType), ['user.authentication.verify', 'policy.evaluate_sign_on', 'user.session.start', 'user.session.end']);
    assert.equal(events[0]?.authenticationContext.credentialType, 'PASSWORD');
    assert.equal(events[1]?.outcome.result, 'ALLOW');
    assert.deepEqual(events[1]?.target.map((t: { type: string }) => t.type), ['AppInstance', 'User', 'PolicyRule']);
    assert.equal(events[2]?.authenticationContext.externalSessionId, me.body.id);
    assert.ok(events.every((e) => e.actor.id === user.id));
  });

  it('lets a sessionToken be used once, and not after five minutes', async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = web();
    const token = (await signIn(browser, user)).body.sessionToken as string;
    assert.equal((await browser('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2F`)).status, 302);
    const again = web();
    assertOktaError(await again('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2F`), 401, 'E0000004');

    const late = (await signIn(browser, user)).body.sessionToken as string;
    clock.advance(5 * 60_000 + 1);
    const before = await logCount(server.db, tenant.id);
    assertOktaError(await again('GET', `/login/sessionCookieRedirect?token=${late}&redirectUrl=%2F`), 401, 'E0000004');
    assert.equal(await logCount(server.db, tenant.id), before, 'a refused token writes nothing');
    assert.equal(again.cookies.size, 0);
  });

  it('refuses a redirect to another origin without using up the token', async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = web();
    const token = (await signIn(browser, user)).body.sessionToken as string;
    for (const target of ['https://evil.example.com/', '//evil.example.com/x', `http://${other.slug}.localhost:${new URL(server.url).port}/`]) {
      assertOktaError(await browser('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=${encodeURIComponent(target)}`), 400, 'E0000001');
    }
    assert.equal((await browser('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2F`)).status, 302);
  });

  it('answers an unknown user, a wrong password and a locked account alike, and logs which it was', async () => {
    const user = await newUser(f, 'ACTIVE');
    const locked = await newUser(f, 'ACTIVE');
    const browser = web();
    for (let i = 0; i < 3; i++) await signIn(browser, locked, 'Wrong-Password-1');
    const answers = [
      await browser('POST', '/api/v1/authn', { username: 'nobody@fixture.example.com', password: PASSWORD }),
      await signIn(browser, user, 'Wrong-Password-1'),
      await signIn(browser, locked, PASSWORD),
    ];
    for (const a of answers) assertOktaError(a, 401, 'E0000004');
    const strip = (a: { body: Record<string, unknown> }) => JSON.stringify({ ...a.body, errorId: null });
    assert.equal(new Set(answers.map(strip)).size, 1, 'identical bodies but for errorId');
    const events = await eventsAfter(server, tenant.id, (await lastSeq(server, tenant.id)) - 3);
    assert.deepEqual(events.map((e) => [e.eventType, e.outcome.result, e.outcome.reason]), [
      ['user.session.start', 'FAILURE', 'VERIFICATION_ERROR'],
      ['user.session.start', 'FAILURE', 'INVALID_CREDENTIALS'],
      ['user.session.start', 'FAILURE', 'LOCKED_OUT'],
    ]);
    assert.equal(events[0]?.actor.alternateId, 'nobody@fixture.example.com');
  });

  it('locks the account after the configured failures, unlocks it by admin or after the lockout time', async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = web();
    const before = await lastSeq(server, tenant.id);
    for (let i = 0; i < 3; i++) assertOktaError(await signIn(browser, user, `Wrong-Password-${i}`), 401, 'E0000004');
    assert.equal((await api('GET', `/api/v1/users/${user.id}`)).body.status, 'LOCKED_OUT');
    const lockEvents = (await eventsAfter(server, tenant.id, before)).map((e) => e.eventType);
    assert.deepEqual(lockEvents, ['user.session.start', 'user.session.start', 'user.session.start', 'user.account.lock']);
    assertOktaError(await signIn(browser, user), 401, 'E0000004');

    assert.equal((await api('POST', `/api/v1/users/${user.id}/lifecycle/unlock`)).status, 200);
    assert.equal((await signIn(browser, user)).body.status, 'SUCCESS');

    for (let i = 0; i < 3; i++) await signIn(browser, user, `Wrong-Password-${i}`);
    clock.advance(29 * 60_000);
    assertOktaError(await signIn(browser, user), 401, 'E0000004');
    clock.advance(60_000);
    const unlocked = await signIn(browser, user);
    assert.equal(unlocked.body.status, 'SUCCESS', unlocked.text);
    const last = await eventsAfter(server, tenant.id, (await lastSeq(server, tenant.id)) - 3);
    assert.deepEqual(last.map((e) => e.eventType), ['user.account.unlock', 'user.authentication.verify', 'policy.evaluate_sign_on']);
  });

  it('counts only consecutive failures: a good password starts the count again', async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = web();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) await signIn(browser, user, 'Wrong-Password-1');
      assert.equal((await signIn(browser, user)).body.status, 'SUCCESS');
    }
  });

  it('makes a user with an expired password choose a new one before the sign-in finishes', async () => {
    const user = await newUser(f, 'PASSWORD_EXPIRED');
    const browser = web();
    const first = await signIn(browser, user);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.status, 'PASSWORD_EXPIRED');
    assert.equal(first.body.sessionToken, undefined);
    const stateToken = first.body.stateToken as string;
    assert.match(first.body._links.next.href, /\/api\/v1\/authn\/credentials\/change_password$/);
    assert.equal(first.body._embedded.policy.complexity.minLength, 8);

    const state = await browser('POST', '/api/v1/authn', { stateToken });
    assert.equal(state.body.status, 'PASSWORD_EXPIRED');

    const before = await logCount(server.db, tenant.id);
    assertOktaError(await browser('POST', '/api/v1/authn/credentials/change_password', { stateToken, oldPassword: 'Wrong-Password-1', newPassword: 'Brand-New-Pass-7' }), 403, 'E0000014');
    assertOktaError(await browser('POST', '/api/v1/authn/credentials/change_password', { stateToken, oldPassword: PASSWORD, newPassword: 'short' }), 403, 'E0000080');
    assertOktaError(await browser('POST', '/api/v1/authn/credentials/change_password', { stateToken, oldPassword: PASSWORD, newPassword: PASSWORD }), 403, 'E0000080');
    assert.equal(await logCount(server.db, tenant.id), before, 'refused changes write nothing');

    const changed = await browser('POST', '/api/v1/authn/credentials/change_password', { stateToken, oldPassword: PASSWORD, newPassword: 'Brand-New-Pass-7' });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.status, 'SUCCESS');
    assert.ok(changed.body.sessionToken);
    assert.equal((await api('GET', `/api/v1/users/${user.id}`)).body.status, 'ACTIVE');
    assertOktaError(await browser('POST', '/api/v1/authn/credentials/change_password', { stateToken, oldPassword: 'Brand-New-Pass-7', newPassword: 'Another-Pass-8' }), 401, 'E0000011');
    assertOktaError(await signIn(browser, user), 401, 'E0000004');
    assert.equal((await signIn(browser, user, 'Brand-New-Pass-7')).body.status, 'SUCCESS');
  });

  it('refuses a stateToken after five minutes', async () => {
    const user = await newUser(f, 'PASSWORD_EXPIRED');
    const browser = web();
    const stateToken = (await signIn(browser, user)).body.stateToken as string;
    clock.advance(5 * 60_000 + 1);
    assertOktaError(await browser('POST', '/api/v1/authn', { stateToken }), 401, 'E0000011');
    assertOktaError(await browser('POST', '/api/v1/authn/credentials/change_password', { stateToken, oldPassword: PASSWORD, newPassword: 'Brand-New-Pass-7' }), 401, 'E0000011');
  });

  it('refuses users who may not sign in, with the same answer', async () => {
    for (const state of ['STAGED', 'PROVISIONED', 'RECOVERY', 'SUSPENDED', 'DEPROVISIONED'] as const) {
      const user = await newUser(f, state);
      assertOktaError(await signIn(web(), user), 401, 'E0000004');
    }
  });

  it('rejects malformed sign-in requests with a 400 and writes nothing', async () => {
    const browser = web();
    const before = await logCount(server.db, tenant.id);
    const bad: unknown[] = [
      {},
      { username: 'a@b.example.com' },
      { password: PASSWORD },
      { username: 'a@b.example.com', password: PASSWORD, stateToken: 'x' },
      { username: 'a@b.example.com', password: PASSWORD, admin: true },
      { username: 42, password: PASSWORD },
      { username: 'a'.repeat(300), password: PASSWORD },
      { username: 'a@b.example.com', password: 'p'.repeat(300) },
    ];
    for (const body of bad) assertOktaError(await browser('POST', '/api/v1/authn', body), 400, 'E0000001');
    assertOktaError(await browser('POST', '/api/v1/authn', '{"username":'), 400, 'E0000003');
    assert.equal(await logCount(server.db, tenant.id), before);
  });

  it('keeps tenants apart: a user, a sessionToken and a cookie work only on their own tenant', async () => {
    const user = await newUser(f, 'ACTIVE');
    const elsewhere = hostClient(server.url, other.slug);
    assertOktaError(await signIn(elsewhere, user), 401, 'E0000004');

    const browser = web();
    const token = (await signIn(browser, user)).body.sessionToken as string;
    assertOktaError(await elsewhere('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2F`), 401, 'E0000004');
    assertOktaError(await apiClient(server.url, other.token)('POST', '/api/v1/sessions', { sessionToken: token }), 401, 'E0000004');
    assert.equal((await browser('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2F`)).status, 302, 'still unused');

    elsewhere.cookies.set('sid', browser.cookies.get('sid') as string);
    assertOktaError(await elsewhere('GET', '/api/v1/sessions/me'), 404, 'E0000007');
    const session = (await browser('GET', '/api/v1/sessions/me')).body.id as string;
    assertOktaError(await apiClient(server.url, other.token)('GET', `/api/v1/sessions/${session}`), 404, 'E0000007');
    assertOktaError(await apiClient(server.url, other.token)('DELETE', `/api/v1/sessions/${session}`), 404, 'E0000007');
    assertOktaError(await hostClient(server.url, 'no-such-tenant')('POST', '/api/v1/authn', { username: user.login, password: PASSWORD }), 404, 'E0000007');
  });

  it('refuses a cross-site sign-out or refresh by cookie', async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = web();
    const token = (await signIn(browser, user)).body.sessionToken as string;
    await browser('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2F`);
    assertOktaError(await browser('DELETE', '/api/v1/sessions/me', undefined, { origin: 'https://evil.example.com' }), 403, 'E0000006');
    assertOktaError(await browser('POST', '/api/v1/sessions/me/lifecycle/refresh', undefined, { 'sec-fetch-site': 'cross-site' }), 403, 'E0000006');
    assert.equal((await browser('GET', '/api/v1/sessions/me')).status, 200, 'the session survived');
    assert.equal((await browser('POST', '/api/v1/sessions/me/lifecycle/refresh', undefined, { origin: `http://${browser.host}`, 'sec-fetch-site': 'same-origin' })).status, 200);
  });

  it('treats a default port named in the Host header as the origin browsers write without it', async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = web();
    const host = { host: `${tenant.slug}.localhost:80` };
    const token = (await browser('POST', '/api/v1/authn', { username: user.login, password: PASSWORD }, host)).body.sessionToken as string;
    const redirect = await browser('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2Fhome`, undefined, host);
    assert.equal(redirect.status, 302, redirect.text);
    assert.equal(redirect.headers.get('location'), `http://${tenant.slug}.localhost/home`);
    assert.equal((await browser('DELETE', '/api/v1/sessions/me', undefined, { ...host, origin: `http://${tenant.slug}.localhost` })).status, 204);
  });

  it('ends a session when it has been idle too long', async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = web();
    const token = (await signIn(browser, user)).body.sessionToken as string;
    await browser('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2F`);
    clock.advance(119 * 60_000);
    assert.equal((await browser('GET', '/api/v1/sessions/me')).status, 200, 'use restarts the idle clock');
    clock.advance(119 * 60_000);
    assert.equal((await browser('GET', '/api/v1/sessions/me')).status, 200);
    clock.advance(121 * 60_000);
    assertOktaError(await browser('GET', '/api/v1/sessions/me'), 404, 'E0000007');
  });

  it('lets admins create, read and end sessions, and clear all of a user\'s sessions', async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = web();
    const created = await api('POST', '/api/v1/sessions', { sessionToken: (await signIn(browser, user)).body.sessionToken });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.userId, user.id);
    const read = await api('GET', `/api/v1/sessions/${created.body.id}`);
    assert.equal(read.body.id, created.body.id);
    assert.equal((await api('DELETE', `/api/v1/sessions/${created.body.id}`)).status, 204);
    assertOktaError(await api('GET', `/api/v1/sessions/${created.body.id}`), 404, 'E0000007');

    const second = web();
    for (const b of [browser, second]) {
      const token = (await signIn(b, user)).body.sessionToken as string;
      await b('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2F`);
    }
    const pending = (await signIn(browser, user)).body.sessionToken as string;
    const before = await lastSeq(server, tenant.id);
    assert.equal((await api('DELETE', `/api/v1/users/${user.id}/sessions`)).status, 204);
    for (const b of [browser, second]) assertOktaError(await b('GET', '/api/v1/sessions/me'), 404, 'E0000007');
    assertOktaError(await browser('GET', `/login/sessionCookieRedirect?token=${pending}&redirectUrl=%2F`), 401, 'E0000004');
    const cleared = await eventsAfter(server, tenant.id, before);
    assert.deepEqual(cleared.map((e) => e.eventType), ['user.session.clear']);
    assert.equal(cleared[0]?.actor.id, tenant.adminId);
  });

  it('ends every session of a user who is suspended or deactivated', async () => {
    for (const op of ['suspend', 'deactivate']) {
      const user = await newUser(f, 'ACTIVE');
      const browser = web();
      await browser('GET', `/login/sessionCookieRedirect?token=${(await signIn(browser, user)).body.sessionToken}&redirectUrl=%2F`);
      assert.equal((await api('POST', `/api/v1/users/${user.id}/lifecycle/${op}`)).status, 200);
      assertOktaError(await browser('GET', '/api/v1/sessions/me'), 404, 'E0000007');
    }
  });

  it('rehashes a password made with weaker argon2 parameters at the next good sign-in', async () => {
    const stronger = await startTestServer({ config: { BULWARK_ARGON2_MEMORY_KIB: '24576', BULWARK_ARGON2_ITERATIONS: '3' } });
    try {
      const t = await createTestTenant(stronger.db);
      const api2 = apiClient(stronger.url, t.token);
      const user = await newUser({ db: stronger.db, tenantId: t.id, api: api2 }, 'ACTIVE');
      await stronger.db.updateTable('users').set({ password_hash: (await server.db.selectFrom('users').select('password_hash').where('tenant_id', '=', tenant.id).where('id', '=', tenant.adminId).executeTakeFirstOrThrow()).password_hash })
        .where('tenant_id', '=', t.id).where('id', '=', user.id).execute();
      assert.match(await storedHash(stronger, t.id, user.id) ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      const browser = hostClient(stronger.url, t.slug);
      assertOktaError(await browser('POST', '/api/v1/authn', { username: user.login, password: 'Wrong-Password-1' }), 401, 'E0000004');
      assert.match(await storedHash(stronger, t.id, user.id) ?? '', /m=19456,t=2,p=1/, 'a wrong password rehashes nothing');
      const ok = await browser('POST', '/api/v1/authn', { username: user.login, password: 'Correct-Horse-9' });
      assert.equal(ok.body.status, 'SUCCESS', ok.text);
      assert.match(await storedHash(stronger, t.id, user.id) ?? '', /^\$argon2id\$v=19\$m=24576,t=3,p=1\$/);
      assert.equal((await browser('POST', '/api/v1/authn', { username: user.login, password: 'Correct-Horse-9' })).body.status, 'SUCCESS');
    } finally {
      await stronger.close();
    }
  });
});
