/**
 * The OKTA_SIGN_ON policy end to end, over real HTTP on a tenant's own host: what the two built-in rules
 * decide for each app, factor set and sign-in method (the decision table below is the documentation), custom
 * rules for groups, users and apps (enrollment during sign-in, DENY, priorities), the session lifetimes a
 * rule grants, and the Policy API's rules endpoints: their events, their refusals (which write nothing) and
 * who may call them. Network zones have their own file, network-zones.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, tokenWithRole, type Api, type ApiResponse, type TestServer, type TestTenant } from './helpers.ts';
import {
  addMember, grant, newGroup, newPasskeyUser, newTotpUser, newUser, newZone, nextCode, pageHeaders, PASSWORD, passwordPolicyUpdate, ruleBodyFor, signOnPolicyIdOf, totpCode, unique,
  type Fixture, type TotpUser, type UserRef,
} from './support/fixtures.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { SoftAuthenticator } from './support/soft-authenticator.ts';
import { tenantState } from './support/tenant-state.ts';

const TOTP = 'token:software:totp';
const WEBAUTHN = 'webauthn';
/** The installation's default session lifetimes, which the built-in default rule starts with. */
const IDLE_MINUTES = 90;
const MAX_HOURS = 10;

type App = 'admin_console' | 'dashboard' | 'help_center';
type FactorSet = 'none' | 'totp' | 'passkey' | 'totp+passkey';
type Logged = {
  eventType: string;
  outcome: { result: string; reason: string | null };
  actor: { id: string; type: string };
  target: { id: string; type: string; displayName: string; alternateId: string; detailEntry: Record<string, unknown> | null; changeDetails?: { from: Record<string, any>; to: Record<string, any> } }[];
  debugContext: { debugData: Record<string, unknown> };
};

/**
 * What the built-in rules decide. `first` is the answer to the password or passkey; `then` is the factor a
 * MFA_REQUIRED sign-in is finished with; `amr` is what the resulting session records. The admin console's
 * rule wants a passkey at every sign-in (a TOTP code never does), so without one the answer is a refusal,
 * never an enrollment; the default rule wants nothing but the password, yet a factor the user has is always
 * asked for after a password.
 */
const DECISIONS: { app: App; factors: FactorSet; via: 'password' | 'passkey'; first: 'SUCCESS' | 'DENIED' | `MFA_REQUIRED ${string}`; then?: 'totp' | 'passkey'; amr?: string[] }[] = [
  { app: 'admin_console', factors: 'none', via: 'password', first: 'DENIED' },
  { app: 'admin_console', factors: 'totp', via: 'password', first: 'DENIED' },
  { app: 'admin_console', factors: 'passkey', via: 'password', first: 'MFA_REQUIRED webauthn', then: 'passkey', amr: ['pwd', 'hwk', 'mfa'] },
  { app: 'admin_console', factors: 'totp+passkey', via: 'password', first: 'MFA_REQUIRED webauthn', then: 'passkey', amr: ['pwd', 'hwk', 'mfa'] },
  { app: 'admin_console', factors: 'passkey', via: 'passkey', first: 'SUCCESS', amr: ['hwk', 'mfa'] },
  { app: 'admin_console', factors: 'totp+passkey', via: 'passkey', first: 'SUCCESS', amr: ['hwk', 'mfa'] },

  { app: 'dashboard', factors: 'none', via: 'password', first: 'SUCCESS', amr: ['pwd'] },
  { app: 'dashboard', factors: 'totp', via: 'password', first: `MFA_REQUIRED ${TOTP}`, then: 'totp', amr: ['pwd', 'otp'] },
  { app: 'dashboard', factors: 'passkey', via: 'password', first: 'MFA_REQUIRED webauthn', then: 'passkey', amr: ['pwd', 'hwk', 'mfa'] },
  { app: 'dashboard', factors: 'totp+passkey', via: 'password', first: `MFA_REQUIRED ${TOTP} webauthn`, then: 'totp', amr: ['pwd', 'otp'] },
  { app: 'dashboard', factors: 'passkey', via: 'passkey', first: 'SUCCESS', amr: ['hwk', 'mfa'] },
  { app: 'dashboard', factors: 'totp+passkey', via: 'passkey', first: 'SUCCESS', amr: ['hwk', 'mfa'] },

  { app: 'help_center', factors: 'none', via: 'password', first: 'SUCCESS', amr: ['pwd'] },
  { app: 'help_center', factors: 'totp', via: 'password', first: `MFA_REQUIRED ${TOTP}`, then: 'totp', amr: ['pwd', 'otp'] },
  { app: 'help_center', factors: 'passkey', via: 'password', first: 'MFA_REQUIRED webauthn', then: 'passkey', amr: ['pwd', 'hwk', 'mfa'] },
  { app: 'help_center', factors: 'totp+passkey', via: 'password', first: `MFA_REQUIRED ${TOTP} webauthn`, then: 'passkey', amr: ['pwd', 'hwk', 'mfa'] },
  { app: 'help_center', factors: 'passkey', via: 'passkey', first: 'SUCCESS', amr: ['hwk', 'mfa'] },
  { app: 'help_center', factors: 'totp+passkey', via: 'passkey', first: 'SUCCESS', amr: ['hwk', 'mfa'] },
];

/** The idle minutes of the session each app's built-in rule grants: 15 for the admin console, the installation's default elsewhere. */
const IDLE_OF: Record<App, number> = { admin_console: 15, dashboard: IDLE_MINUTES, help_center: IDLE_MINUTES };

