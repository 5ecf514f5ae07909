/**
 * The Policy API's rules endpoints for the OKTA_SIGN_ON policy, over real HTTP: what they write (and log), the
 * refusals that write nothing (built-in rules, the admin console's floor, other tenants' ids, ill-formed
 * rules), and who may call them. What the rules decide at sign-in is in sign-on-policy.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, logCount, startTestServer, tokenWithRole, type TestServer } from './helpers.ts';
import { newGroup, newUser, newZone, passwordPolicyUpdate, ruleBodyFor } from './support/fixtures.ts';
import { eventsAfterOf, lastSeqOf, minutesBetween, passwordSignIn, sessionOf, signOnTenant, type Logged, type SignOnTenant } from './support/sign-on.ts';
import { tenantState } from './support/tenant-state.ts';

const IDLE_MINUTES = 90;
const MAX_HOURS = 10;

describe('the sign-on rules API', () => {
  let server: TestServer;
  let t: SignOnTenant;
  let other: SignOnTenant;

  before(async () => {
    server = await startTestServer({
      config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000', BULWARK_SESSION_IDLE_MINUTES: String(IDLE_MINUTES), BULWARK_SESSION_MAX_HOURS: String(MAX_HOURS) },
    });
    t = await signOnTenant(server);
    other = await signOnTenant(server);
  });
  after(() => server.close());

  const lastSeq = (tenantId: string) => lastSeqOf(server.db, tenantId);
  const eventsAfter = (tenantId: string, seq: number, type?: string) => eventsAfterOf<Logged>(server.db, tenantId, seq, type);

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
    const fresh = await signOnTenant(server);
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
