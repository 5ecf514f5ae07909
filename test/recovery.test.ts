/**
 * Password recovery end to end over real HTTP on a tenant's own host: an admin's reset and its one-time link,
 * the factor an administrator must answer besides the link, self-service recovery with TOTP, a passkey or a
 * recovery code, lockout, the password policy at the new password, the sessions it ends, and that nothing in
 * a self-service recovery's answers tells a real account from a made-up one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { validateBulwarkLogEvent, validateOktaLogEvent } from '../src/syslog/log-event-schema.ts';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type Api, type ApiResponse, type TestServer, type TestTenant } from './helpers.ts';
import {
  grant, newKnownSession, newPasskeyUser, newSession, newTotpUser, newUser, pageHeaders, PASSWORD, recoveryTokenFor, totpCode, type TotpUser, type UserRef, type WebFixture,
} from './support/fixtures.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { SoftAuthenticator } from './support/soft-authenticator.ts';
import { tenantState } from './support/tenant-state.ts';

const TOTP = 'token:software:totp';
const NEW_PASSWORD = 'Recovered-Horse-Battery-4';

type Logged = { eventType: string; outcome: { result: string; reason: string | null }; actor: { id: string; type: string }; target: { id: string; type: string }[]; debugContext: { debugData: Record<string, unknown> } };

describe('password recovery', () => {
  // On a TOTP step boundary, so that the codes a test computes belong to the steps it expects.
  const clock = manualClock(new Date(Math.floor(Date.now() / 30_000) * 30_000 + 1_000));
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let api: Api;
  let f: WebFixture;
  const web = () => hostClient(server.url, tenant.slug);

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_LOCKOUT_ATTEMPTS: '3', BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    f = { db: server.db, tenantId: tenant.id, api, web };
  });
  after(() => server.close());

  async function eventsOf(userId: string): Promise<Logged[]> {
    const rows = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).orderBy('seq').execute();
    return rows.map((r) => JSON.parse(r.event) as Logged).filter((e) => e.actor.id === userId || e.target.some((t) => t.id === userId));
  }

  async function statusOf(user: UserRef): Promise<string> {
    return (await api('GET', `/api/v1/users/${user.id}`)).body.status as string;
  }

  /** A code the server has not accepted yet: the clock moves on a step, and the code is that step's. */
  function freshCode(t: TotpUser): string {
    clock.advance(30_000);
    return totpCode(t.secret, clock.now());
  }

  /** A code that is wrong at the server's time, drift window included. */
  function wrongCode(t: TotpUser): string {
    const near = [-30_000, 0, 30_000].map((d) => totpCode(t.secret, new Date(clock.now().getTime() + d)));
    return ['000000', '111111', '222222', '333333'].find((c) => !near.includes(c)) as string;
  }

  async function finish(browser: HostClient, res: ApiResponse): Promise<{ amr: string[] }> {
    assert.equal(res.body.status, 'SUCCESS', res.text);
    assert.equal((await browser('GET', `/login/sessionCookieRedirect?token=${res.body.sessionToken}&redirectUrl=%2F`)).status, 302);
    return (await browser('GET', '/api/v1/sessions/me')).body;
  }

  async function signsInWith(user: UserRef, password: string): Promise<string> {
    return (await web()('POST', '/api/v1/authn', { username: user.login, password })).body.status as string;
  }

  /** A user with an active TOTP factor who holds an admin role. */
  async function totpAdmin(): Promise<TotpUser> {
    const t = await newTotpUser(f);
    await grant(f, t.user.id, 'READ_ONLY_ADMIN');
    return t;
  }

  /** A self-service recovery started in `browser` and answered with a TOTP code. */
  async function recoverWithTotp(browser: HostClient, t: TotpUser, passCode: string): Promise<ApiResponse> {
    const start = await browser('POST', '/api/v1/authn/recovery/password', { username: t.user.login, factorType: TOTP });
    return browser('POST', `/api/v1/authn/recovery/factors/${TOTP}/verify`, { stateToken: start.body.stateToken, passCode });
  }

  /** Makes a set of recovery codes for the user signed in in `browser`. */
  async function makeCodes(browser: HostClient): Promise<{ id: string; codes: string[] }> {
    const res = await browser('POST', '/api/v1/users/me/factors', { factorType: 'recovery_code', provider: 'BULWARK' }, pageHeaders(browser, 'POST'));
    assert.equal(res.status, 200, res.text);
    return { id: res.body.id as string, codes: res.body._embedded.activation.recoveryCodes as string[] };
  }

  it("answers an admin's reset with Okta's recovery link, which sets a new password once and signs the user in", async () => {
    const user = await newUser(f, 'ACTIVE');
    const reset = await api('POST', `/api/v1/users/${user.id}/lifecycle/reset_password?sendEmail=false`);
    assert.equal(reset.status, 200, reset.text);
    const url = new URL(reset.body.resetPasswordUrl);
    assert.equal(url.origin, `http://${tenant.slug}.localhost:${new URL(server.url).port}`);
    const token = url.pathname.replace('/signin/reset-password/', '');
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const stored = await server.db.selectFrom('recovery_tokens').select('token_hash').where('tenant_id', '=', tenant.id).where('user_id', '=', user.id).execute();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]?.token_hash, token, 'only a hash is stored');
    assert.equal(await statusOf(user), 'RECOVERY');

    const browser = web();
    const opened = await browser('POST', '/api/v1/authn/recovery/token', { recoveryToken: token, relayState: '/after' });
    assert.equal(opened.status, 200, opened.text);
    assert.equal(opened.body.status, 'RECOVERY');
    assert.equal(opened.body.recoveryType, 'PASSWORD');
    assert.equal(opened.body.relayState, '/after');
    assert.equal(opened.body._embedded.user.id, user.id);
    assert.equal(opened.body._links.next.name, 'resetPassword');
    assert.equal(opened.body._links.next.href, `http://${browser.host}/api/v1/authn/credentials/reset_password`);
    assertOktaError(await web()('POST', '/api/v1/authn/recovery/token', { recoveryToken: token }), 401, 'E0000011');
    const state = await browser('POST', '/api/v1/authn', { stateToken: opened.body.stateToken });
    assert.equal(state.body.status, 'RECOVERY', state.text);

    const done = await browser('POST', '/api/v1/authn/credentials/reset_password', { stateToken: opened.body.stateToken, newPassword: NEW_PASSWORD });
    assert.deepEqual((await finish(browser, done)).amr, ['pwd']);
    assertOktaError(await browser('POST', '/api/v1/authn/credentials/reset_password', { stateToken: opened.body.stateToken, newPassword: `${NEW_PASSWORD}x` }), 401, 'E0000011');
    assert.equal(await statusOf(user), 'ACTIVE');
    assert.equal(await signsInWith(user, NEW_PASSWORD), 'SUCCESS');
    assert.equal(await signsInWith(user, PASSWORD), undefined, 'the old password is gone');

    const types = (await eventsOf(user.id)).map((e) => [e.eventType, e.actor.id === user.id ? 'user' : 'admin']);
    for (const t of [['user.account.reset_password', 'admin'], ['bulwark.user.recovery_token.use', 'user'], ['user.account.update_password', 'user']]) {
      assert.ok(types.some(([type, actor]) => type === t[0] && actor === t[1]), `${t[0]} by the ${t[1]}`);
    }
    assert.equal(types.filter(([type, actor]) => type === 'user.account.reset_password' && actor === 'user').length, 0, 'the user did not reset it themselves');
  });

  it('makes the link by default too (Okta would mail it), voids earlier links, and lets one work 60 minutes', async () => {
    const user = await newUser(f, 'ACTIVE');
    const first = await recoveryTokenFor(f, user);
    const mailed = await api('POST', `/api/v1/users/${user.id}/lifecycle/reset_password`);
    assert.deepEqual([mailed.status, mailed.body], [200, {}]);
    const count = await server.db.selectFrom('recovery_tokens').select('token_hash').where('tenant_id', '=', tenant.id).where('user_id', '=', user.id).execute();
    assert.equal(count.length, 1, 'the default made a link, which replaced the first');
    const before = await tenantState(server.db, tenant.id);
    assertOktaError(await web()('POST', '/api/v1/authn/recovery/token', { recoveryToken: first }), 401, 'E0000011');
    assertOktaError(await hostClient(server.url, other.slug)('POST', '/api/v1/authn/recovery/token', { recoveryToken: first }), 401, 'E0000011');

    const late = await recoveryTokenFor(f, user);
    assertOktaError(await hostClient(server.url, other.slug)('POST', '/api/v1/authn/recovery/token', { recoveryToken: late }), 401, 'E0000011');
    clock.advance(60 * 60_000 + 1);
    const expired = await tenantState(server.db, tenant.id);
    assertOktaError(await web()('POST', '/api/v1/authn/recovery/token', { recoveryToken: late }), 401, 'E0000011');
    assert.deepEqual(await tenantState(server.db, tenant.id), expired, 'a refused link writes nothing');
    assert.notDeepEqual(before, expired);

    const fresh = await recoveryTokenFor(f, user);
    clock.advance(59 * 60_000);
    const opened = await web()('POST', '/api/v1/authn/recovery/token', { recoveryToken: fresh });
    assert.equal(opened.body.status, 'RECOVERY', opened.text);
    clock.advance(5 * 60_000 + 1);
    assertOktaError(await web()('POST', '/api/v1/authn/credentials/reset_password', { stateToken: opened.body.stateToken, newPassword: NEW_PASSWORD }), 401, 'E0000011');
    assertOktaError(await web()('POST', '/api/v1/authn', { stateToken: opened.body.stateToken }), 401, 'E0000011');
  });

  it('asks a user with factors for one after the new password set through a link, as any sign-in would', async () => {
    const t = await newTotpUser(f);
    const browser = web();
    const opened = await browser('POST', '/api/v1/authn/recovery/token', { recoveryToken: await recoveryTokenFor(f, t.user) });
    assert.equal(opened.body.status, 'RECOVERY', opened.text);
    const reset = await browser('POST', '/api/v1/authn/credentials/reset_password', { stateToken: opened.body.stateToken, newPassword: NEW_PASSWORD });
    assert.equal(reset.body.status, 'MFA_REQUIRED', reset.text);
    const done = await browser('POST', `/api/v1/authn/factors/${t.factorId}/verify`, { stateToken: reset.body.stateToken, passCode: freshCode(t) });
    assert.deepEqual((await finish(browser, done)).amr, ['pwd', 'otp']);
  });

  it("does not let a link alone recover an administrator: one of their factors must answer too", async () => {
    const t = await totpAdmin();
    const browser = web();
    const opened = await browser('POST', '/api/v1/authn/recovery/token', { recoveryToken: await recoveryTokenFor(f, t.user) });
    assert.equal(opened.body.status, 'RECOVERY_CHALLENGE', opened.text);
    assert.equal(opened.body._embedded.user.id, t.user.id);
    assert.deepEqual(opened.body._embedded.factors.map((x: { id: string; factorType: string }) => [x.id, x.factorType]), [[t.factorId, TOTP]]);
    assert.equal(opened.body._embedded.factors[0]._links.verify.href, `http://${browser.host}/api/v1/authn/recovery/factors/${TOTP}/verify`);
    const stateToken = opened.body.stateToken as string;
    assertOktaError(await browser('POST', '/api/v1/authn/credentials/reset_password', { stateToken, newPassword: NEW_PASSWORD }), 403, 'E0000079');
    assert.equal((await browser('POST', '/api/v1/authn', { stateToken })).body.status, 'RECOVERY_CHALLENGE');

    // The user is known here: a wrong answer counts, but leaves the recovery standing, as at sign-in.
    assertOktaError(await browser('POST', `/api/v1/authn/recovery/factors/${TOTP}/verify`, { stateToken, passCode: wrongCode(t) }), 403, 'E0000068');
    const verified = await browser('POST', `/api/v1/authn/recovery/factors/${TOTP}/verify`, { stateToken, passCode: freshCode(t) });
    assert.equal(verified.body.status, 'RECOVERY', verified.text);
    const done = await browser('POST', '/api/v1/authn/credentials/reset_password', { stateToken, newPassword: NEW_PASSWORD });
    assert.deepEqual((await finish(browser, done)).amr, ['otp', 'pwd']);
    assert.ok((await eventsOf(t.user.id)).some((e) => e.eventType === 'user.authentication.auth_via_mfa' && e.outcome.result === 'SUCCESS' && e.debugContext.debugData['recoveryType'] === 'PASSWORD'));
  });

  it('refuses to recover an administrator without a factor by link, changing nothing but the log', async () => {
    const admin = await newUser(f, 'ACTIVE');
    await grant(f, admin.id, 'HELP_DESK_ADMIN');
    const token = await recoveryTokenFor(f, admin);
    const before = await tenantState(server.db, tenant.id);
    const refused = await web()('POST', '/api/v1/authn/recovery/token', { recoveryToken: token });
    assertOktaError(refused, 403, 'E0000006');
    assert.match(refused.body.errorCauses[0].errorSummary, /enrollment link/);
    const after = await tenantState(server.db, tenant.id);
    assert.deepEqual({ ...after, log_events: [], log_chain_heads: [] }, { ...before, log_events: [], log_chain_heads: [] }, 'nothing but the log changed');
    assert.equal((after['log_events']?.length ?? 0) - (before['log_events']?.length ?? 0), 1);
    const logged = (await eventsOf(admin.id)).at(-1);
    assert.equal(logged?.eventType, 'bulwark.user.recovery_token.use');
    assert.equal(logged?.outcome.result, 'DENY');
    assert.equal(await statusOf(admin), 'RECOVERY');
  });

  it('recovers a password by itself with a TOTP code, ending every session of the user', async () => {
    const session = await newSession(f);
    const t = await newTotpUser(f, session.user);
    const browser = web();
    const start = await browser('POST', '/api/v1/authn/recovery/password', { username: t.user.login, factorType: TOTP, relayState: '/back' });
    assert.equal(start.status, 200, start.text);
    assert.equal(start.body.status, 'RECOVERY_CHALLENGE');
    assert.equal(start.body.recoveryType, 'PASSWORD');
    assert.equal(start.body.factorType, TOTP);
    assert.equal(start.body.relayState, '/back');
    assert.deepEqual(start.body._embedded, {}, 'no user, no factors');
    assert.equal(start.body._links.next.href, `http://${browser.host}/api/v1/authn/recovery/factors/${TOTP}/verify`);
    assertOktaError(await browser('POST', '/api/v1/authn/recovery/factors/webauthn/verify', { stateToken: start.body.stateToken }), 403, 'E0000079');

    const verified = await browser('POST', `/api/v1/authn/recovery/factors/${TOTP}/verify`, { stateToken: start.body.stateToken, passCode: freshCode(t) });
    assert.equal(verified.body.status, 'RECOVERY', verified.text);
    assert.equal(verified.body._embedded.user.id, t.user.id);
    assert.equal((await session.web('GET', '/api/v1/sessions/me')).status, 200, 'sessions live until the password changes');
    const done = await browser('POST', '/api/v1/authn/credentials/reset_password', { stateToken: start.body.stateToken, newPassword: NEW_PASSWORD });
    assert.deepEqual((await finish(browser, done)).amr, ['otp', 'pwd']);
    assertOktaError(await session.web('GET', '/api/v1/sessions/me'), 404, 'E0000007');
    assertOktaError(await t.web('GET', '/api/v1/sessions/me'), 404, 'E0000007');
    assert.equal(await signsInWith(t.user, NEW_PASSWORD), 'MFA_REQUIRED');

    const events = await eventsOf(t.user.id);
    const reset = events.find((e) => e.eventType === 'user.account.reset_password');
    assert.equal(reset?.actor.id, t.user.id, 'the user reset it themselves');
    const order = events.map((e) => e.eventType).filter((e) => ['user.authentication.auth_via_mfa', 'user.account.reset_password', 'user.account.update_password', 'user.session.clear'].includes(e));
    assert.deepEqual(order.slice(-4), ['user.authentication.auth_via_mfa', 'user.account.reset_password', 'user.account.update_password', 'user.session.clear']);
  });

  it("recovers with a passkey, which must be the user's own", async () => {
    const device = new SoftAuthenticator();
    const user = await newPasskeyUser(f, device);
    const stranger = new SoftAuthenticator();
    await newPasskeyUser(f, stranger);
    const origin = (b: HostClient) => `http://${b.host}`;

    const browser = web();
    const start = await browser('POST', '/api/v1/authn/recovery/password', { username: user.login, factorType: 'webauthn' });
    assertOktaError(await browser('POST', '/api/v1/authn/recovery/factors/webauthn/verify', { stateToken: start.body.stateToken, passCode: '123456' }), 400, 'E0000001');
    const challenge = await browser('POST', '/api/v1/authn/recovery/factors/webauthn/verify', { stateToken: start.body.stateToken });
    assert.equal(challenge.body.status, 'RECOVERY_CHALLENGE', challenge.text);
    assert.deepEqual(challenge.body._embedded.challenge.allowCredentials, [], 'the challenge does not say which passkeys the user has');
    assert.equal(challenge.body._embedded.user, undefined);
    const again = await browser('POST', '/api/v1/authn', { stateToken: start.body.stateToken });
    assert.equal(again.body._embedded.challenge.challenge, challenge.body._embedded.challenge.challenge, 'the state shows the same challenge');
    const verified = await browser('POST', '/api/v1/authn/recovery/factors/webauthn/verify', { stateToken: start.body.stateToken, credential: device.get(challenge.body._embedded.challenge, origin(browser)) });
    assert.equal(verified.body.status, 'RECOVERY', verified.text);
    const done = await browser('POST', '/api/v1/authn/credentials/reset_password', { stateToken: start.body.stateToken, newPassword: NEW_PASSWORD });
    assert.deepEqual((await finish(browser, done)).amr, ['hwk', 'mfa', 'pwd']);

    const foreign = web();
    const next = await foreign('POST', '/api/v1/authn/recovery/password', { username: user.login, factorType: 'webauthn' });
    const options = (await foreign('POST', '/api/v1/authn/recovery/factors/webauthn/verify', { stateToken: next.body.stateToken })).body._embedded.challenge;
    assertOktaError(await foreign('POST', '/api/v1/authn/recovery/factors/webauthn/verify', { stateToken: next.body.stateToken, credential: stranger.get(options, origin(foreign)) }), 403, 'E0000068');
    assertOktaError(await foreign('POST', '/api/v1/authn', { stateToken: next.body.stateToken }), 401, 'E0000011');
  });

  it("asks an administrator's passkey after their link, naming it, and takes one answer per challenge", async () => {
    const device = new SoftAuthenticator();
    const admin = await newPasskeyUser(f, device);
    await grant(f, admin.id, 'ORG_ADMIN');
    const browser = web();
    const opened = await browser('POST', '/api/v1/authn/recovery/token', { recoveryToken: await recoveryTokenFor(f, admin) });
    assert.equal(opened.body.status, 'RECOVERY_CHALLENGE', opened.text);
    assert.deepEqual(opened.body._embedded.factors.map((x: { factorType: string }) => x.factorType), ['webauthn']);
    const stateToken = opened.body.stateToken as string;
    const challenge = (await browser('POST', '/api/v1/authn/recovery/factors/webauthn/verify', { stateToken })).body._embedded.challenge;
    assert.equal(challenge.allowCredentials.length, 1, "the user is known: their passkey is named");
    const origin = `http://${browser.host}`;
    assertOktaError(await browser('POST', '/api/v1/authn/recovery/factors/webauthn/verify', { stateToken, credential: device.get(challenge, origin, { origin: 'https://evil.example.com' }) }), 403, 'E0000068');
    assertOktaError(await browser('POST', '/api/v1/authn/recovery/factors/webauthn/verify', { stateToken, credential: device.get(challenge, origin) }), 403, 'E0000079');
    const next = (await browser('POST', '/api/v1/authn/recovery/factors/webauthn/verify', { stateToken })).body._embedded.challenge;
    const verified = await browser('POST', '/api/v1/authn/recovery/factors/webauthn/verify', { stateToken, credential: device.get(next, origin) });
    assert.equal(verified.body.status, 'RECOVERY', verified.text);
  });

  it('gives out ten recovery codes once, keeps only their hashes, and takes each code once', async () => {
    const { user, web: browser } = await newKnownSession(f);
    const made = await makeCodes(browser);
    assert.equal(made.codes.length, 10);
    for (const c of made.codes) assert.match(c, /^[0-9a-z]{5}-[0-9a-z]{5}-[0-9a-z]{5}$/);
    const stored = await server.db.selectFrom('recovery_codes').select('code_hash').where('tenant_id', '=', tenant.id).where('factor_id', '=', made.id).execute();
    assert.equal(stored.length, 10);
    const dump = JSON.stringify(await tenantState(server.db, tenant.id)).toLowerCase();
    for (const c of made.codes) assert.equal(dump.includes(c.replace(/-/g, '')) || dump.includes(c), false, 'no code is stored');
    const listed = await browser('GET', '/api/v1/users/me/factors');
    const factor = listed.body.find((x: { id: string }) => x.id === made.id);
    assert.deepEqual([factor.factorType, factor.provider, factor.status, factor.profile], ['recovery_code', 'BULWARK', 'ACTIVE', { remaining: 10 }]);
    assert.equal(listed.text.includes(made.codes[0] as string), false, 'the codes are not shown again');
    assertOktaError(await browser('POST', `/api/v1/users/me/factors/${made.id}/lifecycle/activate`, { passCode: made.codes[0] }, pageHeaders(browser, 'POST')), 400, 'E0000001');

    const recovery = web();
    const start = await recovery('POST', '/api/v1/authn/recovery/password', { username: user.login });
    assert.equal(start.body._links.next.templated, true);
    const code = (made.codes[0] as string).toUpperCase().replace(/-/g, ' ');
    const verified = await recovery('POST', '/api/v1/authn/recovery/factors/recovery_code/verify', { stateToken: start.body.stateToken, passCode: code });
    assert.equal(verified.body.status, 'RECOVERY', verified.text);
    const done = await recovery('POST', '/api/v1/authn/credentials/reset_password', { stateToken: start.body.stateToken, newPassword: NEW_PASSWORD });
    assert.deepEqual((await finish(recovery, done)).amr, ['otp', 'pwd']);
    assert.deepEqual((await api('GET', `/api/v1/users/${user.id}/factors/${made.id}`)).body.profile, { remaining: 9 });

    const reuse = web();
    const second = await reuse('POST', '/api/v1/authn/recovery/password', { username: user.login, factorType: 'recovery_code' });
    assertOktaError(await reuse('POST', '/api/v1/authn/recovery/factors/recovery_code/verify', { stateToken: second.body.stateToken, passCode: made.codes[0] }), 403, 'E0000068');
  });

  it('takes a recovery code as the second factor at sign-in, and replaces or removes the set through the factors API', async () => {
    const { user, web: browser } = await newKnownSession(f);
    const first = await makeCodes(browser);
    const signIn = web();
    const authn = await signIn('POST', '/api/v1/authn', { username: user.login, password: PASSWORD });
    assert.equal(authn.body.status, 'MFA_REQUIRED', authn.text);
    assert.deepEqual(authn.body._embedded.factors.map((x: { factorType: string }) => x.factorType), ['recovery_code']);
    const done = await signIn('POST', `/api/v1/authn/factors/${first.id}/verify`, { stateToken: authn.body.stateToken, passCode: first.codes[3] });
    assert.deepEqual((await finish(signIn, done)).amr, ['pwd', 'otp']);

    const replaced = await makeCodes(signIn);
    assert.notEqual(replaced.id, first.id);
    const factors = (await browser('GET', '/api/v1/users/me/factors')).body as { id: string }[];
    assert.deepEqual(factors.map((x) => x.id), [replaced.id], 'one set at a time');
    const again = await web()('POST', '/api/v1/authn', { username: user.login, password: PASSWORD });
    assertOktaError(await web()('POST', `/api/v1/authn/factors/${replaced.id}/verify`, { stateToken: again.body.stateToken, passCode: first.codes[4] }), 403, 'E0000068');

    assert.equal((await signIn('DELETE', `/api/v1/users/me/factors/${replaced.id}`, undefined, pageHeaders(signIn, 'DELETE'))).status, 204);
    assert.equal((await server.db.selectFrom('recovery_codes').select('code_hash').where('tenant_id', '=', tenant.id).where('factor_id', '=', replaced.id).execute()).length, 0);
    assert.equal(await signsInWith(user, PASSWORD), 'SUCCESS');
    const lifecycle = (await eventsOf(user.id)).filter((e) => e.eventType.startsWith('user.mfa.factor.')).map((e) => [e.eventType, e.target[1]?.id]);
    assert.deepEqual(lifecycle, [
      ['user.mfa.factor.activate', first.id], ['user.mfa.factor.deactivate', first.id], ['user.mfa.factor.activate', replaced.id], ['user.mfa.factor.deactivate', replaced.id],
    ]);
  });

  it('lets no admin make recovery codes for a user, nor a session from a new network', async () => {
    const user = await newUser(f, 'ACTIVE');
    const before = await logCount(server.db, tenant.id);
    assertOktaError(await api('POST', `/api/v1/users/${user.id}/factors`, { factorType: 'recovery_code', provider: 'BULWARK' }), 403, 'E0000006');
    assert.equal(await logCount(server.db, tenant.id), before);
    const first = await newSession(f, user);
    assertOktaError(await first.web('POST', '/api/v1/users/me/factors', { factorType: 'recovery_code', provider: 'BULWARK' }, pageHeaders(first.web, 'POST')), 403, 'E0000006');
    assert.deepEqual((await api('GET', `/api/v1/users/${user.id}/factors`)).body, []);
  });

  it('answers a self-service recovery alike for a real user, an unknown name, a user without factors and a locked or suspended one', async () => {
    const t = await newTotpUser(f);
    const plain = await newUser(f, 'ACTIVE');
    const locked = await newUser(f, 'LOCKED_OUT');
    const suspended = await newUser(f, 'SUSPENDED');
    const names = [t.user.login, 'nobody-at-all@fixture.example.com', plain.login, locked.login, suspended.login];
    const strip = (res: ApiResponse) => JSON.stringify({ ...res.body, stateToken: typeof res.body.stateToken, expiresAt: typeof res.body.expiresAt, errorId: undefined });
    for (const factorType of [undefined, TOTP]) {
      const starts = [];
      for (const username of names) starts.push(await web()('POST', '/api/v1/authn/recovery/password', { username, ...(factorType ? { factorType } : {}) }));
      assert.deepEqual(new Set(starts.map((s) => `${s.status} ${strip(s)}`)).size, 1, starts.map((s) => s.text).join('\n'));
      const states = await Promise.all(starts.map((s) => web()('POST', '/api/v1/authn', { stateToken: s.body.stateToken })));
      assert.equal(new Set(states.map((s) => `${s.status} ${strip(s)}`)).size, 1);
      const answers = [];
      for (const s of starts) answers.push(await web()('POST', `/api/v1/authn/recovery/factors/${TOTP}/verify`, { stateToken: s.body.stateToken, passCode: wrongCode(t) }));
      assert.equal(new Set(answers.map((a) => `${a.status} ${strip(a)}`)).size, 1, answers.map((a) => a.text).join('\n'));
      assertOktaError(answers[0] as ApiResponse, 403, 'E0000068');
      const after = await Promise.all(starts.map((s) => web()('POST', '/api/v1/authn', { stateToken: s.body.stateToken })));
      assert.equal(new Set(after.map((a) => `${a.status} ${strip(a)}`)).size, 1);
      assertOktaError(after[0] as ApiResponse, 401, 'E0000011');
    }
    const denied = (await eventsOf(t.user.id)).filter((e) => e.eventType === 'user.authentication.auth_via_mfa' && e.outcome.result === 'FAILURE');
    assert.equal(denied.length, 2, 'the real user\'s wrong answers are logged against them');
  });

  it('counts wrong answers towards lockout, lets the owner of a locked account recover it, and stops at twice the limit', async () => {
    const t = await newTotpUser(f);
    for (let i = 0; i < 3; i++) assertOktaError(await recoverWithTotp(web(), t, wrongCode(t)), 403, 'E0000068');
    assert.equal(await statusOf(t.user), 'LOCKED_OUT');
    assert.ok((await eventsOf(t.user.id)).some((e) => e.eventType === 'user.account.lock'));
    const browser = web();
    const verified = await recoverWithTotp(browser, t, freshCode(t));
    assert.equal(verified.body.status, 'RECOVERY', verified.text);
    const done = await browser('POST', '/api/v1/authn/credentials/reset_password', { stateToken: verified.body.stateToken, newPassword: NEW_PASSWORD });
    assert.equal(done.body.status, 'SUCCESS', done.text);
    assert.equal(await statusOf(t.user), 'ACTIVE');
    assert.ok((await eventsOf(t.user.id)).some((e) => e.eventType === 'user.account.unlock'));

    const spent = await newTotpUser(f);
    for (let i = 0; i < 6; i++) assertOktaError(await recoverWithTotp(web(), spent, wrongCode(spent)), 403, 'E0000068');
    assertOktaError(await recoverWithTotp(web(), spent, freshCode(spent)), 403, 'E0000068');
    assert.equal(await statusOf(spent.user), 'LOCKED_OUT');
  });

  it("holds the new password to the tenant's policy, changing nothing when it is refused", async () => {
    const user = await newUser(f, 'ACTIVE');
    const browser = web();
    const opened = await browser('POST', '/api/v1/authn/recovery/token', { recoveryToken: await recoveryTokenFor(f, user) });
    const stateToken = opened.body.stateToken as string;
    for (const weak of ['Sh0rt', 'alllowercase1', 'Password1', PASSWORD, `${user.login}A1`]) {
      const before = await tenantState(server.db, tenant.id);
      assertOktaError(await browser('POST', '/api/v1/authn/credentials/reset_password', { stateToken, newPassword: weak }), 403, 'E0000080');
      assert.deepEqual(await tenantState(server.db, tenant.id), before, weak);
    }
    assert.equal((await browser('POST', '/api/v1/authn/credentials/reset_password', { stateToken, newPassword: NEW_PASSWORD })).body.status, 'SUCCESS');
  });

  it('writes only well-formed System Log events', async () => {
    const rows = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).execute();
    const problems = rows.map((r) => JSON.parse(r.event)).flatMap((e) => [...validateBulwarkLogEvent(e), ...validateOktaLogEvent(e)].map((p) => `${e.eventType}: ${p}`));
    assert.deepEqual(problems, []);
  });
});
