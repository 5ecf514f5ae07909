/**
 * Every route of the app, each with a way to make one fresh call that succeeds for an admin allowed to make
 * it: the objects it acts on are created for it in the right state. Matrix tests (permissions, isolation, bad
 * input) take their calls from here and check with `assertCoversApp` that no route of the app is missing.
 *
 * Two tables: ROUTES, called with an API token (or nothing, for the ops routes) at the server's address, and
 * HOST_ROUTES, the sign-in, own-session and own-factor routes that know their tenant only by the Host header
 * and their user only by credentials, a stateToken or the session cookie. They are apart because a HOST_ROUTES
 * call sent the ROUTES way fails for reasons that have nothing to do with what a test checks; every test that
 * walks ROUTES (log-events-schema.test.ts too) sends its calls with the token, so a flag there would be a trap
 * for each.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_DIST } from '../../src/web/routes.ts';
import type { HostClient } from './host-client.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';
import { adminSignIn, newAdminBrowser, newDeviceKey, newPasskeyAdmin } from './admin-session.ts';
import { newAccessRequest, newExtensionRequest } from './help-center.ts';
import { newAdminTarget, newVerification } from './verifications.ts';
import { newRemediation, quietPlanBody } from './remediations.ts';
import { investigationBody, newInvestigation } from './investigations.ts';
import {
  activationCode, addMember, enrollTotp, grant, mfaStateTokenFor, mintSessionToken, newAlert, newApiSession, newGroup, newKnownSession, newPasskeyUser, newSession, openedEnrollment,
  newToken, newTotpUser, newUser, nextCode, PASSWORD, passwordPolicyId, passwordPolicyUpdate, profileOf, sessionTokenFor, stateTokenFor, TOTP_ENROLLMENT, unique,
  mfaEnrollStateTokenFor, newRule, newZone, ruleBodyFor, signOnPolicyIdOf, zoneBody,
  appBody, newApp, newAppSecret,
  recoveryChallengeFor, recoveryStateTokenFor, recoveryTokenFor, ok,
  type Fixture, type UserRef, type WebFixture,
} from './fixtures.ts';

export type Call = {
  path: string;
  body?: unknown;
  /** The user the path names, for tests that also address it by login. */
  user?: UserRef;
};

export type RouteEntry = {
  /** A new call that succeeds for an admin allowed to make it. */
  prepare(f: Fixture): Promise<Call>;
  /** Its status on success. */
  ok: number;
  /** Whether success changes state (and so, unless `unlogged`, writes System Log events). */
  writes: boolean;
  /** Whether the route declares a JSON body schema. */
  body?: true;
  /** Whether the route declares a querystring schema. */
  query?: true;
  /** Whether it is outside /api and needs no token. */
  public?: true;
  /** Whether its success changes state without a System Log event: Okta logs no session refresh. */
  unlogged?: true;
  /**
   * Whether the route exists to refuse: no caller ever succeeds, and `ok` is the refusal's status. Bulwark's
   * admins never enroll a user's factor (POST /api/v1/users/{id}/factors); `prepare` makes the call an admin
   * tool would send.
   */
  refused?: true;
};

/**
 * A call to a host-addressed route, sent from `web`: a browser on the tenant's host holding what it needs. A
 * browser names its page's origin on a write, so tests send it with `pageHeaders(web, method)` of fixtures.ts.
 */
export type HostCall = Omit<Call, 'user'> & { web: HostClient };

/** A route of HOST_ROUTES: public by nature, so no `public` flag; its call needs a browser, so a WebFixture. */
export type HostRouteEntry = Omit<RouteEntry, 'prepare' | 'public'> & { prepare(f: WebFixture): Promise<HostCall> };

const read = (prepare: (f: Fixture) => Promise<Call>, extra: Partial<RouteEntry> = {}): RouteEntry => ({ prepare, ok: 200, writes: false, ...extra });
const write = (ok: number, prepare: (f: Fixture) => Promise<Call>, extra: Partial<RouteEntry> = {}): RouteEntry => ({ prepare, ok, writes: true, ...extra });
const fixed = (path: string) => async (): Promise<Call> => ({ path });
const hostRead = (prepare: (f: WebFixture) => Promise<HostCall>, extra: Partial<HostRouteEntry> = {}): HostRouteEntry => ({ prepare, ok: 200, writes: false, ...extra });
const hostWrite = (ok: number, prepare: (f: WebFixture) => Promise<HostCall>, extra: Partial<HostRouteEntry> = {}): HostRouteEntry => ({ prepare, ok, writes: true, ...extra });

const onUser = (state: Parameters<typeof newUser>[1], suffix = '') => async (f: Fixture): Promise<Call> => {
  const user = await newUser(f, state);
  return { path: `/api/v1/users/${user.id}${suffix}`, user };
};

