/**
 * The "My account" API over real HTTP on the tenant's host, by session cookie: the MyAccount profile
 * (/idp/myaccount/profile: what a user may change of their own profile, and what is refused with nothing
 * changed), and the sign-on rules a user's own factor removal must keep meeting (refused with nothing changed
 * or logged; allowed and logged otherwise; an admin's reset is never held back).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import {
  addMember, grant, newApp, newGroup, newKnownSession, newSession, newTotpUser, newUser, nextCode, ok, pageHeaders, PASSWORD, ruleBodyFor, signOnPolicyIdOf, unique,
  type SessionRef, type WebFixture,
} from './support/fixtures.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { SoftAuthenticator } from './support/soft-authenticator.ts';
import { tenantState } from './support/tenant-state.ts';

type Logged = { eventType: string; actor: { id: string }; target: { id: string; type: string }[]; debugContext: { debugData: Record<string, unknown> } };

const PROFILE = '/idp/myaccount/profile';

describe('My account: the MyAccount profile and the rules on removing one\'s own factors', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let f: WebFixture;

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token), web: () => hostClient(server.url, tenant.slug) };
  });
  after(() => server.close());

  async function lastSeq(): Promise<number> {
    return Number((await server.db.selectFrom('log_chain_heads').select('seq').where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow()).seq);
  }

  async function eventsAfter(seq: number): Promise<Logged[]> {
    const rows = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).where('seq', '>', String(seq)).orderBy('seq').execute();
    return rows.map((r) => JSON.parse(r.event) as Logged);
  }

  const put = (web: HostClient, body: unknown) => web('PUT', PROFILE, body, pageHeaders(web, 'PUT'));

  /** Sends `body` and expects a 400 E0000001 naming `field`, with the tenant exactly as it was. */
  async function refusedPut(s: SessionRef, body: unknown, field: string): Promise<void> {
    const before = await tenantState(server.db, tenant.id);
    const res = await put(s.web, body);
    assertOktaError(res, 400, 'E0000001');
    assert.ok((res.body.errorCauses as { errorSummary: string }[]).some((c) => c.errorSummary.includes(field)), `${field} is named: ${res.text}`);
    assert.deepEqual(await tenantState(server.db, tenant.id), before, 'nothing changed, nothing logged');
  }

  describe('the profile', () => {
    it('answers the signed-in user\'s own profile in the MyAccount shape', async () => {
      const s = await newSession(f);
      const res = await s.web('GET', PROFILE);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(Object.keys(res.body).sort(), ['_links', 'createdAt', 'modifiedAt', 'profile']);
      assert.equal(res.body.profile.login, s.user.login);
      assert.ok(res.body._links.self.href.endsWith(PROFILE));
      assert.ok(!res.text.includes('password'), 'no credentials in it');
    });

    it('replaces the self-editable attributes, keeps the rest, and logs user.account.update_profile by the user', async () => {
      const s = await newSession(f);
      ok(await f.api('POST', `/api/v1/users/${s.user.id}`, { profile: { department: 'Finance', nickName: 'Old' } }), 'admin sets attributes');
      const { profile } = (await s.web('GET', PROFILE)).body;
      const seq = await lastSeq();
      const { nickName: _dropped, ...rest } = profile;
      const res = await put(s.web, { profile: { ...rest, displayName: 'Ada L.', mobilePhone: '+44 20 7946 0000', timezone: 'Europe/London' } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.profile.displayName, 'Ada L.');
      assert.equal(res.body.profile.nickName, undefined, 'an editable attribute left out is removed');
      assert.equal(res.body.profile.department, 'Finance', 'what the organization keeps stays');
      const admin = ok(await f.api('GET', `/api/v1/users/${s.user.id}`), 'admin reads').body;
      assert.equal(admin.profile.mobilePhone, '+44 20 7946 0000');
      const events = await eventsAfter(seq);
      assert.deepEqual(events.map((e) => e.eventType), ['user.account.update_profile']);
      assert.equal(events[0]?.actor.id, s.user.id);
      assert.equal(events[0]?.debugContext.debugData['changedAttributes'], 'displayName,mobilePhone,nickName,timezone');
    });

    it('writes nothing when nothing changed', async () => {
      const s = await newSession(f);
      const { profile } = (await s.web('GET', PROFILE)).body;
      const before = await logCount(server.db, tenant.id);
      assert.equal((await put(s.web, { profile })).status, 200);
      assert.equal(await logCount(server.db, tenant.id), before);
    });

    it('lets an admin change their own profile here, whatever their role could do to another admin', async () => {
      const user = await newUser(f, 'ACTIVE');
      await grant(f, user.id, 'HELP_DESK_ADMIN');
      const s = await newSession(f, user);
      const { profile } = (await s.web('GET', PROFILE)).body;
      const res = await put(s.web, { profile: { ...profile, title: 'Help desk lead' } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.profile.title, 'Help desk lead');
    });

    it('refuses a changed login or email by name, and changes nothing', async () => {
      const s = await newSession(f);
      const { profile } = (await s.web('GET', PROFILE)).body;
      await refusedPut(s, { profile: { ...profile, login: `${unique('taken')}@example.com`, nickName: 'x' } }, 'profile.login');
      await refusedPut(s, { profile: { ...profile, email: `${unique('elsewhere')}@example.com` } }, 'profile.email');
      await refusedPut(s, { profile: { ...profile, department: 'Treasury' } }, 'profile.department');
    });

    it('refuses attributes the profile does not have, and bad values, field by field', async () => {
      const s = await newSession(f);
      const { profile } = (await s.web('GET', PROFILE)).body;
      await refusedPut(s, { profile: { ...profile, favouriteColour: 'green' } }, 'profile.favouriteColour');
      await refusedPut(s, { profile: { ...profile, firstName: '' } }, 'profile.firstName');
      await refusedPut(s, { profile: { ...profile, lastName: null } }, 'lastName');
      await refusedPut(s, { profile: { ...profile, title: 42 } }, 'profile.title');
      await refusedPut(s, { profile: { ...profile, timezone: 'x'.repeat(101) } }, 'profile.timezone');
      await refusedPut(s, { profile, status: 'ACTIVE' }, 'status');
      await refusedPut(s, {}, 'profile');
    });

    it('answers 404 without a session, and for another tenant\'s cookie, as the other `me` routes do', async () => {
      const stranger = f.web();
      assertOktaError(await stranger('GET', PROFILE), 404, 'E0000007');
      assertOktaError(await put(stranger, { profile: { firstName: 'X', lastName: 'Y' } }), 404, 'E0000007');
      const s = await newSession(f);
      const elsewhere = hostClient(server.url, other.slug);
      for (const [k, v] of s.web.cookies) elsewhere.cookies.set(k, v);
      const before = await tenantState(server.db, tenant.id);
      assertOktaError(await elsewhere('GET', PROFILE), 404, 'E0000007');
      const { profile } = (await s.web('GET', PROFILE)).body;
      assertOktaError(await put(elsewhere, { profile: { ...profile, nickName: 'cross' } }), 404, 'E0000007');
      assert.deepEqual(await tenantState(server.db, tenant.id), before);
    });

    it('refuses a change another site asks for', async () => {
      const s = await newSession(f);
      const { profile } = (await s.web('GET', PROFILE)).body;
      const before = await tenantState(server.db, tenant.id);
      assertOktaError(await s.web('PUT', PROFILE, { profile: { ...profile, nickName: 'csrf' } }, { origin: 'https://evil.example.com' }), 403, 'E0000006');
      assert.deepEqual(await tenantState(server.db, tenant.id), before);
    });
  });

  describe('removing one\'s own factors', () => {
    /** A signed-in user (a known session: it may add factors) with an ACTIVE passkey on its own authenticator. */
    async function withPasskey(s: SessionRef): Promise<string> {
      const authenticator = new SoftAuthenticator();
      const enrolled = ok(await s.web('POST', '/api/v1/users/me/factors', { factorType: 'webauthn', provider: 'FIDO' }, pageHeaders(s.web, 'POST')), 'enroll passkey');
      const credential = authenticator.create(enrolled.body._embedded.activation, `http://${s.web.host}`);
      ok(await s.web('POST', `/api/v1/users/me/factors/${enrolled.body.id}/lifecycle/activate`, { credential }, pageHeaders(s.web, 'POST')), 'activate passkey');
      return enrolled.body.id as string;
    }

    const remove = (s: { web: HostClient }, id: string) => s.web('DELETE', `/api/v1/users/me/factors/${id}`, undefined, pageHeaders(s.web, 'DELETE'));

    /** Expects the removal refused with a cause saying `advice`, the factor kept and nothing logged. */
    async function refusedRemoval(s: { web: HostClient }, id: string, advice: RegExp): Promise<void> {
      const before = await tenantState(server.db, tenant.id);
      const res = await remove(s, id);
      assertOktaError(res, 403, 'E0000006');
      assert.match(res.body.errorCauses[0].errorSummary as string, advice);
      assert.deepEqual(await tenantState(server.db, tenant.id), before, 'nothing changed, nothing logged');
      assert.equal((await s.web('GET', `/api/v1/users/me/factors/${id}`)).status, 200);
    }

    async function removedAndLogged(s: { web: HostClient }, id: string): Promise<void> {
      const seq = await lastSeq();
      const res = await remove(s, id);
      assert.equal(res.status, 204, res.text);
      const events = await eventsAfter(seq);
      assert.deepEqual(events.map((e) => e.eventType), ['user.mfa.factor.deactivate']);
      assert.ok(events[0]?.target.some((t) => t.id === id));
    }

    /** A rule for members of a new group, for the help center only: it applies to the user without judging the dashboard session. */
    async function ruleForNewGroup(signon: Record<string, unknown>, status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE'): Promise<string> {
      const group = await newGroup(f);
      const body = ruleBodyFor(group.id, signon, { status });
      (body['conditions'] as Record<string, unknown>)['app'] = { include: ['help_center'] };
      ok(await f.api('POST', `/api/v1/policies/${await signOnPolicyIdOf(f)}/rules`, body), 'create rule');
      return group.id;
    }

    it('refuses an admin their last passkey (the admin console asks for one), and allows it once there is another', async () => {
      const user = await newUser(f, 'ACTIVE');
      await grant(f, user.id, 'ORG_ADMIN');
      const s = await newKnownSession(f, user);
      const first = await withPasskey(s);
      await refusedRemoval(s, first, /last passkey.*Admin Console.*Add another passkey first/);
      const second = await withPasskey(s);
      await removedAndLogged(s, first);
      await refusedRemoval(s, second, /last passkey/);
    });

    it('refuses the last passkey when a rule that applies to the user asks for one; a TOTP factor does not stand in', async () => {
      const groupId = await ruleForNewGroup({ access: 'ALLOW', requireFactor: true, phishingResistant: 'REQUIRED' });
      const t = await newTotpUser(f);
      await addMember(f, groupId, t.user.id);
      const passkey = await withPasskey({ web: t.web, id: '', user: t.user });
      await refusedRemoval(t, passkey, /last passkey.*Add another passkey first/);
      await removedAndLogged(t, t.factorId);
    });

    it('refuses the last second factor when a rule that applies to the user asks for one', async () => {
      const groupId = await ruleForNewGroup({ access: 'ALLOW', requireFactor: true });
      const t = await newTotpUser(f);
      await addMember(f, groupId, t.user.id);
      await refusedRemoval(t, t.factorId, /last security method.*Add another method first/);
      const codes = ok(await t.web('POST', '/api/v1/users/me/factors', { factorType: 'recovery_code', provider: 'BULWARK' }, pageHeaders(t.web, 'POST')), 'recovery codes');
      assert.equal(codes.body.status, 'ACTIVE');
      await removedAndLogged(t, t.factorId);
    });

    it('lets a user remove their last factor when no rule that applies to them asks for one (an inactive rule, another group\'s)', async () => {
      const inactive = await ruleForNewGroup({ access: 'ALLOW', requireFactor: true, phishingResistant: 'REQUIRED' }, 'INACTIVE');
      await ruleForNewGroup({ access: 'ALLOW', requireFactor: true, phishingResistant: 'REQUIRED' });
      const s = await newKnownSession(f);
      await addMember(f, inactive, s.user.id);
      const passkey = await withPasskey(s);
      await removedAndLogged(s, passkey);
      const t = await newTotpUser(f);
      await removedAndLogged(t, t.factorId);
    });

    it('refuses the last passkey an OpenID Connect app the user is assigned to asks for, and only while assigned', async () => {
      const app = await newApp(f);
      const body = { type: 'SIGN_ON', name: unique('App needs a passkey'), conditions: { app: { include: [app.id] } }, actions: { signon: { access: 'ALLOW', requireFactor: true, phishingResistant: 'REQUIRED' } } };
      ok(await f.api('POST', `/api/v1/policies/${await signOnPolicyIdOf(f)}/rules`, body), 'create the app\'s rule');
      const s = await newKnownSession(f);
      const passkey = await withPasskey(s);
      ok(await f.api('POST', `/api/v1/apps/${app.id}/users`, { id: s.user.id, scope: 'USER' }), 'assign');
      await refusedRemoval(s, passkey, /last passkey.*Add another passkey first/);
      assert.equal((await f.api('DELETE', `/api/v1/apps/${app.id}/users/${s.user.id}`)).status, 204);
      await removedAndLogged(s, passkey);
    });

    it('lets an admin reset a user\'s last required factor, as before', async () => {
      const groupId = await ruleForNewGroup({ access: 'ALLOW', requireFactor: true });
      const t = await newTotpUser(f);
      await addMember(f, groupId, t.user.id);
      await refusedRemoval(t, t.factorId, /last security method/);
      assert.equal((await f.api('DELETE', `/api/v1/users/${t.user.id}/factors/${t.factorId}`)).status, 204);
      assertOktaError(await t.web('GET', `/api/v1/users/me/factors/${t.factorId}`), 404, 'E0000007');
    });

    it('a sign-in with the code still works after a refused removal', async () => {
      const groupId = await ruleForNewGroup({ access: 'ALLOW', requireFactor: true });
      const t = await newTotpUser(f);
      await addMember(f, groupId, t.user.id);
      await refusedRemoval(t, t.factorId, /last security method/);
      const web = f.web();
      const first = ok(await web('POST', '/api/v1/authn', { username: t.user.login, password: PASSWORD }), 'password');
      assert.equal(first.body.status, 'MFA_REQUIRED');
      const done = ok(await web('POST', `/api/v1/authn/factors/${t.factorId}/verify`, { stateToken: first.body.stateToken, passCode: nextCode(t) }), 'code');
      assert.equal(done.body.status, 'SUCCESS');
    });
  });
});
