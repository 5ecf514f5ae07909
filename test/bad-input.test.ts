/**
 * Bad input on every route: broken JSON, wrong types, unknown fields, oversize bodies, other content types,
 * illegal lifecycle transitions, unparsable filters and bad paging. Each must get Okta's error object with a
 * 4xx status, never a 5xx, and must leave the tenant exactly as it was: its sessions, unused sessionTokens
 * and unfinished sign-ins included, so a refused request cannot use up a token or end a session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { apiClient, assertOktaError, createTestTenant, logCount, startTestServer, type Api, type ApiResponse, type TestServer, type TestTenant } from './helpers.ts';
import { assertCoversApp, listAppRoutes } from './support/app-routes.ts';
import { generatedBody, generatedExpression, generatedQuery, nearlyValidGroup, nearlyValidToken, nearlyValidUser } from './support/arbitraries.ts';
import {
  activationCode, enrollTotp, mfaStateTokenFor, mintSessionToken, newAlert, newApiSession, newKnownSession, newTotpUser, newUser, nextCode, pageHeaders, PASSWORD,
  passwordPolicyId, passwordPolicyUpdate, sessionTokenFor, stateTokenFor, totpCode, TOTP_ENROLLMENT, USER_STATES, type Fixture, type UserState, type WebFixture,
  recoveryChallengeFor, recoveryTokenFor, ok,
} from './support/fixtures.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { catalogKeys, HOST_ROUTES, methodOf, ROUTES, type Call, type HostRouteEntry, type RouteEntry } from './support/route-catalog.ts';
import { tenantFingerprint, tenantState } from './support/tenant-state.ts';

/** The status, and the code or the codes Okta could answer with. */
type Expect = { status: number; code: string | readonly string[] };

/** A catalog call ready to send: host-addressed ones carry the browser they must be sent from. */
type Prepared = { key: string; call: Call; web: HostClient | undefined };

const long = (n: number) => 'x'.repeat(n);

