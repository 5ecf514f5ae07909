/**
 * The OKTA_SIGN_ON policy end to end, over real HTTP on a tenant's own host: what the two built-in rules
 * decide for each app, factor set and sign-in method (the decision table below is the documentation), custom
 * rules for groups, users and apps (enrollment during sign-in, DENY, priorities), and the session lifetimes a
 * rule grants. The rules endpoints themselves are in sign-on-rules-api.test.ts, network zones in
 * network-zones.test.ts.
 */
import assert from 'node:assert/strict';
import { sha256Hex } from '../src/lib/secrets.ts';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { assertOktaError, startTestServer, type ApiResponse, type TestServer } from './helpers.ts';
import {
  addMember, grant, newGroup, newPasskeyUser, newTotpUser, newUser, nextCode, pageHeaders, PASSWORD, ruleBodyFor, totpCode, unique,
  type TotpUser, type UserRef,
} from './support/fixtures.ts';
import type { HostClient } from './support/host-client.ts';
import { SoftAuthenticator } from './support/soft-authenticator.ts';
import { eventsAfterOf, lastSeqOf, minutesBetween, passwordSignIn, sessionOf, signOnTenant, type App, type Logged, type SignOnTenant } from './support/sign-on.ts';
import { tenantState } from './support/tenant-state.ts';

const TOTP = 'token:software:totp';
const WEBAUTHN = 'webauthn';
/** The installation's default session lifetimes, which the built-in default rule starts with. */
const IDLE_MINUTES = 90;
const MAX_HOURS = 10;

type FactorSet = 'none' | 'totp' | 'passkey' | 'totp+passkey';

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

  type Ctx = SignOnTenant;
  const newTenant = () => signOnTenant(server);

  const origin = (b: HostClient) => `http://${b.host}`;


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


  const lastSeq = (tenantId: string) => lastSeqOf(server.db, tenantId);
  const eventsAfter = (tenantId: string, seq: number, type?: string) => eventsAfterOf<Logged>(server.db, tenantId, seq, type);

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
        if (d.app === 'admin_console') {
          // It becomes an admin session only, bound to a device key (admin-session.test.ts); its sessionToken carries what the rule gave.
          assertOktaError(await b('GET', `/login/sessionCookieRedirect?token=${done.body.sessionToken}&redirectUrl=%2F`), 401, 'E0000004');
          const token = await server.db.selectFrom('session_tokens').select(['app', 'amr', 'idle_minutes', 'max_minutes'])
            .where('tenant_id', '=', t.tenant.id).where('token_hash', '=', sha256Hex(done.body.sessionToken as string)).executeTakeFirstOrThrow();
          assert.deepEqual(token, { app: d.app, amr: d.amr, idle_minutes: IDLE_OF[d.app], max_minutes: 720 });
          return;
        }
        const session = await sessionOf(b, done.body.sessionToken);
        assert.deepEqual(session['amr'], d.amr);
        assert.equal(minutesBetween(session['createdAt'], session['expiresAt']), IDLE_OF[d.app], 'the rule\'s idle time');
        const row = await server.db.selectFrom('sessions').select(['app', 'idle_minutes', 'max_minutes']).where('tenant_id', '=', t.tenant.id).where('id', '=', session['id']).executeTakeFirstOrThrow();
        assert.deepEqual(row, { app: d.app, idle_minutes: IDLE_OF[d.app], max_minutes: MAX_HOURS * 60 });
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
});
