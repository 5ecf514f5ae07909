/**
 * Device-bound support staff sessions (issue 8, item 5; docs/help-center.md "Staff sessions"): a staff Help
 * Center session is bound at sign-in to the browser's device key, and every staff request proves it with the
 * admin console's DPoP proof check, so a `help_sid` cookie copied out of a HAR file opens nothing. Downloads,
 * navigations that cannot carry a proof, go through single-use tickets. Customers' sessions are not bound.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { newDeviceKey, proofOf, type AdminBrowser } from './support/admin-session.ts';
import { ok, type Fixture } from './support/fixtures.ts';
import { helpCenterClient, helpCenterCustomer, newStaffMember, newSupportPlane, signInThrough, thumbprintOf, type SupportPlane } from './support/help-center.ts';
import { hostClient, type HostClient, type HostResponse } from './support/host-client.ts';
import { documentedBulwarkTypes, oktaEventTypes, problemsOf } from './support/log-event-checks.ts';
import { readAllEvents } from './support/log-reader.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';

const MINUTE = 60_000;

type Event = Logged & { actor: { id: string; type: string } };

describe('device-bound support staff sessions', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let plane: SupportPlane;

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    plane = await newSupportPlane(server, clock, 'commercial');
  });
  after(() => server.close());

  /** A browser that holds only a copy of `hc`'s cookies: what a HAR file leaks. */
  function copiedCookie(hc: AdminBrowser): HostClient {
    const thief = helpCenterClient(server);
    for (const [k, v] of hc.cookies) thief.cookies.set(k, v);
    return thief;
  }

  const sessionIdOf = async (hc: HostClient) => ok(await hc('GET', '/help/v1/session'), 'session').body.id as string;
  const deniedProofs = (seq: number) => eventsAfterOf<Event>(server.db, plane.id, seq, 'user.session.context.change');

  function assertProofRefused(res: HostResponse, error = 'invalid_dpop_proof'): void {
    assertOktaError(res, 401, 'E0000011');
    assert.match(res.headers.get('www-authenticate') ?? '', new RegExp(`^DPoP error="${error}"`));
    assert.ok(res.headers.get('dpop-nonce'), 'a refusal names the current nonce');
  }

  /** A customer's case with a JSON file attached: the object a staff download is for. */
  async function caseWithAttachment(): Promise<{ caseId: string; attachmentId: string; customer: HostClient }> {
    const { hc } = await helpCenterCustomer(server, f, tenant.slug);
    const caseId = ok(await hc('POST', '/help/v1/cases', { title: 'Sign-in loops', description: 'Log attached.', severity: 'SEV3', productArea: 'SIGN_IN' }), 'case').body.id as string;
    const attached = ok(await hc('POST', `/help/v1/cases/${caseId}/attachments?name=trace.json`, '{"step":"sign-in","result":"loop"}', { 'content-type': 'application/octet-stream', origin: `http://${hc.host}` }), 'attach');
    return { caseId, attachmentId: attached.body.id as string, customer: hc };
  }

  it('refuses a copied help_sid cookie without the key, logs the DENY in the plane, and keeps the session for its owner', async () => {
    const agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const sessionId = await sessionIdOf(agent.hc);
    const thief = copiedCookie(agent.hc);
    const seq = await lastSeqOf(server.db, plane.id);

    const queue = await thief('GET', '/help/v1/staff/cases');
    assertProofRefused(queue);
    assert.match(queue.body.errorCauses[0].errorSummary, /no DPoP proof/);
    assertProofRefused(await thief('GET', '/help/v1/session'));
    assertProofRefused(await thief('DELETE', '/help/v1/session'), 'invalid_dpop_proof');

    const denied = await deniedProofs(seq);
    assert.equal(denied.length, 3, 'each refused request');
    const [first] = denied;
    assert.deepEqual(first?.outcome, { result: 'DENY', reason: 'DEVICE_PROOF_INVALID' });
    assert.deepEqual([first?.actor.type, first?.actor.id], ['SupportStaff', agent.id]);
    assert.deepEqual(first?.target.map((t) => [t.type, t.id]), [['User', agent.id], ['Session', sessionId]]);
    const data = first?.debugContext.debugData ?? {};
    assert.equal(data['sessionEnded'], false);
    assert.equal(data['deviceKeyThumbprint'], await thumbprintOf(agent.hc.key));
    assert.match(String(data['refusal']), /no DPoP proof/);
    const served = (await readAllEvents(plane.api, `/api/v1/logs?since=${encodeURIComponent(new Date(clock.now().getTime() - MINUTE).toISOString())}&limit=1000`))
      .filter((e) => e.eventType === 'user.session.context.change' || e.eventType === 'bulwark.help_center.session.start');
    assert.deepEqual(problemsOf(served, oktaEventTypes(), documentedBulwarkTypes()), []);

    // The owner, who holds the key, carries on: the copied cookie's refusals ended nothing.
    assert.equal((await agent.hc('GET', '/help/v1/staff/cases')).status, 200);
    const row = await server.db.selectFrom('help_center_sessions').select(['ended', 'device_jkt']).where('tenant_id', '=', plane.id).where('id', '=', sessionId).executeTakeFirstOrThrow();
    assert.deepEqual(row, { ended: null, device_jkt: await thumbprintOf(agent.hc.key) });
  });

  it('refuses a proof by another key, for another request, or used before, and a stale nonce until the retry', async () => {
    const agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const { hc } = agent;
    assert.equal((await hc('GET', '/help/v1/session')).status, 200);
    const seq = await lastSeqOf(server.db, plane.id);
    const raw = hc.web;
    const path = '/help/v1/staff/cases';
    const good = { htm: 'GET', htu: hc.htu(path), nonce: hc.nonce() };

    // Another key, naming itself: its thumbprint is not the one the session was bound to.
    const other = newDeviceKey();
    const byOther = await raw('GET', path, undefined, { dpop: await proofOf(other, good) });
    assertProofRefused(byOther);
    assert.match(byOther.body.errorCauses[0].errorSummary, /another key/);
    // Another key's signature under the session key's name.
    assertProofRefused(await raw('GET', path, undefined, { dpop: await proofOf(other, good, { jwk: hc.key.publicJwk }) }));
    // The right key, for another method or URL.
    assertProofRefused(await raw('GET', path, undefined, { dpop: await proofOf(hc.key, { ...good, htm: 'POST' }) }));
    assertProofRefused(await raw('GET', path, undefined, { dpop: await proofOf(hc.key, { ...good, htu: hc.htu('/help/v1/session') }) }));
    // A good proof once, never twice (its jti is remembered).
    const once = await proofOf(hc.key, { ...good, jti: randomUUID() });
    assert.equal((await raw('GET', path, undefined, { dpop: once })).status, 200);
    const replayed = await raw('GET', path, undefined, { dpop: once });
    assertProofRefused(replayed);
    assert.match(replayed.body.errorCauses[0].errorSummary, /replayed/);
    assert.equal((await deniedProofs(seq)).length, 5);

    // Eleven minutes on, the nonce is two windows old: answered with a fresh one, which a retry carries.
    clock.advance(11 * MINUTE);
    const seqStale = await lastSeqOf(server.db, plane.id);
    const stale = await raw('GET', path, undefined, { dpop: await proofOf(hc.key, good) });
    assertProofRefused(stale, 'use_dpop_nonce');
    const fresh = stale.headers.get('dpop-nonce');
    assert.notEqual(fresh, good.nonce);
    assert.equal((await raw('GET', path, undefined, { dpop: await proofOf(hc.key, { ...good, nonce: fresh }) })).status, 200);
    assert.deepEqual(await deniedProofs(seqStale), [], 'a stale nonce is the normal flow, not an event');
    // The staff client does the same on its own.
    clock.advance(11 * MINUTE);
    assert.equal((await hc('GET', path)).status, 200);
  });

  it('refuses a staff sign-in that names no device key, and makes no session', async () => {
    const agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const before = await server.db.selectFrom('help_center_sessions').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', plane.id).executeTakeFirstOrThrow();
    const bare = helpCenterClient(server);
    const { start } = await signInThrough(bare, agent.web, plane.slug, '/help/staff/signin');
    assert.equal(start.status, 303);
    assert.equal(start.headers.get('location'), '/?error=no_device_key');
    assert.equal(bare.cookies.size, 0, 'no sign-in state, no session cookie');
    assertOktaError(await bare('GET', '/help/v1/session'), 401, 'E0000005');
    const afterwards = await server.db.selectFrom('help_center_sessions').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', plane.id).executeTakeFirstOrThrow();
    assert.equal(afterwards.n, before.n);
    // A thumbprint that is no thumbprint is bad input.
    assertOktaError(await bare('GET', '/help/staff/signin?jkt=short'), 400, 'E0000001');
  });

  it('opens a download with a ticket once, within 60 seconds, for its own session, staff member and object only', async () => {
    const { caseId, attachmentId } = await caseWithAttachment();
    const agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const colleague = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const path = `/help/v1/staff/cases/${caseId}/attachments/${attachmentId}`;
    const ticketFor = async (hc: AdminBrowser, p = path) => {
      const res = ok(await hc('POST', '/help/v1/staff/download-tickets', { path: p }), 'ticket');
      assert.equal(res.status, 201);
      return res.body as { url: string; expiresAt: string };
    };
    const seq = await lastSeqOf(server.db, plane.id);

    // The ticket is asked for with a proof; the navigation carries only the cookie.
    assertProofRefused(await agent.hc.web('POST', '/help/v1/staff/download-tickets', { path }));
    const ticket = await ticketFor(agent.hc);
    assert.equal(Date.parse(ticket.expiresAt), clock.now().getTime() + MINUTE);
    assert.ok(ticket.url.startsWith(`${path}?ticket=`));
    const first = await agent.hc.web('GET', ticket.url, undefined, { accept: '*/*' });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.text, '{"step":"sign-in","result":"loop"}');
    assert.match(first.headers.get('content-disposition') ?? '', /^attachment/);
    const again = await agent.hc.web('GET', ticket.url);
    assertOktaError(again, 401, 'E0000011');
    assert.match(again.body.errorCauses[0].errorSummary, /unknown or already used/);

    // Not after 60 seconds.
    const late = await ticketFor(agent.hc);
    clock.advance(MINUTE);
    assert.match((await agent.hc.web('GET', late.url)).body.errorCauses[0].errorSummary, /expired/);
    // Not in another staff member's session, even with their own proof: and it is spent by trying.
    const stolen = await ticketFor(agent.hc);
    const inColleagues = await colleague.hc.web('GET', stolen.url);
    assertOktaError(inColleagues, 401, 'E0000011');
    assert.match(inColleagues.body.errorCauses[0].errorSummary, /another session/);
    assertOktaError(await agent.hc.web('GET', stolen.url), 401, 'E0000011');
    // Not for another object: the ticket names one download.
    const report = await ticketFor(agent.hc, '/help/v1/staff/reports/runs/rrn00000000000000000/download?format=csv');
    const elsewhere = await agent.hc.web('GET', `${path}?ticket=${new URL(report.url, 'http://x').searchParams.get('ticket')}`);
    assertOktaError(elsewhere, 401, 'E0000011');
    assert.match(elsewhere.body.errorCauses[0].errorSummary, /another download/);
    // Without a ticket or a proof, a download is a copied cookie's request like any other.
    assertProofRefused(await agent.hc.web('GET', path));

    const issued = await eventsAfterOf<Event>(server.db, plane.id, seq, 'bulwark.support.download_ticket.issue');
    assert.equal(issued.length, 4);
    assert.deepEqual([issued[0]?.actor.type, issued[0]?.actor.id, issued[0]?.debugContext.debugData['object']], ['SupportStaff', agent.id, path]);
    const reads = await eventsAfterOf<Event>(server.db, plane.id, seq, 'bulwark.support.attachment.read');
    assert.equal(reads.length, 1, 'the one download is logged as every staff download is');
    const denied = await deniedProofs(seq);
    assert.deepEqual(denied.map((e) => e.outcome.reason), Array(7).fill('DEVICE_PROOF_INVALID'));
    const served = (await readAllEvents(plane.api, `/api/v1/logs?since=${encodeURIComponent(new Date(clock.now().getTime() - 5 * MINUTE).toISOString())}&limit=1000`))
      .filter((e) => e.eventType === 'bulwark.support.download_ticket.issue');
    assert.ok(served.length >= 4);
    assert.deepEqual(problemsOf(served, oktaEventTypes(), documentedBulwarkTypes()), []);
    const stored = await server.db.selectFrom('help_center_download_tickets').selectAll().where('tenant_id', '=', plane.id).execute();
    assert.ok(stored.every((t) => /^[0-9a-f]{64}$/.test(t.token_hash) && !ticket.url.includes(t.token_hash)), 'only the digest is kept');
  });

  it('refuses tickets for anything but a staff download, and to customers', async () => {
    const { caseId, attachmentId, customer } = await caseWithAttachment();
    const agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const seq = await lastSeqOf(server.db, plane.id);
    for (const path of [`/help/v1/cases/${caseId}/attachments/${attachmentId}`, '/help/v1/staff/cases', `/help/v1/staff/cases/${caseId}/attachments/${attachmentId}/../x`, 'https://evil.example/']) {
      assertOktaError(await agent.hc('POST', '/help/v1/staff/download-tickets', { path }), 400, 'E0000001');
    }
    assertOktaError(await customer('POST', '/help/v1/staff/download-tickets', { path: `/help/v1/staff/cases/${caseId}/attachments/${attachmentId}` }), 403, 'E0000006');
    assert.deepEqual(await eventsAfterOf(server.db, plane.id, seq, 'bulwark.support.download_ticket.issue'), []);
  });

  it('leaves customers unbound: no proof, their downloads as they were, their sign-in unchanged', async () => {
    const { caseId, attachmentId, customer } = await caseWithAttachment();
    const seq = await lastSeqOf(server.db, tenant.id);
    assert.equal((await customer('GET', '/help/v1/session')).status, 200);
    assert.equal((await customer('GET', `/help/v1/cases/${caseId}`)).status, 200);
    const file = await customer('GET', `/help/v1/cases/${caseId}/attachments/${attachmentId}`, undefined, { accept: '*/*' });
    assert.equal(file.status, 200);
    assert.equal(file.text, '{"step":"sign-in","result":"loop"}');
    // A customer's copied cookie is the tenant's sign-on policy's business, not a device key's.
    const copy = hostClient(server.url, 'support');
    for (const [k, v] of customer.cookies) copy.cookies.set(k, v);
    assert.equal((await copy('GET', '/help/v1/session')).status, 200);
    assert.deepEqual(await eventsAfterOf(server.db, tenant.id, seq, 'user.session.context.change'), []);
    const row = await server.db.selectFrom('help_center_sessions').select('device_jkt').where('tenant_id', '=', tenant.id).orderBy('created', 'desc').executeTakeFirstOrThrow();
    assert.equal(row.device_jkt, null);
  });
});
