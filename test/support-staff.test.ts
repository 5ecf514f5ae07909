/**
 * Support staff: each cell's support plane is a tenant of its own (`staff-{cell}`) whose users are the staff.
 * They enroll a passkey through an invitation, sign in to their cell's Help Center through the plane (its
 * policy asks for a passkey everywhere), work the cell's queue and answer customers. Every read and write is
 * in the plane's log, replies in the customer's tenant's log too; no staff member sees another cell's cases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { createSupportPlane, createTenant } from '../src/tenants/service.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { ok, unique, type Fixture } from './support/fixtures.ts';
import { helpCenterClient, helpCenterCustomer, newStaffMember, newSupportPlane, type SupportPlane } from './support/help-center.ts';
import { hostClient } from './support/host-client.ts';
import { documentedBulwarkTypes, oktaEventTypes, problemsOf } from './support/log-event-checks.ts';
import { readAllEvents } from './support/log-reader.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';

const HA = 'high-assurance';

type Event = Logged & { actor: { id: string; type: string }; target: { id: string; type: string }[]; debugContext: { debugData: Record<string, unknown> } };

describe('support staff in the Help Center', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let haTenant: TestTenant;
  let f: Fixture;
  let haF: Fixture;
  let plane: SupportPlane;
  let haPlane: SupportPlane;

  before(async () => {
    server = await startTestServer({ clock });
    tenant = await createTestTenant(server.db);
    haTenant = await createTestTenant(server.db, undefined, HA);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    haF = { db: server.db, tenantId: haTenant.id, api: apiClient(server.url, haTenant.token) };
    plane = await newSupportPlane(server, clock, 'commercial');
    haPlane = await newSupportPlane(server, clock, HA);
  });
  after(() => server.close());

  /** A staff member signed in, with their record in the Help Center (what cases are assigned to). */
  const staffMember = async (p: SupportPlane, cell: string, group?: string) => {
    const member = await newStaffMember(server, p, cell, group);
    return { ...member, recordId: ok(await member.hc('GET', '/help/v1/session'), 'session').body.user.id as string };
  };

  const newCase = (title: string) => ({ title, description: 'Our admins were signed out twice today.', severity: 'SEV3', productArea: 'SIGN_IN' });

  it('makes a support plane per cell whose policy asks for a passkey everywhere, under a name no customer can take', async () => {
    const rules = ok(await plane.api('GET', `/api/v1/policies/${(ok(await plane.api('GET', '/api/v1/policies?type=OKTA_SIGN_ON'), 'policies').body as { id: string }[])[0]?.id}/rules`), 'rules').body as { system: string | null; actions: { signon: { requireFactor: boolean; phishingResistant: string } } }[];
    assert.ok(rules.length >= 2);
    for (const r of rules) assert.deepEqual([r.actions.signon.requireFactor, r.actions.signon.phishingResistant], [true, 'REQUIRED'], JSON.stringify(r));
    assert.equal(plane.slug, 'staff-commercial');
    // The plane's own admin cannot open it to a password: not by editing the default rule, nor by a narrower rule before it.
    const policyId = (ok(await plane.api('GET', '/api/v1/policies?type=OKTA_SIGN_ON'), 'policies').body as { id: string }[])[0]?.id;
    const seq = await lastSeqOf(server.db, plane.id);
    const fallback = rules.at(-1) as unknown as { id: string; name: string; actions: { signon: Record<string, unknown> } };
    assert.equal(fallback.name, 'Support staff: passkey at every sign-in');
    const weakened = await plane.api('PUT', `/api/v1/policies/${policyId}/rules/${fallback.id}`, { ...fallback, actions: { signon: { ...fallback.actions.signon, requireFactor: false, phishingResistant: 'OPTIONAL' } } });
    assertOktaError(weakened, 400, 'E0000001');
    assert.match(JSON.stringify(weakened.body), /support staff sign in with a passkey only/);
    const narrow = await plane.api('POST', `/api/v1/policies/${policyId}/rules`, {
      name: 'Agents on the office network', priority: 1,
      conditions: { people: { users: { include: [], exclude: [] }, groups: { include: [plane.groups.get('Support agents')], exclude: [] } }, app: { include: ['help_center'], exclude: [] } },
      actions: { signon: { ...fallback.actions.signon, requireFactor: true, phishingResistant: 'OPTIONAL' } },
    });
    assertOktaError(narrow, 400, 'E0000001');
    assert.match(JSON.stringify(narrow.body), /Agents on the office network: actions.signon: support staff sign in with a passkey only/);
    assert.equal(await lastSeqOf(server.db, plane.id), seq, 'refused, nothing changed or logged');
    const because = (text: string) => (err: { causes?: readonly string[] }) => (err.causes ?? []).some((c) => c.includes(text));
    await assert.rejects(createTenant(server.db, clock, { slug: 'staff-commercial2', adminEmail: 'a@b.example.com' }), because('reserved name'));
    await assert.rejects(createSupportPlane(server.db, clock, { cell: 'commercial', adminEmail: 'a@b.example.com' }), because('already has a support plane'));
    const hc = helpCenterClient(server);
    const refused = await hc('GET', `/help/signin?org=${plane.slug}`, undefined, { accept: 'text/html' });
    assert.equal(refused.headers.get('location'), '/?error=unknown_org', 'a support plane is no customer organisation');
  });

  it('lets an agent work the cell\'s queue and answer a customer, each read and write in the plane\'s log and the reply in the tenant\'s', async () => {
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    const opened = ok(await customer.hc('POST', '/help/v1/cases', newCase(unique('Signed out'))), 'open').body as { id: string; number: number; title: string };
    const agent = await staffMember(plane, 'commercial', 'Support agents');
    const me = ok(await agent.hc('GET', '/help/v1/session'), 'session').body;
    assert.deepEqual([me.kind, me.user.staffRoles, me.organization.slug, me.amr.includes('hwk')], ['STAFF', ['AGENT'], plane.slug, true]);

    const planeSeq = await lastSeqOf(server.db, plane.id);
    const tenantSeq = await lastSeqOf(server.db, tenant.id);
    const queue = ok(await agent.hc('GET', '/help/v1/staff/cases?status=OPEN&limit=200'), 'queue').body as { id: string; organization: { slug: string } }[];
    assert.ok(queue.some((c) => c.id === opened.id && c.organization.slug === tenant.slug));
    const searched = ok(await agent.hc('GET', `/help/v1/staff/cases?q=${encodeURIComponent(`"${opened.title.split(' ').pop()}"`)}`), 'search').body as { id: string }[];
    assert.deepEqual(searched.map((c) => c.id), [opened.id], 'full-text search finds the case by a word of its title');
    const read = ok(await agent.hc('GET', `/help/v1/staff/cases/${opened.id}`), 'read').body;
    assert.equal(read.description, newCase('x').description);
    const reply = await agent.hc('POST', `/help/v1/staff/cases/${opened.id}/comments`, { body: 'Could you send a HAR file of the sign-in?' });
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.body.author.kind, 'STAFF');

    const seen = ok(await customer.hc('GET', `/help/v1/cases/${opened.id}`), 'customer reads').body;
    assert.equal(seen.status, 'WAITING_ON_CUSTOMER');
    assert.deepEqual(seen.comments.map((c: { author: { kind: string } }) => c.author.kind), ['STAFF']);

    const planeEvents = await eventsAfterOf<Event>(server.db, plane.id, planeSeq);
    assert.deepEqual(planeEvents.map((e) => e.eventType), ['bulwark.support.queue.read', 'bulwark.support.queue.read', 'bulwark.support.case.read', 'bulwark.support.case.comment']);
    assert.equal(planeEvents[0]?.debugContext.debugData['status'], 'OPEN');
    assert.ok(planeEvents.every((e) => e.actor.type === 'SupportStaff' && e.actor.id === agent.id));
    assert.deepEqual(planeEvents[2]?.target.map((t) => [t.id, t.type]), [[opened.id, 'SupportCase'], [tenant.id, 'Org']]);
    const tenantEvents = await eventsAfterOf<Event>(server.db, tenant.id, tenantSeq);
    assert.deepEqual(tenantEvents.map((e) => [e.eventType, e.actor.type]), [['bulwark.support.case.comment', 'SupportStaff']], 'the customer\'s tenant sees the reply, not the reads');
    const since = new Date(clock.now().getTime() - 86_400_000).toISOString();
    assert.deepEqual(problemsOf(await readAllEvents(plane.api, `/api/v1/logs?since=${encodeURIComponent(since)}&limit=1000`), oktaEventTypes(), documentedBulwarkTypes()), []);
  });

  it('gives each side only its own routes: no role, no queue; security reads but does not answer; customers and staff keep apart', async () => {
    const customer = await helpCenterCustomer(server, f, tenant.slug, { admin: true });
    const opened = ok(await customer.hc('POST', '/help/v1/cases', newCase('Apart')), 'open').body as { id: string };
    const nobody = await staffMember(plane, 'commercial');
    assertOktaError(await nobody.hc('GET', '/help/v1/staff/cases'), 403, 'E0000006');
    const security = await staffMember(plane, 'commercial', 'Support security');
    ok(await security.hc('GET', `/help/v1/staff/cases/${opened.id}`), 'security reads');
    assertOktaError(await security.hc('POST', `/help/v1/staff/cases/${opened.id}/comments`, { body: 'hi' }), 403, 'E0000006');
    assertOktaError(await customer.hc('GET', '/help/v1/staff/cases'), 403, 'E0000006');
    assertOktaError(await customer.hc('GET', `/help/v1/staff/cases/${opened.id}`), 403, 'E0000006');
    assertOktaError(await security.hc('POST', '/help/v1/cases', newCase('staff are not customers')), 403, 'E0000006');
    assertOktaError(await security.hc('GET', '/help/v1/cases'), 403, 'E0000006');
    assertOktaError(await helpCenterClient(server)('GET', '/help/v1/staff/cases'), 401, 'E0000005');
    const stored = await server.db.selectFrom('support_case_comments').select('id').where('case_id', '=', opened.id).execute();
    assert.equal(stored.length, 0, 'nothing was written by the refused calls');
  });

  it('keeps each cell\'s staff to their own cell\'s cases, both ways', async () => {
    const commercialCase = ok(await (await helpCenterCustomer(server, f, tenant.slug)).hc('POST', '/help/v1/cases', newCase('Commercial')), 'open').body as { id: string };
    const haCase = ok(await (await helpCenterCustomer(server, haF, haTenant.slug, { cell: HA })).hc('POST', '/help/v1/cases', newCase('High assurance')), 'open').body as { id: string };
    const commercialAgent = await staffMember(plane, 'commercial', 'Support agents');
    const haAgent = await staffMember(haPlane, HA, 'Support agents');
    for (const [agent, mine, foreign] of [[commercialAgent, commercialCase.id, haCase.id], [haAgent, haCase.id, commercialCase.id]] as const) {
      const ids = (ok(await agent.hc('GET', '/help/v1/staff/cases?limit=200'), 'queue').body as { id: string }[]).map((c) => c.id);
      assert.ok(ids.includes(mine) && !ids.includes(foreign));
      assertOktaError(await agent.hc('GET', `/help/v1/staff/cases/${foreign}`), 404, 'E0000007');
      assertOktaError(await agent.hc('POST', `/help/v1/staff/cases/${foreign}/comments`, { body: 'hi' }), 404, 'E0000007');
      assertOktaError(await agent.hc('POST', `/help/v1/staff/cases/${foreign}/assignee`, { assigneeId: null }), 404, 'E0000007');
      assertOktaError(await agent.hc('POST', `/help/v1/staff/cases/${foreign}/status`, { status: 'IN_PROGRESS' }), 404, 'E0000007');
    }
    const foreignMembers = ok(await commercialAgent.hc('GET', '/help/v1/staff/members'), 'members').body as { id: string }[];
    assert.ok(!foreignMembers.some((m) => m.id === haAgent.recordId), 'the cell\'s staff only');
    const copied = helpCenterClient(server);
    for (const [name, value] of haAgent.hc.cookies) copied.cookies.set(name, value);
    assertOktaError(await copied('GET', '/help/v1/staff/cases'), 401, 'E0000005');
    const comments = await server.db.selectFrom('support_case_comments').select('id').where('case_id', 'in', [commercialCase.id, haCase.id]).execute();
    assert.equal(comments.length, 0);
    const changed = await server.db.selectFrom('support_cases').select(['status', 'assignee_id']).where('id', 'in', [commercialCase.id, haCase.id]).execute();
    assert.deepEqual(changed.map((c) => [c.status, c.assignee_id]), [['OPEN', null], ['OPEN', null]]);
  });

  it('lets an agent take a case and a senior agent assign it, and moves it along, each change in both logs', async () => {
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    const opened = ok(await customer.hc('POST', '/help/v1/cases', newCase(unique('Lockout'))), 'open').body as { id: string };
    const [agent, colleague, senior, security] = await Promise.all(['Support agents', 'Support agents', 'Senior support agents', 'Support security'].map((g) => staffMember(plane, 'commercial', g)));
    if (!agent || !colleague || !senior || !security) throw new Error('staff');
    const members = ok(await agent.hc('GET', '/help/v1/staff/members'), 'members').body as { id: string; staffRoles: string[] }[];
    assert.ok([agent.recordId, colleague.recordId, senior.recordId].every((id) => members.some((m) => m.id === id)));
    assert.ok(!members.some((m) => m.id === security.recordId), 'security staff work no cases');

    const planeSeq = await lastSeqOf(server.db, plane.id);
    const tenantSeq = await lastSeqOf(server.db, tenant.id);
    assertOktaError(await agent.hc('POST', `/help/v1/staff/cases/${opened.id}/assignee`, { assigneeId: colleague.recordId }), 403, 'E0000006');
    assertOktaError(await security.hc('POST', `/help/v1/staff/cases/${opened.id}/assignee`, { assigneeId: security.recordId }), 403, 'E0000006');
    assertOktaError(await senior.hc('POST', `/help/v1/staff/cases/${opened.id}/assignee`, { assigneeId: security.recordId }), 400, 'E0000001');
    assertOktaError(await senior.hc('POST', `/help/v1/staff/cases/${opened.id}/assignee`, { assigneeId: 'nope' }), 400, 'E0000001');
    assertOktaError(await senior.hc('POST', `/help/v1/staff/cases/${opened.id}/status`, { status: 'SOLVED' }), 400, 'E0000001');
    assert.equal(await lastSeqOf(server.db, plane.id), planeSeq, 'refusals change and log nothing');

    const taken = ok(await agent.hc('POST', `/help/v1/staff/cases/${opened.id}/assignee`, { assigneeId: agent.recordId }), 'take').body;
    assert.deepEqual([taken.assignee.id, taken.status], [agent.recordId, 'IN_PROGRESS']);
    const mine = ok(await agent.hc('GET', '/help/v1/staff/cases?assignee=me'), 'mine').body as { id: string }[];
    assert.deepEqual(mine.map((c) => c.id), [opened.id]);
    assertOktaError(await colleague.hc('POST', `/help/v1/staff/cases/${opened.id}/assignee`, { assigneeId: null }), 403, 'E0000006', );
    const moved = ok(await senior.hc('POST', `/help/v1/staff/cases/${opened.id}/assignee`, { assigneeId: colleague.recordId }), 'reassign').body;
    assert.equal(moved.assignee.id, colleague.recordId);
    const waiting = ok(await colleague.hc('POST', `/help/v1/staff/cases/${opened.id}/status`, { status: 'WAITING_ON_CUSTOMER' }), 'status').body;
    assert.equal(waiting.status, 'WAITING_ON_CUSTOMER');
    ok(await colleague.hc('POST', `/help/v1/staff/cases/${opened.id}/status`, { status: 'WAITING_ON_CUSTOMER' }), 'same status');
    const seen = ok(await customer.hc('GET', `/help/v1/cases/${opened.id}`), 'customer').body;
    assert.equal(seen.status, 'WAITING_ON_CUSTOMER');

    const types = (events: Event[]) => events.map((e) => e.eventType);
    const expected = ['bulwark.support.case.assign', 'bulwark.support.case.assign', 'bulwark.support.case.status'];
    assert.deepEqual(types(await eventsAfterOf<Event>(server.db, plane.id, planeSeq)).filter((t) => t !== 'bulwark.support.queue.read'), expected);
    const inTenant = await eventsAfterOf<Event>(server.db, tenant.id, tenantSeq);
    assert.deepEqual(types(inTenant).filter((t) => t.startsWith('bulwark.support.case.')), expected);
    assert.deepEqual(inTenant.filter((e) => e.eventType === 'bulwark.support.case.status').map((e) => [e.debugContext.debugData['from'], e.debugContext.debugData['to'], e.actor.type]), [['IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'SupportStaff']]);

    ok(await customer.hc('POST', `/help/v1/cases/${opened.id}/comments`, { body: 'Here is the HAR you asked for.' }), 'customer answers');
    assert.equal(ok(await colleague.hc('GET', `/help/v1/staff/cases/${opened.id}`), 'read').body.status, 'IN_PROGRESS', 'back with the one who has it');
    const givenBack = ok(await colleague.hc('POST', `/help/v1/staff/cases/${opened.id}/assignee`, { assigneeId: null }), 'give back').body;
    assert.deepEqual([givenBack.assignee, givenBack.status], [null, 'OPEN'], 'nobody has it: open again');
  });

  it('refuses bad queue filters and replies, changing nothing', async () => {
    const agent = await staffMember(plane, 'commercial', 'Support agents');
    const seq = await lastSeqOf(server.db, plane.id);
    assertOktaError(await agent.hc('GET', '/help/v1/staff/cases?status=NEW'), 400, 'E0000001');
    assertOktaError(await agent.hc('GET', '/help/v1/staff/cases?limit=201'), 400, 'E0000001');
    assertOktaError(await agent.hc('GET', `/help/v1/staff/cases?q=${'x'.repeat(201)}`), 400, 'E0000001');
    assertOktaError(await agent.hc('GET', '/help/v1/staff/cases/nope'), 400, 'E0000001');
    assertOktaError(await agent.hc('POST', `/help/v1/staff/cases/cas${'0'.repeat(17)}/comments`, { body: 'hi' }), 404, 'E0000007');
    assertOktaError(await agent.hc('POST', `/help/v1/staff/cases/cas${'0'.repeat(17)}/comments`, { body: '' }), 400, 'E0000001');
    assertOktaError(await agent.hc('POST', `/help/v1/staff/cases/cas${'0'.repeat(17)}/comments`, { body: 'hi' }, { origin: 'https://evil.example.com' }), 403, 'E0000006');
    assertOktaError(await hostClient(server.url, tenant.slug)('GET', '/help/v1/staff/cases'), 404, 'E0000008');
    assert.equal(await lastSeqOf(server.db, plane.id), seq, 'refused requests are not reads');
  });
});