describe('bad input', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let f: WebFixture;
  const bodyLimit = 64 * 1024;

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '1000000', BULWARK_BODY_LIMIT_BYTES: String(bodyLimit) } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token), web: () => hostClient(server.url, tenant.slug) };
  });
  after(() => server.close());

  /** Sends raw bytes with a content type of our choosing: with the token, or from `web` at the tenant's host. */
  async function raw(method: string, path: string, body: string, contentType: string, web?: HostClient): Promise<ApiResponse> {
    if (web) return web(method, path, body, { ...pageHeaders(web, method), 'content-type': contentType });
    const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `SSWS ${tenant.token}`, accept: 'application/json', 'content-type': contentType }, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  type Refusal = [what: string, expected: Expect | readonly Expect[], send: () => Promise<ApiResponse>];

  /**
   * Runs `send`, expects the Okta error (one of them, when given several), and checks the tenant did not
   * change; returns a failure or null. `before`, when given, is the tenant's digest as it stands (known from
   * the refusal just checked); the digest after is returned with the verdict, for the next one.
   */
  async function check([what, expected, send]: Refusal, known?: string): Promise<{ failure: string | null; after?: string }> {
    const before = known ?? await tenantFingerprint(server.db, tenant.id);
    const res = await send();
    const options: readonly Expect[] = 'status' in expected ? [expected] : expected;
    const match = options.find((e) => e.status === res.status) ?? (options[0] as Expect);
    const codes = typeof match.code === 'string' ? [match.code] : match.code;
    try {
      assertOktaError(res, match.status, codes.includes(res.body?.errorCode) ? res.body.errorCode : codes.join(' or '));
    } catch (err) {
      return { failure: `${what}: ${(err as Error).message.slice(0, 300)}` };
    }
    const after = await tenantFingerprint(server.db, tenant.id);
    if (after !== before) return { failure: `${what}: answered ${match.status} but the tenant changed` };
    return { failure: null, after };
  }

  async function refused(...refusal: Refusal): Promise<string | null> {
    return (await check(refusal)).failure;
  }

  /**
   * Refusals sent one after another with nothing else in between: each one's digest after is the next one's
   * before, which halves the digests of the loops over every route (once one fails, the next reads it afresh).
   */
  async function refusedInTurn(refusals: Refusal[]): Promise<(string | null)[]> {
    const failures: (string | null)[] = [];
    let known: string | undefined;
    for (const refusal of refusals) {
      const { failure, after } = await check(refusal, known);
      failures.push(failure);
      known = after;
    }
    return failures;
  }

  /** Each route of both catalog tables that `wanted` picks, with a fresh call. */
  async function* prepared(wanted: (key: string, entry: RouteEntry | HostRouteEntry) => boolean): AsyncGenerator<Prepared> {
    for (const [key, entry] of Object.entries(ROUTES)) if (wanted(key, entry)) yield { key, call: await entry.prepare(f), web: undefined };
    for (const [key, entry] of Object.entries(HOST_ROUTES)) {
      if (!wanted(key, entry)) continue;
      const call = await entry.prepare(f);
      yield { key, call, web: call.web };
    }
  }

  it('covers every route the app serves', async () => {
    assertCoversApp(await listAppRoutes(server.db), catalogKeys());
    // The "nothing was written" check below is only as good as the fingerprint: a write must change it.
    const before = await tenantFingerprint(server.db, tenant.id);
    ok(await f.api('POST', '/api/v1/groups', { profile: { name: 'Fingerprint check', description: null } }), 'a write');
    assert.notEqual(await tenantFingerprint(server.db, tenant.id), before);
  });

  it('refuses broken JSON, other content types and oversize bodies on every route that changes state', async () => {
    const failures: (string | null)[] = [];
    const oversize = JSON.stringify({ profile: { title: 'x'.repeat(bodyLimit) } });
    // GET /login/sessionCookieRedirect changes state too, but nothing reads a GET's body: its input is the query.
    for await (const { key, call, web } of prepared((k, entry) => entry.writes && methodOf(k) !== 'GET')) {
      const method = methodOf(key);
      failures.push(...await refusedInTurn([
        [`${key} broken JSON`, { status: 400, code: 'E0000003' }, () => raw(method, call.path, '{"profile": {"login": ', 'application/json', web)],
        [`${key} JSON with trailing garbage`, { status: 400, code: 'E0000003' }, () => raw(method, call.path, '{} {}', 'application/json', web)],
        [`${key} text/plain`, { status: 415, code: 'E0000002' }, () => raw(method, call.path, JSON.stringify(call.body ?? {}), 'text/plain', web)],
        [`${key} form`, { status: 415, code: 'E0000002' }, () => raw(method, call.path, 'profile=x', 'application/x-www-form-urlencoded', web)],
        [`${key} multipart`, { status: 415, code: 'E0000002' }, () => raw(method, call.path, '--b\r\n\r\nx\r\n--b--', 'multipart/form-data; boundary=b', web)],
        [`${key} over the body limit`, { status: 413, code: 'E0000001' }, () => raw(method, call.path, oversize, 'application/json', web)],
      ]));
    }
    assert.deepEqual(failures.filter(Boolean), []);
  });

  it('refuses bodies of the wrong shape, wrong types and unknown fields on every route with a body', async () => {
    const failures: (string | null)[] = [];
    const bad: Expect = { status: 400, code: 'E0000001' };
    for await (const { key, call, web } of prepared((_, entry) => entry.body === true)) {
      const method = methodOf(key);
      const valid = call.body as Record<string, unknown>;
      const variants: [string, unknown][] = [
        ['an array', [valid]],
        ['a string', 'profile'],
        ['a number', 42],
        ['null', null],
        ['an unknown top-level field', { ...valid, isAdmin: true }],
        // A number for a string is left out: Okta's JSON binding accepts it as the string's digits too.
        ...Object.keys(valid).flatMap((k): [string, unknown][] => [
          typeof valid[k] === 'object' ? [`${k} as a number`, { ...valid, [k]: 12345 }] : [`${k} as an object`, { ...valid, [k]: { value: valid[k] } }],
          [`${k} as an array`, { ...valid, [k]: [valid[k]] }],
        ]),
      ];
      const inner = Object.entries(valid).find(([, v]) => typeof v === 'object' && v !== null && !Array.isArray(v));
      if (inner) {
        const [k, v] = inner as [string, Record<string, unknown>];
        variants.push([`an unknown field in ${k}`, { ...valid, [k]: { ...v, 'not valid!': 'x' } }]);
        for (const field of Object.keys(v)) variants.push([`${k}.${field} as an object`, { ...valid, [k]: { ...v, [field]: { nested: true } } }]);
      }
      failures.push(...await refusedInTurn([
        ...variants.map(([what, body]): Refusal => [`${key} with ${what}`, bad, () => raw(method, call.path, JSON.stringify(body), 'application/json', web)]),
        [`${key} with no body`, bad, () => raw(method, call.path, '', 'application/json', web)],
      ]));
    }
    assert.deepEqual(failures.filter(Boolean), []);
  });

  it('refuses unknown and mistyped query parameters on every route with a query schema', async () => {
    const failures: (string | null)[] = [];
    const bad: Expect = { status: 400, code: 'E0000001' };
    for await (const { key, call, web } of prepared((_, entry) => entry.query === true)) {
      const method = methodOf(key);
      const sep = call.path.includes('?') ? '&' : '?';
      const send = (q: string) => () => (web ? web(method, `${call.path}${sep}${q}`, call.body, pageHeaders(web, method)) : f.api(method, `${call.path}${sep}${q}`, call.body));
      failures.push(await refused(`${key} ?isAdmin=true`, bad, send('isAdmin=true')));
      failures.push(await refused(`${key} ?limit=lots`, bad, send('limit=lots')));
    }
    // The lifecycle operations with Okta's query parameters (sendEmail and the like); reset_factors has none.
    const lifecycle = Object.keys(ROUTES).filter((k) => k.includes('/users/:id/lifecycle/') && ROUTES[k]?.query);
    for (const key of lifecycle) {
      const call = await ROUTES[key]?.prepare(f);
      if (!call) continue;
      failures.push(await refused(`${key} ?sendEmail=perhaps`, bad, () => f.api('POST', `${call.path}?sendEmail=perhaps`)));
    }
    const clear = await ROUTES['DELETE /api/v1/users/:id/sessions']?.prepare(f);
    if (clear) failures.push(await refused('DELETE /api/v1/users/:id/sessions ?oauthTokens=perhaps', bad, () => f.api('DELETE', `${clear.path}?oauthTokens=perhaps`)));
    failures.push(await refused('POST /api/v1/users?activate=maybe', bad, () => f.api('POST', '/api/v1/users?activate=maybe', { profile: { login: 'q@example.com', email: 'q@example.com', firstName: 'Q', lastName: 'Q' } })));
    failures.push(await refused('POST /api/v1/users?nextLogin=never', bad, () => f.api('POST', '/api/v1/users?nextLogin=never', { profile: { login: 'q@example.com', email: 'q@example.com', firstName: 'Q', lastName: 'Q' } })));
    assert.deepEqual(failures.filter(Boolean), []);
  });

  it('answers bad paging on every list with an Okta error', async () => {
    const group = (await f.api('POST', '/api/v1/groups', { profile: { name: 'Paging' } })).body.id as string;
    await newAlert(f);
    const lists = ['/api/v1/users', '/api/v1/groups', `/api/v1/groups/${group}/users`, `/api/v1/users/${tenant.adminId}/groups`, '/api/v1/logs', '/api/v1/alerts', '/api/v1/apps'];
    const failures: (string | null)[] = [];
    for (const list of lists) {
      const isLogs = list === '/api/v1/logs';
      // The System Log and the alerts take at most 1000 and 200 a page, and their cursors have a form of their own.
      const ownCursor = isLogs || list === '/api/v1/alerts';
      const overMax = isLogs ? ['1001'] : list === '/api/v1/alerts' ? ['0', '201'] : ['0'];
      for (const limit of ['-1', '1.5', 'abc', '100001', ...overMax]) {
        failures.push(await refused(`${list}?limit=${limit}`, { status: 400, code: 'E0000001' }, () => f.api('GET', `${list}?limit=${limit}`)));
      }
      failures.push(await refused(`${list}?after= (empty)`, { status: 400, code: 'E0000001' }, () => f.api('GET', `${list}?after=`)));
      const badCursor: Expect = ownCursor ? { status: 400, code: 'E0000001' } : { status: 400, code: 'E0000029' };
      for (const after of ['not-a-cursor', "00u' or 1=1 --", 'x'.repeat(100)]) {
        failures.push(await refused(`${list}?after=${after}`, badCursor, () => f.api('GET', `${list}?after=${encodeURIComponent(after)}`)));
      }
    }
    assert.deepEqual(failures.filter(Boolean), []);
  });

  it('answers filters and searches that do not parse, or that Okta does not allow, with the right code', async () => {
    const failures: (string | null)[] = [];
    const search: Expect = { status: 400, code: 'E0000031' };
    const cases: [string, Expect][] = [
      ['/api/v1/users?filter=status eq', search],
      ['/api/v1/users?filter=status eqq "ACTIVE"', search],
      ['/api/v1/users?filter=(status eq "ACTIVE"', search],
      ['/api/v1/users?filter=status ne "ACTIVE"', search],
      ['/api/v1/users?filter=not (status eq "ACTIVE")', search],
      ['/api/v1/users?filter=profile.city eq "Paris"', search],
      ['/api/v1/users?search=profile.login eq "unterminated', search],
      ['/api/v1/users?search=profile.city co "x"', search],
      ['/api/v1/users?search=lastUpdated gt "yesterday"', { status: 400, code: ['E0000030', 'E0000031'] }],
      ['/api/v1/users?filter=lastUpdated gt "2026-02-30T00:00:00.000Z"', { status: 400, code: ['E0000030', 'E0000031'] }],
      ['/api/v1/groups?search=created lt "soon"', { status: 400, code: ['E0000030', 'E0000031'] }],
      ['/api/v1/users?search=and', search],
      ['/api/v1/users?filter=status eq "ACTIVE"&search=status eq "ACTIVE"', { status: 400, code: 'E0000033' }],
      ['/api/v1/users?q=a&filter=status eq "ACTIVE"', { status: 400, code: 'E0000033' }],
      ['/api/v1/users?search=status eq "ACTIVE"&sortBy=profile..x', { status: 400, code: 'E0000001' }],
      ['/api/v1/groups?search=profile.name eq', search],
      ['/api/v1/groups?filter=profile.name eq "x"', search],
      ['/api/v1/logs?filter=eventType eqq "x"', { status: 400, code: 'E0000053' }],
      ['/api/v1/logs?filter=eventType eq', { status: 400, code: 'E0000053' }],
      ['/api/v1/logs?filter=published gt "2020-01-01T00:00:00.000Z"', { status: 400, code: 'E0000053' }],
      ['/api/v1/logs?filter=some_invalid_field eq "x"', { status: 400, code: 'E0000053' }],
      ['/api/v1/logs?filter=debugContext.debugData.url co "x"', search],
      ['/api/v1/logs?since=yesterday', { status: 400, code: 'E0000001' }],
      ['/api/v1/logs?since=2026-13-45T99:99:99Z', { status: 400, code: 'E0000001' }],
      ['/api/v1/logs?until=0', { status: 400, code: 'E0000001' }],
      ['/api/v1/logs?sortOrder=UPWARDS', { status: 400, code: 'E0000001' }],
      [`/api/v1/logs?q=${'x'.repeat(41)}`, { status: 400, code: 'E0000001' }],
      ['/api/v1/logs?q=a b c d e f g h i j k', { status: 400, code: 'E0000001' }],
      [`/api/v1/logs?since=${new Date(Date.now() - 200 * 86_400_000).toISOString()}`, { status: 400, code: 'E0000053' }],
    ];
    for (const [path, expected] of cases) {
      const [base, query = ''] = path.split('?');
      const encoded = query.split('&').map((p) => {
        const i = p.indexOf('=');
        return `${p.slice(0, i)}=${encodeURIComponent(p.slice(i + 1))}`;
      }).join('&');
      failures.push(await refused(path, expected, () => f.api('GET', `${base}?${encoded}`)));
    }
    assert.deepEqual(failures.filter(Boolean), []);
  });

  it("refuses empty, oversize, missing and ill-formed sign-in fields at the tenant's host, using nothing up", async () => {
    const bad: Expect = { status: 400, code: 'E0000001' };
    const failures: (string | null)[] = [];
    const web = f.web();
    const user = await newUser(f, 'ACTIVE');
    const sign = { username: user.login, password: PASSWORD };
    // The real user's credentials in each: a refusal must come before the password is checked or counted.
    const authn: [string, unknown][] = [
      ['an empty username', { ...sign, username: '' }],
      ['a username over 256 characters', { ...sign, username: `${long(250)}@example.com` }],
      ['an empty password', { ...sign, password: '' }],
      ['a password over 256 characters', { ...sign, password: long(257) }],
      ['a username alone', { username: user.login }],
      ['a password alone', { password: PASSWORD }],
      ['username, password and a stateToken', { ...sign, stateToken: 'x' }],
      ['a stateToken and a password', { stateToken: 'x', password: PASSWORD }],
      ['an empty stateToken', { stateToken: '' }],
      ['a stateToken over 128 characters', { stateToken: long(129) }],
      ['a relayState over 2048 characters', { ...sign, relayState: long(2049) }],
      ['an option of the wrong type', { ...sign, options: { multiOptionalFactorEnroll: 'yes' } }],
      ['an unknown option', { ...sign, options: { rememberMe: true } }],
      ['a deviceToken over 32 characters', { ...sign, context: { deviceToken: long(33) } }],
      ['an unknown context field', { ...sign, context: { ipAddress: '192.0.2.1' } }],
      ['a NUL in the username', { ...sign, username: `\u0000${user.login}` }],
      ['a lone surrogate in the password', { ...sign, password: `${PASSWORD}\ud800` }],
    ];
    for (const [what, body] of authn) failures.push(await refused(`POST /api/v1/authn with ${what}`, bad, () => web('POST', '/api/v1/authn', body)));
    failures.push(await refused('POST /api/v1/authn with a stateToken nobody issued', { status: 401, code: 'E0000011' }, () => web('POST', '/api/v1/authn', { stateToken: long(40) })));

    const expired = await newUser(f, 'PASSWORD_EXPIRED');
    const stateToken = await stateTokenFor(web, expired);
    const change = { stateToken, oldPassword: PASSWORD, newPassword: 'Brand-New-Pass-7' };
    const changes: [string, unknown][] = [
      ['no stateToken', { oldPassword: PASSWORD, newPassword: change.newPassword }],
      ['no oldPassword', { stateToken, newPassword: change.newPassword }],
      ['no newPassword', { stateToken, oldPassword: PASSWORD }],
      ['an empty newPassword', { ...change, newPassword: '' }],
      ['a newPassword over 256 characters', { ...change, newPassword: `Aa1-${long(253)}` }],
      ['an oldPassword over 256 characters', { ...change, oldPassword: long(257) }],
      ['a stateToken over 128 characters', { ...change, stateToken: long(129) }],
      ['a number for the newPassword', { ...change, newPassword: 12345678 }],
      ['an unknown field', { ...change, username: expired.login }],
    ];
    for (const [what, body] of changes) failures.push(await refused(`change_password with ${what}`, bad, () => web('POST', '/api/v1/authn/credentials/change_password', body)));
    failures.push(await refused('change_password with a stateToken nobody issued', { status: 401, code: 'E0000011' }, () => web('POST', '/api/v1/authn/credentials/change_password', { ...change, stateToken: long(40) })));
    const changed = await web('POST', '/api/v1/authn/credentials/change_password', change);
    if (changed.status !== 200 || changed.body?.status !== 'SUCCESS') failures.push(`the stateToken no longer works after the refusals: ${changed.status} ${changed.text.slice(0, 200)}`);

    const token = await sessionTokenFor(web, user);
    const redirects: [string, string][] = [
      ['no token', 'redirectUrl=%2F'],
      ['no redirectUrl', `token=${token}`],
      ['an empty token', 'token=&redirectUrl=%2F'],
      ['a token over 128 characters', `token=${long(129)}&redirectUrl=%2F`],
      ['the token twice', `token=${token}&token=${token}&redirectUrl=%2F`],
      ['a NUL in the token', `token=%00${token}&redirectUrl=%2F`],
      ['an empty redirectUrl', `token=${token}&redirectUrl=`],
      ['a redirectUrl over 2048 characters', `token=${token}&redirectUrl=%2F${long(2048)}`],
      ['a redirect to another site', `token=${token}&redirectUrl=${encodeURIComponent('https://evil.example.com/')}`],
      ['a javascript: redirect', `token=${token}&redirectUrl=${encodeURIComponent('javascript:alert(1)')}`],
    ];
    for (const [what, query] of redirects) failures.push(await refused(`sessionCookieRedirect with ${what}`, bad, () => web('GET', `/login/sessionCookieRedirect?${query}`)));
    failures.push(await refused('sessionCookieRedirect with a token nobody issued', { status: 401, code: 'E0000004' }, () => web('GET', `/login/sessionCookieRedirect?token=${long(43)}&redirectUrl=%2F`)));
    const redirected = await web('GET', `/login/sessionCookieRedirect?token=${token}&redirectUrl=%2F`);
    if (redirected.status !== 302) failures.push(`the sessionToken no longer works after the refusals: ${redirected.status} ${redirected.text.slice(0, 200)}`);

    const minted = await mintSessionToken(f, user);
    const starts: [string, unknown][] = [
      ['an empty sessionToken', { sessionToken: '' }],
      ['a sessionToken over 128 characters', { sessionToken: long(129) }],
      ['a NUL in the sessionToken', { sessionToken: `${minted}\u0000` }],
    ];
    for (const [what, body] of starts) failures.push(await refused(`POST /api/v1/sessions with ${what}`, bad, () => f.api('POST', '/api/v1/sessions', body)));
    failures.push(await refused('POST /api/v1/sessions with a sessionToken nobody issued', { status: 401, code: 'E0000004' }, () => f.api('POST', '/api/v1/sessions', { sessionToken: long(43) })));
    const started = await f.api('POST', '/api/v1/sessions', { sessionToken: minted });
    if (started.status !== 200) failures.push(`the sessionToken no longer works after the refusals: ${started.status} ${started.text.slice(0, 200)}`);
    assert.deepEqual(failures.filter(Boolean), []);
  });

  it('answers malformed and unknown ids in the paths of the session routes with an Okta error, changing nothing', async () => {
    const notFound: Expect = { status: 404, code: 'E0000007' };
    const unstorable: Expect = { status: 400, code: 'E0000001' };
    // Okta answers 404 for any session id it does not know; Bulwark checks the id's form first and answers 400.
    const malformed: readonly Expect[] = [{ status: 400, code: 'E0000001' }, notFound];
    const ended = await newApiSession(f);
    assert.equal((await f.api('DELETE', `/api/v1/sessions/${ended.id}`)).status, 204);
    const deleted = await newUser(f);
    for (let i = 0; i < 2; i++) assert.equal((await f.api('DELETE', `/api/v1/users/${deleted.id}`)).status, 204);
    const sessionIds: [string, Expect | readonly Expect[]][] = [
      ['x', malformed],
      ['a'.repeat(21), malformed],
      [encodeURIComponent("102' or 1=1 --"), malformed],
      ['..%2F..%2Fusers', malformed],
      [`102${'a'.repeat(16)}!`, malformed],
      [`%00${'a'.repeat(19)}`, unstorable],
      [`102${'a'.repeat(17)}`, notFound],
      [ended.id, notFound],
      // A user's id has a session id's form: it must not find anything either.
      [tenant.adminId, notFound],
    ];
    const failures: (string | null)[] = [];
    for (const [id, expected] of sessionIds) {
      for (const [method, suffix] of [['GET', ''], ['POST', '/lifecycle/refresh'], ['DELETE', '']] as const) {
        failures.push(await refused(`${method} /api/v1/sessions/${id}${suffix}`, expected, () => f.api(method, `/api/v1/sessions/${id}${suffix}`)));
      }
    }
    const userIds: [string, Expect][] = [
      ['no-such-user', notFound],
      [encodeURIComponent("00u' or 1=1 --"), notFound],
      ['..%2F..%2Fgroups', notFound],
      [deleted.id, notFound],
      [encodeURIComponent('nobody@fixture.example.com'), notFound],
      ['%00', unstorable],
    ];
    for (const [id, expected] of userIds) failures.push(await refused(`DELETE /api/v1/users/${id}/sessions`, expected, () => f.api('DELETE', `/api/v1/users/${id}/sessions`)));
    assert.deepEqual(failures.filter(Boolean), []);
  });

  it('answers malformed, unknown and foreign factor ids on every factor route with an Okta error, changing nothing', async () => {
    const notFound: Expect = { status: 404, code: 'E0000007' };
    const unstorable: Expect = { status: 400, code: 'E0000001' };
    // Okta answers 404 for any factor id it does not know; Bulwark checks the id's form first and answers 400.
    const malformed: readonly Expect[] = [{ status: 400, code: 'E0000001' }, notFound];
    const other = await newTotpUser(f);
    const removed = await newTotpUser(f);
    assert.equal((await f.api('DELETE', `/api/v1/users/${removed.user.id}/factors/${removed.factorId}`)).status, 204);
    // Made last, and used first: a session seen again a minute later has its idle clock moved, which is a write.
    const t = await newTotpUser(f);
    const signIn = f.web();
    const stateToken = await mfaStateTokenFor(signIn, t.user);
    const factorIds: [string, Expect | readonly Expect[]][] = [
      ['x', malformed],
      ['a'.repeat(21), malformed],
      [encodeURIComponent("uft' or 1=1 --"), malformed],
      ['..%2F..%2Fsessions', malformed],
      [`uft${'a'.repeat(16)}!`, malformed],
      [`%00${'a'.repeat(19)}`, unstorable],
      [`uft${'a'.repeat(17)}`, notFound],
      [removed.factorId, notFound],
      // Another user's factor, of the same tenant: it is not this user's.
      [other.factorId, notFound],
      // A user's id has a factor id's form: it must not find anything either.
      [t.user.id, notFound],
    ];
    const failures: (string | null)[] = [];
    const me = t.web;
    for (const [id, expected] of factorIds) {
      const m = `/api/v1/users/me/factors/${id}`;
      failures.push(
        await refused(`GET ${m}`, expected, () => me('GET', m)),
        await refused(`DELETE ${m}`, expected, () => me('DELETE', m, undefined, pageHeaders(me, 'DELETE'))),
        await refused(`POST ${m}/lifecycle/activate`, expected, () => me('POST', `${m}/lifecycle/activate`, { passCode: nextCode(t) }, pageHeaders(me, 'POST'))),
        await refused(`POST /api/v1/authn/factors/${id}/verify`, expected, () => signIn('POST', `/api/v1/authn/factors/${id}/verify`, { stateToken, passCode: nextCode(t) })),
      );
      const u = `/api/v1/users/${t.user.id}/factors/${id}`;
      failures.push(await refused(`GET ${u}`, expected, () => f.api('GET', u)), await refused(`DELETE ${u}`, expected, () => f.api('DELETE', u)));
    }
    const deleted = await newUser(f);
    for (let i = 0; i < 2; i++) assert.equal((await f.api('DELETE', `/api/v1/users/${deleted.id}`)).status, 204);
    const userIds: [string, Expect][] = [
      ['no-such-user', notFound],
      [encodeURIComponent("00u' or 1=1 --"), notFound],
      ['..%2F..%2Fgroups', notFound],
      [deleted.id, notFound],
      [encodeURIComponent('nobody@fixture.example.com'), notFound],
      // The factor's own id, where a user's belongs.
      [t.factorId, notFound],
      ['%00', unstorable],
    ];
    for (const [id, expected] of userIds) {
      const u = `/api/v1/users/${id}`;
      failures.push(
        await refused(`GET ${u}/factors`, expected, () => f.api('GET', `${u}/factors`)),
        await refused(`POST ${u}/factors`, expected, () => f.api('POST', `${u}/factors`, TOTP_ENROLLMENT)),
        await refused(`GET ${u}/factors/{factorId}`, expected, () => f.api('GET', `${u}/factors/${t.factorId}`)),
        await refused(`DELETE ${u}/factors/{factorId}`, expected, () => f.api('DELETE', `${u}/factors/${t.factorId}`)),
        await refused(`POST ${u}/lifecycle/reset_factors`, expected, () => f.api('POST', `${u}/lifecycle/reset_factors`)),
      );
    }
    const alertIds: [string, Expect | readonly Expect[]][] = [
      ['x', malformed],
      [encodeURIComponent("alr' or 1=1 --"), malformed],
      [`%00${'a'.repeat(19)}`, unstorable],
      [`alr${'a'.repeat(17)}`, notFound],
      [t.user.id, notFound],
    ];
    for (const [id, expected] of alertIds) failures.push(await refused(`GET /api/v1/alerts/${id}`, expected, () => f.api('GET', `/api/v1/alerts/${id}`)));
    // The admin enrollment route declares no body (it refuses whatever comes), but a body it cannot read is refused too.
    const enrollAsAdmin = `/api/v1/users/${t.user.id}/factors`;
    const unreadable: readonly Expect[] = [{ status: 400, code: 'E0000003' }, { status: 415, code: 'E0000002' }, { status: 403, code: 'E0000006' }];
    for (const [what, text, type] of [['broken JSON', '{"factorType": ', 'application/json'], ['text/plain', JSON.stringify(TOTP_ENROLLMENT), 'text/plain']] as const) {
      failures.push(await refused(`POST ${enrollAsAdmin} with ${what}`, unreadable, () => raw('POST', enrollAsAdmin, text, type)));
    }
    assert.deepEqual(failures.filter(Boolean), []);
    // Nothing was used up: the factor, the session and the sign-in all still do their job.
    assert.deepEqual(((await me('GET', '/api/v1/users/me/factors')).body as { id: string }[]).map((x) => x.id), [t.factorId]);
    const verified = await signIn('POST', `/api/v1/authn/factors/${t.factorId}/verify`, { stateToken, passCode: nextCode(t) });
    assert.equal(verified.body?.status, 'SUCCESS', verified.text);
  });

  it('refuses ill-formed enrollments, activation codes and verifications before they touch a session, a factor or a sign-in', async () => {
    const bad: Expect = { status: 400, code: 'E0000001' };
    const failures: (string | null)[] = [];
    const { web } = await newKnownSession(f);
    const enrollments: [string, unknown][] = [
      ['a factorType Bulwark does not offer', { factorType: 'sms', provider: 'OKTA' }],
      ['a provider TOTP does not have', { factorType: TOTP_ENROLLMENT.factorType, provider: 'YUBICO' }],
      ['a provider in lower case', { factorType: TOTP_ENROLLMENT.factorType, provider: 'google' }],
      ['a factorType over 1000 characters', { ...TOTP_ENROLLMENT, factorType: long(1001) }],
      ['a provider over 1000 characters', { ...TOTP_ENROLLMENT, provider: long(1001) }],
      ['no provider', { factorType: TOTP_ENROLLMENT.factorType }],
      ['no factorType', { provider: TOTP_ENROLLMENT.provider }],
      ['a number for the factorType', { ...TOTP_ENROLLMENT, factorType: 12345 }],
      ['a profile (no TOTP profile exists)', { ...TOTP_ENROLLMENT, profile: { credentialId: 'someone@example.com' } }],
      ['a NUL in the factorType', { ...TOTP_ENROLLMENT, factorType: `${TOTP_ENROLLMENT.factorType}\u0000` }],
    ];
    for (const [what, body] of enrollments) failures.push(await refused(`POST /api/v1/users/me/factors with ${what}`, bad, () => web('POST', '/api/v1/users/me/factors', body, pageHeaders(web, 'POST'))));
    // Another site's page: refused as a forgery before the new-location rule could end the user's sessions.
    failures.push(await refused('POST /api/v1/users/me/factors from another site', { status: 403, code: 'E0000006' }, () => web('POST', '/api/v1/users/me/factors', TOTP_ENROLLMENT, { origin: 'https://evil.example.com' })));

    const pending = await enrollTotp(web);
    const right = activationCode(pending);
    // A six-digit code right for no step the server would accept (the enrollment's and one either side, and the next).
    const near = [-30_000, 0, 30_000, 60_000].map((d) => totpCode(pending.secret, new Date(pending.created.getTime() + d)));
    const wrong = ['000000', '111111', '222222', '333333', '444444'].find((c) => !near.includes(c)) ?? '555555';
    const a = `/api/v1/users/me/factors/${pending.id}/lifecycle/activate`;
    const activations: [string, unknown, Expect][] = [
      ['an empty passCode', { passCode: '' }, bad],
      ['a passCode over 16 characters', { passCode: '1'.repeat(17) }, bad],
      ['a number for the passCode', { passCode: Number(right) }, bad],
      ['no passCode', {}, bad],
      ['an unknown field', { passCode: right, factorType: TOTP_ENROLLMENT.factorType }, bad],
      ['a NUL in the passCode', { passCode: `${right}\u0000` }, bad],
      // A wrong code is refused like Okta's, and counts for nothing: the user is enrolling, not signing in.
      ['a wrong code', { passCode: wrong }, { status: 403, code: 'E0000068' }],
      ['letters for digits', { passCode: 'abcdef' }, { status: 403, code: 'E0000068' }],
      ['the code with a space', { passCode: `${right.slice(0, 3)} ${right.slice(3)}` }, { status: 403, code: 'E0000068' }],
    ];
    for (const [what, body, expected] of activations) failures.push(await refused(`activate with ${what}`, expected, () => web('POST', a, body, pageHeaders(web, 'POST'))));
    const activated = await web('POST', a, { passCode: right }, pageHeaders(web, 'POST'));
    if (activated.status !== 200 || activated.body?.status !== 'ACTIVE') failures.push(`the factor no longer activates after the refusals: ${activated.status} ${activated.text.slice(0, 200)}`);

    const t = await newTotpUser(f);
    const signIn = f.web();
    const stateToken = await mfaStateTokenFor(signIn, t.user);
    const passCode = nextCode(t);
    const v = `/api/v1/authn/factors/${t.factorId}/verify`;
    const verifications: [string, unknown][] = [
      ['no stateToken', { passCode }],
      ['no passCode', { stateToken }],
      ['an empty passCode', { stateToken, passCode: '' }],
      // Room for a recovery code (xxxxx-xxxxx-xxxxx), spaces and all, and no more.
      ['a passCode over 32 characters', { stateToken, passCode: '1'.repeat(33) }],
      ['a number for the passCode', { stateToken, passCode: Number(passCode) }],
      ['an empty stateToken', { stateToken: '', passCode }],
      ['a stateToken over 128 characters', { stateToken: long(129), passCode }],
      ['rememberDevice of the wrong type', { stateToken, passCode, rememberDevice: 'yes' }],
      ['an unknown field', { stateToken, passCode, username: t.user.login }],
      ['a NUL in the passCode', { stateToken, passCode: `${passCode}\u0000` }],
    ];
    for (const [what, body] of verifications) failures.push(await refused(`verify with ${what}`, bad, () => signIn('POST', v, body)));
    failures.push(await refused('verify with a stateToken nobody issued', { status: 401, code: 'E0000011' }, () => signIn('POST', v, { stateToken: long(40), passCode })));
    // A sign-in already past its factor, waiting for a new password: its stateToken is for the next step only.
    const expiring = await newTotpUser(f);
    assert.equal((await f.api('POST', `/api/v1/users/${expiring.user.id}/lifecycle/expire_password`)).status, 200);
    const expiringSignIn = f.web();
    const mfa = await expiringSignIn('POST', `/api/v1/authn/factors/${expiring.factorId}/verify`, { stateToken: await mfaStateTokenFor(expiringSignIn, expiring.user), passCode: nextCode(expiring) });
    assert.equal(mfa.body?.status, 'PASSWORD_EXPIRED', mfa.text);
    const again = totpCode(expiring.secret, new Date(expiring.activated.getTime() + 60_000));
    failures.push(await refused('verify with the stateToken of a sign-in past its factor, waiting for a new password', { status: 403, code: 'E0000079' }, () => (
      expiringSignIn('POST', `/api/v1/authn/factors/${expiring.factorId}/verify`, { stateToken: mfa.body.stateToken, passCode: again })
    )));
    const verified = await signIn('POST', v, { stateToken, passCode });
    if (verified.status !== 200 || verified.body?.status !== 'SUCCESS') failures.push(`the stateToken no longer works after the refusals: ${verified.status} ${verified.text.slice(0, 200)}`);
    assert.deepEqual(failures.filter(Boolean), []);
  });

  it('refuses ill-formed recovery requests before they touch a recovery, a recovery token or a user', async () => {
    const bad: Expect = { status: 400, code: 'E0000001' };
    const failures: (string | null)[] = [];
    const web = f.web();
    const t = await newTotpUser(f);
    const starts: [string, unknown][] = [
      ['no username', { factorType: 'token:software:totp' }],
      ['an empty username', { username: '' }],
      ['a username over 256 characters', { username: `${long(250)}@example.com` }],
      ['a factorType Bulwark does not offer', { username: t.user.login, factorType: 'SMS' }],
      ['a factorType in upper case', { username: t.user.login, factorType: 'WEBAUTHN' }],
      ['a password', { username: t.user.login, password: PASSWORD }],
    ];
    for (const [what, body] of starts) failures.push(await refused(`recovery/password with ${what}`, bad, () => web('POST', '/api/v1/authn/recovery/password', body)));

    const token = await recoveryTokenFor(f, await newUser(f, 'ACTIVE'));
    const tokens: [string, unknown][] = [
      ['no recoveryToken', {}],
      ['an empty recoveryToken', { recoveryToken: '' }],
      ['a recoveryToken over 128 characters', { recoveryToken: long(129) }],
      ['a NUL in the recoveryToken', { recoveryToken: `${token}\u0000` }],
      ['a username besides', { recoveryToken: token, username: t.user.login }],
    ];
    for (const [what, body] of tokens) failures.push(await refused(`recovery/token with ${what}`, bad, () => web('POST', '/api/v1/authn/recovery/token', body)));
    failures.push(await refused('recovery/token with a token nobody issued', { status: 401, code: 'E0000011' }, () => web('POST', '/api/v1/authn/recovery/token', { recoveryToken: long(43) })));

    const stateToken = await recoveryChallengeFor(web, t.user, 'token:software:totp');
    const passCode = nextCode(t);
    const verifications: [string, string, unknown][] = [
      ['a factorType Bulwark does not offer', 'sms', { stateToken, passCode }],
      ["the factor's id for its type", t.factorId, { stateToken, passCode }],
      ['no passCode', 'token:software:totp', { stateToken }],
      ['a passCode over 32 characters', 'token:software:totp', { stateToken, passCode: '1'.repeat(33) }],
      ['a passCode for a passkey', 'webauthn', { stateToken, passCode }],
      ['an unknown field', 'token:software:totp', { stateToken, passCode, username: t.user.login }],
      ['no stateToken', 'token:software:totp', { passCode }],
    ];
    for (const [what, type, body] of verifications) {
      failures.push(await refused(`recovery verify with ${what}`, bad, () => web('POST', `/api/v1/authn/recovery/factors/${type}/verify`, body)));
    }
    failures.push(await refused('recovery verify with a stateToken nobody issued', { status: 401, code: 'E0000011' }, () => (
      web('POST', '/api/v1/authn/recovery/factors/token:software:totp/verify', { stateToken: long(40), passCode })
    )));
    const verified = await web('POST', '/api/v1/authn/recovery/factors/token:software:totp/verify', { stateToken, passCode });
    if (verified.body?.status !== 'RECOVERY') failures.push(`the recovery no longer takes its answer after the refusals: ${verified.status} ${verified.text.slice(0, 200)}`);

    const resets: [string, unknown][] = [
      ['no newPassword', { stateToken }],
      ['an empty newPassword', { stateToken, newPassword: '' }],
      ['a newPassword over 256 characters', { stateToken, newPassword: `Aa1-${long(253)}` }],
      ['an oldPassword besides', { stateToken, newPassword: 'Brand-New-Pass-7', oldPassword: PASSWORD }],
    ];
    for (const [what, body] of resets) failures.push(await refused(`reset_password with ${what}`, bad, () => web('POST', '/api/v1/authn/credentials/reset_password', body)));
    failures.push(await refused('reset_password with a stateToken nobody issued', { status: 401, code: 'E0000011' }, () => (
      web('POST', '/api/v1/authn/credentials/reset_password', { stateToken: long(40), newPassword: 'Brand-New-Pass-7' })
    )));
    const reset = await web('POST', '/api/v1/authn/credentials/reset_password', { stateToken, newPassword: 'Brand-New-Pass-7' });
    if (reset.body?.status !== 'SUCCESS') failures.push(`the recovery no longer sets a password after the refusals: ${reset.status} ${reset.text.slice(0, 200)}`);
    assert.deepEqual(failures.filter(Boolean), []);
  });

  it("refuses password policies Bulwark would not enforce, ill-formed ones and other tenants' policy ids, changing nothing", async () => {
    const bad: Expect = { status: 400, code: 'E0000001' };
    const notFound: Expect = { status: 404, code: 'E0000007' };
    const { id, body } = await passwordPolicyUpdate(f);
    const path = `/api/v1/policies/${id}`;
    type Policy = Record<string, any>;
    /** The valid body with one change made to a deep copy of it. */
    const changed = (change: (p: Policy, password: Policy) => void): Policy => {
      const copy = structuredClone(body) as Policy;
      change(copy, copy['settings'].password);
      return copy;
    };
    const cases: [string, Policy][] = [
      ['a minLength below 8', changed((_, p) => { p['complexity'].minLength = 7; })],
      ['a minLength of 0', changed((_, p) => { p['complexity'].minLength = 0; })],
      ['a minLength over 256', changed((_, p) => { p['complexity'].minLength = 257; })],
      ['a minLength of 8.5', changed((_, p) => { p['complexity'].minLength = 8.5; })],
      ['a minLength as a string', changed((_, p) => { p['complexity'].minLength = '12'; })],
      ['minLowerCase of 2 (Bulwark enforces one or none)', changed((_, p) => { p['complexity'].minLowerCase = 2; })],
      ['minNumber as a boolean', changed((_, p) => { p['complexity'].minNumber = true; })],
      ['excludeUsername as a string', changed((_, p) => { p['complexity'].excludeUsername = 'yes'; })],
      ['an unknown complexity field', changed((_, p) => { p['complexity'].excludeAttributes = ['firstName']; })],
      ['no common-password setting', changed((_, p) => { p['complexity'].dictionary = {}; })],
      ['a historyCount over 24', changed((_, p) => { p['age'].historyCount = 25; })],
      ['a negative historyCount', changed((_, p) => { p['age'].historyCount = -1; })],
      ['a historyCount as a string', changed((_, p) => { p['age'].historyCount = '4'; })],
      ['a password age Bulwark does not enforce', changed((_, p) => { p['age'].maxAgeDays = 90; })],
      ['maxAttempts of 0', changed((_, p) => { p['lockout'].maxAttempts = 0; })],
      ['autoUnlockMinutes over a week', changed((_, p) => { p['lockout'].autoUnlockMinutes = 10081; })],
      ['showLockoutFailures true', changed((_, p) => { p['lockout'].showLockoutFailures = true; })],
      ['no lockout', changed((_, p) => { delete p['lockout']; })],
      ['an unknown field in settings.password', changed((_, p) => { p['recovery'] = { factors: {} }; })],
      ['an unknown field in settings', changed((b) => { b['settings'].recovery = {}; })],
      ['no settings', changed((b) => { delete b['settings']; })],
      ['no type', changed((b) => { delete b['type']; })],
      ['another policy type', changed((b) => { b['type'] = 'OKTA_SIGN_ON'; })],
      ['status INACTIVE', changed((b) => { b['status'] = 'INACTIVE'; })],
      ['a name over 255 characters', changed((b) => { b['name'] = long(256); })],
      ['a description over 1024 characters', changed((b) => { b['description'] = long(1025); })],
      ['a NUL in the description', changed((b) => { b['description'] = 'x\u0000y'; })],
    ];
    const failures: (string | null)[] = [];
    for (const [what, policy] of cases) failures.push(await refused(`PUT ${path} with ${what}`, bad, () => f.api('PUT', path, policy)));

    const other = await createTestTenant(server.db);
    const otherFixture: Fixture = { db: server.db, tenantId: other.id, api: apiClient(server.url, other.token) };
    const othersPolicy = await passwordPolicyUpdate(otherFixture);
    const othersBefore = await tenantState(server.db, other.id);
    const policyIds: [string, Expect | readonly Expect[]][] = [
      [othersPolicy.id, notFound],
      ['x', [bad, notFound]],
      [`00p${'a'.repeat(17)}`, notFound],
      [encodeURIComponent("00p' or 1=1 --"), [bad, notFound]],
      [`%00${'a'.repeat(19)}`, bad],
      // The tenant's own id and a user's id have a policy id's form.
      [tenant.id, notFound],
      [tenant.adminId, notFound],
    ];
    for (const [policyId, expected] of policyIds) {
      failures.push(await refused(`GET /api/v1/policies/${policyId}`, expected, () => f.api('GET', `/api/v1/policies/${policyId}`)));
      failures.push(await refused(`PUT /api/v1/policies/${policyId}`, expected, () => f.api('PUT', `/api/v1/policies/${policyId}`, { ...body, id: policyId })));
    }
    failures.push(await refused('PUT the other tenant\'s policy with its own body', notFound, () => f.api('PUT', `/api/v1/policies/${othersPolicy.id}`, othersPolicy.body)));
    for (const query of ['', '?type=', '?type=password', '?type=PASSWORD&limit=1']) {
      failures.push(await refused(`GET /api/v1/policies${query}`, bad, () => f.api('GET', `/api/v1/policies${query}`)));
    }
    assert.deepEqual(await tenantState(server.db, other.id), othersBefore, "the other tenant's policy is as it was");
    assert.equal(await passwordPolicyId(otherFixture), othersPolicy.id);

    const put = await f.api('PUT', path, body);
    if (put.status !== 200) failures.push(`the valid policy is refused after the refusals: ${put.status} ${put.text.slice(0, 200)}`);
    const read = await f.api('GET', path);
    assert.deepEqual(read.body?.settings, body['settings'], 'what was stored is what was sent');
    assert.deepEqual(failures.filter(Boolean), []);
  });

  it("answers ids the router itself refuses (bad percent-encoding, over 100 characters) with Okta's error object", async () => {
    const failures: string[] = [];
    for (const [method, path] of [
      ['GET', `/api/v1/sessions/${'%E9'.repeat(20)}`],
      ['DELETE', '/api/v1/users/%E9/sessions'],
      ['GET', `/api/v1/sessions/${long(101)}`],
      ['DELETE', `/api/v1/users/${long(101)}/sessions`],
      ['GET', `/api/v1/alerts/${'%E9'.repeat(20)}`],
      ['DELETE', `/api/v1/users/${tenant.adminId}/factors/${'%E9'.repeat(20)}`],
      ['POST', `/api/v1/users/${long(101)}/lifecycle/reset_factors`],
      ['GET', `/api/v1/policies/${long(101)}`],
      ['PUT', '/api/v1/policies/%E9'],
    ] as const) {
      const before = await tenantState(server.db, tenant.id);
      const res = await f.api(method, path);
      try {
        assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
        assertOktaError(res, res.status, res.body?.errorCode);
      } catch (err) {
        failures.push(`${method} ${path.slice(0, 60)}: ${(err as Error).message.slice(0, 200)}`);
      }
      assert.deepEqual(await tenantState(server.db, tenant.id), before);
    }
    assert.deepEqual(failures, []);
  });

  it('stores or refuses NUL characters and lone surrogates in text, never answering with a 5xx', async () => {
    const failures: string[] = [];
    const user = await newUser(f);
    const group = (await f.api('POST', '/api/v1/groups', { profile: { name: 'Odd text' } })).body.id as string;
    let n = 0;
    const login = () => `odd${++n}@example.com`;
    const person = (extra: Record<string, string>) => {
      const l = login();
      return { profile: { login: l, email: l, firstName: 'Odd', lastName: 'Text', ...extra } };
    };
    for (const odd of ['A\u0000B', '\ud800', 'x\udfff']) {
      const label = JSON.stringify(odd);
      const calls: [string, string, string, unknown][] = [
        [`user firstName ${label}`, 'POST', '/api/v1/users?activate=false', person({ firstName: odd })],
        [`user custom attribute ${label}`, 'POST', '/api/v1/users?activate=false', person({ nickname: odd })],
        [`user update title ${label}`, 'POST', `/api/v1/users/${user.id}`, { profile: { title: odd } }],
        [`group name ${label}`, 'POST', '/api/v1/groups', { profile: { name: `Odd ${odd}` } }],
        [`group description ${label}`, 'PUT', `/api/v1/groups/${group}`, { profile: { name: 'Odd text', description: odd } }],
        [`token name ${label}`, 'POST', '/api/v1/api-tokens', { name: odd }],
      ];
      for (const [what, method, path, body] of calls) {
        const before = await tenantFingerprint(server.db, tenant.id);
        const res = await f.api(method, path, body);
        if (res.status >= 500) failures.push(`${what}: ${res.status} ${res.text.slice(0, 120)}`);
        else if (res.status >= 400 && await tenantFingerprint(server.db, tenant.id) !== before) failures.push(`${what}: refused but the tenant changed`);
      }
    }
    for (const path of ['/api/v1/users?q=a%00b', '/api/v1/logs?q=a%00b', '/api/v1/groups?q=a%00b', '/api/v1/users?search=profile.firstName%20sw%20%22%5Cu0000%22', '/api/v1/logs?filter=eventType%20eq%20%22%5Cu0000%22']) {
      const res = await f.api('GET', path);
      if (res.status >= 500) failures.push(`GET ${path}: ${res.status} ${res.text.slice(0, 120)}`);
    }
    assert.deepEqual(failures, []);
  });

  /** Okta's lifecycle, written from its documentation: the states each operation starts from, and where it leads. */
  const LEGAL: Record<string, Partial<Record<UserState, UserState>>> = {
    activate: { STAGED: 'PROVISIONED', DEPROVISIONED: 'PROVISIONED' },
    reactivate: { PROVISIONED: 'PROVISIONED' },
    deactivate: { STAGED: 'DEPROVISIONED', PROVISIONED: 'DEPROVISIONED', ACTIVE: 'DEPROVISIONED', RECOVERY: 'DEPROVISIONED', PASSWORD_EXPIRED: 'DEPROVISIONED', SUSPENDED: 'DEPROVISIONED', LOCKED_OUT: 'DEPROVISIONED' },
    suspend: { ACTIVE: 'SUSPENDED' },
    unsuspend: { SUSPENDED: 'ACTIVE' },
    unlock: { LOCKED_OUT: 'ACTIVE' },
    reset_password: { ACTIVE: 'RECOVERY', RECOVERY: 'RECOVERY', PASSWORD_EXPIRED: 'RECOVERY', LOCKED_OUT: 'RECOVERY' },
    expire_password: { ACTIVE: 'PASSWORD_EXPIRED', RECOVERY: 'PASSWORD_EXPIRED', PASSWORD_EXPIRED: 'PASSWORD_EXPIRED', LOCKED_OUT: 'PASSWORD_EXPIRED' },
    expire_password_with_temp_password: { ACTIVE: 'PASSWORD_EXPIRED', RECOVERY: 'PASSWORD_EXPIRED', PASSWORD_EXPIRED: 'PASSWORD_EXPIRED', LOCKED_OUT: 'PASSWORD_EXPIRED' },
  };
  const REFUSAL: Record<string, readonly string[]> = {
    activate: ['E0000016', 'E0000001'],
    unlock: ['E0000032'],
    reset_password: ['E0000038'],
    expire_password: ['E0000038'],
    expire_password_with_temp_password: ['E0000038'],
  };

  it('performs every legal lifecycle transition and refuses every illegal one without writing', async () => {
    const failures: string[] = [];
    for (const [op, legal] of Object.entries(LEGAL)) {
      for (const state of USER_STATES) {
        const user = await newUser(f, state);
        const before = await tenantFingerprint(server.db, tenant.id);
        const res = await f.api('POST', `/api/v1/users/${user.id}/lifecycle/${op}`);
        const to = legal[state];
        if (to !== undefined) {
          const now = (await f.api('GET', `/api/v1/users/${user.id}`)).body.status;
          if (res.status !== 200 || now !== to) failures.push(`${op} from ${state}: expected 200 and ${to}, got ${res.status} and ${now}`);
          continue;
        }
        const codes = REFUSAL[op] ?? ['E0000001'];
        const status = res.body?.errorCode === 'E0000001' ? 400 : 403;
        try {
          assertOktaError(res, status, res.body?.errorCode);
          if (!codes.includes(res.body.errorCode)) throw new Error(`code ${res.body.errorCode}, expected one of ${codes.join(', ')}`);
        } catch (err) {
          failures.push(`${op} from ${state}: ${(err as Error).message.slice(0, 200)}`);
          continue;
        }
        if (await tenantFingerprint(server.db, tenant.id) !== before) failures.push(`${op} from ${state}: refused but the tenant changed`);
      }
    }
    assert.deepEqual(failures, []);
  });
});

