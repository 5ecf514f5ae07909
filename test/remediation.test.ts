/**
 * Remediation after an incident (docs/remediation.md), through the real API over a real database. A tenant's
 * history is made in the test as it would happen: an admin resets passwords and factors, a suspect admin acts on
 * some users, users sign in from the suspect's networks (placed there through X-Forwarded-For from a trusted
 * proxy), others do nothing that matters. The dry run must list exactly the users each criterion names, with the
 * events that named them; approval needs a second super admin; applying changes each user once, even when
 * applied twice at once or again afterwards, with every step in the System Log.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, tokenWithRole, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { newApiSession, newSession, newTotpUser, newUser, ok, PASSWORD, signIn, type UserRef, type WebFixture } from './support/fixtures.ts';
import { hostClient } from './support/host-client.ts';
import { documentedBulwarkTypes, oktaEventTypes, problemsOf } from './support/log-event-checks.ts';

type Logged = {
  uuid: string;
  eventType: string;
  outcome: { result: string; reason: string | null };
  actor: { id: string; type: string };
  target: { id: string; type: string }[];
  transaction: { detail: Record<string, unknown> };
  debugContext: { debugData: Record<string, unknown> };
};

type PlanUser = { id: string; login: string; status: string | null; adminRoles: string[]; matched: string[]; evidence: Record<string, { count: number; events: { uuid: string; eventType: string }[] }>; items: { action: string; state: string; reason: string | null }[] };

const ALL_ACTIONS = ['FORCE_PASSWORD_RESET', 'RESET_FACTORS', 'REVOKE_TOKENS', 'CLEAR_SESSIONS'];

describe('remediation of a tenant\'s users after an incident', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let f: WebFixture;
  let api: Api;
  let otherApi: Api;
  let second: { userId: string; api: Api };
  let suspect: { userId: string; api: Api };
  let orgAdmin: { userId: string; api: Api };
  let helpDesk: Api;
  let readOnly: Api;
  let privileged: { userId: string; token: string };
  let since: string;
  let until: string;
  const u: Record<string, UserRef> = {};

  const as = async (role: 'SUPER_ADMIN' | 'ORG_ADMIN' | 'HELP_DESK_ADMIN' | 'READ_ONLY_ADMIN') => {
    const t = await tokenWithRole(server.db, tenant.id, role);
    return { userId: t.userId, api: apiClient(server.url, t.token) };
  };

  /** A password sign-in ending in a session, from `ip` as a trusted proxy reports it. */
  async function signInFrom(user: UserRef, ip: string): Promise<void> {
    const web = hostClient(server.url, tenant.slug, { headers: { 'x-forwarded-for': ip } });
    const authn = await signIn(web, user);
    assert.equal(authn['status'], 'SUCCESS');
    const redirect = await web('GET', `/login/sessionCookieRedirect?token=${authn['sessionToken']}&redirectUrl=%2F`);
    assert.equal(redirect.status, 302, redirect.text);
  }

  async function events(): Promise<Logged[]> {
    const rows = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).orderBy('seq').execute();
    return rows.map((r) => JSON.parse(r.event) as Logged);
  }

  const remediationRows = async () => Number((await server.db.selectFrom('remediations').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  const planBody = (criteria: Record<string, unknown>, actions = ALL_ACTIONS) => ({ name: 'Support tool incident', criteria: { window: { since, until }, ...criteria }, actions });

  async function plan(criteria: Record<string, unknown>, actions = ALL_ACTIONS, by: Api = api): Promise<{ id: string; status: string; users: PlanUser[]; counts: Record<string, number> }> {
    const res = await by('POST', '/api/v1/remediations', planBody(criteria, actions));
    assert.equal(res.status, 201, res.text);
    return res.body;
  }

  const idsOf = (users: readonly PlanUser[]) => users.map((x) => x.id).sort();
  const ids = (...names: string[]) => names.map((n) => (u[n] as UserRef).id).sort();

  before(async () => {
    server = await startTestServer({ config: { BULWARK_TRUSTED_PROXIES: '127.0.0.1', BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    otherApi = apiClient(server.url, other.token);
    f = { db: server.db, tenantId: tenant.id, api, web: () => hostClient(server.url, tenant.slug) };

    // Before the window: the people, the admins, and a factor its user set up long before.
    second = await as('SUPER_ADMIN');
    suspect = await as('ORG_ADMIN');
    orgAdmin = await as('ORG_ADMIN');
    helpDesk = (await as('HELP_DESK_ADMIN')).api;
    readOnly = (await as('READ_ONLY_ADMIN')).api;
    const p = await tokenWithRole(server.db, tenant.id, 'SUPER_ADMIN');
    privileged = { userId: p.userId, token: p.token };
    u['privileged'] = { id: p.userId, login: '' };
    for (const name of ['reset', 'setPassword', 'quiet', 'targeted', 'targetedAndReset', 'fromSuspectIp', 'fromSuspectAs', 'fromGoogle', 'selfEnrolled', 'deprovisioned', 'deleted']) {
      u[name] = await newUser(f, 'ACTIVE');
    }
    u['factorsReset'] = (await newTotpUser(f)).user;
    await sleep(20);
    since = new Date().toISOString();
    await sleep(20);

    // The window.
    ok(await api('POST', `/api/v1/users/${u['reset']?.id}/lifecycle/reset_password`), 'admin resets a password');
    ok(await api('POST', `/api/v1/users/${u['setPassword']?.id}`, { credentials: { password: { value: `${PASSWORD}-set` } } }), 'admin sets a password');
    ok(await api('POST', `/api/v1/users/${u['factorsReset']?.id}/lifecycle/reset_factors`), 'admin resets factors');
    await newSession(f, u['quiet']);
    ok(await suspect.api('POST', `/api/v1/users/${u['targeted']?.id}`, { profile: { title: 'Touched' } }), 'suspect changes a profile');
    ok(await suspect.api('POST', `/api/v1/users/${u['targetedAndReset']?.id}/lifecycle/reset_password`), 'suspect resets a password');
    await signInFrom(u['fromSuspectIp'] as UserRef, '1.1.1.1');
    await signInFrom(u['fromSuspectAs'] as UserRef, '1.0.0.1');
    await signInFrom(u['fromGoogle'] as UserRef, '8.8.8.8');
    await newTotpUser(f, u['selfEnrolled']);
    ok(await api('POST', `/api/v1/users/${u['deprovisioned']?.id}/lifecycle/reset_password`), 'reset');
    ok(await api('POST', `/api/v1/users/${u['deprovisioned']?.id}/lifecycle/deactivate`), 'deactivate');
    ok(await api('POST', `/api/v1/users/${u['deleted']?.id}/lifecycle/reset_password`), 'reset');
    for (let i = 0; i < 2; i++) ok(await api('DELETE', `/api/v1/users/${u['deleted']?.id}`), 'delete');
    ok(await api('POST', `/api/v1/users/${privileged.userId}/lifecycle/expire_password`), 'admin expires a super admin\'s password');
    await sleep(20);
    until = new Date().toISOString();
  });
  after(() => server.close());

  it('lists exactly the users who reset a password or changed a factor in the window, with the events that show it', async () => {
    const before = await logCount(server.db, tenant.id);
    const p = await plan({ passwordOrFactorChange: true });
    assert.equal(p.status, 'PLANNED');
    assert.deepEqual(idsOf(p.users), ids('reset', 'setPassword', 'factorsReset', 'targetedAndReset', 'selfEnrolled', 'deprovisioned', 'deleted', 'privileged'));
    for (const user of p.users) assert.deepEqual(user.matched, ['PASSWORD_OR_FACTOR_CHANGE'], user.login);
    const byId = new Map(p.users.map((x) => [x.id, x]));
    const logged = new Map((await events()).map((e) => [e.uuid, e]));
    const evidence = (name: string) => (byId.get((u[name] as UserRef).id) as PlanUser).evidence['PASSWORD_OR_FACTOR_CHANGE']?.events ?? [];
    assert.deepEqual(evidence('reset').map((e) => e.eventType), ['user.account.reset_password']);
    assert.deepEqual(evidence('setPassword').map((e) => e.eventType), ['user.account.update_password']);
    assert.deepEqual(evidence('factorsReset').map((e) => e.eventType), ['user.mfa.factor.reset_all']);
    assert.deepEqual(evidence('selfEnrolled').map((e) => e.eventType), ['user.mfa.factor.update', 'user.mfa.factor.activate']);
    assert.deepEqual(evidence('privileged').map((e) => e.eventType), ['user.account.expire_password']);
    // Each event named is the System Log's own, about that user.
    for (const user of p.users) {
      for (const e of user.evidence['PASSWORD_OR_FACTOR_CHANGE']?.events ?? []) {
        const event = logged.get(e.uuid);
        assert.ok(event?.target.some((t) => t.id === user.id), `${e.uuid} names ${user.login}`);
      }
    }
    assert.deepEqual((byId.get(privileged.userId) as PlanUser).adminRoles, ['SUPER_ADMIN']);
    // Gone or deactivated: listed, and skipped with the reason; everyone else has one pending item per action.
    const deleted = byId.get((u['deleted'] as UserRef).id) as PlanUser;
    assert.equal(deleted.status, null);
    assert.ok(deleted.items.every((i) => i.state === 'SKIPPED' && i.reason?.startsWith('USER_NOT_FOUND')));
    const deprovisioned = byId.get((u['deprovisioned'] as UserRef).id) as PlanUser;
    assert.equal(deprovisioned.status, 'DEPROVISIONED');
    assert.ok(deprovisioned.items.every((i) => i.state === 'SKIPPED' && i.reason?.startsWith('USER_DEPROVISIONED')));
    assert.deepEqual((byId.get((u['reset'] as UserRef).id) as PlanUser).items.map((i) => [i.action, i.state]), ALL_ACTIONS.map((a) => [a, 'PENDING']));
    assert.deepEqual(p.counts, { users: 8, items: 32, pending: 24, done: 0, skipped: 8, failed: 0 });
    // The dry run changed no user: its one event is the plan's own.
    const written = (await events()).slice(before);
    assert.deepEqual(written.map((e) => e.eventType), ['bulwark.remediation.plan.create']);
    assert.equal(written[0]?.transaction.detail['remediationId'], p.id);
  });

  it('lists the users a suspect acted on, and those who signed in from the suspect\'s addresses, blocks or network', async () => {
    assert.deepEqual(idsOf((await plan({ targetedBy: { actorIds: [suspect.userId] } })).users), ids('targeted', 'targetedAndReset'));
    assert.deepEqual(idsOf((await plan({ signedInFrom: { ips: ['1.1.1.1'] } })).users), ids('fromSuspectIp'));
    assert.deepEqual(idsOf((await plan({ signedInFrom: { cidrs: ['1.0.0.0/24'] } })).users), ids('fromSuspectAs'));
    const byNetwork = await plan({ signedInFrom: { asns: [13335] } });
    assert.deepEqual(idsOf(byNetwork.users), ids('fromSuspectIp', 'fromSuspectAs'));
    const signIns = byNetwork.users[0]?.evidence['SIGNED_IN_FROM']?.events.map((e) => e.eventType) ?? [];
    assert.ok(signIns.includes('user.session.start'), signIns.join());
    // Nobody matches twice over: the criteria's union, each user naming what matched.
    const all = await plan({ passwordOrFactorChange: true, targetedBy: { actorIds: [suspect.userId] }, signedInFrom: { asns: [13335] } });
    assert.deepEqual(idsOf(all.users), ids('reset', 'setPassword', 'factorsReset', 'targeted', 'targetedAndReset', 'fromSuspectIp', 'fromSuspectAs', 'selfEnrolled', 'deprovisioned', 'deleted', 'privileged'));
    const matched = Object.fromEntries(all.users.map((x) => [x.id, x.matched]));
    assert.deepEqual(matched[(u['targetedAndReset'] as UserRef).id], ['PASSWORD_OR_FACTOR_CHANGE', 'TARGETED_BY']);
    assert.deepEqual(matched[(u['targeted'] as UserRef).id], ['TARGETED_BY']);
    assert.deepEqual(matched[(u['fromSuspectAs'] as UserRef).id], ['SIGNED_IN_FROM']);
    // The window bounds it: the same criteria before anything happened select nobody.
    const early = await api('POST', '/api/v1/remediations', { ...planBody({ passwordOrFactorChange: true }), criteria: { window: { since: new Date(Date.parse(since) - 3_600_000).toISOString(), until: since }, passwordOrFactorChange: true } });
    assert.equal(early.status, 201, early.text);
    assert.deepEqual(idsOf(early.body.users), ids('factorsReset'), 'only the factor set up before the window');
  });

  it('refuses bad criteria with the reasons, writing nothing', async () => {
    const logs = await logCount(server.db, tenant.id);
    const plans = await remediationRows();
    const long = new Date(Date.parse(until) - 91 * 86_400_000).toISOString();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const cases: [string, unknown, RegExp | null][] = [
      ['since after until', planBody({ passwordOrFactorChange: true, window: { since: until, until: since } }), /since must be before until/],
      ['a window over 90 days', { ...planBody({}), criteria: { window: { since: long, until }, passwordOrFactorChange: true } }, /at most 90 days/],
      ['an until in the future', { ...planBody({}), criteria: { window: { since, until: future }, passwordOrFactorChange: true } }, /must not be in the future/],
      ['a date that is none', { ...planBody({}), criteria: { window: { since: '2026-13-45T99:00:00Z' }, passwordOrFactorChange: true } }, /not an ISO 8601 date/],
      ['no criterion', planBody({}), /at least one of/],
      ['passwordOrFactorChange false alone', planBody({ passwordOrFactorChange: false }), /at least one of/],
      ['a CIDR block that is none', planBody({ signedInFrom: { cidrs: ['10.0.0.0/33'] } }), /10\.0\.0\.0\/33 is not a CIDR block/],
      ['an address that is none', planBody({ signedInFrom: { ips: ['1.2.3'] } }), /1\.2\.3 is not an IP address/],
      ['signedInFrom naming nothing', planBody({ signedInFrom: {} }), /at least one address/],
      ['no action', planBody({ passwordOrFactorChange: true }, []), null],
      ['an unknown action', planBody({ passwordOrFactorChange: true }, ['DELETE_USER']), null],
      ['an action twice', planBody({ passwordOrFactorChange: true }, ['CLEAR_SESSIONS', 'CLEAR_SESSIONS']), null],
      ['an empty name', { ...planBody({ passwordOrFactorChange: true }), name: ' ' }, null],
      ['no actorIds', planBody({ targetedBy: { actorIds: [] } }), null],
      ['an AS number out of range', planBody({ signedInFrom: { asns: [4294967296] } }), null],
      ['an unknown criterion', planBody({ passwordOrFactorChange: true, isAdmin: true }), null],
    ];
    for (const [what, body, cause] of cases) {
      const res = await api('POST', '/api/v1/remediations', body);
      assertOktaError(res, 400, 'E0000001');
      if (cause) assert.match(res.body.errorCauses.map((c: { errorSummary: string }) => c.errorSummary).join('\n'), cause, what);
    }
    // Several wrong at once: every reason, in one answer.
    const many = await api('POST', '/api/v1/remediations', { ...planBody({}), criteria: { window: { since: until, until: since }, signedInFrom: { ips: ['x.y'], cidrs: ['nope'] } } });
    assertOktaError(many, 400, 'E0000001');
    assert.equal(many.body.errorCauses.length, 3, many.text);
    assert.equal(await logCount(server.db, tenant.id), logs);
    assert.equal(await remediationRows(), plans);
  });

  it('lets only the admins who manage the organization plan, and only super admins approve and apply', async () => {
    const body = planBody({ targetedBy: { actorIds: [suspect.userId] } });
    assertOktaError(await helpDesk('POST', '/api/v1/remediations', body), 403, 'E0000006');
    assertOktaError(await readOnly('POST', '/api/v1/remediations', body), 403, 'E0000006');
    const byOrgAdmin = await plan({ targetedBy: { actorIds: [suspect.userId] } }, ['CLEAR_SESSIONS'], orgAdmin.api);
    assert.equal((await readOnly('GET', `/api/v1/remediations/${byOrgAdmin.id}`)).status, 200);
    assertOktaError(await helpDesk('GET', `/api/v1/remediations/${byOrgAdmin.id}`), 403, 'E0000006');
    assertOktaError(await orgAdmin.api('POST', `/api/v1/remediations/${byOrgAdmin.id}/approve`), 403, 'E0000006');
    assertOktaError(await suspect.api('POST', `/api/v1/remediations/${byOrgAdmin.id}/approve`), 403, 'E0000006');
    const approved = await api('POST', `/api/v1/remediations/${byOrgAdmin.id}/approve`);
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.body.approval.by.id, tenant.adminId);
    assertOktaError(await orgAdmin.api('POST', `/api/v1/remediations/${byOrgAdmin.id}/apply`), 403, 'E0000006');
    assert.equal((await orgAdmin.api('POST', `/api/v1/remediations/${byOrgAdmin.id}/cancel`)).body.status, 'CANCELLED');
  });

  it("keeps one tenant's plans from another's admins: not found, and nothing changes", async () => {
    const p = await plan({ targetedBy: { actorIds: [suspect.userId] } }, ['CLEAR_SESSIONS']);
    const logs = await logCount(server.db, tenant.id);
    for (const [method, path] of [
      ['GET', ''], ['GET', '/report'], ['GET', '/report?format=csv'], ['POST', '/approve'], ['POST', '/apply'], ['POST', '/cancel'],
    ] as const) {
      assertOktaError(await otherApi(method, `/api/v1/remediations/${p.id}${path}`), 404, 'E0000007');
    }
    assert.deepEqual((await otherApi('GET', '/api/v1/remediations')).body, []);
    assert.equal(await logCount(server.db, tenant.id), logs);
    assert.equal((await api('GET', `/api/v1/remediations/${p.id}`)).body.status, 'PLANNED');
    // Tenant B's own plan over B's log finds none of A's users.
    const theirs = await otherApi('POST', '/api/v1/remediations', planBody({ passwordOrFactorChange: true, targetedBy: { actorIds: [suspect.userId] } }));
    assert.equal(theirs.status, 201, theirs.text);
    assert.deepEqual(theirs.body.users, []);
  });

  it('applies a plan approved by a second super admin once: each action to each user exactly once, logged, and idempotent', async () => {
    const session = await newApiSession(f, u['setPassword']);
    // What the org authorization server keeps for a user: a grant and a refresh token under it.
    const grantId = `grant-${Date.now()}`;
    await server.db.insertInto('oidc_models').values([
      { tenant_id: tenant.id, model: 'Grant', id: grantId, payload: JSON.stringify({ accountId: u['setPassword']?.id, clientId: 'app' }), grant_id: null, uid: null, expires_at: null, consumed_at: null },
      { tenant_id: tenant.id, model: 'RefreshToken', id: `rt-${Date.now()}`, payload: JSON.stringify({ grantId, clientId: 'app' }), grant_id: grantId, uid: null, expires_at: null, consumed_at: null },
    ] as never).execute();
    const privilegedApi = apiClient(server.url, privileged.token);
    assert.equal((await privilegedApi('GET', '/api/v1/users/me')).status, 200);

    const p = await plan({ passwordOrFactorChange: true });
    const path = `/api/v1/remediations/${p.id}`;
    // Four eyes: its planner may neither approve it nor apply it before a second super admin approves.
    assertOktaError(await api('POST', `${path}/approve`), 403, 'E0000006');
    assertOktaError(await api('POST', `${path}/apply`), 403, 'E0000006');
    const refusals = (await events()).filter((e) => e.transaction.detail['remediationId'] === p.id && e.outcome.result === 'DENY');
    assert.deepEqual(refusals.map((e) => [e.eventType, e.outcome.reason]), [['bulwark.remediation.approve', 'SELF_APPROVAL'], ['bulwark.remediation.apply.start', 'NOT_APPROVED']]);
    assert.equal((await api('GET', path)).body.status, 'PLANNED');

    const approved = await second.api('POST', `${path}/approve`);
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.body.status, 'APPROVED');
    assertOktaError(await second.api('POST', `${path}/approve`), 400, 'E0000001');

    // Applied twice at once: the items are shared out, never done twice.
    const [one, two] = await Promise.all([api('POST', `${path}/apply`), second.api('POST', `${path}/apply`)]);
    assert.equal(one.status, 200, one.text);
    assert.equal(two.status, 200, two.text);
    const done = await api('GET', path);
    assert.equal(done.body.status, 'COMPLETED');
    assert.deepEqual(done.body.counts, { users: 8, items: 32, pending: 0, done: 24, skipped: 8, failed: 0 });

    // The users as the actions left them.
    for (const name of ['reset', 'setPassword', 'factorsReset', 'targetedAndReset', 'selfEnrolled']) {
      assert.equal((await api('GET', `/api/v1/users/${u[name]?.id}`)).body.status, 'RECOVERY', name);
      assert.deepEqual((await api('GET', `/api/v1/users/${u[name]?.id}/factors`)).body, [], name);
    }
    assertOktaError(await api('GET', `/api/v1/sessions/${session.id}`), 404, 'E0000007');
    assertOktaError(await privilegedApi('GET', '/api/v1/users/me'), 401, 'E0000011');
    const oidc = await server.db.selectFrom('oidc_models').select('id').where('tenant_id', '=', tenant.id).where('grant_id', '=', grantId).execute();
    assert.deepEqual(oidc, []);

    // The System Log: each action's own event once per user, each item once, every event of it naming the plan.
    const all = await events();
    const ofPlan = all.filter((e) => e.transaction.detail['remediationId'] === p.id);
    const pendingUsers = ids('reset', 'setPassword', 'factorsReset', 'targetedAndReset', 'selfEnrolled', 'privileged');
    const perUser = (type: string, extra: (e: Logged) => boolean = () => true) => {
      const counts = new Map<string, number>();
      for (const e of ofPlan) if (e.eventType === type && extra(e)) for (const t of e.target.filter((x) => x.type === 'User')) counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
      return Object.fromEntries([...counts].sort());
    };
    const once = Object.fromEntries(pendingUsers.map((id) => [id, 1]));
    assert.deepEqual(perUser('user.account.reset_password'), once);
    assert.deepEqual(perUser('user.mfa.factor.reset_all'), once);
    assert.deepEqual(perUser('user.session.clear', (e) => e.debugContext.debugData['reason'] === 'admin'), once);
    assert.deepEqual(perUser('app.oauth2.token.revoke.implicit.user'), once);
    assert.deepEqual(perUser('bulwark.remediation.item.apply'), Object.fromEntries(pendingUsers.map((id) => [id, 4])));
    const revoked = ofPlan.filter((e) => e.eventType === 'system.api_token.revoke');
    assert.deepEqual(revoked.map((e) => [e.target[1]?.id, e.debugContext.debugData['reason']]), [[privileged.userId, 'remediation']]);
    const oidcEvent = ofPlan.find((e) => e.eventType === 'app.oauth2.token.revoke.implicit.user' && e.target[0]?.id === u['setPassword']?.id);
    assert.deepEqual([oidcEvent?.debugContext.debugData['grants'], oidcEvent?.debugContext.debugData['refreshTokens']], [1, 1]);
    assert.equal(ofPlan.filter((e) => e.eventType === 'bulwark.remediation.complete').length, 1);
    assert.deepEqual(ofPlan.filter((e) => e.eventType === 'bulwark.remediation.apply.start' && e.outcome.result === 'SUCCESS').map((e) => e.debugContext.debugData['resumed']).sort(), [false, true]);
    assert.deepEqual(problemsOf(all as never, oktaEventTypes(), documentedBulwarkTypes()), []);

    // Applying again changes nothing and writes nothing.
    const logs = await logCount(server.db, tenant.id);
    const again = await api('POST', `${path}/apply`);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.status, 'COMPLETED');
    assert.equal(await logCount(server.db, tenant.id), logs);

    // The final report, as JSON and as CSV.
    const report = await readOnly('GET', `${path}/report`);
    assert.equal(report.status, 200, report.text);
    assert.deepEqual(report.body.actions, ALL_ACTIONS.map((action) => ({ action, done: 6, skipped: 2, failed: 0, pending: 0 })));
    assert.equal(report.body.users.length, 8);
    const csv = await fetch(`${server.url}${path}/report?format=csv`, { headers: { authorization: `SSWS ${tenant.token}` } });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\n');
    assert.equal(lines[0], 'remediationId,userId,login,displayName,adminRoles,matched,action,state,reason,finished,eventIds');
    assert.equal(lines.length, 33);
  });

  it('skips the admin applying the plan, whose own reset would end the session applying it', async () => {
    const third = await as('SUPER_ADMIN');
    ok(await third.api('POST', `/api/v1/users/${tenant.adminId}`, { profile: { title: 'On call' } }), 'another admin touches the first');
    const p = await plan({ targetedBy: { actorIds: [third.userId] }, window: { since, until: new Date().toISOString() } }, ['CLEAR_SESSIONS']);
    assert.deepEqual(idsOf(p.users), [tenant.adminId]);
    ok(await second.api('POST', `/api/v1/remediations/${p.id}/approve`), 'approve');
    const applied = await api('POST', `/api/v1/remediations/${p.id}/apply`);
    assert.deepEqual([applied.body.status, applied.body.counts.skipped], ['COMPLETED', 1]);
    const item = (await api('GET', `/api/v1/remediations/${p.id}`)).body.users[0].items[0];
    assert.match(item.reason, /^APPLIER/);
  });

  it('refuses to approve or start a stale dry run, and to approve or apply a cancelled plan', async () => {
    const stale = await plan({ targetedBy: { actorIds: [suspect.userId] } }, ['CLEAR_SESSIONS']);
    // A day and more ago: the one state the API cannot reach without waiting, set in the table.
    await server.db.updateTable('remediations').set({ created: new Date(Date.now() - 25 * 3_600_000) }).where('tenant_id', '=', tenant.id).where('id', '=', stale.id).execute();
    assert.equal((await api('GET', `/api/v1/remediations/${stale.id}`)).body.status, 'EXPIRED');
    const logs = await logCount(server.db, tenant.id);
    assertOktaError(await second.api('POST', `/api/v1/remediations/${stale.id}/approve`), 400, 'E0000001');
    assert.equal(await logCount(server.db, tenant.id), logs);

    const cancelled = await plan({ targetedBy: { actorIds: [suspect.userId] } }, ['CLEAR_SESSIONS']);
    const res = await api('POST', `/api/v1/remediations/${cancelled.id}/cancel`);
    assert.equal(res.body.status, 'CANCELLED');
    assert.equal(res.body.cancellation.by.id, tenant.adminId);
    assertOktaError(await second.api('POST', `/api/v1/remediations/${cancelled.id}/approve`), 400, 'E0000001');
    assertOktaError(await second.api('POST', `/api/v1/remediations/${cancelled.id}/apply`), 400, 'E0000001');
    assertOktaError(await api('POST', `/api/v1/remediations/${cancelled.id}/cancel`), 400, 'E0000001');
    const listed = await api('GET', '/api/v1/remediations?limit=200');
    assert.ok(listed.body.some((r: { id: string; status: string }) => r.id === cancelled.id && r.status === 'CANCELLED'));
  });
});
