/**
 * Support cases in the Help Center, over real HTTP: customers signed in through their own tenant open, read,
 * comment on and close cases; each change is in their tenant's System Log; a customer sees their own cases, an
 * admin of the tenant all of them, and nobody another tenant's or another cell's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { ok, type Fixture } from './support/fixtures.ts';
import { helpCenterClient, helpCenterCustomer } from './support/help-center.ts';
import { hostClient, type HostClient } from './support/host-client.ts';
import { documentedBulwarkTypes, oktaEventTypes, problemsOf } from './support/log-event-checks.ts';
import { readAllEvents } from './support/log-reader.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';

const HA = 'high-assurance';

type CaseEvent = Logged & { target: { id: string; type: string; alternateId: string; displayName: string }[]; debugContext: { debugData: Record<string, unknown> } };

describe('support cases in the Help Center', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let haTenant: TestTenant;
  let f: Fixture;
  let otherF: Fixture;
  let haF: Fixture;

  before(async () => {
    server = await startTestServer({ clock });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    haTenant = await createTestTenant(server.db, undefined, HA);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    otherF = { db: server.db, tenantId: other.id, api: apiClient(server.url, other.token) };
    haF = { db: server.db, tenantId: haTenant.id, api: apiClient(server.url, haTenant.token) };
  });
  after(() => server.close());

  const newCase = (title = 'Users cannot enroll passkeys') => ({ title, description: 'Since this morning the enrollment page spins.', severity: 'SEV2', productArea: 'MFA' });

  async function open(hc: HostClient, title?: string): Promise<{ id: string; number: number }> {
    return ok(await hc('POST', '/help/v1/cases', newCase(title)), 'open case').body as { id: string; number: number };
  }

  async function caseCount(): Promise<number> {
    const row = await server.db.selectFrom('support_cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('opens a case, reads it, takes a comment and closes it, each change in the tenant\'s System Log', async () => {
    const { hc, tenantSession } = await helpCenterCustomer(server, f, tenant.slug);
    const seq = await lastSeqOf(server.db, tenant.id);
    const created = await hc('POST', '/help/v1/cases', { ...newCase(), title: '  Users cannot enroll passkeys  ' });
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.id, /^cas[0-9A-Za-z]{17}$/);
    assert.ok(Number.isInteger(created.body.number) && created.body.number > 1000);
    assert.equal(created.body.title, 'Users cannot enroll passkeys', 'the title is trimmed');
    assert.equal(created.body.status, 'OPEN');
    const me = ok(await hc('GET', '/help/v1/session'), 'session').body;
    assert.equal(created.body.openedBy.name, me.user.name);
    assert.equal(created.body.openedBy.id, undefined, 'the opener is named, not identified');

    const listed = ok(await hc('GET', '/help/v1/cases'), 'list').body as { id: string }[];
    assert.deepEqual(listed.map((c) => c.id), [created.body.id]);
    const comment = await hc('POST', `/help/v1/cases/${created.body.id}/comments`, { body: 'It started after we changed the sign-on rule.' });
    assert.equal(comment.status, 201, comment.text);
    assert.equal(comment.body.author.kind, 'CUSTOMER');
    const read = ok(await hc('GET', `/help/v1/cases/${created.body.id}`), 'read').body;
    assert.deepEqual(read.comments.map((c: { body: string }) => c.body), ['It started after we changed the sign-on rule.']);
    assert.equal(read.description, newCase().description);

    const closed = ok(await hc('POST', `/help/v1/cases/${created.body.id}/lifecycle/close`), 'close').body;
    assert.equal(closed.status, 'CLOSED');
    assert.ok(closed.closed);
    const again = ok(await hc('POST', `/help/v1/cases/${created.body.id}/lifecycle/close`), 'close again').body;
    assert.equal(again.closed, closed.closed, 'closing a closed case changes nothing');
    assertOktaError(await hc('POST', `/help/v1/cases/${created.body.id}/comments`, { body: 'one more thing' }), 400, 'E0000001');
    assert.deepEqual(ok(await hc('GET', '/help/v1/cases?status=OPEN'), 'open ones').body, []);

    const events = await eventsAfterOf<CaseEvent>(server.db, tenant.id, seq);
    assert.deepEqual(events.map((e) => e.eventType), ['bulwark.support.case.open', 'bulwark.support.case.comment', 'bulwark.support.case.close']);
    for (const e of events) {
      assert.equal(e.actor.id, tenantSession.user.id, 'the tenant\'s own user is the actor');
      assert.deepEqual([e.target[0]?.id, e.target[0]?.type, e.target[0]?.alternateId], [created.body.id, 'SupportCase', `#${created.body.number}`]);
    }
    const since = new Date(clock.now().getTime() - 86_400_000).toISOString();
    assert.deepEqual(problemsOf(await readAllEvents(f.api, `/api/v1/logs?since=${encodeURIComponent(since)}&limit=1000`), oktaEventTypes(), documentedBulwarkTypes()), []);
  });

  it('shows a customer their own cases only, and an admin of the tenant all of them', async () => {
    const ann = await helpCenterCustomer(server, f, tenant.slug);
    const bob = await helpCenterCustomer(server, f, tenant.slug);
    const admin = await helpCenterCustomer(server, f, tenant.slug, { admin: true });
    const annCase = await open(ann.hc, 'Ann\'s case');
    const bobCase = await open(bob.hc, 'Bob\'s case');
    const ids = async (hc: HostClient) => (ok(await hc('GET', '/help/v1/cases?limit=200'), 'list').body as { id: string }[]).map((c) => c.id);
    assert.ok((await ids(ann.hc)).includes(annCase.id));
    assert.ok(!(await ids(ann.hc)).includes(bobCase.id), 'not another customer\'s case');
    assertOktaError(await ann.hc('GET', `/help/v1/cases/${bobCase.id}`), 404, 'E0000007');
    assertOktaError(await ann.hc('POST', `/help/v1/cases/${bobCase.id}/comments`, { body: 'hello' }), 404, 'E0000007');
    assertOktaError(await ann.hc('POST', `/help/v1/cases/${bobCase.id}/lifecycle/close`), 404, 'E0000007');
    const all = await ids(admin.hc);
    assert.ok(all.includes(annCase.id) && all.includes(bobCase.id), 'an admin sees the tenant\'s cases');
    assert.equal(ok(await admin.hc('POST', `/help/v1/cases/${bobCase.id}/comments`, { body: 'Adding our logs.' }), 'admin comments').status, 201);
    const read = ok(await bob.hc('GET', `/help/v1/cases/${bobCase.id}`), 'bob reads').body;
    assert.equal(read.status, 'OPEN');
    assert.equal(read.comments.length, 1);
  });

  it('keeps each tenant\'s cases to that tenant, both ways, for every route, changing nothing', async () => {
    const mine = await helpCenterCustomer(server, f, tenant.slug, { admin: true });
    const theirs = await helpCenterCustomer(server, otherF, other.slug, { admin: true });
    const myCase = await open(mine.hc, 'Ours');
    const theirCase = await open(theirs.hc, 'Theirs');
    for (const [who, foreign] of [[mine.hc, theirCase.id], [theirs.hc, myCase.id]] as const) {
      const before = await caseCount();
      const seqs = [await lastSeqOf(server.db, tenant.id), await lastSeqOf(server.db, other.id)];
      assertOktaError(await who('GET', `/help/v1/cases/${foreign}`), 404, 'E0000007');
      assertOktaError(await who('POST', `/help/v1/cases/${foreign}/comments`, { body: 'hello' }), 404, 'E0000007');
      assertOktaError(await who('POST', `/help/v1/cases/${foreign}/lifecycle/close`), 404, 'E0000007');
      assert.ok(!(ok(await who('GET', '/help/v1/cases?limit=200'), 'list').body as { id: string }[]).some((c) => c.id === foreign));
      assert.equal(await caseCount(), before);
      assert.deepEqual([await lastSeqOf(server.db, tenant.id), await lastSeqOf(server.db, other.id)], seqs, 'no event in either tenant');
    }
    const stillOpen = await server.db.selectFrom('support_case_comments').select('id').where('case_id', 'in', [myCase.id, theirCase.id]).execute();
    assert.equal(stillOpen.length, 0);
  });

  it('keeps each cell\'s cases to its own Help Center', async () => {
    const ha = await helpCenterCustomer(server, haF, haTenant.slug, { cell: HA, admin: true });
    const haCase = await open(ha.hc, 'High-assurance case');
    const commercial = helpCenterClient(server);
    for (const [name, value] of ha.hc.cookies) commercial.cookies.set(name, value);
    assertOktaError(await commercial('GET', '/help/v1/cases'), 401, 'E0000005');
    assertOktaError(await commercial('GET', `/help/v1/cases/${haCase.id}`), 401, 'E0000005');
    const mine = await helpCenterCustomer(server, f, tenant.slug, { admin: true });
    const copied = helpCenterClient(server, HA);
    for (const [name, value] of mine.hc.cookies) copied.cookies.set(name, value);
    assertOktaError(await copied('POST', '/help/v1/cases', newCase()), 401, 'E0000005');
    const stored = await server.db.selectFrom('support_cases').select(['cell', 'tenant_id']).where('id', '=', haCase.id).executeTakeFirstOrThrow();
    assert.deepEqual(stored, { cell: HA, tenant_id: haTenant.id });
  });

  it('refuses bad input, other hosts, cross-site changes and callers without a session, changing nothing', async () => {
    const { hc } = await helpCenterCustomer(server, f, tenant.slug);
    const existing = await open(hc, 'Existing');
    const before = await caseCount();
    const seq = await lastSeqOf(server.db, tenant.id);
    const bad: [string, unknown][] = [
      ['no title', { ...newCase(), title: undefined }],
      ['a blank title', { ...newCase(), title: '   ' }],
      ['a long title', { ...newCase(), title: 'x'.repeat(201) }],
      ['an empty description', { ...newCase(), description: '' }],
      ['an unknown severity', { ...newCase(), severity: 'SEV0' }],
      ['an unknown product area', { ...newCase(), productArea: 'BILLING' }],
      ['an extra field', { ...newCase(), assignee: 'someone' }],
      ['a string body', 'title=x'],
    ];
    for (const [what, body] of bad) {
      const res = await hc('POST', '/help/v1/cases', body);
      assert.equal(res.status, 400, `${what}: ${res.text}`);
      assert.match(String(res.body?.errorCode), /^E000000[13]$/, what);
    }
    assertOktaError(await hc('POST', `/help/v1/cases/${existing.id}/comments`, { body: ' ' }), 400, 'E0000001');
    assertOktaError(await hc('POST', `/help/v1/cases/${existing.id}/comments`, { body: 'x'.repeat(20_001) }), 400, 'E0000001');
    assertOktaError(await hc('GET', '/help/v1/cases/not-a-case-id'), 400, 'E0000001');
    assertOktaError(await hc('GET', '/help/v1/cases?limit=0'), 400, 'E0000001');
    assertOktaError(await hc('GET', '/help/v1/cases?status=PENDING'), 400, 'E0000001');
    assertOktaError(await hc('GET', `/help/v1/cases/cas${'0'.repeat(17)}`), 404, 'E0000007');
    assertOktaError(await hc('POST', '/help/v1/cases', newCase(), { origin: 'https://evil.example.com' }), 403, 'E0000006');
    assertOktaError(await hc('POST', `/help/v1/cases/${existing.id}/lifecycle/close`, undefined, { 'sec-fetch-site': 'cross-site' }), 403, 'E0000006');
    assertOktaError(await helpCenterClient(server)('POST', '/help/v1/cases', newCase()), 401, 'E0000005');
    assertOktaError(await helpCenterClient(server)('GET', `/help/v1/cases/${existing.id}`), 401, 'E0000005');
    const tenantHost = hostClient(server.url, tenant.slug);
    for (const [name, value] of hc.cookies) tenantHost.cookies.set(name, value);
    assertOktaError(await tenantHost('POST', '/help/v1/cases', { nonsense: true }), 404, 'E0000008');
    assertOktaError(await tenantHost('GET', `/help/v1/cases/${existing.id}`), 404, 'E0000008');
    assert.equal(await caseCount(), before);
    assert.equal(await lastSeqOf(server.db, tenant.id), seq);
    const read = ok(await hc('GET', `/help/v1/cases/${existing.id}`), 'read').body;
    assert.deepEqual([read.status, read.comments.length], ['OPEN', 0]);
  });
});