describe('sign-on policies', () => {
  const clock = manualClock(new Date());
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      clock,
      config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000', BULWARK_SESSION_IDLE_MINUTES: String(IDLE_MINUTES), BULWARK_SESSION_MAX_HOURS: String(MAX_HOURS) },
    });
  });
  after(() => server.close());

  type Ctx = { tenant: TestTenant; api: Api; f: Fixture; policyId: string; web(): HostClient };

  async function newTenant(): Promise<Ctx> {
    const tenant = await createTestTenant(server.db);
    const api = apiClient(server.url, tenant.token);
    const f = { db: server.db, tenantId: tenant.id, api };
    return { tenant, api, f, policyId: await signOnPolicyIdOf(f), web: () => hostClient(server.url, tenant.slug) };
  }

  const origin = (b: HostClient) => `http://${b.host}`;

  function passwordSignIn(b: HostClient, user: UserRef, app?: App): Promise<ApiResponse> {
    return b('POST', '/api/v1/authn', { username: user.login, password: PASSWORD, ...(app ? { audience: app } : {}) });
  }

  async function passkeySignIn(b: HostClient, authenticator: SoftAuthenticator, app: App): Promise<ApiResponse> {
    const start = await b('POST', '/api/v1/authn/passkey', { audience: app });
    assert.equal(start.body.status, 'MFA_CHALLENGE', start.text);
    const credential = authenticator.get(start.body._embedded.challenge, origin(b));
    return b('POST', '/api/v1/authn/passkey/verify', { stateToken: start.body.stateToken, credential });
  }

  function offered(tx: ApiResponse): string[] {
    return (tx.body._embedded.factors as { factorType: string }[]).map((x) => x.factorType).sort();
  }

  function factorOf(tx: ApiResponse, factorType: string): string {
    const factor = (tx.body._embedded.factors as { id: string; factorType: string }[]).find((x) => x.factorType === factorType);
    assert.ok(factor, `${factorType} is among the factors of ${tx.text}`);
    return factor.id;
  }

  /** Answers an MFA_REQUIRED sign-in with the user's passkey: the challenge for that factor, then the assertion. */
  async function answerWithPasskey(b: HostClient, tx: ApiResponse, authenticator: SoftAuthenticator): Promise<ApiResponse> {
    const factorId = factorOf(tx, WEBAUTHN);
    const challenge = await b('POST', `/api/v1/authn/factors/${factorId}/verify`, { stateToken: tx.body.stateToken });
    assert.equal(challenge.body.status, 'MFA_CHALLENGE', challenge.text);
    const credential = authenticator.get(challenge.body._embedded.challenge, origin(b));
    return b('POST', `/api/v1/authn/factors/${factorId}/verify`, { stateToken: tx.body.stateToken, credential });
  }

  /** The cookie session a sessionToken becomes, as /api/v1/sessions/me shows it. */
  async function sessionOf(b: HostClient, sessionToken: string): Promise<Record<string, any>> {
    const redirect = await b('GET', `/login/sessionCookieRedirect?token=${sessionToken}&redirectUrl=%2F`);
    assert.equal(redirect.status, 302, redirect.text);
    const me = await b('GET', '/api/v1/sessions/me');
    assert.equal(me.status, 200, me.text);
    return me.body as Record<string, any>;
  }

  const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;

  async function lastSeq(tenantId: string): Promise<number> {
    const row = await server.db.selectFrom('log_chain_heads').select('seq').where('tenant_id', '=', tenantId).executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async function eventsAfter(tenantId: string, seq: number, type?: string): Promise<Logged[]> {
    let q = server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenantId).where('seq', '>', String(seq));
    if (type) q = q.where('event_type', '=', type);
    return (await q.orderBy('seq').execute()).map((r) => JSON.parse(r.event) as Logged);
  }

  /** Adds a passkey on `authenticator` from a browser signed in as its user (a known session: see newKnownSession). */
  async function addPasskey(b: HostClient, authenticator: SoftAuthenticator): Promise<void> {
    const enrolled = await b('POST', '/api/v1/users/me/factors', { factorType: WEBAUTHN, provider: 'FIDO' }, pageHeaders(b, 'POST'));
    assert.equal(enrolled.status, 200, enrolled.text);
    const credential = authenticator.create(enrolled.body._embedded.activation, origin(b));
    const activated = await b('POST', `/api/v1/users/me/factors/${enrolled.body.id}/lifecycle/activate`, { credential }, pageHeaders(b, 'POST'));
    assert.equal(activated.body.status, 'ACTIVE', activated.text);
  }

  describe('the built-in rules', () => {
    let t: Ctx;
    before(async () => { t = await newTenant(); });

    async function userWith(factors: FactorSet): Promise<{ user: UserRef; totp?: TotpUser; authenticator?: SoftAuthenticator }> {
      if (factors === 'none') return { user: await newUser(t.f, 'ACTIVE') };
      if (factors === 'passkey') {
        const authenticator = new SoftAuthenticator();
        return { user: await newPasskeyUser(t.f, authenticator), authenticator };
      }
      const totp = await newTotpUser(t.f);
      if (factors === 'totp') return { user: totp.user, totp };
      const authenticator = new SoftAuthenticator();
      await addPasskey(totp.web, authenticator);
      return { user: totp.user, totp, authenticator };
    }

    it('lists one sign-on policy with the admin console rule first and the default rule last', async () => {
      const policies = await t.api('GET', '/api/v1/policies?type=OKTA_SIGN_ON');
      assert.equal(policies.status, 200, policies.text);
      assert.equal(policies.body.length, 1);
      assert.equal(policies.body[0].type, 'OKTA_SIGN_ON');
      assert.match(policies.body[0].id, /^00p[0-9A-Za-z]{17}$/);
      assert.notEqual(policies.body[0].id, (await t.api('GET', '/api/v1/policies?type=PASSWORD')).body[0].id);

      const rules = await t.api('GET', `/api/v1/policies/${t.policyId}/rules`);
      assert.equal(rules.status, 200, rules.text);
      const any = { include: [], exclude: [] };
      const session = (idle: number, max: number) => ({ usePersistentCookie: false, maxSessionIdleMinutes: idle, maxSessionLifetimeMinutes: max });
      assert.deepEqual(rules.body.map((r: Record<string, unknown>) => ({ name: r['name'], priority: r['priority'], status: r['status'], system: r['system'], type: r['type'], conditions: r['conditions'], actions: r['actions'] })), [
        {
          name: 'Admin Console: passkey at every sign-in', priority: 1, status: 'ACTIVE', system: true, type: 'SIGN_ON',
          conditions: { people: { groups: any, users: any }, network: { connection: 'ANYWHERE', ...any }, app: { include: ['admin_console'], exclude: [] }, authContext: { authType: 'ANY' } },
          actions: { signon: { access: 'ALLOW', requireFactor: true, phishingResistant: 'REQUIRED', factorPromptMode: 'ALWAYS', factorLifetime: 15, rememberDeviceByDefault: false, session: session(15, 720), primaryFactor: 'PASSWORD_IDP_ANY_FACTOR' } },
        },
        {
          name: 'Default Rule', priority: 2, status: 'ACTIVE', system: true, type: 'SIGN_ON',
          conditions: { people: { groups: any, users: any }, network: { connection: 'ANYWHERE', ...any }, app: any, authContext: { authType: 'ANY' } },
          actions: {
            signon: {
              access: 'ALLOW', requireFactor: false, phishingResistant: 'OPTIONAL', factorPromptMode: 'SESSION', factorLifetime: MAX_HOURS * 60, rememberDeviceByDefault: false,
              session: session(IDLE_MINUTES, MAX_HOURS * 60), primaryFactor: 'PASSWORD_IDP_ANY_FACTOR',
            },
          },
        },
      ]);
      for (const r of rules.body) {
        assert.match(r.id, /^0pr[0-9A-Za-z]{17}$/);
        const one = await t.api('GET', `/api/v1/policies/${t.policyId}/rules/${r.id}`);
        assert.equal(one.status, 200, one.text);
        assert.deepEqual(one.body, r);
      }
    });

    for (const d of DECISIONS) {
      const expected = d.first === 'DENIED' ? '403 E0000057' : d.then ? `${d.first}, then ${d.then} → SUCCESS` : d.first;
      it(`${d.app}, factors ${d.factors}, signing in with a ${d.via}: ${expected}`, async () => {
        const { user, totp, authenticator } = await userWith(d.factors);
        const b = t.web();
        const first = d.via === 'password' ? await passwordSignIn(b, user, d.app) : await passkeySignIn(b, authenticator as SoftAuthenticator, d.app);
        if (d.first === 'DENIED') {
          assertOktaError(first, 403, 'E0000057');
          assert.match(first.body.errorCauses[0].errorSummary, /needs a passkey/);
          assert.equal(first.body.sessionToken, undefined);
          return;
        }
        assert.equal(first.status, 200, first.text);
        let done = first;
        if (d.first.startsWith('MFA_REQUIRED')) {
          assert.equal(first.body.status, 'MFA_REQUIRED', first.text);
          assert.deepEqual(offered(first), d.first.split(' ').slice(1).sort());
          done = d.then === 'totp'
            ? await b('POST', `/api/v1/authn/factors/${factorOf(first, TOTP)}/verify`, { stateToken: first.body.stateToken, passCode: nextCode(totp as TotpUser) })
            : await answerWithPasskey(b, first, authenticator as SoftAuthenticator);
        }
        assert.equal(done.body.status, 'SUCCESS', done.text);
        assert.equal(done.body._embedded.user.id, user.id);
        const session = await sessionOf(b, done.body.sessionToken);
        assert.deepEqual(session['amr'], d.amr);
        assert.equal(minutesBetween(session['createdAt'], session['expiresAt']), IDLE_OF[d.app], 'the rule\'s idle time');
        const row = await server.db.selectFrom('sessions').select(['app', 'idle_minutes', 'max_minutes']).where('tenant_id', '=', t.tenant.id).where('id', '=', session['id']).executeTakeFirstOrThrow();
        assert.deepEqual(row, { app: d.app, idle_minutes: IDLE_OF[d.app], max_minutes: d.app === 'admin_console' ? 720 : MAX_HOURS * 60 });
      });
    }

    it('does not let a TOTP code stand in for the passkey the admin console wants', async () => {
      const { user, totp, authenticator } = await userWith('totp+passkey');
      const b = t.web();
      const first = await passwordSignIn(b, user, 'admin_console');
      assert.deepEqual(offered(first), [WEBAUTHN]);
      // The TOTP factor was not offered; answering with it anyway is answering with no factor of this sign-in.
      const totpId = (await t.api('GET', `/api/v1/users/${user.id}/factors`)).body.find((x: { factorType: string }) => x.factorType === TOTP).id as string;
      const seq = await lastSeq(t.tenant.id);
      const withCode = await b('POST', `/api/v1/authn/factors/${totpId}/verify`, { stateToken: first.body.stateToken, passCode: nextCode(totp as TotpUser) });
      assertOktaError(withCode, 404, 'E0000007');
      assert.equal(await lastSeq(t.tenant.id), seq, 'nothing was logged: the code was not even checked');
      const done = await answerWithPasskey(b, first, authenticator as SoftAuthenticator);
      assert.equal(done.body.status, 'SUCCESS', done.text);
    });

    it('logs each admin console decision as policy.evaluate_sign_on, with Okta\'s targets', async () => {
      const { user, authenticator } = await userWith('passkey');
      const rules = (await t.api('GET', `/api/v1/policies/${t.policyId}/rules`)).body as { id: string; name: string }[];
      const adminRule = rules.find((r) => r.name === 'Admin Console: passkey at every sign-in') as { id: string };
      const b = t.web();
      const seq = await lastSeq(t.tenant.id);
      const first = await passwordSignIn(b, user, 'admin_console');
      assert.equal((await answerWithPasskey(b, first, authenticator as SoftAuthenticator)).body.status, 'SUCCESS');
      const denied = await newUser(t.f, 'ACTIVE');
      assertOktaError(await passwordSignIn(b, denied, 'admin_console'), 403, 'E0000057');

      const evaluations = await eventsAfter(t.tenant.id, seq, 'policy.evaluate_sign_on');
      assert.deepEqual(evaluations.map((e) => [e.outcome.result, e.actor.id, e.debugContext.debugData['amr']]), [
        ['CHALLENGE', user.id, 'pwd'],
        ['ALLOW', user.id, 'pwd hwk mfa'],
        ['DENY', denied.id, 'pwd'],
      ]);
      for (const e of evaluations) {
        assert.deepEqual(e.target.map((x) => x.type), ['AppInstance', 'User', 'PolicyRule']);
        assert.deepEqual([e.target[0]?.id, e.target[0]?.displayName, e.target[0]?.alternateId], ['admin_console', 'Okta Admin Console', 'Okta Admin Console']);
        assert.equal(e.target[1]?.id, e.actor.id);
        assert.deepEqual([e.target[2]?.id, e.target[2]?.displayName], [adminRule.id, 'Admin Console: passkey at every sign-in']);
        assert.deepEqual(e.target[2]?.detailEntry, { policyType: 'OKTA_SIGN_ON', policyId: t.policyId });
        assert.equal(e.debugContext.debugData['matchedRule'], 'Admin Console: passkey at every sign-in');
        assert.equal(e.debugContext.debugData['requirement'], 'PHISHING_RESISTANT');
      }
      const dashboard = await newUser(t.f, 'ACTIVE');
      const seq2 = await lastSeq(t.tenant.id);
      await passwordSignIn(b, dashboard);
      const [allowed] = await eventsAfter(t.tenant.id, seq2, 'policy.evaluate_sign_on');
      assert.deepEqual([allowed?.outcome.result, allowed?.target[0]?.id, allowed?.target[0]?.displayName, allowed?.target[2]?.displayName], ['ALLOW', 'dashboard', 'Okta Dashboard', 'Default Rule']);
    });
  });

  describe('custom rules', () => {
    let t: Ctx;
    before(async () => { t = await newTenant(); });

    async function addRule(body: Record<string, unknown>): Promise<Record<string, any>> {
      const res = await t.api('POST', `/api/v1/policies/${t.policyId}/rules`, body);
      assert.equal(res.status, 200, res.text);
      return res.body as Record<string, any>;
    }

    /** A group with a rule of `signon` actions for it, and an ACTIVE member. */
    async function memberOfRule(signon: Record<string, unknown>, extra: Record<string, unknown> = {}) {
      const group = await newGroup(t.f);
      const rule = await addRule(ruleBodyFor(group.id, signon, extra));
      const member = await newUser(t.f, 'ACTIVE');
      await addMember(t.f, group.id, member.id);
      return { group, rule, member };
    }

    it('makes a member without factors set up TOTP during sign-in, and leaves everyone else alone', async () => {
      const { member } = await memberOfRule({ access: 'ALLOW', requireFactor: true });
      const outsider = await newUser(t.f, 'ACTIVE');
      const b = t.web();
      assert.equal((await passwordSignIn(b, outsider)).body.status, 'SUCCESS');

      const enroll = await passwordSignIn(b, member);
      assert.equal(enroll.body.status, 'MFA_ENROLL', enroll.text);
      assert.equal(enroll.body.sessionToken, undefined);
      assert.deepEqual(enroll.body._embedded.factors.map((x: Record<string, string>) => [x['factorType'], x['provider'], x['status']]).sort(), [
        [TOTP, 'GOOGLE', 'NOT_SETUP'],
        [WEBAUTHN, 'FIDO', 'NOT_SETUP'],
      ]);
      const stateToken = enroll.body.stateToken as string;
      const state = await b('POST', '/api/v1/authn', { stateToken });
      assert.equal(state.body.status, 'MFA_ENROLL', state.text);

      const started = await b('POST', '/api/v1/authn/factors', { stateToken, factorType: TOTP, provider: 'GOOGLE' });
      assert.equal(started.body.status, 'MFA_ENROLL_ACTIVATE', started.text);
      const factor = started.body._embedded.factor;
      assert.equal(factor.status, 'PENDING_ACTIVATION');
      assert.equal(factor.factorType, TOTP);
      const secret = factor._embedded.activation.sharedSecret as string;
      assert.match(secret, /^[A-Z2-7]{16,}$/);
      const activate = `/api/v1/authn/factors/${factor.id}/lifecycle/activate`;
      assert.equal(started.body._links.next.href, `${origin(b)}${activate}`);

      const wrong = totpCode(secret, new Date(clock.now().getTime() + 10 * 60_000));
      assertOktaError(await b('POST', activate, { stateToken, passCode: wrong }), 403, 'E0000068');
      const done = await b('POST', activate, { stateToken, passCode: totpCode(secret, clock.now()) });
      assert.equal(done.body.status, 'SUCCESS', done.text);
      const session = await sessionOf(b, done.body.sessionToken);
      assert.deepEqual(session['amr'], ['pwd', 'otp']);
      assert.equal(session['userId'], member.id);

      const factors = (await t.api('GET', `/api/v1/users/${member.id}/factors`)).body as { id: string; factorType: string; status: string }[];
      assert.deepEqual(factors.map((x) => [x.id, x.factorType, x.status]), [[factor.id, TOTP, 'ACTIVE']]);
      assertOktaError(await b('POST', activate, { stateToken, passCode: totpCode(secret, new Date(clock.now().getTime() + 30_000)) }), 401, 'E0000011');
      const again = await passwordSignIn(t.web(), member);
      assert.equal(again.body.status, 'MFA_REQUIRED', 'the new factor is asked for from now on');
      assert.deepEqual(offered(again), [TOTP]);
    });

    it('offers an admin TOTP only, never a passkey after a password alone', async () => {
      const { member } = await memberOfRule({ access: 'ALLOW', requireFactor: true });
      await grant(t.f, member.id, 'READ_ONLY_ADMIN');
      const b = t.web();
      const enroll = await passwordSignIn(b, member);
      assert.equal(enroll.body.status, 'MFA_ENROLL', enroll.text);
      assert.deepEqual(enroll.body._embedded.factors.map((x: Record<string, string>) => [x['factorType'], x['status']]), [[TOTP, 'NOT_SETUP']]);
      const before = await tenantState(server.db, t.tenant.id);
      const refused = await b('POST', '/api/v1/authn/factors', { stateToken: enroll.body.stateToken, factorType: WEBAUTHN, provider: 'FIDO' });
      assertOktaError(refused, 400, 'E0000001');
      assert.match(refused.body.errorCauses[0].errorSummary, /token:software:totp/);
      assert.deepEqual(await tenantState(server.db, t.tenant.id), before, 'nothing was written');
      assert.equal((await b('POST', '/api/v1/authn', { stateToken: enroll.body.stateToken })).body.status, 'MFA_ENROLL', 'the sign-in can still set up TOTP');
    });

    it('lets a member who is not an admin set up a passkey during sign-in', async () => {
      const { member } = await memberOfRule({ access: 'ALLOW', requireFactor: true });
      const b = t.web();
      const enroll = await passwordSignIn(b, member);
      const started = await b('POST', '/api/v1/authn/factors', { stateToken: enroll.body.stateToken, factorType: WEBAUTHN, provider: 'FIDO' });
      assert.equal(started.body.status, 'MFA_ENROLL_ACTIVATE', started.text);
      const options = started.body._embedded.factor._embedded.activation;
      assert.equal(options.rp.id, `${t.tenant.slug}.localhost`);
      const authenticator = new SoftAuthenticator();
      const credential = authenticator.create(options, origin(b));
      const done = await b('POST', `/api/v1/authn/factors/${started.body._embedded.factor.id}/lifecycle/activate`, { stateToken: enroll.body.stateToken, credential });
      assert.equal(done.body.status, 'SUCCESS', done.text);
      assert.deepEqual((await sessionOf(b, done.body.sessionToken))['amr'], ['pwd', 'hwk', 'mfa']);
      const passkey = await passkeySignIn(t.web(), authenticator, 'dashboard');
      assert.equal(passkey.body.status, 'SUCCESS', 'the new passkey signs the user in');
    });

    it('refuses a denied group with E0000057, logs the DENY, and lets them in again once the rule is deactivated', async () => {
      const { group, rule, member } = await memberOfRule({ access: 'DENY' });
      const authenticator = new SoftAuthenticator();
      const passkeyMember = await newPasskeyUser(t.f, authenticator);
      await addMember(t.f, group.id, passkeyMember.id);
      const outsider = await newUser(t.f, 'ACTIVE');
      const b = t.web();

      const seq = await lastSeq(t.tenant.id);
      const refused = await passwordSignIn(b, member);
      assertOktaError(refused, 403, 'E0000057');
      assert.match(refused.body.errorCauses[0].errorSummary, /denied by the organization's sign-on policy/);
      assertOktaError(await passkeySignIn(b, authenticator, 'dashboard'), 403, 'E0000057');
      assert.equal((await passwordSignIn(b, outsider)).body.status, 'SUCCESS');
      const tokens = await server.db.selectFrom('session_tokens').select('user_id').where('tenant_id', '=', t.tenant.id).where('user_id', 'in', [member.id, passkeyMember.id]).execute();
      assert.deepEqual(tokens, [], 'no sessionToken for a denied sign-in');
      const evaluations = await eventsAfter(t.tenant.id, seq, 'policy.evaluate_sign_on');
      assert.deepEqual(evaluations.map((e) => [e.outcome.result, e.actor.id, e.target[2]?.id, e.debugContext.debugData['matchedRule']]), [
        ['DENY', member.id, rule['id'], rule['name']],
        ['DENY', passkeyMember.id, rule['id'], rule['name']],
        ['ALLOW', outsider.id, (await t.api('GET', `/api/v1/policies/${t.policyId}/rules`)).body.at(-1).id, 'Default Rule'],
      ]);

      const deactivated = await t.api('POST', `/api/v1/policies/${t.policyId}/rules/${rule['id']}/lifecycle/deactivate`);
      assert.equal(deactivated.status, 204, deactivated.text);
      assert.equal((await t.api('GET', `/api/v1/policies/${t.policyId}/rules/${rule['id']}`)).body.status, 'INACTIVE');
      assert.equal((await passwordSignIn(b, member)).body.status, 'SUCCESS');
      assert.equal((await t.api('POST', `/api/v1/policies/${t.policyId}/rules/${rule['id']}/lifecycle/activate`)).status, 204);
      assertOktaError(await passwordSignIn(b, member), 403, 'E0000057');
    });

    it('applies the first matching rule by priority: one put at priority 1 wins, and moving it back lets the other decide', async () => {
      const group = await newGroup(t.f);
      const member = await newUser(t.f, 'ACTIVE');
      await addMember(t.f, group.id, member.id);
      const deny = await addRule(ruleBodyFor(group.id, { access: 'DENY' }));
      const before = (await t.api('GET', `/api/v1/policies/${t.policyId}/rules`)).body as { id: string; priority: number }[];
      assert.equal(deny['priority'], before.length - 1, 'a new rule goes just before the default rule');
      assertOktaError(await passwordSignIn(t.web(), member), 403, 'E0000057');

      // Before the admin console's rule, a rule that could apply to the admin console must ask for a passkey.
      const anyApp = await t.api('POST', `/api/v1/policies/${t.policyId}/rules`, ruleBodyFor(group.id, { access: 'ALLOW', requireFactor: true }, { priority: 1 }));
      assertOktaError(anyApp, 400, 'E0000001');
      assert.match(anyApp.body.errorCauses[0].errorSummary, /always asks for a passkey/);
      const dashboardOnly = (extra: Record<string, unknown>) => ({
        ...ruleBodyFor(group.id, { access: 'ALLOW', requireFactor: true }, extra),
        conditions: { people: { groups: { include: [group.id] } }, app: { include: ['dashboard'] } },
      });
      const enrollFirst = await addRule(dashboardOnly({ priority: 1 }));
      assert.equal(enrollFirst['priority'], 1);
      const rules = (await t.api('GET', `/api/v1/policies/${t.policyId}/rules`)).body as { id: string; name: string; priority: number }[];
      assert.deepEqual(rules.map((r) => r.priority), rules.map((_, i) => i + 1), 'priorities are 1..n');
      assert.equal(rules[0]?.id, enrollFirst['id']);
      assert.equal(rules[1]?.name, 'Admin Console: passkey at every sign-in');
      assert.equal(rules.at(-1)?.name, 'Default Rule');
      assert.equal((await passwordSignIn(t.web(), member)).body.status, 'MFA_ENROLL');

      const moved = await t.api('PUT', `/api/v1/policies/${t.policyId}/rules/${enrollFirst['id']}`, { ...dashboardOnly({}), name: enrollFirst['name'], priority: rules.length });
      assert.equal(moved.status, 200, moved.text);
      assert.equal(moved.body.priority, rules.length - 1, 'the default rule stays last');
      assertOktaError(await passwordSignIn(t.web(), member), 403, 'E0000057');
      const after = (await t.api('GET', `/api/v1/policies/${t.policyId}/rules`)).body as { id: string; priority: number }[];
      assert.deepEqual(after.map((r) => r.priority), after.map((_, i) => i + 1));
      assert.deepEqual(after.slice(-3).map((r) => r.id), [deny['id'], enrollFirst['id'], rules.at(-1)?.id]);
    });

    it('holds a session that is already open to the rule added since: denied, or signed in too weakly, it cannot manage factors', async () => {
      const denyGroup = await newGroup(t.f);
      const factorGroup = await newGroup(t.f);
      const sessions: HostClient[] = [];
      for (const group of [denyGroup, factorGroup]) {
        const user = await newUser(t.f, 'ACTIVE');
        await addMember(t.f, group.id, user.id);
        const b = t.web();
        await sessionOf(b, (await passwordSignIn(b, user)).body.sessionToken);
        assert.equal((await b('GET', '/api/v1/users/me/factors')).status, 200);
        sessions.push(b);
      }
      await addRule(ruleBodyFor(denyGroup.id, { access: 'DENY' }));
      await addRule(ruleBodyFor(factorGroup.id, { access: 'ALLOW', requireFactor: true }));
      const [denied, weak] = sessions as [HostClient, HostClient];
      const refused = await denied('GET', '/api/v1/users/me/factors');
      assertOktaError(refused, 403, 'E0000057');
      assert.match(refused.body.errorCauses[0].errorSummary, /denied by the organization's sign-on policy/);
      const tooWeak = await weak('GET', '/api/v1/users/me/factors');
      assertOktaError(tooWeak, 403, 'E0000057');
      assert.match(tooWeak.body.errorCauses[0].errorSummary, /stronger sign-in/);
    });

    it('matches a rule by user and by app', async () => {
      const user = await newUser(t.f, 'ACTIVE');
      const other = await newUser(t.f, 'ACTIVE');
      await addRule({ name: unique('Help center off'), conditions: { people: { users: { include: [user.id] } }, app: { include: ['help_center'] } }, actions: { signon: { access: 'DENY' } } });
      const b = t.web();
      assertOktaError(await passwordSignIn(b, user, 'help_center'), 403, 'E0000057');
      assert.equal((await passwordSignIn(b, user, 'dashboard')).body.status, 'SUCCESS');
      assert.equal((await passwordSignIn(b, user)).body.status, 'SUCCESS', 'no audience is the dashboard');
      assert.equal((await passwordSignIn(b, other, 'help_center')).body.status, 'SUCCESS');
      assertOktaError(await b('POST', '/api/v1/authn', { username: user.login, password: PASSWORD, audience: 'billing' }), 400, 'E0000001');
    });
  });

  describe('session lifetimes', () => {
    let t: Ctx;
    before(async () => { t = await newTenant(); });

    /** A member of a group whose dashboard sessions last 5 minutes idle and 30 at most, signed in with a cookie session. */
    async function shortSession(): Promise<{ b: HostClient; session: Record<string, any> }> {
      const group = await newGroup(t.f);
      const body = ruleBodyFor(group.id, { access: 'ALLOW', session: { maxSessionIdleMinutes: 5, maxSessionLifetimeMinutes: 30 } }, { conditions: { people: { groups: { include: [group.id] } }, app: { include: ['dashboard'] } } });
      assert.equal((await t.api('POST', `/api/v1/policies/${t.policyId}/rules`, body)).status, 200);
      const member = await newUser(t.f, 'ACTIVE');
      await addMember(t.f, group.id, member.id);
      const b = t.web();
      const tx = await passwordSignIn(b, member);
      assert.equal(tx.body.status, 'SUCCESS', tx.text);
      return { b, session: await sessionOf(b, tx.body.sessionToken) };
    }

    it('ends a session left unused for longer than its rule\'s idle time', async () => {
      const { b, session } = await shortSession();
      assert.equal(minutesBetween(session['createdAt'], session['expiresAt']), 5);
      const outsider = t.web();
      await sessionOf(outsider, (await passwordSignIn(outsider, await newUser(t.f, 'ACTIVE'))).body.sessionToken);
      clock.advance(6 * 60_000);
      assertOktaError(await b('GET', '/api/v1/sessions/me'), 404, 'E0000007');
      assert.equal((await outsider('GET', '/api/v1/sessions/me')).status, 200, 'a session of the default rule lasts longer');
    });

    it('ends a session used every four minutes at its rule\'s maximum lifetime', async () => {
      const { b, session } = await shortSession();
      const created = Date.parse(session['createdAt']);
      for (let minute = 4; minute <= 28; minute += 4) {
        clock.set(new Date(created + minute * 60_000));
        const me = await b('GET', '/api/v1/sessions/me');
        assert.equal(me.status, 200, `alive at minute ${minute}`);
        assert.equal(Date.parse(me.body.expiresAt), Math.min(created + (minute + 5) * 60_000, created + 30 * 60_000));
      }
      clock.set(new Date(created + 30 * 60_000 - 1_000));
      assert.equal((await b('GET', '/api/v1/sessions/me')).status, 200);
      clock.set(new Date(created + 30 * 60_000));
      assertOktaError(await b('GET', '/api/v1/sessions/me'), 404, 'E0000007');
    });
  });

  describe('the rules API', () => {
    let t: Ctx;
    let other: Ctx;
    before(async () => {
      t = await newTenant();
      other = await newTenant();
    });

    const rulesPath = () => `/api/v1/policies/${t.policyId}/rules`;

    it('writes policy.rule.add, update, deactivate, activate and delete with the admin as actor', async () => {
      const group = await newGroup(t.f);
      const seq = await lastSeq(t.tenant.id);
      const body = ruleBodyFor(group.id, { access: 'ALLOW', requireFactor: true });
      const created = await t.api('POST', rulesPath(), body);
      assert.equal(created.status, 200, created.text);
      assert.match(created.body.id, /^0pr[0-9A-Za-z]{17}$/);
      assert.equal(created.body.status, 'ACTIVE');
      assert.equal(created.body.system, false);
      assert.deepEqual(created.body.conditions.people.groups, { include: [group.id], exclude: [] });
      assert.deepEqual(created.body.actions.signon.session, { usePersistentCookie: false, maxSessionIdleMinutes: IDLE_MINUTES, maxSessionLifetimeMinutes: MAX_HOURS * 60 }, 'the installation\'s lifetimes');
      assert.equal(created.body.actions.signon.factorLifetime, MAX_HOURS * 60);
      const id = created.body.id as string;
      const self = `${rulesPath()}/${id}`;
      const updated = await t.api('PUT', self, { ...created.body, actions: { signon: { ...created.body.actions.signon, access: 'DENY' } } });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.body.actions.signon.access, 'DENY');
      assert.equal((await t.api('GET', self)).body.actions.signon.access, 'DENY');
      assert.equal((await t.api('POST', `${self}/lifecycle/deactivate`)).status, 204);
      assert.equal((await t.api('POST', `${self}/lifecycle/activate`)).status, 204);
      assert.equal((await t.api('DELETE', self)).status, 204);
      assertOktaError(await t.api('GET', self), 404, 'E0000007');

      const events = await eventsAfter(t.tenant.id, seq);
      assert.deepEqual(events.map((e) => e.eventType), ['policy.rule.add', 'policy.rule.update', 'policy.rule.deactivate', 'policy.rule.activate', 'policy.rule.delete']);
      for (const e of events) {
        assert.deepEqual([e.actor.id, e.actor.type, e.outcome.result], [t.tenant.adminId, 'User', 'SUCCESS']);
        assert.deepEqual(e.target.map((x) => [x.type, x.id]), [['PolicyEntity', t.policyId], ['PolicyRule', id]]);
        assert.equal(e.target[1]?.displayName, body['name']);
      }
      const change = events[1]?.target[1]?.changeDetails;
      assert.equal(change?.from['actions'].signon.access, 'ALLOW');
      assert.equal(change?.to['actions'].signon.access, 'DENY');
      assert.deepEqual(change?.from['conditions'], change?.to['conditions']);
    });

    it('lets the built-in rules\' actions change, but keeps the default rule last and both active', async () => {
      const rules = (await t.api('GET', rulesPath())).body as Record<string, any>[];
      const def = rules.at(-1) as Record<string, any>;
      const put = await t.api('PUT', `${rulesPath()}/${def['id']}`, { ...def, priority: 1, actions: { signon: { ...def['actions'].signon, session: { maxSessionIdleMinutes: 60, maxSessionLifetimeMinutes: 480 } } } });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.priority, rules.length, 'the default rule stays last');
      assert.deepEqual(put.body.conditions, def['conditions']);
      assert.equal(put.body.actions.signon.session.maxSessionIdleMinutes, 60);
      assert.equal(put.body.system, true);
      const user = await newUser(t.f, 'ACTIVE');
      const b = t.web();
      const session = await sessionOf(b, (await passwordSignIn(b, user)).body.sessionToken);
      assert.equal(minutesBetween(session['createdAt'], session['expiresAt']), 60);
    });

    /** Requests the API must refuse: each answers the Okta error given and writes nothing. */
    type Refusal = { what: string; method: string; path: string; body?: unknown; status: number; code: string; cause?: RegExp; only?: 'stored' };

    async function refusals(): Promise<Refusal[]> {
      const rules = (await t.api('GET', rulesPath())).body as Record<string, any>[];
      const admin = rules[0] as Record<string, any>;
      const def = rules.at(-1) as Record<string, any>;
      const group = await newGroup(t.f);
      const foreignGroup = await newGroup(other.f);
      const foreignUser = await newUser(other.f, 'ACTIVE');
      const foreignZone = await newZone(other.f);
      const otherRule = (await other.api('POST', `/api/v1/policies/${other.policyId}/rules`, ruleBodyFor(foreignGroup.id))).body.id as string;
      const passwordPolicy = (await t.api('GET', '/api/v1/policies?type=PASSWORD')).body[0].id as string;
      const taken = rules.find((r) => r.system === false)?.name ?? def['name'];
      const ok = (extra: Record<string, unknown> = {}) => ruleBodyFor(group.id, { access: 'ALLOW', requireFactor: true }, extra);
      const noFactor = { access: 'ALLOW', requireFactor: false };
      const anyApp = (conditions: Record<string, unknown>, priority: number) => ({ ...ruleBodyFor(group.id, noFactor), conditions, priority });
      return [
        { what: 'delete the admin console rule', method: 'DELETE', path: `${rulesPath()}/${admin['id']}`, status: 403, code: 'E0000006' },
        { what: 'delete the default rule', method: 'DELETE', path: `${rulesPath()}/${def['id']}`, status: 403, code: 'E0000006' },
        { what: 'deactivate the admin console rule', method: 'POST', path: `${rulesPath()}/${admin['id']}/lifecycle/deactivate`, status: 400, code: 'E0000001', cause: /always active/ },
        { what: 'deactivate the default rule', method: 'POST', path: `${rulesPath()}/${def['id']}/lifecycle/deactivate`, status: 400, code: 'E0000001', cause: /always active/ },
        { what: 'PUT the default rule INACTIVE', method: 'PUT', path: `${rulesPath()}/${def['id']}`, body: { ...def, status: 'INACTIVE' }, status: 400, code: 'E0000001', cause: /always active/ },
        { what: 'narrow the admin console rule to a group', method: 'PUT', path: `${rulesPath()}/${admin['id']}`, body: { ...admin, conditions: { ...admin['conditions'], people: { groups: { include: [group.id], exclude: [] }, users: { include: [], exclude: [] } } } }, status: 400, code: 'E0000001', cause: /conditions of a built-in rule/ },
        { what: 'point the default rule at one app', method: 'PUT', path: `${rulesPath()}/${def['id']}`, body: { ...def, conditions: { ...def['conditions'], app: { include: ['dashboard'], exclude: [] } } }, status: 400, code: 'E0000001', cause: /conditions of a built-in rule/ },
        { what: 'let the admin console in with a password alone', method: 'PUT', path: `${rulesPath()}/${admin['id']}`, body: { ...admin, actions: { signon: { ...admin['actions'].signon, requireFactor: false, phishingResistant: 'OPTIONAL' } } }, status: 400, code: 'E0000001', cause: /admin console/ },
        { what: 'make the admin console rule deny', method: 'PUT', path: `${rulesPath()}/${admin['id']}`, body: { ...admin, actions: { signon: { ...admin['actions'].signon, access: 'DENY' } } }, status: 400, code: 'E0000001' },
        { what: 'put a password-only rule for every app before the admin console\'s', method: 'POST', path: rulesPath(), body: anyApp({ people: { groups: { include: [group.id] } } }, 1), status: 400, code: 'E0000001', cause: /before the admin console's/ },
        { what: 'put a password-only rule for the admin console before its own', method: 'POST', path: rulesPath(), body: anyApp({ people: { groups: { include: [group.id] } }, app: { include: ['admin_console', 'dashboard'] } }, 1), status: 400, code: 'E0000001', cause: /before the admin console's/ },
        { what: 'put a password-only rule excluding another app before the admin console\'s', method: 'POST', path: rulesPath(), body: anyApp({ app: { exclude: ['help_center'] } }, 1), status: 400, code: 'E0000001', cause: /before the admin console's/ },
        { what: 'move the admin console rule after a password-only rule', method: 'PUT', path: `${rulesPath()}/${admin['id']}`, body: { ...admin, priority: rules.length }, status: 400, code: 'E0000001', cause: /before the admin console's/, only: 'stored' },
        { what: 'require a phishing-resistant factor without requiring a factor', method: 'POST', path: rulesPath(), body: ruleBodyFor(group.id, { access: 'ALLOW', requireFactor: false, phishingResistant: 'REQUIRED' }, { conditions: { app: { include: ['dashboard'] } } }), status: 400, code: 'E0000001' },
        { what: 'name another tenant\'s group', method: 'POST', path: rulesPath(), body: ruleBodyFor(foreignGroup.id), status: 400, code: 'E0000001', cause: new RegExp(`${foreignGroup.id} is not a group of this organization`) },
        { what: 'name another tenant\'s user', method: 'POST', path: rulesPath(), body: ok({ conditions: { people: { users: { exclude: [foreignUser.id] } } } }), status: 400, code: 'E0000001', cause: new RegExp(`${foreignUser.id} is not a user`) },
        { what: 'name another tenant\'s zone', method: 'POST', path: rulesPath(), body: ok({ conditions: { network: { connection: 'ZONE', include: [foreignZone.id] } } }), status: 400, code: 'E0000001', cause: new RegExp(`${foreignZone.id} is not a network zone`) },
        { what: 'name an unknown zone', method: 'POST', path: rulesPath(), body: ok({ conditions: { network: { connection: 'ZONE', exclude: ['nzo00000000000000000'] } } }), status: 400, code: 'E0000001', cause: /nzo00000000000000000 is not a network zone/ },
        { what: 'zones with connection ANYWHERE', method: 'POST', path: rulesPath(), body: ok({ conditions: { network: { connection: 'ANYWHERE', include: ['ALL_ZONES'] } } }), status: 400, code: 'E0000001', cause: /need connection ZONE/ },
        { what: 'connection ZONE without zones', method: 'POST', path: rulesPath(), body: ok({ conditions: { network: { connection: 'ZONE' } } }), status: 400, code: 'E0000001', cause: /needs zones/ },
        { what: 'an idle time over the maximum', method: 'POST', path: rulesPath(), body: ruleBodyFor(group.id, { access: 'ALLOW', requireFactor: true, session: { maxSessionIdleMinutes: 60, maxSessionLifetimeMinutes: 30 } }), status: 400, code: 'E0000001', cause: /maxSessionIdleMinutes cannot exceed/ },
        { what: 'a session over 90 days', method: 'POST', path: rulesPath(), body: ruleBodyFor(group.id, { access: 'ALLOW', requireFactor: true, session: { maxSessionLifetimeMinutes: 90 * 24 * 60 + 1 } }), status: 400, code: 'E0000001' },
        { what: 'a duplicate name', method: 'POST', path: rulesPath(), body: ok({ name: taken }), status: 400, code: 'E0000001', cause: /already exists/ },
        { what: 'the default rule\'s name for another rule', method: 'POST', path: rulesPath(), body: ok({ name: 'Default Rule' }), status: 400, code: 'E0000001', cause: /already exists/ },
        { what: 'priority 0', method: 'POST', path: rulesPath(), body: ok({ priority: 0 }), status: 400, code: 'E0000001' },
        { what: 'an unknown app', method: 'POST', path: rulesPath(), body: ok({ conditions: { app: { include: ['billing'] } } }), status: 400, code: 'E0000001' },
        { what: 'an unknown action', method: 'POST', path: rulesPath(), body: ruleBodyFor(group.id, { access: 'CHALLENGE' }), status: 400, code: 'E0000001' },
        { what: 'no name', method: 'POST', path: rulesPath(), body: { actions: { signon: { access: 'DENY' } } }, status: 400, code: 'E0000001' },
        { what: 'an unknown field', method: 'POST', path: rulesPath(), body: ok({ bypass: true }), status: 400, code: 'E0000001' },
        { what: 'rules of the password policy (list)', method: 'GET', path: `/api/v1/policies/${passwordPolicy}/rules`, status: 404, code: 'E0000007' },
        { what: 'rules of the password policy (add)', method: 'POST', path: `/api/v1/policies/${passwordPolicy}/rules`, body: ok(), status: 404, code: 'E0000007' },
        { what: 'another tenant\'s policy', method: 'POST', path: `/api/v1/policies/${other.policyId}/rules`, body: ok(), status: 404, code: 'E0000007' },
        { what: 'another tenant\'s rule (read)', method: 'GET', path: `${rulesPath()}/${otherRule}`, status: 404, code: 'E0000007' },
        { what: 'another tenant\'s rule (replace)', method: 'PUT', path: `${rulesPath()}/${otherRule}`, body: ok(), status: 404, code: 'E0000007' },
        { what: 'another tenant\'s rule (delete)', method: 'DELETE', path: `${rulesPath()}/${otherRule}`, status: 404, code: 'E0000007' },
        { what: 'another tenant\'s rule (deactivate)', method: 'POST', path: `${rulesPath()}/${otherRule}/lifecycle/deactivate`, status: 404, code: 'E0000007' },
        { what: 'another tenant\'s rule through its own policy', method: 'GET', path: `/api/v1/policies/${other.policyId}/rules/${otherRule}`, status: 404, code: 'E0000007' },
        { what: 'replace the sign-on policy as if it were the password policy', method: 'PUT', path: `/api/v1/policies/${t.policyId}`, body: (await passwordPolicyUpdate(t.f)).body, status: 400, code: 'E0000001', cause: /the sign-on policy is its rules/ },
      ];
    }

    async function assertRefusedAll(stage: 'built-in' | 'stored'): Promise<void> {
      const cases = (await refusals()).filter((c) => c.only === undefined || c.only === stage);
      const before = await tenantState(server.db, t.tenant.id);
      const otherBefore = await tenantState(server.db, other.tenant.id);
      const events = await logCount(server.db, t.tenant.id);
      for (const c of cases) {
        const res = await t.api(c.method, c.path, c.body);
        assert.doesNotThrow(() => assertOktaError(res, c.status, c.code), `${c.what}: ${res.status} ${res.text}`);
        if (c.cause) assert.match(res.body.errorCauses.map((x: { errorSummary: string }) => x.errorSummary).join('\n'), c.cause, c.what);
        assert.deepEqual(await tenantState(server.db, t.tenant.id), before, `${c.what} changed nothing`);
      }
      assert.equal(await logCount(server.db, t.tenant.id), events, 'no System Log event');
      assert.deepEqual(await tenantState(server.db, other.tenant.id), otherBefore, 'nothing changed in the other tenant');
    }

    it('refuses bad changes while the rules are still the built-in ones, writing nothing', async () => {
      const fresh = await newTenant();
      const saved = t;
      t = fresh;
      try {
        assert.equal((await server.db.selectFrom('sign_on_rules').select('id').where('tenant_id', '=', t.tenant.id).execute()).length, 0, 'no rule stored yet');
        await assertRefusedAll('built-in');
        assert.equal((await server.db.selectFrom('sign_on_rules').select('id').where('tenant_id', '=', t.tenant.id).execute()).length, 0, 'still none');
      } finally {
        t = saved;
      }
    });

    it('refuses bad changes once the rules are stored, writing nothing', async () => {
      // A rule after the admin console's may let a password alone through: it never sees an admin console sign-in.
      const passwordOnly = await t.api('POST', rulesPath(), ruleBodyFor((await newGroup(t.f)).id, { access: 'ALLOW', requireFactor: false }));
      assert.equal(passwordOnly.status, 200, passwordOnly.text);
      assert.equal(passwordOnly.body.priority, (await t.api('GET', rulesPath())).body.length - 1);
      assert.ok((await server.db.selectFrom('sign_on_rules').select('id').where('tenant_id', '=', t.tenant.id).execute()).length >= 3, 'the rules are stored');
      await assertRefusedAll('stored');
    });

    it('refuses to activate a password-only rule placed before the admin console\'s', async () => {
      const inactive = await t.api('POST', rulesPath(), { ...ruleBodyFor((await newGroup(t.f)).id, { access: 'ALLOW', requireFactor: false }), status: 'INACTIVE', priority: 1 });
      assert.equal(inactive.status, 200, inactive.text);
      const before = await tenantState(server.db, t.tenant.id);
      const refused = await t.api('POST', `${rulesPath()}/${inactive.body.id}/lifecycle/activate`);
      assertOktaError(refused, 400, 'E0000001');
      assert.match(refused.body.errorCauses[0].errorSummary, /admin console/);
      assertOktaError(await t.api('PUT', `${rulesPath()}/${inactive.body.id}`, { ...inactive.body, status: 'ACTIVE' }), 400, 'E0000001');
      assert.deepEqual(await tenantState(server.db, t.tenant.id), before);
    });

    it('lets a read-only admin read the rules but not change them', async () => {
      const readOnly = apiClient(server.url, (await tokenWithRole(server.db, t.tenant.id, 'READ_ONLY_ADMIN')).token);
      const helpDesk = apiClient(server.url, (await tokenWithRole(server.db, t.tenant.id, 'HELP_DESK_ADMIN')).token);
      const orgAdmin = apiClient(server.url, (await tokenWithRole(server.db, t.tenant.id, 'ORG_ADMIN')).token);
      const rules = (await t.api('GET', rulesPath())).body as Record<string, any>[];
      const custom = rules.find((r) => r['system'] === false) as Record<string, any>;
      const group = await newGroup(t.f);

      assert.equal((await readOnly('GET', '/api/v1/policies?type=OKTA_SIGN_ON')).status, 200);
      assert.deepEqual((await readOnly('GET', rulesPath())).body, rules);
      assert.equal((await readOnly('GET', `${rulesPath()}/${custom['id']}`)).status, 200);
      const before = await tenantState(server.db, t.tenant.id);
      for (const [method, path, body] of [
        ['POST', rulesPath(), ruleBodyFor(group.id)],
        ['PUT', `${rulesPath()}/${custom['id']}`, custom],
        ['DELETE', `${rulesPath()}/${custom['id']}`, undefined],
        ['POST', `${rulesPath()}/${custom['id']}/lifecycle/deactivate`, undefined],
      ] as const) {
        assertOktaError(await readOnly(method, path, body), 403, 'E0000006');
        assertOktaError(await helpDesk(method, path, body), 403, 'E0000006');
      }
      assertOktaError(await helpDesk('GET', rulesPath()), 403, 'E0000006');
      assert.deepEqual(await tenantState(server.db, t.tenant.id), before, 'nothing changed');
      assert.equal((await orgAdmin('POST', rulesPath(), ruleBodyFor(group.id))).status, 200, 'an org admin may');
    });
  });
});