describe('bad input, generated', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let userId = '';
  let groupId = '';

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '1000000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    userId = (await newUser(f)).id;
    groupId = (await f.api('POST', '/api/v1/groups', { profile: { name: 'Generated' } })).body.id as string;
  });
  after(() => server.close());

  /**
   * Never a 5xx; a 4xx is Okta's error object and leaves the System Log as it was, but for a sign-in's 401
   * when `failedSignInLogs`: that is a password really checked, and Okta logs the failed attempt.
   */
  async function check(method: string, path: string, body?: unknown, send: Api | HostClient = f.api, failedSignInLogs = false): Promise<void> {
    const before = await logCount(server.db, tenant.id);
    const res = await send(method, path, body === undefined ? undefined : JSON.stringify(body));
    assert.ok(res.status < 500, `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
    if (res.status >= 400) {
      assertOktaError(res, res.status, res.body?.errorCode);
      if (!(failedSignInLogs && res.status === 401)) assert.equal(await logCount(server.db, tenant.id), before, `${method} ${path} answered ${res.status} but wrote events`);
    }
  }

  it('never answers a generated JSON body with a 5xx on the routes that take one', async () => {
    const user = fc.oneof(generatedBody, nearlyValidUser);
    const group = fc.oneof(generatedBody, nearlyValidGroup);
    const writes: [string, () => string, fc.Arbitrary<unknown>][] = [
      ['POST', () => '/api/v1/users?activate=false', user],
      ['POST', () => `/api/v1/users/${userId}`, user],
      ['PUT', () => `/api/v1/users/${userId}`, user],
      ['POST', () => `/api/v1/users/${userId}/roles`, generatedBody],
      ['POST', () => '/api/v1/groups', group],
      ['PUT', () => `/api/v1/groups/${groupId}`, group],
      ['POST', () => '/api/v1/api-tokens', fc.oneof(generatedBody, nearlyValidToken)],
    ];
    const call = fc.oneof(...writes.map(([method, path, body]) => body.map((b) => ({ method, path, body: b }))));
    await fc.assert(fc.asyncProperty(call, async ({ method, path, body }) => {
      await check(method, path(), body);
    }), { numRuns: 500 });
  });

  it('never answers a generated sign-in or session body with a 5xx', async () => {
    const web = hostClient(server.url, tenant.slug);
    const user = await newUser(f, 'ACTIVE');
    const stateToken = await stateTokenFor(web, await newUser(f, 'PASSWORD_EXPIRED'));
    const sessionToken = await mintSessionToken(f, user);
    // Hostile text anywhere, and now and then the real login, password and tokens, so that some bodies get past
    // the schema to the password check, the stateToken lookup and the token exchange.
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '\u0000', '\ud800', long(300)));
    const login = fc.oneof(fc.constant(user.login), fc.emailAddress(), fc.string({ minLength: 1, maxLength: 80 }));
    const password = fc.oneof(fc.constant(PASSWORD), fc.string({ minLength: 1, maxLength: 80 }));
    const signIn = fc.oneof(
      fc.record({ username: login, password }),
      fc.record({ username: fc.oneof(login, text), password: fc.oneof(password, text), stateToken: text, relayState: text, options: generatedBody, context: generatedBody }, { requiredKeys: [] }),
    );
    const change = fc.record({ stateToken: fc.oneof(fc.constant(stateToken), text), oldPassword: fc.oneof(password, text), newPassword: fc.oneof(password, text) }, { requiredKeys: [] });
    const start = fc.record({ sessionToken: fc.oneof(fc.constant(sessionToken), text, generatedBody) }, { requiredKeys: [] });
    const call = fc.oneof(
      fc.oneof(generatedBody, signIn).map((body) => () => check('POST', '/api/v1/authn', body, web, true)),
      fc.oneof(generatedBody, change).map((body) => () => check('POST', '/api/v1/authn/credentials/change_password', body, web)),
      fc.oneof(generatedBody, start).map((body) => () => check('POST', '/api/v1/sessions', body)),
    );
    await fc.assert(fc.asyncProperty(call, async (run) => {
      await run();
    }), { numRuns: 300 });
  });

  it('never answers a generated query string with a 5xx on the routes that list', async () => {
    const lists = () => ['/api/v1/users', '/api/v1/groups', '/api/v1/logs', `/api/v1/groups/${groupId}/users`, `/api/v1/users/${userId}/groups`];
    await fc.assert(fc.asyncProperty(fc.nat({ max: 4 }), generatedQuery, async (i, query) => {
      await check('GET', `${lists()[i]}?${new URLSearchParams(query).toString()}`);
    }), { numRuns: 400 });
  });

  it('never answers a generated filter or search expression with a 5xx', async () => {
    const targets = ['/api/v1/users?filter=', '/api/v1/users?search=', '/api/v1/groups?filter=', '/api/v1/groups?search=', '/api/v1/logs?filter='];
    await fc.assert(fc.asyncProperty(fc.nat({ max: targets.length - 1 }), generatedExpression, async (i, expression) => {
      // A URL cannot carry a lone surrogate; it arrives as U+FFFD, as any client would send it.
      await check('GET', `${targets[i]}${encodeURIComponent(expression.toWellFormed())}`);
    }), { numRuns: 400 });
  });
});