/** A live session of a new ACTIVE user, made by the super admin through POST /api/v1/sessions, addressed by id. */
const onSession = (suffix = '') => async (f: Fixture): Promise<Call> => ({ path: `/api/v1/sessions/${(await newApiSession(f)).id}${suffix}` });

/** The caller's own session, by cookie: the call's browser is signed in as a new ACTIVE user. */
/** A new rule of the tenant's sign-on policy: `/api/v1/policies/{id}/rules/{ruleId}{suffix}`. */
const onRule = (suffix = '', status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE') => async (f: Fixture): Promise<Call> => {
  const rule = await newRule(f, status);
  return { path: `/api/v1/policies/${rule.policyId}/rules/${rule.ruleId}${suffix}` };
};
/** A new OIDC app (with its first client secret): `/api/v1/apps/{id}{suffix}`. */
const onApp = (suffix = '', status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE') => async (f: Fixture): Promise<Call> => ({ path: `/api/v1/apps/${(await newApp(f, status)).id}${suffix}` });

/** A second client secret of a new app: `/api/v1/apps/{id}/credentials/secrets/{secretId}{suffix}`. */
const onAppSecret = (suffix = '', status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE') => async (f: Fixture): Promise<Call> => {
  const app = await newApp(f);
  return { path: `/api/v1/apps/${app.id}/credentials/secrets/${(await newAppSecret(f, app.id, status)).id}${suffix}` };
};

const onOwnSession = (path: string) => async (f: WebFixture): Promise<HostCall> => ({ path, web: (await newSession(f)).web });

/** A new user with an ACTIVE TOTP factor, addressed by an admin: `/api/v1/users/{id}/factors{/factorId}`. */
const onUserFactor = (withFactorId: boolean) => async (f: Fixture): Promise<Call> => {
  const t = await newTotpUser(f);
  return { path: `/api/v1/users/${t.user.id}/factors${withFactorId ? `/${t.factorId}` : ''}`, user: t.user };
};

/** The signed-in user's own ACTIVE TOTP factor, by cookie: `/api/v1/users/me/factors{/factorId}`. */
const onOwnFactor = (withFactorId: boolean) => async (f: WebFixture): Promise<HostCall> => {
  const t = await newTotpUser(f);
  return { path: `/api/v1/users/me/factors${withFactorId ? `/${t.factorId}` : ''}`, web: t.web };
};

export const ROUTES: Record<string, RouteEntry> = {
  'GET /healthz': read(fixed('/healthz'), { public: true }),
  'GET /readyz': read(fixed('/readyz'), { public: true }),
  'GET /metrics': read(fixed('/metrics'), { public: true }),
  'GET /signin': read(fixed('/signin'), { public: true }),
  // The page alone, whatever the token: the page's own call to /api/v1/authn/recovery/token is what uses it.
  'GET /signin/reset-password/:token': read(fixed('/signin/reset-password/not-a-real-token'), { public: true }),
  'GET /account': read(fixed('/account'), { public: true }),
  'GET /account/*': read(fixed('/account/sessions'), { public: true }),
  'GET /welcome': read(fixed('/welcome'), { public: true }),
  'GET /verify': read(fixed('/verify'), { public: true }),
  'GET /admin': read(fixed('/admin'), { public: true }),
  'GET /admin/*': read(fixed('/admin/users'), { public: true }),
  'GET /assets/:file': read(async () => ({ path: `/assets/${readdirSync(join(WEB_DIST, 'assets')).find((f) => f.endsWith('.js')) ?? ''}` }), { public: true }),

  'GET /api/v1/users': read(fixed('/api/v1/users'), { query: true }),
  'POST /api/v1/users': write(200, async () => {
    const login = `${unique('new')}@fixture.example.com`;
    return { path: '/api/v1/users?activate=false', body: { profile: profileOf(login) } };
  }, { body: true, query: true }),
  'GET /api/v1/users/:id': read(onUser('PROVISIONED')),
  'POST /api/v1/users/:id': write(200, async (f) => ({ ...(await onUser('PROVISIONED')(f)), body: { profile: { title: unique('Title') } } }), { body: true }),
  'PUT /api/v1/users/:id': write(200, async (f) => {
    const call = await onUser('PROVISIONED')(f);
    return { ...call, body: { profile: { ...profileOf(call.user?.login ?? ''), lastName: unique('Replaced') } } };
  }, { body: true }),
  'DELETE /api/v1/users/:id': write(204, onUser('PROVISIONED'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/activate': write(200, onUser('STAGED', '/lifecycle/activate'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/reactivate': write(200, onUser('PROVISIONED', '/lifecycle/reactivate'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/deactivate': write(200, onUser('PROVISIONED', '/lifecycle/deactivate'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/suspend': write(200, onUser('ACTIVE', '/lifecycle/suspend'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/unsuspend': write(200, onUser('SUSPENDED', '/lifecycle/unsuspend'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/unlock': write(200, onUser('LOCKED_OUT', '/lifecycle/unlock'), { query: true }),
  // sendEmail=false: the answer is the recovery link (Okta's default, sendEmail=true, answers {}).
  'POST /api/v1/users/:id/lifecycle/reset_password': write(200, onUser('ACTIVE', '/lifecycle/reset_password?sendEmail=false'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/expire_password': write(200, onUser('ACTIVE', '/lifecycle/expire_password'), { query: true }),
  'POST /api/v1/users/:id/lifecycle/expire_password_with_temp_password': write(200, onUser('ACTIVE', '/lifecycle/expire_password_with_temp_password'), { query: true }),

  'GET /api/v1/users/:id/roles': read(onUser('PROVISIONED', '/roles')),
  'POST /api/v1/users/:id/roles': write(201, async (f) => ({ ...(await onUser('PROVISIONED', '/roles')(f)), body: { type: 'READ_ONLY_ADMIN' } }), { body: true }),
  'DELETE /api/v1/users/:id/roles/:roleId': write(204, async (f) => {
    const user = await newUser(f);
    const roleId = await grant(f, user.id, 'HELP_DESK_ADMIN');
    return { path: `/api/v1/users/${user.id}/roles/${roleId}`, user };
  }),
  'GET /api/v1/users/:id/groups': read(onUser('PROVISIONED', '/groups'), { query: true }),
  'DELETE /api/v1/users/:id/sessions': write(204, async (f) => {
    const { user } = await newApiSession(f);
    return { path: `/api/v1/users/${user.id}/sessions`, user };
  }, { query: true }),

  'GET /api/v1/users/:id/factors': read(onUserFactor(false)),
  'POST /api/v1/users/:id/factors': {
    prepare: async (f) => ({ ...(await onUser('ACTIVE', '/factors')(f)), body: TOTP_ENROLLMENT }),
    ok: 403,
    writes: false,
    refused: true,
  },
  'GET /api/v1/users/:id/factors/:factorId': read(onUserFactor(true)),
  'DELETE /api/v1/users/:id/factors/:factorId': write(204, onUserFactor(true)),
  'POST /api/v1/users/:id/lifecycle/reset_factors': write(200, async (f) => {
    const t = await newTotpUser(f);
    return { path: `/api/v1/users/${t.user.id}/lifecycle/reset_factors`, user: t.user };
  }),

  // Verification of the person before a reset (docs/privileged-verification.md): asked for a user who holds an
  // admin role, decided by a second admin; the fixture's verifications are asked for by a help-desk admin.
  'POST /api/v1/users/:id/verifications': write(201, async (f) => {
    const user = await newAdminTarget(f);
    return { path: `/api/v1/users/${user.id}/verifications`, body: { action: 'RESET_FACTORS', method: 'ADMIN_ATTESTATION' }, user };
  }, { body: true }),
  'GET /api/v1/users/:id/verifications': read(async (f) => {
    const v = await newVerification(f);
    return { path: `/api/v1/users/${v.user.id}/verifications`, user: v.user };
  }, { query: true }),
  // The organization's verifications waiting for a second admin.
  'GET /api/v1/verifications': read(async (f) => {
    await newVerification(f);
    return { path: '/api/v1/verifications?status=PENDING&method=ADMIN_ATTESTATION' };
  }, { query: true }),
  'GET /api/v1/users/:id/verifications/:verificationId': read(async (f) => {
    const v = await newVerification(f);
    return { path: `/api/v1/users/${v.user.id}/verifications/${v.id}`, user: v.user };
  }),
  'POST /api/v1/users/:id/verifications/:verificationId/attest': write(200, async (f) => {
    const v = await newVerification(f);
    return { path: `/api/v1/users/${v.user.id}/verifications/${v.id}/attest`, body: { statement: 'Visual verification on a video call' }, user: v.user };
  }, { body: true }),
  'POST /api/v1/users/:id/verifications/:verificationId/deny': write(200, async (f) => {
    const v = await newVerification(f);
    return { path: `/api/v1/users/${v.user.id}/verifications/${v.id}/deny`, body: { note: 'Not the person on the call' }, user: v.user };
  }, { body: true }),

  'POST /api/v1/sessions': write(200, async (f) => ({ path: '/api/v1/sessions', body: { sessionToken: await mintSessionToken(f, await newUser(f, 'ACTIVE')) } }), { body: true }),
  'GET /api/v1/sessions/:id': read(onSession()),
  'POST /api/v1/sessions/:id/lifecycle/refresh': write(200, onSession('/lifecycle/refresh'), { unlogged: true }),
  'DELETE /api/v1/sessions/:id': write(204, onSession()),

  'GET /api/v1/groups': read(fixed('/api/v1/groups'), { query: true }),
  'POST /api/v1/groups': write(200, async () => ({ path: '/api/v1/groups', body: { profile: { name: unique('Created'), description: 'made by a matrix test' } } }), { body: true }),
  'GET /api/v1/groups/:groupId': read(async (f) => ({ path: `/api/v1/groups/${(await newGroup(f)).id}` })),
  'PUT /api/v1/groups/:groupId': write(200, async (f) => ({ path: `/api/v1/groups/${(await newGroup(f)).id}`, body: { profile: { name: unique('Renamed'), description: null } } }), { body: true }),
  'DELETE /api/v1/groups/:groupId': write(204, async (f) => ({ path: `/api/v1/groups/${(await newGroup(f)).id}` })),
  'GET /api/v1/groups/:groupId/users': read(async (f) => ({ path: `/api/v1/groups/${(await newGroup(f)).id}/users` }), { query: true }),
  'PUT /api/v1/groups/:groupId/users/:userId': write(204, async (f) => {
    const [group, user] = await Promise.all([newGroup(f), newUser(f)]);
    return { path: `/api/v1/groups/${group.id}/users/${user.id}`, user };
  }),
  'DELETE /api/v1/groups/:groupId/users/:userId': write(204, async (f) => {
    const [group, user] = await Promise.all([newGroup(f), newUser(f)]);
    await addMember(f, group.id, user.id);
    return { path: `/api/v1/groups/${group.id}/users/${user.id}`, user };
  }),

  'GET /api/v1/api-tokens': read(fixed('/api/v1/api-tokens')),
  'POST /api/v1/api-tokens': write(201, async () => ({ path: '/api/v1/api-tokens', body: { name: unique('matrix') } }), { body: true }),
  'GET /api/v1/api-tokens/:id': read(async (f) => ({ path: `/api/v1/api-tokens/${(await newToken(f)).id}` })),
  'DELETE /api/v1/api-tokens/:id': write(204, async (f) => ({ path: `/api/v1/api-tokens/${(await newToken(f)).id}` })),

  'GET /api/v1/logs': read(fixed('/api/v1/logs'), { query: true }),
  'GET /api/v1/alerts': read(fixed('/api/v1/alerts'), { query: true }),
  'GET /api/v1/alerts/:id': read(async (f) => ({ path: `/api/v1/alerts/${(await newAlert(f)).id}` })),

  'GET /api/v1/support-access/grants': read(fixed('/api/v1/support-access/grants'), { query: true }),
  'GET /api/v1/support-access/grants/:grantId': read(async (f) => ({ path: `/api/v1/support-access/grants/${(await newAccessRequest(f)).id}` })),
  'POST /api/v1/support-access/grants/:grantId/approve': write(200, async (f) => ({ path: `/api/v1/support-access/grants/${(await newAccessRequest(f)).id}/approve`, body: { note: 'Go ahead' } }), { body: true }),
  'POST /api/v1/support-access/grants/:grantId/deny': write(200, async (f) => ({ path: `/api/v1/support-access/grants/${(await newAccessRequest(f)).id}/deny`, body: { note: 'Not now' } }), { body: true }),
  'POST /api/v1/support-access/grants/:grantId/revoke': write(200, async (f) => ({ path: `/api/v1/support-access/grants/${(await newAccessRequest(f)).id}/revoke` })),
  'POST /api/v1/support-access/grants/:grantId/extension/approve': write(200, async (f) => ({ path: `/api/v1/support-access/grants/${(await newExtensionRequest(f)).id}/extension/approve`, body: { note: 'One more hour' } }), { body: true }),
  'POST /api/v1/support-access/grants/:grantId/extension/deny': write(200, async (f) => ({ path: `/api/v1/support-access/grants/${(await newExtensionRequest(f)).id}/extension/deny`, body: { note: 'Not now' } }), { body: true }),
  'GET /api/v1/support-access/policy': read(fixed('/api/v1/support-access/policy')),
  // SEV1 only: the fixtures' cases are SEV2, so this policy approves none of the requests other routes' calls make.
  'PUT /api/v1/support-access/policy': write(200, async () => ({
    path: '/api/v1/support-access/policy', body: { rules: [{ name: unique('Sev-1 logs'), scopes: ['okta.logs.read'], severities: ['SEV1'], maxDurationMinutes: 60 }] },
  }), { body: true }),
  'GET /api/v1/support-access/activity': read(fixed('/api/v1/support-access/activity?after=0'), { query: true }),
  'GET /api/v1/support-access/history': read(fixed('/api/v1/support-access/history?format=ndjson'), { query: true }),

  // Remediation after an incident (docs/remediation.md): plans of the operator's that select nobody.
  'GET /api/v1/investigations': read(fixed('/api/v1/investigations'), { query: true }),
  'POST /api/v1/investigations': write(201, async () => ({ path: '/api/v1/investigations', body: investigationBody() }), { body: true }),
  'GET /api/v1/investigations/:id': read(async (f) => ({ path: `/api/v1/investigations/${await newInvestigation(f)}` })),
  'DELETE /api/v1/investigations/:id': write(204, async (f) => ({ path: `/api/v1/investigations/${await newInvestigation(f)}` })),
  'GET /api/v1/investigations/:id/blast-radius': read(async (f) => ({ path: `/api/v1/investigations/${await newInvestigation(f)}/blast-radius` })),
  'GET /api/v1/investigations/:id/timeline': read(async (f) => ({ path: `/api/v1/investigations/${await newInvestigation(f)}/timeline?limit=5` }), { query: true }),
  'GET /api/v1/investigations/:id/pivots/:kind': read(async (f) => ({ path: `/api/v1/investigations/${await newInvestigation(f)}/pivots/ip?value=192.0.2.1` }), { query: true }),
  // A download of people's data is logged with its size and digest.
  'GET /api/v1/investigations/:id/report': write(200, async (f) => ({ path: `/api/v1/investigations/${await newInvestigation(f)}/report?format=json` }), { query: true }),
  'GET /api/v1/remediations': read(fixed('/api/v1/remediations'), { query: true }),
  'POST /api/v1/remediations': write(201, async () => ({ path: '/api/v1/remediations', body: quietPlanBody() }), { body: true }),
  'GET /api/v1/remediations/:id': read(async (f) => ({ path: `/api/v1/remediations/${await newRemediation(f)}` })),
  'GET /api/v1/remediations/:id/report': read(async (f) => ({ path: `/api/v1/remediations/${await newRemediation(f)}/report?format=csv` }), { query: true }),
  'POST /api/v1/remediations/:id/approve': write(200, async (f) => ({ path: `/api/v1/remediations/${await newRemediation(f)}/approve` })),
  'POST /api/v1/remediations/:id/apply': write(200, async (f) => ({ path: `/api/v1/remediations/${await newRemediation(f, 'APPROVED')}/apply` })),
  'POST /api/v1/remediations/:id/cancel': write(200, async (f) => ({ path: `/api/v1/remediations/${await newRemediation(f)}/cancel` })),

  'GET /api/v1/policies': read(fixed('/api/v1/policies?type=PASSWORD'), { query: true }),
  'GET /api/v1/policies/:id': read(async (f) => ({ path: `/api/v1/policies/${await passwordPolicyId(f)}` })),
  'PUT /api/v1/policies/:id': write(200, async (f) => {
    const { id, body } = await passwordPolicyUpdate(f);
    return { path: `/api/v1/policies/${id}`, body };
  }, { body: true }),
  'GET /api/v1/policies/:id/rules': read(async (f) => ({ path: `/api/v1/policies/${await signOnPolicyIdOf(f)}/rules` })),
  'POST /api/v1/policies/:id/rules': write(200, async (f) => {
    const group = await newGroup(f);
    return { path: `/api/v1/policies/${await signOnPolicyIdOf(f)}/rules`, body: ruleBodyFor(group.id) };
  }, { body: true }),
  'GET /api/v1/policies/:id/rules/:ruleId': read(onRule()),
  'PUT /api/v1/policies/:id/rules/:ruleId': write(200, async (f) => {
    const rule = await newRule(f);
    return { path: `/api/v1/policies/${rule.policyId}/rules/${rule.ruleId}`, body: ruleBodyFor(rule.groupId, { access: 'DENY' }) };
  }, { body: true }),
  'DELETE /api/v1/policies/:id/rules/:ruleId': write(204, onRule()),
  'POST /api/v1/policies/:id/rules/:ruleId/lifecycle/activate': write(204, onRule('/lifecycle/activate', 'INACTIVE')),
  'POST /api/v1/policies/:id/rules/:ruleId/lifecycle/deactivate': write(204, onRule('/lifecycle/deactivate')),

  'GET /api/v1/zones': read(fixed('/api/v1/zones')),
  'POST /api/v1/zones': write(200, async () => ({ path: '/api/v1/zones', body: zoneBody() }), { body: true }),
  'GET /api/v1/zones/:id': read(async (f) => ({ path: `/api/v1/zones/${(await newZone(f)).id}` })),
  'PUT /api/v1/zones/:id': write(200, async (f) => ({ path: `/api/v1/zones/${(await newZone(f)).id}`, body: zoneBody() }), { body: true }),
  'GET /api/v1/admin/settings/session': read(fixed('/api/v1/admin/settings/session')),
  'PUT /api/v1/admin/settings/session': write(200, async () => ({
    path: '/api/v1/admin/settings/session',
    body: { maxSessionIdleMinutes: 15, maxSessionLifetimeMinutes: 720, protectedActionMinutes: 5, asnBinding: { enabled: true, allowedAsns: [], allowedRanges: [] } },
  }), { body: true }),
  'DELETE /api/v1/zones/:id': write(204, async (f) => ({ path: `/api/v1/zones/${(await newZone(f)).id}` })),
  'POST /api/v1/zones/:id/lifecycle/activate': write(200, async (f) => ({ path: `/api/v1/zones/${(await newZone(f, 'INACTIVE')).id}/lifecycle/activate` })),
  'POST /api/v1/zones/:id/lifecycle/deactivate': write(200, async (f) => ({ path: `/api/v1/zones/${(await newZone(f)).id}/lifecycle/deactivate` })),

  'GET /api/v1/apps': read(fixed('/api/v1/apps'), { query: true }),
  'POST /api/v1/apps': write(200, async () => ({ path: '/api/v1/apps?activate=true', body: appBody() }), { body: true, query: true }),
  'GET /api/v1/apps/:appId': read(onApp()),
  'PUT /api/v1/apps/:appId': write(200, async (f) => ({ ...(await onApp()(f)), body: appBody(unique('Renamed')) }), { body: true }),
  'DELETE /api/v1/apps/:appId': write(204, onApp('', 'INACTIVE')),
  'POST /api/v1/apps/:appId/lifecycle/activate': write(200, onApp('/lifecycle/activate', 'INACTIVE')),
  'POST /api/v1/apps/:appId/lifecycle/deactivate': write(200, onApp('/lifecycle/deactivate')),
  'GET /api/v1/apps/:appId/credentials/secrets': read(onApp('/credentials/secrets')),
  // The body is optional (Okta's), so no `body` flag: an empty request is a valid one.
  'POST /api/v1/apps/:appId/credentials/secrets': write(201, async (f) => ({ ...(await onApp('/credentials/secrets')(f)), body: {} })),
  'GET /api/v1/apps/:appId/credentials/secrets/:secretId': read(onAppSecret()),
  'POST /api/v1/apps/:appId/credentials/secrets/:secretId/lifecycle/activate': write(200, onAppSecret('/lifecycle/activate', 'INACTIVE')),
  'POST /api/v1/apps/:appId/credentials/secrets/:secretId/lifecycle/deactivate': write(200, onAppSecret('/lifecycle/deactivate')),
  'DELETE /api/v1/apps/:appId/credentials/secrets/:secretId': write(204, onAppSecret('', 'INACTIVE')),
  'GET /api/v1/apps/:appId/users': read(onApp('/users'), { query: true }),
  'POST /api/v1/apps/:appId/users': write(200, async (f) => {
    const [call, user] = await Promise.all([onApp('/users')(f), newUser(f)]);
    return { ...call, body: { id: user.id, scope: 'USER' } };
  }, { body: true }),
  'GET /api/v1/apps/:appId/users/:userId': read(async (f) => {
    const [app, user] = await Promise.all([newApp(f), newUser(f)]);
    await f.api('POST', `/api/v1/apps/${app.id}/users`, { id: user.id });
    return { path: `/api/v1/apps/${app.id}/users/${user.id}` };
  }),
  'DELETE /api/v1/apps/:appId/users/:userId': write(204, async (f) => {
    const [app, user] = await Promise.all([newApp(f), newUser(f)]);
    await f.api('POST', `/api/v1/apps/${app.id}/users`, { id: user.id });
    return { path: `/api/v1/apps/${app.id}/users/${user.id}` };
  }),
  'GET /api/v1/apps/:appId/groups': read(onApp('/groups'), { query: true }),
  // The body is optional here too.
  'PUT /api/v1/apps/:appId/groups/:groupId': write(200, async (f) => {
    const [app, group] = await Promise.all([newApp(f), newGroup(f)]);
    return { path: `/api/v1/apps/${app.id}/groups/${group.id}`, body: { priority: 1 } };
  }),
  'GET /api/v1/apps/:appId/groups/:groupId': read(async (f) => {
    const [app, group] = await Promise.all([newApp(f), newGroup(f)]);
    await f.api('PUT', `/api/v1/apps/${app.id}/groups/${group.id}`);
    return { path: `/api/v1/apps/${app.id}/groups/${group.id}` };
  }),
  'DELETE /api/v1/apps/:appId/groups/:groupId': write(204, async (f) => {
    const [app, group] = await Promise.all([newApp(f), newGroup(f)]);
    await f.api('PUT', `/api/v1/apps/${app.id}/groups/${group.id}`);
    return { path: `/api/v1/apps/${app.id}/groups/${group.id}` };
  }),
};

export const HOST_ROUTES: Record<string, HostRouteEntry> = {
  'POST /api/v1/authn': hostWrite(200, async (f) => {
    const user = await newUser(f, 'ACTIVE');
    return { path: '/api/v1/authn', body: { username: user.login, password: PASSWORD }, web: f.web() };
  }, { body: true }),
  'POST /api/v1/authn/credentials/change_password': hostWrite(200, async (f) => {
    const web = f.web();
    const stateToken = await stateTokenFor(web, await newUser(f, 'PASSWORD_EXPIRED'));
    return { path: '/api/v1/authn/credentials/change_password', body: { stateToken, oldPassword: PASSWORD, newPassword: unique('New-Pass-7') }, web };
  }, { body: true }),
  'GET /login/sessionCookieRedirect': hostWrite(302, async (f) => {
    const web = f.web();
    const token = await sessionTokenFor(web, await newUser(f, 'ACTIVE'));
    return { path: `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2F`, web };
  }, { query: true }),

  'POST /api/v1/admin/session': hostWrite(200, async (f) => {
    const authenticator = new SoftAuthenticator();
    await newPasskeyAdmin(f, authenticator);
    const web = f.web();
    return { path: '/api/v1/admin/session', body: { sessionToken: await adminSignIn(web, authenticator), publicKey: newDeviceKey().publicJwk }, web };
  }, { body: true }),
  'GET /api/v1/admin/session': hostRead(async (f) => ({ path: '/api/v1/admin/session', web: await newAdminBrowser(f) })),
  'DELETE /api/v1/admin/session': hostWrite(204, async (f) => ({ path: '/api/v1/admin/session', web: await newAdminBrowser(f) })),
  'POST /api/v1/admin/session/step-up': hostWrite(200, async (f) => {
    const admin = await newAdminBrowser(f);
    return { path: '/api/v1/admin/session/step-up', body: { sessionToken: await adminSignIn(admin.web, admin.authenticator) }, web: admin };
  }, { body: true }),
  'GET /api/v1/sessions/me': hostRead(onOwnSession('/api/v1/sessions/me')),
  'POST /api/v1/sessions/me/lifecycle/refresh': hostWrite(200, onOwnSession('/api/v1/sessions/me/lifecycle/refresh'), { unlogged: true }),
  'DELETE /api/v1/sessions/me': hostWrite(204, onOwnSession('/api/v1/sessions/me')),
  'GET /api/v1/users/me/sessions': hostRead(onOwnSession('/api/v1/users/me/sessions')),
  'DELETE /api/v1/users/me/sessions': hostWrite(204, onOwnSession('/api/v1/users/me/sessions')),
  'DELETE /api/v1/users/me/sessions/:id': hostWrite(204, async (f) => {
    const s = await newSession(f);
    return { path: `/api/v1/users/me/sessions/${s.id}`, web: s.web };
  }),

  'GET /idp/myaccount/profile': hostRead(onOwnSession('/idp/myaccount/profile')),
  'PUT /idp/myaccount/profile': hostWrite(200, async (f) => {
    const { web } = await newSession(f);
    const { profile } = (await web('GET', '/idp/myaccount/profile')).body;
    return { path: '/idp/myaccount/profile', body: { profile: { ...profile, nickName: unique('Nick') } }, web };
  }, { body: true }),

  'GET /api/v1/users/me/factors': hostRead(onOwnFactor(false)),
  'POST /api/v1/users/me/factors': hostWrite(200, async (f) => ({ path: '/api/v1/users/me/factors', body: TOTP_ENROLLMENT, web: (await newKnownSession(f)).web }), { body: true }),
  'GET /api/v1/users/me/factors/:factorId': hostRead(onOwnFactor(true)),
  'POST /api/v1/users/me/factors/:factorId/lifecycle/activate': hostWrite(200, async (f) => {
    const { web } = await newKnownSession(f);
    const pending = await enrollTotp(web);
    return { path: `/api/v1/users/me/factors/${pending.id}/lifecycle/activate`, body: { passCode: activationCode(pending) }, web };
  }, { body: true }),
  'DELETE /api/v1/users/me/factors/:factorId': hostWrite(204, onOwnFactor(true)),
  'POST /api/v1/authn/factors/:factorId/verify': hostWrite(200, async (f) => {
    const t = await newTotpUser(f);
    const web = f.web();
    return { path: `/api/v1/authn/factors/${t.factorId}/verify`, body: { stateToken: await mfaStateTokenFor(web, t.user), passCode: nextCode(t) }, web };
  }, { body: true }),
  // A challenge is sign-in state, like a stateToken: stored, not logged; the verify that uses it is.
  'POST /api/v1/authn/passkey': hostWrite(200, async (f) => ({ path: '/api/v1/authn/passkey', body: {}, web: f.web() }), { body: true, unlogged: true }),
  'POST /api/v1/authn/passkey/verify': hostWrite(200, async (f) => {
    const authenticator = new SoftAuthenticator();
    await newPasskeyUser(f, authenticator);
    const web = f.web();
    const start = await web('POST', '/api/v1/authn/passkey', {});
    return { path: '/api/v1/authn/passkey/verify', body: { stateToken: start.body.stateToken, credential: authenticator.get(start.body._embedded.challenge, `http://${web.host}`) }, web };
  }, { body: true }),
  'POST /api/v1/authn/factors': hostWrite(200, async (f) => {
    const web = f.web();
    const { stateToken } = await mfaEnrollStateTokenFor(f, web);
    return { path: '/api/v1/authn/factors', body: { stateToken, ...TOTP_ENROLLMENT }, web };
  }, { body: true }),
  'POST /api/v1/authn/recovery/token': hostWrite(200, async (f) => ({
    path: '/api/v1/authn/recovery/token', body: { recoveryToken: await recoveryTokenFor(f, await newUser(f, 'ACTIVE')) }, web: f.web(),
  }), { body: true }),
  // Like a passkey challenge, a recovery's start is stored and not logged (nothing is known yet); its answer is.
  'POST /api/v1/authn/recovery/password': hostWrite(200, async (f) => {
    const user = await newUser(f, 'ACTIVE');
    return { path: '/api/v1/authn/recovery/password', body: { username: user.login }, web: f.web() };
  }, { body: true, unlogged: true }),
  'POST /api/v1/authn/recovery/factors/:factorType/verify': hostWrite(200, async (f) => {
    const t = await newTotpUser(f);
    const web = f.web();
    return { path: '/api/v1/authn/recovery/factors/token:software:totp/verify', body: { stateToken: await recoveryChallengeFor(web, t.user, 'token:software:totp'), passCode: nextCode(t) }, web };
  }, { body: true }),
  'POST /api/v1/authn/credentials/reset_password': hostWrite(200, async (f) => {
    const web = f.web();
    return { path: '/api/v1/authn/credentials/reset_password', body: { stateToken: await recoveryStateTokenFor(f, web), newPassword: unique('Recovered-Pass-7') }, web };
  }, { body: true }),
  // The user's page behind a verification link: a challenge is a step of the ceremony (stored, not logged), its answer is logged.
  'POST /api/v1/verifications/challenge': hostWrite(200, async (f) => {
    const v = await newVerification(f, { method: 'TARGET_PASSKEY', authenticator: new SoftAuthenticator() });
    return { path: '/api/v1/verifications/challenge', body: { token: v.token }, web: f.web() };
  }, { body: true, unlogged: true }),
  'POST /api/v1/verifications/verify': hostWrite(200, async (f) => {
    const authenticator = new SoftAuthenticator();
    const v = await newVerification(f, { method: 'TARGET_PASSKEY', authenticator });
    const web = f.web();
    const challenged = ok(await web('POST', '/api/v1/verifications/challenge', { token: v.token }), 'verification challenge');
    return { path: '/api/v1/verifications/verify', body: { token: v.token, credential: authenticator.get(challenged.body.challenge, `http://${web.host}`) }, web };
  }, { body: true }),
  'POST /api/v1/authn/factors/:factorId/lifecycle/activate': hostWrite(200, async (f) => {
    const web = f.web();
    const opened = await openedEnrollment(f, web);
    const credential = new SoftAuthenticator().create(opened.options, `http://${web.host}`);
    return { path: `/api/v1/authn/factors/${opened.factorId}/lifecycle/activate`, body: { stateToken: opened.stateToken, credential }, web };
  }, { body: true }),
};

/** The keys of both tables: the routes the catalog covers. */
export function catalogKeys(): string[] {
  return [...Object.keys(ROUTES), ...Object.keys(HOST_ROUTES)];
}

export function methodOf(key: string): string {
  return key.split(' ')[0] ?? '';
}

/** Whether the route names an object of the tenant in its path. */
export function namesObject(key: string): boolean {
  // The web app's files and pages are the same for every tenant: a file name names no tenant's object, and the
  // reset link's page only reads its token, which the page's own call (a HOST_ROUTES one) hands to its tenant.
  return key.includes('/:') && !key.startsWith('GET /assets/') && key !== 'GET /signin/reset-password/:token';
}
