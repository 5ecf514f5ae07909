/**
 * GET /api/v1/logs as Okta documents it: polling that never ends, never repeats and never misses an event,
 * bounded queries that do end, both sort orders, limits, Okta's filter and keyword examples, its errors, and
 * retention. Expected results are computed here from the tenant's full log, not taken from the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { setLogRetention } from '../src/tenants/service.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { addMember, newGroup, newUser, PASSWORD, profileOf, type Fixture } from './support/fixtures.ts';
import { nextLink, pathOf, readAllEvents, type LogEventJson } from './support/log-reader.ts';

const q = (params: Record<string, string | number>) => `/api/v1/logs?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()}`;
const uuids = (events: LogEventJson[]) => events.map((e) => e.uuid);

async function storedUuids(server: TestServer, tenantId: string): Promise<string[]> {
  const rows = await server.db.selectFrom('log_events').select('uuid').where('tenant_id', '=', tenantId).orderBy('seq').execute();
  return rows.map((r) => r.uuid);
}

describe('GET /api/v1/logs', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let api: Api;
  let all: LogEventJson[] = [];
  let member = { id: '', login: '' };
  let group = { id: '', name: '' };

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    f = { db: server.db, tenantId: tenant.id, api };
    const quixote = await api('POST', '/api/v1/users', {
      profile: { ...profileOf('quixote@la-mancha.example.com'), firstName: 'Alonso', lastName: 'Quixano' },
      credentials: { password: { value: PASSWORD } },
    });
    assert.equal(quixote.status, 200);
    assert.equal((await api('POST', `/api/v1/users/${quixote.body.id}/lifecycle/suspend`)).status, 200);
    member = await newUser(f);
    group = await newGroup(f);
    await addMember(f, group.id, member.id);
    all = await readAllEvents(api, q({ limit: 1000 }));
  });
  after(() => server.close());

  it('returns the whole log to a polling client, in persistence order', async () => {
    assert.deepEqual(uuids(all), await storedUuids(server, tenant.id));
  });

  it('always gives a polling request a self link and a next link, even on an empty page', async () => {
    let res = await api('GET', q({ limit: 1000 }));
    assert.match(res.headers.get('link') ?? '', /rel="self"/);
    for (let i = 0; i < 3; i++) {
      const next = nextLink(res);
      assert.ok(next, `page ${i} has a next link`);
      res = await api('GET', pathOf(next));
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, []);
    }
    assert.ok(nextLink(res));
  });

  it('polls without repeating or missing an event while others write', async () => {
    const first = await api('GET', q({ limit: 1000 }));
    let cursor = nextLink(first) as string;
    const seen: string[] = uuids(first.body);
    let writing = true;
    const writers = Promise.all(Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; i < 15; i++) {
        const login = `poll${w}x${i}@example.com`;
        const res = await api('POST', '/api/v1/users', { profile: profileOf(login) });
        assert.equal(res.status, 200, res.text);
      }
    })).finally(() => { writing = false; });
    for (;;) {
      const done = !writing;
      const res = await api('GET', pathOf(cursor));
      assert.equal(res.status, 200);
      seen.push(...uuids(res.body));
      const next = nextLink(res);
      assert.ok(next, 'a polling page always has a next link');
      cursor = next;
      // Only a page that was requested after the writers finished and came back empty ends the poll.
      if (done && res.body.length === 0) break;
      if (res.body.length === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await writers;
    assert.equal(new Set(seen).size, seen.length, 'no event was returned twice');
    assert.deepEqual(seen, await storedUuids(server, tenant.id), 'every event, in order');
  });

  it('ends a bounded request (since and until) without a next link, in published order', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const until = new Date(Date.now() + 60_000).toISOString();
    const pages: LogEventJson[][] = [];
    let path: string | undefined = q({ since, until, limit: 7 });
    while (path) {
      const res = await api('GET', path);
      assert.equal(res.status, 200);
      pages.push(res.body);
      const next = nextLink(res);
      path = next ? pathOf(next) : undefined;
    }
    const events = pages.flat();
    assert.ok(pages.length > 2);
    assert.equal(new Set(uuids(events)).size, events.length);
    assert.deepEqual(new Set(uuids(events)), new Set(await storedUuids(server, tenant.id)));
    for (let i = 1; i < events.length; i++) assert.ok((events[i - 1] as LogEventJson).published <= (events[i] as LogEventJson).published, 'ascending published');
  });

  it('pages in descending order from the newest event and ends', async () => {
    const events: LogEventJson[] = [];
    let path: string | undefined = q({ sortOrder: 'DESCENDING', limit: 9 });
    let pages = 0;
    while (path) {
      const res = await api('GET', path);
      assert.equal(res.status, 200);
      events.push(...res.body);
      const next = nextLink(res);
      path = next ? pathOf(next) : undefined;
      assert.ok(++pages < 100, 'a descending query ends');
    }
    const stored = await storedUuids(server, tenant.id);
    assert.equal(events.length, stored.length);
    assert.equal(new Set(uuids(events)).size, events.length);
    for (let i = 1; i < events.length; i++) assert.ok((events[i - 1] as LogEventJson).published >= (events[i] as LogEventJson).published, 'descending published');
    assert.equal(events[0]?.uuid, stored.at(-1), 'starts at the newest event');
  });

  it('accepts limit from 0 to 1000 and refuses anything else', async () => {
    const zero = await api('GET', q({ limit: 0 }));
    assert.equal(zero.status, 200);
    assert.deepEqual(zero.body, []);
    assert.ok(nextLink(zero), 'a polling page of zero events still has a next link');
    assert.equal((await api('GET', q({ limit: 1 }))).body.length, 1);
    const max = await api('GET', q({ limit: 1000 }));
    assert.equal(max.status, 200);
    assert.equal(max.body.length, Math.min(1000, (await storedUuids(server, tenant.id)).length));
    assertOktaError(await api('GET', q({ limit: 1001 })), 400, 'E0000001');
    assertOktaError(await api('GET', q({ limit: -1 })), 400, 'E0000001');
  });

  it("answers Okta's documented filter examples with exactly the matching events", async () => {
    const events = await readAllEvents(api, q({ limit: 1000 }));
    const user = member.id;
    const cases: [string, (e: LogEventJson) => boolean][] = [
      ['eventType eq "user.lifecycle.create"', (e) => e.eventType === 'user.lifecycle.create'],
      ['event_type eq "user.lifecycle.create"', (e) => e.eventType === 'user.lifecycle.create'],
      [`target.id eq "${user}"`, (e) => e.target.some((t) => t.id === user)],
      [`target.id eq "${user}" and target.id eq "${group.id}"`, (e) => e.target.some((t) => t.id === user) && e.target.some((t) => t.id === group.id)],
      [`actor.id ne "${tenant.adminId}"`, (e) => (e['actor'] as { id: string }).id !== tenant.adminId],
      ['eventType sw "group."', (e) => e.eventType.startsWith('group.')],
      ['eventType co "lifecycle"', (e) => e.eventType.includes('lifecycle')],
      ['eventType ew ".create"', (e) => e.eventType.endsWith('.create')],
      ['eventType eq "user.lifecycle.create" and outcome.result eq "SUCCESS"', (e) => e.eventType === 'user.lifecycle.create' && (e['outcome'] as { result: string }).result === 'SUCCESS'],
      ['not (eventType sw "user.")', (e) => !e.eventType.startsWith('user.')],
      ['eventType eq "user.lifecycle.suspend" or eventType eq "group.lifecycle.create"', (e) => ['user.lifecycle.suspend', 'group.lifecycle.create'].includes(e.eventType)],
      [`transaction.detail.requestApiTokenId pr`, (e) => (e['transaction'] as { detail: Record<string, unknown> }).detail['requestApiTokenId'] !== undefined],
      ['target.type eq "UserGroup"', (e) => e.target.some((t) => t.type === 'UserGroup')],
    ];
    const outcome = (e: LogEventJson) => (e['outcome'] as { result: string }).result;
    assert.deepEqual(uuids(await readAllEvents(api, q({ filter: 'outcome.result eq "SUCCESS"', limit: 1000 }))), uuids(events.filter((e) => outcome(e) === 'SUCCESS')));
    assert.deepEqual(uuids(await readAllEvents(api, q({ filter: 'outcome.result eq "FAILURE"', limit: 1000 }))), uuids(events.filter((e) => outcome(e) === 'FAILURE')));
    for (const [filter, matches] of cases) {
      const expected = uuids(events.filter(matches));
      assert.ok(expected.length > 0 && expected.length < events.length, `${filter} is a real test (${expected.length} of ${events.length})`);
      const got = await readAllEvents(api, q({ filter, limit: 1000 }));
      assert.deepEqual(uuids(got), expected, filter);
    }
  });

  it('matches q keywords as whole tokens, all of them, case-insensitively', async () => {
    const events = await readAllEvents(api, q({ limit: 1000 }));
    const hasToken = (e: LogEventJson, word: string) => new RegExp(`(^|[^A-Za-z0-9_])${word}($|[^A-Za-z0-9_])`, 'i').test(JSON.stringify(e));
    const cases: [string, (e: LogEventJson) => boolean][] = [
      ['QUIXANO', (e) => hasToken(e, 'quixano')],
      ['alonso suspend', (e) => hasToken(e, 'alonso') && hasToken(e, 'suspend')],
      ['Alonso quixano', (e) => hasToken(e, 'alonso') && hasToken(e, 'quixano')],
    ];
    for (const [words, matches] of cases) {
      const expected = uuids(events.filter(matches));
      assert.ok(expected.length > 0 && expected.length < events.length, `q=${words} is a real test`);
      assert.deepEqual(uuids(await readAllEvents(api, q({ q: words, limit: 1000 }))), expected, `q=${words}`);
    }
    assert.deepEqual((await api('GET', q({ q: 'Quix' }))).body, [], 'a prefix is not a token');
    assertOktaError(await api('GET', q({ q: 'x'.repeat(41) })), 400, 'E0000001');
    assert.equal((await api('GET', q({ q: 'x'.repeat(40) }))).status, 200);
  });

  it("answers the System Log's documented errors", async () => {
    assertOktaError(await api('GET', q({ since: new Date(Date.now() - 181 * 86_400_000).toISOString() })), 400, 'E0000053');
    assert.equal((await api('GET', q({ since: new Date(Date.now() - 179 * 86_400_000).toISOString() }))).status, 200);
    assertOktaError(await api('GET', q({ filter: 'debugContext.debugData.url co "/api"' })), 400, 'E0000031');
    assertOktaError(await api('GET', q({ filter: 'debugContext.debugData.requestUri co "/api"' })), 400, 'E0000031');
    assert.equal((await api('GET', q({ filter: 'debugContext.debugData.url sw "/api/v1/users"' }))).status, 200);
    const unknown = await api('GET', q({ filter: 'some_invalid_field eq "x"' }));
    assertOktaError(unknown, 400, 'E0000053');
    assert.match(unknown.body.errorSummary, /field is not valid/);
    assertOktaError(await api('GET', q({ filter: 'display_message eqq "Create okta user"' })), 400, 'E0000053');
    assertOktaError(await api('GET', q({ until: 'tomorrow' })), 400, 'E0000001');
  });
});

describe('GET /api/v1/logs with a clock that stands still', () => {
  const start = new Date();
  const clock = manualClock(start);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ clock });
  });
  after(() => server.close());

  it('pages through events that share one published instant without losing or repeating any', async () => {
    const tenant = await createTestTenant(server.db);
    const api = apiClient(server.url, tenant.token);
    for (let i = 0; i < 10; i++) await newUser({ db: server.db, tenantId: tenant.id, api });
    const stored = await storedUuids(server, tenant.id);
    const since = new Date(clock.now().getTime() - 3_600_000).toISOString();
    const until = new Date(clock.now().getTime() + 1).toISOString();
    for (const query of [q({ since, until, limit: 3 }), q({ sortOrder: 'DESCENDING', limit: 3 }), q({ since, until, sortOrder: 'DESCENDING', limit: 4 })]) {
      const events: LogEventJson[] = [];
      let path: string | undefined = query;
      while (path) {
        const res = await api('GET', path);
        assert.equal(res.status, 200, res.text);
        events.push(...res.body);
        const next = nextLink(res);
        path = next ? pathOf(next) : undefined;
      }
      assert.equal(new Set(uuids(events)).size, events.length, `${query}: no event twice`);
      // Events of the tenant's creation carry the real time; the rest share the standing clock's instant.
      const shared = await server.db.selectFrom('log_events').select('uuid').where('tenant_id', '=', tenant.id).where('published', '=', clock.now()).execute();
      assert.ok(shared.length >= 20);
      for (const { uuid } of shared) assert.ok(uuids(events).includes(uuid), `${query}: ${uuid} returned`);
      assert.ok(events.length <= stored.length);
    }
  });

  it("never returns events older than the tenant's retention, though they are still stored", async () => {
    const tenant = await createTestTenant(server.db);
    const api = apiClient(server.url, tenant.token);
    const old = await newUser({ db: server.db, tenantId: tenant.id, api });
    await setLogRetention(server.db, clock, tenant.slug, 1);
    const cursor = nextLink(await api('GET', q({ limit: 1000 }))) as string;
    clock.advance(2 * 86_400_000);
    const fresh = await newUser({ db: server.db, tenantId: tenant.id, api });

    const stored = await storedUuids(server, tenant.id);
    const recent = await server.db.selectFrom('log_events').select('uuid').where('tenant_id', '=', tenant.id).where('published', '>', new Date(start.getTime() + 86_400_000)).orderBy('seq').execute();
    assert.ok(recent.length > 0 && recent.length < stored.length, 'old events are still in the table');
    const expected = recent.map((r) => r.uuid);

    const since = new Date(start.getTime() - 3_600_000).toISOString();
    const until = new Date(clock.now().getTime() + 60_000).toISOString();
    for (const query of [q({ limit: 1000 }), q({ since, limit: 1000 }), q({ since, until, limit: 1000 }), q({ sortOrder: 'DESCENDING', limit: 1000 })]) {
      const events = await readAllEvents(api, query);
      assert.deepEqual(new Set(uuids(events)), new Set(expected), query);
    }
    assert.deepEqual(uuids(await readAllEvents(api, pathOf(cursor))), expected, 'a poller resuming from before sees only what is retained');
    const aboutOld = await readAllEvents(api, q({ filter: `target.id eq "${old.id}"`, since }));
    assert.deepEqual(aboutOld, []);
    const aboutFresh = await readAllEvents(api, q({ filter: `target.id eq "${fresh.id}"`, since }));
    assert.ok(aboutFresh.length > 0);
  });
});
