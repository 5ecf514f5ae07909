/**
 * `bulwark simulate` as an operator runs it: the CLI as a child process writing real DuckDB workspaces in a
 * temporary BULWARK_DATA_DIR, then the workspace read back with plain SQL and checked against the ground truth
 * the simulator wrote, and every sampled event against Bulwark's own LogEvent schema. The 2022 takeover at its
 * default scale is also investigated end to end (issue 9's done-means): exactly its 366 tenants, their actions
 * and a signed report for each.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BlastRadius, TimelineEntry } from '../src/forensics/investigate.ts';
import { readReportPublicKey, verifyReport } from '../src/forensics/report-signing.ts';
import type { GroundTruth } from '../src/forensics/simulate.ts';
import { loadAsnTable } from '../src/network/asn-table.ts';
import { validateBulwarkLogEvent } from '../src/syslog/log-event-schema.ts';
import { runCli, type CliResult } from './cli-helpers.ts';
import { queryWorkspace } from './support/workspace.ts';

type Summary = { events: number; tenants: number; touched: number; imported: number; duplicates: number; rejected: number; ndjsonEvents: number | null; seconds: { generate: number; write: number; total: number } };
type Row = Record<string, unknown>;

describe('bulwark simulate', () => {
  let dir: string;
  let env: Record<string, string>;
  const cli = (args: string[]): Promise<CliResult> => runCli(args, { env });
  const file = (name: string) => join(dir, name);
  const truthOf = (name: string) => JSON.parse(readFileSync(file(name), 'utf8')) as GroundTruth;
  const simulateJson = async (args: string[]): Promise<Summary> => {
    const res = await cli(['simulate', ...args, '--json']);
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as Summary;
  };
  const query = async (workspace: string, sql: string, params: Record<string, string | number> = {}): Promise<Row[]> => (await queryWorkspace(dir, workspace, sql, params)) as Row[];

  /** `published` is stored as a UTC TIMESTAMP: the window's bounds as the same. */
  const inWindow = (t: GroundTruth) => `published >= '${t.window.since.slice(0, -1)}'::TIMESTAMP AND published < '${t.window.until.slice(0, -1)}'::TIMESTAMP`;
  const column = (rows: Row[], key: string) => rows.map((r) => String(r[key]));
  /** The intruder's /24 as a LIKE pattern on the address. */
  const attackerIps = (t: GroundTruth) => {
    assert.match(t.attacker.cidr, /\.0\/24$/);
    return t.attacker.cidr.replace(/0\/24$/, '%');
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-simulate-'));
    env = { BULWARK_DATA_DIR: dir };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('the 2022 takeover at its default scale', () => {
    let summary: Summary;
    let truth: GroundTruth;
    before(async () => {
      summary = await simulateJson(['--workspace', 'replay-2022', '--truth', file('truth-2022.json')]);
      truth = truthOf('truth-2022.json');
    });

    it('writes about 125,000 events over five days for 14,600 tenants and the support plane, none rejected', async () => {
      assert.ok(Math.abs(summary.events - 125_000) <= 1_250, `${summary.events} events`);
      assert.equal(summary.imported, summary.events);
      assert.equal(summary.rejected, 0);
      assert.equal(summary.duplicates, 0);
      const [counts] = await query('replay-2022', 'SELECT count(*) AS n, count(DISTINCT tenant) AS tenants, min(published) AS first, max(published) AS last FROM events');
      assert.equal(Number(counts?.['n']), summary.events);
      assert.equal(Number(counts?.['tenants']), 14_601);
      assert.ok(String(counts?.['first']) >= '2022-01-16' && String(counts?.['last']) < '2022-01-21', `${String(counts?.['first'])} to ${String(counts?.['last'])}`);
      assert.equal(truth.tenants.length, 14_601);
      assert.equal(truth.tenants.filter((t) => t.supportPlane).length, 1);
      assert.ok(truth.tenants.every((t) => /^00o[0-9A-Za-z]{17}$/.test(t.id) && (t.supportPlane || t.adminContacts.length > 0)));
      // Most tenants have a handful of events, a few have thousands.
      const [spread] = await query('replay-2022', 'SELECT median(n) AS median, max(n) AS most FROM (SELECT count(*) AS n FROM events GROUP BY tenant)');
      assert.ok(Number(spread?.['median']) <= 12 && Number(spread?.['most']) >= 1_000, JSON.stringify(spread));
    });

    it('finds exactly the 366 touched tenants with plain SQL: the suspect as actor, in the window, outside the support plane', async () => {
      assert.equal(truth.touchedTenants.length, 366);
      const rows = await query('replay-2022', `SELECT DISTINCT tenant FROM events WHERE actor_id = $suspect AND ${inWindow(truth)} AND tenant <> $plane ORDER BY tenant`,
        { suspect: truth.suspect.actorId, plane: truth.supportPlane.id });
      assert.deepEqual(column(rows, 'tenant'), truth.touchedTenants);
      // The intruder's addresses lead to the same tenants; the only other actor on them is a tenant's pre-approval
      // rule, which approves in the request's own transaction (so with its address).
      const byIp = await query('replay-2022', `SELECT DISTINCT tenant FROM events WHERE client_ip LIKE $ips AND tenant <> $plane ORDER BY tenant`, { ips: attackerIps(truth), plane: truth.supportPlane.id });
      assert.deepEqual(column(byIp, 'tenant'), truth.touchedTenants);
      const actors = await query('replay-2022', `SELECT DISTINCT actor_id FROM events WHERE client_ip LIKE $ips ORDER BY 1`, { ips: attackerIps(truth) });
      assert.deepEqual(column(actors, 'actor_id').filter((a) => a !== 'support-access-policy'), [truth.suspect.actorId]);
    });

    it('lists, per touched tenant, exactly the uuids and event types of the suspect\'s events in the window', async () => {
      const rows = await query('replay-2022', `SELECT tenant, uuid::VARCHAR AS uuid, event_type FROM events WHERE actor_id = $suspect AND ${inWindow(truth)}`, { suspect: truth.suspect.actorId });
      const found = Map.groupBy(rows, (r) => String(r['tenant']));
      assert.deepEqual([...found.keys()].sort(), Object.keys(truth.attackerEvents).sort());
      for (const [tenant, events] of found) {
        const expected = truth.attackerEvents[tenant];
        assert.deepEqual(column(events, 'uuid').sort(), [...(expected?.uuids ?? [])].sort(), tenant);
        const byType: Record<string, number> = {};
        for (const e of events) byType[String(e['event_type'])] = (byType[String(e['event_type'])] ?? 0) + 1;
        assert.deepEqual(byType, expected?.byType, tenant);
      }
      const types = new Set(rows.map((r) => String(r['event_type'])));
      for (const t of ['bulwark.support.access.request', 'user.session.impersonation.initiate', 'bulwark.support.api.read', 'user.account.reset_password', 'user.mfa.factor.reset_all', 'user.session.clear']) {
        assert.ok(types.has(t), `the intruder's actions include ${t}`);
      }
    });

    it('ends with a factor refused from a new location, which ends the account\'s sessions and revokes its live support tokens', async () => {
      const end = await query('replay-2022', `SELECT tenant, event_type, outcome_result, outcome_reason, as_number FROM events WHERE actor_id = $suspect AND published = $last::TIMESTAMP ORDER BY source_line`,
        { suspect: truth.suspect.actorId, last: new Date(Date.parse(truth.window.until) - 1000).toISOString().slice(0, -1) });
      const inPlane = end.filter((r) => r['tenant'] === truth.supportPlane.id);
      assert.deepEqual(inPlane.filter((r) => r['event_type'] !== 'bulwark.support.access.token.revoke').map((r) => [r['event_type'], r['outcome_result'], r['outcome_reason']]), [
        ['user.session.clear', 'SUCCESS', null],
        ['user.mfa.factor.activate', 'DENY', 'New factor from a new location'],
        ['security.threat.detected', 'DENY', 'NEW_FACTOR_FROM_NEW_LOCATION'],
      ]);
      assert.ok(inPlane.every((r) => Number(r['as_number']) === truth.attacker.asn));
      const revoked = end.filter((r) => r['event_type'] === 'bulwark.support.access.token.revoke' && r['tenant'] !== truth.supportPlane.id);
      assert.deepEqual(column(revoked, 'tenant').sort(), [...truth.liveTokenTenants].sort());
      assert.ok(truth.liveTokenTenants.every((t) => truth.touchedTenants.includes(t)));
    });

    it('plants the near misses an investigation must leave out', async () => {
      const touched = new Set(truth.touchedTenants);
      const { nearMisses: near } = truth;
      // Other staff at work in the window, on tenants of their own.
      const others = await query('replay-2022', `SELECT DISTINCT tenant FROM events WHERE actor_type = 'SupportStaff' AND actor_id <> $suspect AND ${inWindow(truth)} AND tenant <> $plane`,
        { suspect: truth.suspect.actorId, plane: truth.supportPlane.id });
      assert.ok(others.length >= 100 && others.some((r) => !touched.has(String(r['tenant']))), `${others.length} tenants`);
      assert.deepEqual(column(others, 'tenant').sort(), [...new Set(near.otherStaffInWindow.flatMap((s) => s.tenants))].sort());
      // The account's own work before the window, mostly on tenants the intruder never touched.
      const earlier = await query('replay-2022', `SELECT DISTINCT tenant FROM events WHERE actor_id = $suspect AND published < $since::TIMESTAMP AND tenant <> $plane ORDER BY tenant`,
        { suspect: truth.suspect.actorId, since: truth.window.since.slice(0, -1), plane: truth.supportPlane.id });
      assert.deepEqual(column(earlier, 'tenant'), near.suspectBeforeWindow);
      assert.ok(near.suspectBeforeWindow.filter((t) => !touched.has(t)).length >= 5);
      // Users whose login starts as the suspect's, and VPN users on the intruder's AS, in untouched tenants.
      const local = truth.suspect.login.split('@')[0] as string;
      const similar = await query('replay-2022', `SELECT DISTINCT tenant, actor_id FROM events WHERE actor_alternate_id LIKE $pattern AND actor_id <> $suspect AND ${inWindow(truth)}`,
        { pattern: `${local}@%`, suspect: truth.suspect.actorId });
      assert.equal(similar.length, 5);
      assert.deepEqual(column(similar, 'actor_id').sort(), near.similarLogin.map((s) => s.userId).sort());
      const vpn = await query('replay-2022', `SELECT DISTINCT tenant FROM events WHERE as_number = $asn AND client_ip NOT LIKE $ips`, { asn: truth.attacker.asn, ips: attackerIps(truth) });
      assert.deepEqual(column(vpn, 'tenant').sort(), near.sameAsn.map((s) => s.tenant).sort());
      for (const t of [...similar.map((r) => String(r['tenant'])), ...near.sameAsn.map((s) => s.tenant)]) assert.ok(!touched.has(t), t);
    });

    it('holds in its ground truth exactly the users who reset a password or changed a factor in the window, per tenant', async () => {
      const rows = await query('replay-2022', `
        SELECT tenant, list(DISTINCT targets[1].id ORDER BY targets[1].id) AS users FROM events
        WHERE event_type IN ('user.account.reset_password', 'user.account.update_password', 'user.mfa.factor.activate', 'user.mfa.factor.deactivate', 'user.mfa.factor.reset_all')
          AND outcome_result = 'SUCCESS' AND targets[1].type = 'User' AND ${inWindow(truth)}
        GROUP BY tenant`);
      assert.ok(rows.length > 1_000, `${rows.length} tenants`);
      assert.deepEqual(Object.fromEntries(rows.map((r) => [String(r['tenant']), r['users']])), truth.remediation.users);
      // Every user the intruder reset is among them.
      const reset = await query('replay-2022', `SELECT DISTINCT tenant, targets[1].id AS id FROM events WHERE actor_id = $suspect AND event_type IN ('user.account.reset_password', 'user.mfa.factor.reset_all') AND ${inWindow(truth)}`,
        { suspect: truth.suspect.actorId });
      assert.ok(reset.length > 100);
      for (const r of reset) assert.ok(truth.remediation.users[String(r['tenant'])]?.includes(String(r['id'])));
    });

    it('names for every address the autonomous system the bundled ASN table resolves it to', async () => {
      const table = await loadAsnTable(join(dir, 'cache'));
      const rows = await query('replay-2022', 'SELECT DISTINCT client_ip, as_number FROM events');
      assert.ok(rows.length > 10_000, `${rows.length} addresses`);
      const wrong = rows.filter((r) => table.lookup(String(r['client_ip']))?.asn !== Number(r['as_number']));
      assert.deepEqual(wrong, []);
    });

    it('writes every field of every sampled event as Bulwark\'s LogEvent schema requires', async () => {
      const rows = await query('replay-2022', 'SELECT event FROM events WHERE source_line % 40 = 0');
      assert.ok(rows.length >= 3_000, `${rows.length} sampled`);
      for (const r of rows) {
        const event: unknown = JSON.parse(String(r['event']));
        assert.deepEqual(validateBulwarkLogEvent(event), [], String(r['event']).slice(0, 300));
      }
    });

    // Issue 9's done-means: `bulwark investigate` with the account and window returns exactly those tenants
    // and their actions, checked against the ground truth, and every touched tenant gets a signed report.
    const windowArgs = () => ['--since', truth.window.since, '--until', truth.window.until];
    const json = async <T>(args: string[]): Promise<T> => {
      const res = await cli([...args, '--json']);
      assert.equal(res.code, 0, res.stderr);
      return JSON.parse(res.stdout) as T;
    };

    it('finds exactly the 366 tenants and their actions from the account and the window', async () => {
      const b = await json<BlastRadius>(['investigate', '--workspace', 'replay-2022', ...windowArgs(), '--actor', truth.suspect.actorId]);
      assert.deepEqual(b.tenants.map((t) => t.tenant).sort(), [...truth.touchedTenants].sort());
      assert.equal(b.totals.tenants, 366);
      for (const t of b.tenants) {
        const expected = truth.attackerEvents[t.tenant];
        assert.ok(expected, t.tenant);
        assert.equal(t.events, expected.uuids.length, t.tenant);
        assert.deepEqual(t.eventTypes, Object.keys(expected.byType).sort(), t.tenant);
      }
      const byType = new Map<string, number>();
      for (const t of truth.touchedTenants) for (const [type, n] of Object.entries(truth.attackerEvents[t]?.byType ?? {})) byType.set(type, (byType.get(type) ?? 0) + n);
      assert.deepEqual(Object.fromEntries(b.actions.map((a) => [a.eventType, a.events])), Object.fromEntries(byType));
      // The staff side of the same actions is in the support plane, counted apart.
      assert.deepEqual(b.supportPlanes.map((p) => [p.tenant, p.events]), [[truth.supportPlane.id, truth.attackerEvents[truth.supportPlane.id]?.uuids.length]]);
      // No near miss is in: tenants where only the owner worked before the window, or only other staff in it.
      const found = new Set(b.tenants.map((t) => t.tenant));
      const touched = new Set(truth.touchedTenants);
      const nearMisses = [...truth.nearMisses.suspectBeforeWindow, ...truth.nearMisses.otherStaffInWindow.flatMap((s) => s.tenants)].filter((t) => !touched.has(t));
      assert.ok(nearMisses.length > 0);
      for (const t of nearMisses) assert.ok(!found.has(t), `${t}: a near miss`);

      // The same tenants by the attacker's network instead of the account.
      const byNetwork = await json<BlastRadius>(['investigate', '--workspace', 'replay-2022', ...windowArgs(), '--cidr', truth.attacker.cidr]);
      assert.deepEqual(byNetwork.tenants.map((t) => t.tenant).sort(), [...truth.touchedTenants].sort());
    });

    it('gives each tenant its actions in time order', async () => {
      for (const tenant of truth.touchedTenants.slice(0, 5)) {
        const page = await json<{ entries: TimelineEntry[] }>(['investigate', 'timeline', '--workspace', 'replay-2022', ...windowArgs(), '--actor', truth.suspect.actorId, '--tenant', tenant, '--limit', '1000']);
        assert.deepEqual(page.entries.map((e) => e.uuid).sort(), [...(truth.attackerEvents[tenant]?.uuids ?? [])].sort());
        const times = page.entries.map((e) => e.published);
        assert.deepEqual(times, [...times].sort());
      }
    });

    it('writes a signed report for each of the 366 tenants', async () => {
      const out = join(dir, 'reports');
      const res = await json<{ reports: number }>(['investigate', 'reports', '--workspace', 'replay-2022', ...windowArgs(), '--actor', truth.suspect.actorId, '--out', out, '--format', 'json']);
      assert.equal(res.reports, 366);
      const key = readReportPublicKey(dir);
      assert.ok(key);
      const tenants = readdirSync(out).sort();
      assert.deepEqual(tenants, [...truth.touchedTenants].sort());
      for (const tenant of tenants) {
        const file = join(out, tenant, 'impact-report.json');
        const content = readFileSync(file);
        assert.equal(verifyReport(content, readFileSync(`${file}.sig`, 'utf8'), key).ok, true, tenant);
        const report = JSON.parse(content.toString('utf8')) as { actions: { uuid: string }[] };
        assert.deepEqual(report.actions.map((a) => a.uuid).sort(), [...(truth.attackerEvents[tenant]?.uuids ?? [])].sort(), tenant);
      }
      // PDFs print through Chromium at ~0.3 s each; three tenants here, all 366 are measured in docs/forensics.md.
      const pdfs = join(dir, 'pdf');
      const sample = truth.touchedTenants.slice(0, 3).flatMap((t) => ['--tenant', t]);
      await json(['investigate', 'reports', '--workspace', 'replay-2022', ...windowArgs(), '--actor', truth.suspect.actorId, '--out', pdfs, '--format', 'pdf', ...sample]);
      for (const tenant of truth.touchedTenants.slice(0, 3)) {
        const verified = await cli(['report', 'verify', join(pdfs, tenant, 'impact-report.pdf')]);
        assert.equal(verified.code, 0, verified.stderr);
      }
    });
  });

  it('gives the same events and truth for the same seed, and others for another seed', async () => {
    const small = ['--tenants', '300', '--events', '9000', '--touched', '20', '--days', '2'];
    await simulateJson([...small, '--seed', '7', '--workspace', 'seed-7a', '--truth', file('7a.json')]);
    await simulateJson([...small, '--seed', '7', '--workspace', 'seed-7b', '--truth', file('7b.json')]);
    await simulateJson([...small, '--seed', '8', '--workspace', 'seed-8', '--truth', file('8.json')]);
    assert.deepEqual(truthOf('7a.json'), truthOf('7b.json'));
    const uuids = async (ws: string) => column(await query(ws, 'SELECT uuid::VARCHAR AS u, published FROM events ORDER BY source_line'), 'u');
    const [a, b, c] = [await uuids('seed-7a'), await uuids('seed-7b'), await uuids('seed-8')];
    assert.deepEqual(a, b);
    assert.equal(a.filter((u) => new Set(c).has(u)).length, 0);
    const other = truthOf('8.json');
    assert.notDeepEqual(other.touchedTenants, truthOf('7a.json').touchedTenants);
    assert.equal(other.touchedTenants.length, 20);
  });

  it('writes one tenant\'s log as NDJSON that `bulwark logs import` takes whole', async () => {
    const summary = await simulateJson(['--tenants', '1', '--touched', '1', '--events', '3000', '--ndjson', file('one.ndjson'), '--truth', file('one.json')]);
    const truth = truthOf('one.json');
    const tenant = truth.tenants.find((t) => !t.supportPlane);
    const lines = readFileSync(file('one.ndjson'), 'utf8').trim().split('\n');
    assert.equal(lines.length, summary.ndjsonEvents);
    assert.ok(lines.length > 2_000, `${lines.length} events`);
    const events = lines.map((l) => JSON.parse(l) as { published: string; uuid: string });
    for (const e of events) assert.deepEqual(validateBulwarkLogEvent(e), []);
    assert.deepEqual(events.map((e) => e.published), events.map((e) => e.published).sort());
    assert.deepEqual(truth.touchedTenants, [tenant?.id]);
    const mine = new Set(events.map((e) => e.uuid));
    assert.ok(truth.attackerEvents[tenant?.id ?? '']?.uuids.every((u) => mine.has(u)));
    const res = await cli(['logs', 'import', file('one.ndjson'), '--workspace', 'one', '--tenant', tenant?.slug ?? '', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const imported = JSON.parse(res.stdout) as { imported: number; rejected: number };
    assert.deepEqual([imported.imported, imported.rejected], [lines.length, 0]);
  });

  it('replays the 2023 export: an unfiltered support-users report, approved, ten times the usual size, among ordinary ones', async () => {
    await simulateJson(['--scenario', '2023-help-center-export', '--tenants', '1000', '--events', '15000', '--workspace', 'replay-2023', '--truth', file('truth-2023.json')]);
    const truth = truthOf('truth-2023.json');
    assert.ok(truth.export);
    const downloads = await query('replay-2023', `
      SELECT actor_id, event->>'$.debugContext.debugData.filters' AS filters, (event->>'$.debugContext.debugData.bytes')::BIGINT AS bytes,
        (event->>'$.debugContext.debugData.rows')::BIGINT AS rows, event->>'$.debugContext.debugData.sha256' AS sha256, (event->>'$.debugContext.debugData.oversize')::BOOLEAN AS oversize
      FROM events WHERE event_type = 'bulwark.support.report.download.complete' AND tenant = $plane ORDER BY bytes DESC`, { plane: truth.supportPlane.id });
    assert.equal(downloads.length, truth.export.ordinaryDownloads + 1);
    const [taken, ...ordinary] = downloads;
    assert.deepEqual([taken?.['actor_id'], taken?.['filters'], Number(taken?.['bytes']), Number(taken?.['rows']), taken?.['sha256'], taken?.['oversize']],
      [truth.suspect.actorId, '{}', truth.export.bytes, truth.export.rows, truth.export.sha256, true]);
    assert.ok(ordinary.every((d) => d['oversize'] === false && d['actor_id'] !== truth.suspect.actorId && String(d['filters']).includes('organization')));
    assert.ok(truth.export.usualBytes !== null && truth.export.bytes > 10 * truth.export.usualBytes);
    const approvals = await query('replay-2023', `SELECT actor_id FROM events WHERE event_type = 'bulwark.support.report.export.approve'`);
    assert.deepEqual(column(approvals, 'actor_id'), [truth.export.approvedBy.id]);
    const cases = await query('replay-2023', `SELECT DISTINCT u.t.id AS org FROM events, unnest(targets) AS u(t) WHERE event_type = 'bulwark.support.case.read' AND actor_id = $suspect AND u.t.type = 'Org' ORDER BY 1`,
      { suspect: truth.suspect.actorId });
    assert.deepEqual(column(cases, 'org'), truth.touchedTenants);

    // An investigation of the account finds no customer tenant acted on (it worked in the support plane only),
    // and names the customers whose cases it read, with the export among the plane's event types.
    const res = await cli(['investigate', '--workspace', 'replay-2023', '--since', truth.window.since, '--until', truth.window.until, '--actor', truth.suspect.actorId, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const b = JSON.parse(res.stdout) as BlastRadius;
    assert.deepEqual([b.totals.events, b.tenants], [0, []]);
    assert.deepEqual(b.supportPlanes.map((p) => p.tenant), [truth.supportPlane.id]);
    const [plane] = b.supportPlanes;
    assert.deepEqual(plane?.customers.map((c) => c.tenant).sort(), [...truth.touchedTenants].sort());
    assert.ok(plane?.customers.every((c) => c.events >= 1 && c.name !== null));
    assert.ok(plane?.eventTypes.includes('bulwark.support.report.download.complete'), plane?.eventTypes.join());
    const table = await cli(['investigate', '--workspace', 'replay-2023', '--since', truth.window.since, '--until', truth.window.until, '--actor', truth.suspect.actorId]);
    assert.match(table.stdout, /^No events of the suspects on customer tenants\.$/m);
    assert.match(table.stdout, new RegExp(`Those events were about ${truth.touchedTenants.length} customer tenants:`));
  });

  it('shows its help, with the scenarios and their defaults, with exit 0', async () => {
    const res = await cli(['simulate', '--help']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^Usage: bulwark simulate \[options\]/);
    assert.match(res.stdout, /2022-support-takeover or 2023-help-center-export/);
  });

  it('refuses bad options with one line naming the option, exit 2, and writes nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--tenants', '0'], /--tenants must be an integer from 1 to 100000, got "0"/],
      [['--events', 'many'], /--events must be an integer/],
      [['--tenants', '10', '--touched', '11'], /--touched must be an integer from 1 to 10, got "11"/],
      [['--scenario', '2024-other'], /--scenario must be one of 2022-support-takeover, 2023-help-center-export/],
      [['--start', 'yesterday'], /--start must be an ISO 8601 date/],
      [['--days', '40'], /--days must be an integer from 1 to 31/],
      [['--tenants', '5000', '--events', '2000'], /--events: 2000 is too few; .* ask for at least \d+/],
      [['--ndjson', 'x.ndjson'], /--ndjson writes one tenant's log.*--tenants 1/],
      [[], /nowhere to write the events/],
    ];
    for (const [args, message] of cases) {
      const res = await cli(['simulate', ...(args.includes('--ndjson') || args.length === 0 ? args : [...args, '--workspace', 'refused'])]);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, message);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    }
    const badName = await cli(['simulate', '--workspace', 'Bad Name']);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /workspace name must be/);
    assert.equal(existsSync(join(dir, 'workspaces', 'refused.duckdb')), false);
    assert.equal(existsSync(join(process.cwd(), 'x.ndjson')), false);
  });
});
