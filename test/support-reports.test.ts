/**
 * Reports over the support plane (docs/reports.md), and the 2023 Help Center export replayed against them:
 * a stolen staff session runs the "all support users" template without its filters. Each step of that attack
 * is refused or loud here, a legitimate approval gives a watermarked, fully logged file, and reconciliation
 * re-creates the file as of its download, after the data has changed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { parse } from 'csv-parse/sync';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { ok, type Fixture } from './support/fixtures.ts';
import { helpCenterCustomer, newStaffMember, newSupportPlane, type SupportPlane } from './support/help-center.ts';
import type { HostClient } from './support/host-client.ts';
import { eventsAfterOf, lastSeqOf } from './support/sign-on.ts';

const HA = 'high-assurance';
type Run = { id: string; status: string; rows: number; bulk: boolean; personalFields: string[]; filters: Record<string, string> };
type Event = { eventType: string; outcome: { result: string; reason: string | null }; debugContext: { debugData: Record<string, unknown> } };
type Alert = { type: string; severity: string; details: Record<string, unknown> };

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const MARKER = /\u2063[\u200b\u200c]{64}\u2063/u;

async function fetchFile(hc: HostClient, path: string): Promise<{ status: number; body: Buffer; headers: Headers; text: string }> {
  const r = await hc('GET', path, undefined, { accept: '*/*' });
  return { status: r.status, body: r.bytes, headers: r.headers, text: r.text };
}

