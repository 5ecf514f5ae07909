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
  mintSessionToken, newApiSession, newUser, PASSWORD, sessionTokenFor, stateTokenFor, USER_STATES, type Fixture, type UserState, type WebFixture,
} from './support/fixtures.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { catalogKeys, HOST_ROUTES, methodOf, ROUTES, type Call, type HostRouteEntry, type RouteEntry } from './support/route-catalog.ts';
import { tenantStateWithSessions } from './support/session-state.ts';

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
    if (web) return web(method, path, body, { 'content-type': contentType });
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

  /**
   * Runs `send`, expects the Okta error (one of them, when given several), and checks the tenant did not
   * change; returns a failure or null.
   */
  async function refused(what: string, expected: Expect | readonly Expect[], send: () => Promise<ApiResponse>): Promise<string | null> {
    const before = await tenantStateWithSessions(server.db, tenant.id);
    const res = await send();
    const options: readonly Expect[] = 'status' in expected ? [expected] : expected;
    const match = options.find((e) => e.status === res.status) ?? (options[0] as Expect);
    const codes = typeof match.code === 'string' ? [match.code] : match.code;
    try {
      assertOktaError(res, match.status, codes.includes(res.body?.errorCode) ? res.body.errorCode : codes.join(' or '));
    } catch (err) {
      return `${what}: ${(err as Error).message.slice(0, 300)}`;
    }
    if (JSON.stringify(await tenantStateWithSessions(server.db, tenant.id)) !== JSON.stringify(before)) return `${what}: answered ${match.status} but the tenant changed`;
    return null;
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
  });

  it('refuses broken JSON, other content types and oversize bodies on every route that changes state', async () => {
    const failures: (string | null)[] = [];
    const oversize = JSON.stringify({ profile: { title: 'x'.repeat(bodyLimit) } });
    // GET /login/sessionCookieRedirect changes state too, but nothing reads a GET's body: its input is the query.
    for await (const { key, call, web } of prepared((k, entry) => entry.writes && methodOf(k) !== 'GET')) {
      const method = methodOf(key);
      failures.push(
        await refused(`${key} broken JSON`, { status: 400, code: 'E0000003' }, () => raw(method, call.path, '{"profile": {"login": ', 'application/json', web)),
        await refused(`${key} JSON with trailing garbage`, { status: 400, code: 'E0000003' }, () => raw(method, call.path, '{} {}', 'application/json', web)),
        await refused(`${key} text/plain`, { status: 415, code: 'E0000002' }, () => raw(method, call.path, JSON.stringify(call.body ?? {}), 'text/plain', web)),
        await refused(`${key} form`, { status: 415, code: 'E0000002' }, () => raw(method, call.path, 'profile=x', 'application/x-www-form-urlencoded', web)),
        await refused(`${key} multipart`, { status: 415, code: 'E0000002' }, () => raw(method, call.path, '--b\r\n\r\nx\r\n--b--', 'multipart/form-data; boundary=b', web)),
        await refused(`${key} over the body limit`, { status: 413, code: 'E0000001' }, () => raw(method, call.path, oversize, 'application/json', web)),
      );
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
      for (const [what, body] of variants) failures.push(await refused(`${key} with ${what}`, bad, () => raw(method, call.path, JSON.stringify(body), 'application/json', web)));
      failures.push(await refused(`${key} with no body`, bad, () => raw(method, call.path, '', 'application/json', web)));
    }
    assert.deepEqual(failures.filter(Boolean), []);
  });

  it('refuses unknown and mistyped query parameters on every route with a query schema', async () => {
    const failures: (string | null)[] = [];
    const bad: Expect = { status: 400, code: 'E0000001' };
    for await (const { key, call, web } of prepared((_, entry) => entry.query === true)) {
      const method = methodOf(key);
      const sep = call.path.includes('?') ? '&' : '?';
      const send = (q: string) => () => (web ?? f.api)(method, `${call.path}${sep}${q}`, call.body);
      failures.push(await refused(`${key} ?isAdmin=true`, bad, send('isAdmin=true')));
      failures.push(await refused(`${key} ?limit=lots`, bad, send('limit=lots')));
    }
    const lifecycle = Object.keys(ROUTES).filter((k) => k.includes('/users/:id/lifecycle/'));
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
    const lists = ['/api/v1/users', '/api/v1/groups', `/api/v1/groups/${group}/users`, `/api/v1/users/${tenant.adminId}/groups`, '/api/v1/logs'];
    const failures: (string | null)[] = [];
    for (const list of lists) {
      const isLogs = list === '/api/v1/logs';
      for (const limit of ['-1', '1.5', 'abc', '100001', ...(isLogs ? ['1001'] : ['0'])]) {
        failures.push(await refused(`${list}?limit=${limit}`, { status: 400, code: 'E0000001' }, () => f.api('GET', `${list}?limit=${limit}`)));
      }
      failures.push(await refused(`${list}?after= (empty)`, { status: 400, code: 'E0000001' }, () => f.api('GET', `${list}?after=`)));
      const badCursor: Expect = isLogs ? { status: 400, code: 'E0000001' } : { status: 400, code: 'E0000029' };
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

  it("answers ids the router itself refuses (bad percent-encoding, over 100 characters) with Okta's error object", async () => {
    const failures: string[] = [];
    for (const [method, path] of [
      ['GET', `/api/v1/sessions/${'%E9'.repeat(20)}`],
      ['DELETE', '/api/v1/users/%E9/sessions'],
      ['GET', `/api/v1/sessions/${long(101)}`],
      ['DELETE', `/api/v1/users/${long(101)}/sessions`],
    ] as const) {
      const before = await tenantStateWithSessions(server.db, tenant.id);
      const res = await f.api(method, path);
      try {
        assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
        assertOktaError(res, res.status, res.body?.errorCode);
      } catch (err) {
        failures.push(`${method} ${path.slice(0, 60)}: ${(err as Error).message.slice(0, 200)}`);
      }
      assert.deepEqual(await tenantStateWithSessions(server.db, tenant.id), before);
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
        const before = await tenantStateWithSessions(server.db, tenant.id);
        const res = await f.api(method, path, body);
        if (res.status >= 500) failures.push(`${what}: ${res.status} ${res.text.slice(0, 120)}`);
        else if (res.status >= 400 && JSON.stringify(await tenantStateWithSessions(server.db, tenant.id)) !== JSON.stringify(before)) failures.push(`${what}: refused but the tenant changed`);
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
        const before = await tenantStateWithSessions(server.db, tenant.id);
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
        if (JSON.stringify(await tenantStateWithSessions(server.db, tenant.id)) !== JSON.stringify(before)) failures.push(`${op} from ${state}: refused but the tenant changed`);
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
