import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type Api, type ApiResponse, type TestServer, type TestTenant } from '../../test/helpers.ts';

type Group = { id: string; type: string; created: string; lastUpdated: string; lastMembershipUpdated: string; profile: { name: string; description: string | null } };

const nextLink = (res: ApiResponse): string | null => {
  const m = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '');
  if (!m) return null;
  const url = new URL(m[1] as string);
  return url.pathname + url.search;
};

describe('GET /api/v1/groups', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let api: Api;
  const made: Record<string, Group> = {};

  const list = async (query: string): Promise<ApiResponse> => api('GET', `/api/v1/groups?${query}`);
  const names = (res: ApiResponse) => res.body.map((g: Group) => g.profile.name).sort();
  const enc = encodeURIComponent;

  before(async () => {
    server = await startTestServer({ clock });
    tenant = await createTestTenant(server.db);
    api = apiClient(server.url, tenant.token);
    const specs: [string, string | null][] = [
      ['Engineering', 'Builds the product'],
      ['Engineering Managers', null],
      ['Sales', 'Sells the product'],
      ['sales ops', 'Keeps sales running'],
      ['Support', null],
    ];
    for (const [name, description] of specs) {
      clock.advance(1000);
      const res = await api('POST', '/api/v1/groups', { profile: { name, description } });
      assert.equal(res.status, 200);
      made[name] = res.body;
    }
    clock.advance(1000);
    // A membership change moves lastMembershipUpdated of Sales only.
    assert.equal((await api('PUT', `/api/v1/groups/${made['Sales']?.id}/users/${tenant.adminId}`)).status, 204);
  });
  after(() => server.close());

  it('lists every group, Everyone included, in id order with a self link and no next link', async () => {
    const res = await api('GET', '/api/v1/groups');
    assert.equal(res.status, 200);
    assert.deepEqual(names(res), ['Engineering', 'Engineering Managers', 'Everyone', 'Sales', 'Support', 'sales ops']);
    const ids = res.body.map((g: Group) => g.id);
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(res.headers.get('link'), `<${server.url}/api/v1/groups>; rel="self"`);
  });

  it('pages with limit and after through Link headers until there is no next link', async () => {
    const seen: string[] = [];
    let next: string | null = '/api/v1/groups?limit=2';
    let pages = 0;
    while (next) {
      const res = await api('GET', next);
      assert.equal(res.status, 200);
      assert.ok(res.body.length <= 2);
      seen.push(...res.body.map((g: Group) => g.id));
      assert.match(res.headers.get('link') ?? '', /rel="self"/);
      next = nextLink(res);
      if (next) assert.match(next, /limit=2/);
      pages++;
    }
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 6);
  });

  it('finds groups by name prefix with q, case-insensitively, exact match first', async () => {
    assert.deepEqual(names(await list('q=sales')), ['Sales', 'sales ops']);
    assert.deepEqual((await list('q=SALES')).body.map((g: Group) => g.profile.name), ['Sales', 'sales ops']);
    assert.deepEqual(names(await list('q=eng')), ['Engineering', 'Engineering Managers']);
    assert.deepEqual(names(await list('q=ops')), []);
    assert.deepEqual(names(await list(`q=${enc('sales o')}`)), ['sales ops']);
  });

  it('returns q results as a single page, as Okta does', async () => {
    const res = await list('q=e&limit=1');
    assert.equal(res.body.length, 1);
    assert.equal(nextLink(res), null);
  });

  it('filters by type, id and the update times, combined with and/or', async () => {
    assert.deepEqual(names(await list(`filter=${enc('type eq "BUILT_IN"')}`)), ['Everyone']);
    assert.equal((await list(`filter=${enc('type eq "OKTA_GROUP"')}`)).body.length, 5);
    const sales = made['Sales'] as Group;
    const support = made['Support'] as Group;
    assert.deepEqual(names(await list(`filter=${enc(`id eq "${sales.id}" or id eq "${support.id}"`)}`)), ['Sales', 'Support']);
    const salesOps = made['sales ops'] as Group;
    assert.deepEqual(names(await list(`filter=${enc(`lastUpdated gt "${salesOps.lastUpdated}"`)}`)), ['Support']);
    assert.deepEqual(names(await list(`filter=${enc(`lastUpdated ge "${salesOps.lastUpdated}" and type eq "OKTA_GROUP"`)}`)), ['Support', 'sales ops']);
    assert.deepEqual(names(await list(`filter=${enc(`lastMembershipUpdated gt "${support.lastMembershipUpdated}"`)}`)), ['Sales']);
  });

  it('treats filter values case-sensitively, as Okta does', async () => {
    assert.deepEqual(names(await list(`filter=${enc('type eq "built_in"')}`)), []);
  });

  it('searches profile.name and profile.description with sw, eq and co, case-insensitively', async () => {
    assert.deepEqual(names(await list(`search=${enc('profile.name sw "SALES"')}`)), ['Sales', 'sales ops']);
    assert.deepEqual(names(await list(`search=${enc('profile.name eq "sales"')}`)), ['Sales']);
    assert.deepEqual(names(await list(`search=${enc('profile.description co "PRODUCT"')}`)), ['Engineering', 'Sales']);
    assert.deepEqual(names(await list(`search=${enc('profile.name co "manager" or profile.description co "running"')}`)), ['Engineering Managers', 'sales ops']);
    assert.deepEqual(names(await list(`search=${enc('profile.description pr and type eq "okta_group"')}`)), ['Engineering', 'Sales', 'sales ops']);
    const eng = made['Engineering'] as Group;
    assert.deepEqual(names(await list(`search=${enc(`created le "${eng.created}" and type eq "OKTA_GROUP"`)}`)), ['Engineering']);
  });

  it('sorts search results by sortBy and sortOrder and pages them', async () => {
    const res = await list(`search=${enc('type eq "OKTA_GROUP"')}&sortBy=profile.name&sortOrder=desc&limit=3`);
    assert.deepEqual(res.body.map((g: Group) => g.profile.name), ['Support', 'sales ops', 'Sales']);
    const next = nextLink(res);
    assert.ok(next);
    const rest = await api('GET', next);
    assert.deepEqual(rest.body.map((g: Group) => g.profile.name), ['Engineering Managers', 'Engineering']);
    assert.equal(nextLink(rest), null);
  });

  it('refuses bad expressions, fields and operators with E0000031', async () => {
    const bad = [
      `filter=${enc('type eq')}`,
      `filter=${enc('type eqq "OKTA_GROUP"')}`,
      `filter=${enc('profile.name eq "Sales"')}`,
      `filter=${enc('type sw "OKTA"')}`,
      `filter=${enc('created gt "2020-01-01T00:00:00.000Z"')}`,
      `filter=${enc('not (type eq "OKTA_GROUP")')}`,
      `search=${enc('type co "GROUP"')}`,
      `search=${enc('type ne "BUILT_IN"')}`,
      `search=${enc('profile.owner eq "x"')}`,
      `search=${enc('(profile.name eq "x"')}`,
    ];
    for (const query of bad) {
      const res = await list(query);
      assertOktaError(res, 400, 'E0000031');
      assert.equal(res.body.errorSummary, 'Invalid search criteria.');
      assert.equal(res.body.errorCauses.length, 1, query);
    }
  });

  it('refuses a non-date compared with a date with E0000030 instead of quietly matching nothing', async () => {
    assertOktaError(await list(`search=${enc('lastUpdated gt "yesterday"')}`), 400, 'E0000030');
    assertOktaError(await list(`filter=${enc('lastUpdated gt "2026-02-30T00:00:00.000Z"')}`), 400, 'E0000030');
    assert.equal((await list(`search=${enc('lastUpdated gt "2020-01-01T00:00:00.000Z"')}`)).status, 200);
  });

  it('refuses q, filter and search together, bad cursors, limits and unknown parameters', async () => {
    assertOktaError(await list(`q=s&filter=${enc('type eq "BUILT_IN"')}`), 400, 'E0000033');
    assertOktaError(await list(`q=s&search=${enc('type eq "BUILT_IN"')}`), 400, 'E0000033');
    assertOktaError(await list(`filter=${enc('type eq "BUILT_IN"')}&search=${enc('type eq "BUILT_IN"')}`), 400, 'E0000033');
    assertOktaError(await list('after=not-a-cursor'), 400, 'E0000029');
    assertOktaError(await list(`search=${enc('type eq "OKTA_GROUP"')}&sortBy=profile.name&after=00gAAAAAAAAAAAAAAAAA`), 400, 'E0000029');
    assertOktaError(await list(`search=${enc('type eq "OKTA_GROUP"')}&sortBy=profile.color`), 400, 'E0000001');
    assertOktaError(await list('limit=0'), 400, 'E0000001');
    assertOktaError(await list('limit=many'), 400, 'E0000001');
    assertOktaError(await list('expand=everything'), 400, 'E0000001');
  });
});