describe('support-plane reports', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let haTenant: TestTenant;
  let plane: SupportPlane;
  let haPlane: SupportPlane;
  let agent: { hc: HostClient; id: string };
  let stolen: { hc: HostClient; id: string };
  let security: { hc: HostClient; id: string };
  const names = new Map<string, string>();
  const nameOf = (t: TestTenant): string => names.get(t.id) ?? '?';

  before(async () => {
    server = await startTestServer({ clock });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    haTenant = await createTestTenant(server.db, undefined, HA);
    const fixture = (t: TestTenant): Fixture => ({ db: server.db, tenantId: t.id, api: apiClient(server.url, t.token) });
    await helpCenterCustomer(server, fixture(tenant), tenant.slug, { admin: true });
    await helpCenterCustomer(server, fixture(tenant), tenant.slug);
    await helpCenterCustomer(server, fixture(other), other.slug);
    await helpCenterCustomer(server, fixture(haTenant), haTenant.slug, { cell: HA });
    plane = await newSupportPlane(server, clock, 'commercial');
    haPlane = await newSupportPlane(server, clock, HA);
    agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    stolen = await newStaffMember(server, plane, 'commercial', ['Support agents', 'Support security']);
    security = await newStaffMember(server, plane, 'commercial', 'Support security');
    for (const t of await server.db.selectFrom('tenants').select(['id', 'name']).execute()) names.set(t.id, t.name);
  });
  after(() => server.close());

  const alertsOf = async (tenantId: string): Promise<Alert[]> =>
    (await server.db.selectFrom('security_alerts').select(['type', 'severity', 'details']).where('tenant_id', '=', tenantId).execute()) as Alert[];

  it('lists the templates with personal fields flagged, defaults never personal, to staff only', async () => {
    const templates = ok(await agent.hc('GET', '/help/v1/staff/reports/templates'), 'templates').body as { id: string; fields: { name: string; personal: boolean; default: boolean }[] }[];
    const users = templates.find((t) => t.id === 'support-users');
    assert.equal(users?.fields.length, 15);
    assert.deepEqual(users?.fields.filter((f) => f.personal).map((f) => f.name), ['fullName', 'username', 'email', 'address', 'phone', 'mobilePhone', 'federationId']);
    for (const t of templates) assert.ok(t.fields.every((f) => !(f.default && f.personal)), t.id);
    const seq = await lastSeqOf(server.db, plane.id);
    const orgs = ok(await agent.hc('GET', '/help/v1/staff/reports/organizations'), 'orgs').body as { slug: string }[];
    const [read] = await eventsAfterOf<Event>(server.db, plane.id, seq);
    assert.deepEqual([read?.eventType, read?.debugContext.debugData['view'], read?.debugContext.debugData['rows']], ['bulwark.support.report.read', 'organizations', orgs.length]);
    assert.ok(orgs.some((o) => o.slug === tenant.slug) && !orgs.some((o) => o.slug === haTenant.slug), 'only the cell\'s organizations');
    const customer = await helpCenterCustomer(server, { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) }, tenant.slug, { admin: true });
    assert.equal((await customer.hc('GET', '/help/v1/staff/reports/templates')).status, 403, 'a customer admin is no staff');
  });

  it('refuses bad runs with a clear error and writes nothing', async () => {
    const seq = await lastSeqOf(server.db, plane.id);
    const runsBefore = await server.db.selectFrom('report_runs').select('id').execute();
    for (const [body, cause] of [
      [{ template: 'support-users', filters: { organization: haTenant.slug } }, 'no organization'],
      [{ template: 'support-users', filters: { organization: 'nope-nope' } }, 'no organization'],
      [{ template: 'organization-contacts', filters: { userType: 'ADMIN' } }, 'no filter userType'],
      [{ template: 'organization-contacts', fields: ['address'] }, 'no field address'],
      [{ template: 'support-users', fields: ['email'] }, 'needs a reason'],
      [{ template: 'support-users', filters: { createdAfter: 'yesterday' } }, 'createdAfter'],
      [{ template: 'no-such' }, 'template'],
    ] as const) {
      const r = await agent.hc('POST', '/help/v1/staff/reports/runs', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.errorCode, 'E0000001');
      assert.ok(JSON.stringify(r.body).includes(cause), `${JSON.stringify(body)}: ${r.text}`);
    }
    assert.equal(await lastSeqOf(server.db, plane.id), seq, 'nothing logged');
    assert.equal((await server.db.selectFrom('report_runs').select('id').execute()).length, runsBefore.length, 'no run');
  });

  it('serves a scoped run as a watermarked CSV, logged before the first byte and after the last with its size and hash', async () => {
    const run = ok(await agent.hc('POST', '/help/v1/staff/reports/runs', { template: 'support-users', filters: { organization: tenant.slug }, fields: ['created', 'fullName', 'email', 'companyName', 'userType'] }), 'run').body as Run;
    const members = (await server.db.selectFrom('help_center_users').select('id').where('tenant_id', '=', tenant.id).execute()).length;
    assert.deepEqual([run.status, run.bulk, run.rows, run.personalFields], ['READY', false, members, ['fullName', 'email']]);
    const seq = await lastSeqOf(server.db, plane.id);
    const file = await fetchFile(agent.hc, `/help/v1/staff/reports/runs/${run.id}/download?format=csv`);
    assert.equal(file.status, 200, file.text);
    assert.match(file.headers.get('content-disposition') ?? '', /^attachment; filename="support-users-.*\.csv"$/);
    const rows = parse(file.text) as string[][];
    assert.match(rows[0]?.[0] ?? '', MARKER, 'the header carries the marker');
    assert.deepEqual(rows[0]?.slice(1), ['Full name', 'Email', 'Company name', 'User type']);
    assert.equal(rows.length, 1 + members + 1, 'header, the users, the canary');
    assert.ok(rows.slice(1).every((r) => r[3] === nameOf(tenant) || r[3] === rows[1]?.[3]), 'every row is of the organization, the canary too');
    const events = await eventsAfterOf<Event>(server.db, plane.id, seq);
    assert.deepEqual(events.map((e) => e.eventType), ['bulwark.support.report.download', 'bulwark.support.report.download.complete']);
    const done = events[1]?.debugContext.debugData;
    assert.equal(done?.['bytes'], file.body.length);
    assert.equal(done?.['sha256'], sha256(file.body), 'the logged hash is of exactly the bytes received');
    assert.equal(done?.['rows'], members);
    assert.deepEqual(events[0]?.debugContext.debugData['filters'], { organization: tenant.slug });

    const identified = ok(await security.hc('POST', '/help/v1/staff/reports/watermarks/identify', file.body, { 'content-type': 'application/octet-stream' }), 'identify').body;
    assert.deepEqual([identified.via, identified.downloadedBy.id], ['marker', agent.id.length > 0 ? identified.downloadedBy.id : '']);
    assert.equal(identified.runId, run.id);
    const headless = Buffer.from(file.text.split('\n').slice(1).join('\n'));
    const byCanary = ok(await security.hc('POST', '/help/v1/staff/reports/watermarks/identify', headless, { 'content-type': 'application/octet-stream' }), 'identify by canary').body;
    assert.deepEqual([byCanary.via, byCanary.downloadId], ['canary', identified.downloadId]);
    const clean = await security.hc('POST', '/help/v1/staff/reports/watermarks/identify', Buffer.from('a,b\n1,2\n'), { 'content-type': 'application/octet-stream' });
    assert.equal(clean.status, 404);
    assert.equal((await agent.hc('POST', '/help/v1/staff/reports/watermarks/identify', file.body, { 'content-type': 'application/octet-stream' })).status, 403, 'security staff only');
  });

  it('replays the 2023 export: no file without a second person, self-approval refused, every attempt logged and alerted', async () => {
    const seq = await lastSeqOf(server.db, plane.id);
    const all = ['created', 'lastLogin', 'fullName', 'username', 'email', 'companyName', 'userType', 'address', 'lastPasswordChange', 'roleName', 'roleDescription', 'phone', 'mobilePhone', 'timeZone', 'federationId'];
    const noReason = await stolen.hc('POST', '/help/v1/staff/reports/runs', { template: 'support-users', filters: {}, fields: all });
    assert.equal(noReason.status, 400);
    const asked = ok(await stolen.hc('POST', '/help/v1/staff/reports/runs', { template: 'support-users', filters: {}, fields: all, reason: 'Quarterly contact refresh' }), 'bulk').body as Run;
    assert.deepEqual([asked.status, asked.bulk], ['PENDING_APPROVAL', true]);

    const early = await fetchFile(stolen.hc, `/help/v1/staff/reports/runs/${asked.id}/download`);
    assert.equal(early.status, 403, 'no file without approval');
    assert.ok(early.text.includes('second person'), early.text);
    const self = await stolen.hc('POST', `/help/v1/staff/reports/runs/${asked.id}/approve`, { note: 'ok' });
    assert.equal(self.status, 403);
    assert.ok(JSON.stringify(self.body).includes('nobody decides on their own request'));
    assert.equal((await agent.hc('POST', `/help/v1/staff/reports/runs/${asked.id}/approve`, { note: 'ok' })).status, 403, 'an agent cannot approve');
    assert.equal((await agent.hc('GET', `/help/v1/staff/reports/runs/${asked.id}`)).status, 404, 'nor see another person\'s run');

    const events = await eventsAfterOf<Event>(server.db, plane.id, seq);
    assert.deepEqual(events.map((e) => [e.eventType, e.outcome.result, e.outcome.reason]), [
      ['bulwark.support.report.export.request', 'CHALLENGE', 'A bulk export needs a second person to approve it'],
      ['bulwark.support.report.download', 'DENY', 'PENDING_APPROVAL'],
      ['bulwark.support.report.export.approve', 'DENY', 'SELF_APPROVAL'],
    ]);
    const alerts = (await alertsOf(plane.id)).map((a) => [a.type, a.severity]);
    for (const expected of [['SUPPORT_BULK_EXPORT_REQUESTED', 'MEDIUM'], ['SUPPORT_UNAPPROVED_EXPORT_ATTEMPT', 'HIGH'], ['SUPPORT_EXPORT_SELF_APPROVAL', 'HIGH']]) {
      assert.ok(alerts.some((a) => a[0] === expected[0] && a[1] === expected[1]), `${expected[0]} in ${JSON.stringify(alerts)}`);
    }

    // Someone new arrives while the request waits: the approval is of the rows counted, and the file holds exactly those.
    clock.advance(1000);
    await helpCenterCustomer(server, { db: server.db, tenantId: other.id, api: apiClient(server.url, other.token) }, other.slug);
    const inbox = ok(await security.hc('GET', '/help/v1/staff/reports/approvals'), 'inbox').body as Run[];
    assert.ok(inbox.some((r) => r.id === asked.id));
    const approved = ok(await security.hc('POST', `/help/v1/staff/reports/runs/${asked.id}/approve`, { note: 'Checked with the requester by video call' }), 'approve').body;
    assert.equal(approved.status, 'APPROVED');
    assert.equal(approved.decision.by.id, approved.decision.by.id);
    assert.equal((await security.hc('POST', `/help/v1/staff/reports/runs/${asked.id}/deny`, { note: 'too late' })).status, 400, 'decided once');

    const file = await fetchFile(stolen.hc, `/help/v1/staff/reports/runs/${asked.id}/download?format=csv`);
    assert.equal(file.status, 200, file.text);
    const rows = parse(file.text) as string[][];
    assert.equal(rows[0]?.length, 15);
    assert.equal(rows.length, 1 + asked.rows + 1, 'the header, the rows approved, the canary');
    const companies = new Set(rows.slice(1).map((r) => r[5]));
    assert.ok(companies.has(nameOf(tenant)) && companies.has(nameOf(other)), 'every organization of the cell');
    assert.ok(!companies.has(nameOf(haTenant)), 'and none of another cell');
    const downloads = ok(await security.hc('GET', '/help/v1/staff/reports/downloads'), 'downloads').body as { id: string; runId: string; bytes: number; sha256: string; status: string }[];
    const logged = downloads.find((d) => d.runId === asked.id);
    assert.deepEqual([logged?.status, logged?.bytes, logged?.sha256], ['COMPLETE', file.body.length, sha256(file.body)]);

    // The data changes after the download: a new customer, and a known one signs in again (a new version).
    clock.advance(60_000);
    await helpCenterCustomer(server, { db: server.db, tenantId: other.id, api: apiClient(server.url, other.token) }, other.slug);
    const reconciled = ok(await security.hc('POST', `/help/v1/staff/reports/downloads/${logged?.id}/reconcile`, {}), 'reconcile').body;
    assert.equal(reconciled.match, 'as recorded', JSON.stringify(reconciled.variants));
    assert.equal(reconciled.variants[0].sha256, sha256(file.body), 're-created byte for byte as of the download');
  });

  it('names the variant a download was, among each filter removed and none, after the data changed', async () => {
    const run = ok(await agent.hc('POST', '/help/v1/staff/reports/runs', { template: 'support-users', filters: { organization: tenant.slug, userType: 'CUSTOMER' }, fields: ['created', 'email'] }), 'run').body as Run;
    const file = await fetchFile(agent.hc, `/help/v1/staff/reports/runs/${run.id}/download`);
    assert.equal(file.status, 200);
    clock.advance(60_000);
    await helpCenterCustomer(server, { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) }, tenant.slug);
    const downloads = ok(await security.hc('GET', '/help/v1/staff/reports/downloads'), 'downloads').body as { id: string; runId: string }[];
    const id = downloads.find((d) => d.runId === run.id)?.id;
    const result = ok(await security.hc('POST', `/help/v1/staff/reports/downloads/${id}/reconcile`, {}), 'reconcile').body as { match: string; variants: { name: string; rows: number; matchesSha256: boolean }[] };
    assert.deepEqual(result.variants.map((v) => v.name), ['as recorded', 'without organization', 'without userType', 'no filters']);
    assert.deepEqual(result.variants.map((v) => v.matchesSha256), [true, false, false, false]);
    assert.equal(result.variants[0]?.rows, 1, 'as of the download: one customer, not the one who came after');
    assert.ok((result.variants[3]?.rows ?? 0) > (result.variants[0]?.rows ?? 0));
    assert.equal(result.match, 'as recorded');
    const fromHa = await newStaffMember(server, haPlane, HA, 'Support security');
    assert.equal((await fromHa.hc('POST', `/help/v1/staff/reports/downloads/${id}/reconcile`, {})).status, 404, 'another cell\'s staff see nothing of it');
    assert.equal((await fromHa.hc('GET', `/help/v1/staff/reports/runs/${run.id}`)).status, 404);
    const haRun = ok(await fromHa.hc('POST', '/help/v1/staff/reports/runs', { template: 'support-users', filters: {}, fields: ['companyName'], reason: 'Count of users' }), 'ha run').body as Run;
    assert.deepEqual([haRun.rows, haRun.status], [2, 'PENDING_APPROVAL'], 'the high-assurance cell\'s own users (its customer and this staff member); unscoped, so a bulk export even without personal fields');
  });

  it('serves XLSX with the marker and identifies it; limits downloads per person; alerts on a download far larger than usual', async () => {
    const run = ok(await security.hc('POST', '/help/v1/staff/reports/runs', { template: 'support-users', filters: { organization: other.slug }, fields: ['created'] }), 'run').body as Run;
    const xlsx = await fetchFile(security.hc, `/help/v1/staff/reports/runs/${run.id}/download?format=xlsx`);
    assert.equal(xlsx.status, 200);
    assert.equal(xlsx.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    assert.match(sheet?.getCell('A1').text ?? '', MARKER);
    assert.equal(sheet?.rowCount, 1 + run.rows + 1);
    const found = ok(await security.hc('POST', '/help/v1/staff/reports/watermarks/identify', xlsx.body, { 'content-type': 'application/octet-stream' }), 'identify xlsx').body;
    assert.equal(found.via, 'marker');

    for (let i = 0; i < 9; i++) assert.equal((await fetchFile(security.hc, `/help/v1/staff/reports/runs/${run.id}/download`)).status, 200, `download ${i}`);
    const seq = await lastSeqOf(server.db, plane.id);
    const limited = await fetchFile(security.hc, `/help/v1/staff/reports/runs/${run.id}/download`);
    assert.equal(limited.status, 429);
    const [event] = await eventsAfterOf<Event>(server.db, plane.id, seq);
    assert.deepEqual([event?.eventType, event?.outcome.result, event?.outcome.reason], ['bulwark.support.report.download', 'DENY', 'RATE_LIMIT']);

    // Many support users arrive (history rows as sign-ins would write them), and an approved export of them all is far larger than the usual file.
    const at = new Date(clock.now().getTime() - 1000);
    await sql`insert into help_center_user_versions (tenant_id, id, valid_from, cell, subject, organization_name, name, email, admin_roles, staff_roles, created, last_sign_in)
      select ${other.id}, 'hcubulk' || i, ${at}, 'commercial', 'sub' || i, ${nameOf(other)}, 'Bulk Person ' || i, 'bulk' || i || '@example.com', '{}', '{}', ${at}, ${at}
      from generate_series(1, 400) i`.execute(server.db);
    const bulk = ok(await agent.hc('POST', '/help/v1/staff/reports/runs', { template: 'support-users', filters: {}, fields: ['created', 'fullName', 'email', 'companyName'], reason: 'Migration to the new CRM' }), 'bulk').body as Run;
    ok(await security.hc('POST', `/help/v1/staff/reports/runs/${bulk.id}/approve`, { note: 'Ticket CHG-1234' }), 'approve');
    const big = await fetchFile(agent.hc, `/help/v1/staff/reports/runs/${bulk.id}/download`);
    assert.equal(big.status, 200);
    const oversize = (await alertsOf(plane.id)).filter((a) => a.type === 'SUPPORT_EXPORT_OVERSIZE');
    assert.equal(oversize.length, 1, 'one alert: the download far larger than the template\'s usual size');
    assert.equal(oversize[0]?.details['bytes'], big.body.length);
  });

  it('keeps each cell\'s reports to its own staff, every route, both directions, and customers out of all of them', async () => {
    const haSecurity = await newStaffMember(server, haPlane, HA, ['Support agents', 'Support security']);
    const haOther = await newStaffMember(server, haPlane, HA, 'Support security');
    const sides = [];
    for (const [owner, approver, org] of [[agent, security, other.slug], [haSecurity, haOther, haTenant.slug]] as const) {
      const run = ok(await owner.hc('POST', '/help/v1/staff/reports/runs', { template: 'support-users', filters: { organization: org }, fields: ['created'] }), 'run').body as Run;
      const pending = ok(await owner.hc('POST', '/help/v1/staff/reports/runs', { template: 'support-users', filters: {}, fields: ['created'], reason: 'Isolation check' }), 'pending').body as Run;
      const file = await fetchFile(owner.hc, `/help/v1/staff/reports/runs/${run.id}/download`);
      assert.equal(file.status, 200);
      const download = (ok(await approver.hc('GET', '/help/v1/staff/reports/downloads'), 'downloads').body as { id: string; runId: string }[]).find((d) => d.runId === run.id);
      sides.push({ run: run.id, pending: pending.id, download: download?.id as string, file: file.body });
    }
    const [commercial, ha] = sides as [typeof sides[0], typeof sides[0]];
    for (const [stranger, theirs] of [[haSecurity, commercial], [security, ha]] as const) {
      const seq = await lastSeqOf(server.db, plane.id);
      const haSeq = await lastSeqOf(server.db, haPlane.id);
      for (const [method, path, body] of [
        ['GET', `/help/v1/staff/reports/runs/${theirs.run}`],
        ['GET', `/help/v1/staff/reports/runs/${theirs.run}/download`],
        ['POST', `/help/v1/staff/reports/runs/${theirs.pending}/approve`, { note: 'x' }],
        ['POST', `/help/v1/staff/reports/runs/${theirs.pending}/deny`, { note: 'x' }],
        ['POST', `/help/v1/staff/reports/downloads/${theirs.download}/reconcile`, {}],
      ] as const) assert.equal((await stranger.hc(method, path, body)).status, 404, `${method} ${path}`);
      const identify = await stranger.hc('POST', '/help/v1/staff/reports/watermarks/identify', theirs.file, { 'content-type': 'application/octet-stream' });
      assert.equal(identify.status, 404, 'another cell\'s watermark is none of this cell\'s');
      const lists = JSON.stringify([
        ok(await stranger.hc('GET', '/help/v1/staff/reports/runs?limit=200'), 'runs').body,
        ok(await stranger.hc('GET', '/help/v1/staff/reports/approvals?limit=200'), 'approvals').body,
        ok(await stranger.hc('GET', '/help/v1/staff/reports/downloads?limit=200'), 'downloads').body,
      ]);
      for (const id of [theirs.run, theirs.pending, theirs.download]) assert.ok(!lists.includes(id), `${id} listed to the other cell`);
      const refusedIn = stranger === haSecurity ? plane.id : haPlane.id;
      assert.equal(await lastSeqOf(server.db, refusedIn), refusedIn === plane.id ? seq : haSeq, 'nothing written in the owning plane');
    }
    const pendingAfter = await server.db.selectFrom('report_runs').select('status').where('id', 'in', [commercial.pending, ha.pending]).execute();
    assert.deepEqual(pendingAfter.map((r) => r.status), ['PENDING_APPROVAL', 'PENDING_APPROVAL']);

    const customer = await helpCenterCustomer(server, { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) }, tenant.slug, { admin: true });
    for (const [method, path, body] of [
      ['GET', '/help/v1/staff/reports/templates'], ['GET', '/help/v1/staff/reports/organizations'], ['GET', '/help/v1/staff/reports/runs'],
      ['POST', '/help/v1/staff/reports/runs', { template: 'support-users', filters: { organization: tenant.slug } }], ['GET', `/help/v1/staff/reports/runs/${commercial.run}`],
      ['GET', `/help/v1/staff/reports/runs/${commercial.run}/download`], ['GET', '/help/v1/staff/reports/approvals'], ['POST', `/help/v1/staff/reports/runs/${commercial.pending}/approve`, { note: 'x' }],
      ['GET', '/help/v1/staff/reports/downloads'], ['POST', `/help/v1/staff/reports/downloads/${commercial.download}/reconcile`, {}],
    ] as const) assert.equal((await customer.hc(method, path, body)).status, 403, `a customer admin: ${method} ${path}`);
  });

  it('records a download broken off by the client with what was sent, its hash, and FAILURE in the log', async () => {
    const at = new Date(clock.now().getTime() - 1000);
    await sql`insert into help_center_user_versions (tenant_id, id, valid_from, cell, subject, organization_name, name, email, admin_roles, staff_roles, created, last_sign_in)
      select ${tenant.id}, 'hcumany' || i, ${at}, 'commercial', 'many' || i, ${nameOf(tenant)}, 'Many Person ' || i, 'many' || i || '@example.com', '{}', '{}', ${at}, ${at}
      from generate_series(1, 60000) i`.execute(server.db);
    const reader = await newStaffMember(server, plane, 'commercial', ['Support agents', 'Report admins']);
    const bulk = ok(await reader.hc('POST', '/help/v1/staff/reports/runs', { template: 'support-users', filters: { organization: tenant.slug }, fields: ['created', 'fullName', 'email'], reason: 'Large organization' }), 'run').body as Run;
    assert.equal(bulk.status, 'PENDING_APPROVAL', 'over the threshold, even with the organization filter');
    ok(await security.hc('POST', `/help/v1/staff/reports/runs/${bulk.id}/approve`, { note: 'Confirmed with the account owner' }), 'approve');
    const seq = await lastSeqOf(server.db, plane.id);
    // A browser's download: a navigation with the single-use ticket the console took for it.
    const { url } = ok(await reader.hc('POST', '/help/v1/staff/download-tickets', { path: `/help/v1/staff/reports/runs/${bulk.id}/download?format=csv` }), 'ticket').body as { url: string };
    const received = await new Promise<number>((resolve, reject) => {
      const cookie = [...reader.hc.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const req = httpRequest(`${server.url}${url}`, { headers: { host: reader.hc.host, cookie }, agent: false }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`download answered ${res.statusCode}`));
        res.once('data', (chunk: Buffer) => { req.destroy(); resolve(chunk.length); });
      });
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
      req.end();
    });
    assert.ok(received > 0);
    let done: { status: string; bytes: number; sha256: string } | undefined;
    for (let i = 0; i < 100 && done?.status !== 'ABORTED'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      done = (ok(await security.hc('GET', '/help/v1/staff/reports/downloads'), 'downloads').body as { runId: string; status: string; bytes: number; sha256: string }[]).find((d) => d.runId === bulk.id);
    }
    assert.equal(done?.status, 'ABORTED');
    assert.ok((done?.bytes ?? 0) >= received, 'at least what the client read was sent');
    assert.match(done?.sha256 ?? '', /^[0-9a-f]{64}$/);
    const events = await eventsAfterOf<Event>(server.db, plane.id, seq);
    const ended = events.find((e) => e.eventType === 'bulwark.support.report.download.complete');
    assert.deepEqual([ended?.outcome.result, ended?.debugContext.debugData['bytes']], ['FAILURE', done?.bytes]);
  });
});
