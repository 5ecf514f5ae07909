/**
 * `bulwark investigate` as an investigator runs it: a workspace of three tenants' exports with a suspect, near
 * misses and a look-alike, asked for blast radius, timeline, pivots and reports through the real CLI; then the
 * live System Log of a real database, copied for the window, asked the same.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BlastRadius, TimelineEntry } from '../src/forensics/investigate.ts';
import { systemClock } from '../src/lib/clock.ts';
import { runCli, serveOver, type AppOverDb, type CliResult } from './cli-helpers.ts';
import { apiClient, createTestTenant, testDatabase, type TestDatabase } from './helpers.ts';

const SUSPECT = { id: '00ususpect000000001', login: 'agent7@support.example', ip: '198.51.100.23', asn: 64496, session: 'idxS1suspect' };
const WINDOW = ['--since', '2022-01-16T00:00:00Z', '--until', '2022-01-21T00:00:00Z'];

let counter = 0;
type Ev = { type: string; at: string; actor: { id: string; login: string; type?: string }; ip: string; asn: number; session?: string; targets?: { id: string; login: string }[]; outcome?: string };

/** An Okta LogEvent with the fields investigations read; uuids count up so the test can name them. */
function event(e: Ev): string {
  const uuid = `00000000-0000-4000-8000-${(++counter).toString(16).padStart(12, '0')}`;
  return JSON.stringify({
    uuid, published: e.at, eventType: e.type, version: '0', severity: 'INFO', displayMessage: e.type,
    actor: { id: e.actor.id, type: e.actor.type ?? 'User', alternateId: e.actor.login, displayName: e.actor.login, detailEntry: null },
    client: { ipAddress: e.ip, userAgent: { rawUserAgent: 'Mozilla/5.0 (X11; Linux x86_64)' }, geographicalContext: { country: 'United States' } },
    securityContext: { asNumber: e.asn, asOrg: `AS${e.asn}` },
    authenticationContext: { externalSessionId: e.session ?? null, rootSessionId: null },
    outcome: { result: e.outcome ?? 'SUCCESS', reason: null },
    target: (e.targets ?? []).map((t) => ({ id: t.id, type: 'User', alternateId: t.login, displayName: t.login })),
    transaction: { type: 'WEB', id: `tx${counter}`, detail: {} },
  });
}

const suspect = { id: SUSPECT.id, login: SUSPECT.login, type: 'SupportStaff' };
const s = (type: string, at: string, targets: Ev['targets']) => event({ type, at, actor: suspect, ip: SUSPECT.ip, asn: SUSPECT.asn, session: SUSPECT.session, targets });

const FILES = {
  acme: [
    s('user.account.reset_password', '2022-01-17T09:00:00Z', [{ id: '00uacme1', login: 'ann@acme.example' }]),
    event({ type: 'user.session.start', at: '2022-01-17T10:00:00Z', actor: { id: '00uacme2', login: 'bob@acme.example' }, ip: '192.0.2.10', asn: 7018 }),
    s('user.mfa.factor.reset_all', '2022-01-18T11:30:00Z', [{ id: '00uacme2', login: 'bob@acme.example' }]),
  ],
  globex: [
    s('user.account.reset_password', '2022-01-19T14:00:00Z', [{ id: '00uglobex1', login: 'carol@globex.example' }]),
    // The suspect's own account on the day after the window: not the incident's.
    s('user.session.start', '2022-01-21T00:00:00Z', []),
  ],
  initech: [
    // The same account before the window, when it was still its owner's.
    s('user.account.reset_password', '2022-01-10T08:00:00Z', [{ id: '00uinitech1', login: 'dan@initech.example' }]),
    // Another support engineer in the window.
    event({ type: 'user.account.reset_password', at: '2022-01-17T12:00:00Z', actor: { id: '00uagent8', login: 'agent8@support.example', type: 'SupportStaff' }, ip: '203.0.113.5', asn: 3356, targets: [{ id: '00uinitech2', login: 'erin@initech.example' }] }),
    // A look-alike login, and an address in the suspect's /24.
    event({ type: 'user.session.start', at: '2022-01-18T07:00:00Z', actor: { id: '00uinitech3', login: 'agent7@support.example.org' }, ip: '198.51.100.99', asn: 7922 }),
  ],
};

describe('bulwark investigate', () => {
  let dir: string;
  let env: Record<string, string>;
  const cli = (args: string[]) => runCli(args, { env });
  const json = async <T>(args: string[]): Promise<T> => {
    const res = await cli([...args, '--json']);
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as T;
  };
  const usage = (res: CliResult, message: RegExp) => {
    assert.equal(res.code, 2, res.stdout + res.stderr);
    assert.match(res.stderr, message);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-investigate-'));
    env = { BULWARK_DATA_DIR: dir };
    for (const [tenant, lines] of Object.entries(FILES)) {
      const file = join(dir, `${tenant}.ndjson`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const res = await cli(['logs', 'import', file, '--workspace', 'case-1', '--tenant', tenant]);
      assert.equal(res.code, 0, res.stderr);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the blast radius of the suspect account: exactly its tenants, users and actions in the window', async () => {
    const b = await json<BlastRadius>(['investigate', '--workspace', 'case-1', ...WINDOW, '--actor', SUSPECT.id, '--name', 'Support takeover']);
    assert.equal(b.incident.name, 'Support takeover');
    assert.deepEqual(b.totals, { events: 3, tenants: 2, users: 3, actors: 1, eventTypes: 2, firstSeen: '2022-01-17T09:00:00.000Z', lastSeen: '2022-01-19T14:00:00.000Z' });
    assert.deepEqual(b.tenants.map((t) => [t.tenant, t.events, t.users, t.eventTypes]), [
      ['acme', 2, 2, ['user.account.reset_password', 'user.mfa.factor.reset_all']],
      ['globex', 1, 1, ['user.account.reset_password']],
    ]);
    assert.deepEqual(b.users.map((u) => [u.tenant, u.alternateId, u.eventTypes]), [
      ['acme', 'ann@acme.example', ['user.account.reset_password']],
      ['acme', 'bob@acme.example', ['user.mfa.factor.reset_all']],
      ['globex', 'carol@globex.example', ['user.account.reset_password']],
    ]);
    assert.deepEqual(b.actions.map((a) => [a.eventType, a.events, a.tenants, a.users]), [['user.account.reset_password', 2, 2, 2], ['user.mfa.factor.reset_all', 1, 1, 1]]);
    assert.deepEqual(b.actors.map((a) => [a.id, a.alternateId, a.type, a.tenants, a.ipAddresses]), [[SUSPECT.id, SUSPECT.login, 'SupportStaff', 2, [SUSPECT.ip]]]);

    const table = await cli(['investigate', '--workspace', 'case-1', ...WINDOW, '--actor', SUSPECT.id]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /3 events by 1 actors on 2 tenants, 3 users targeted/);
    assert.match(table.stdout, /^acme +2 +2 /m);
  });

  it('matches the same events by login (any case, * patterns), by ASN and by address; a CIDR widens to the /24', async () => {
    const tenantsOf = async (args: string[]) => (await json<BlastRadius>(['investigate', '--workspace', 'case-1', ...WINDOW, ...args])).tenants.map((t) => `${t.tenant}:${t.events}`);
    assert.deepEqual(await tenantsOf(['--login', 'AGENT7@Support.Example']), ['acme:2', 'globex:1']);
    assert.deepEqual(await tenantsOf(['--asn', `AS${SUSPECT.asn}`]), ['acme:2', 'globex:1']);
    assert.deepEqual(await tenantsOf(['--ip', SUSPECT.ip]), ['acme:2', 'globex:1']);
    // The pattern also catches the look-alike; the exact login does not.
    assert.deepEqual(await tenantsOf(['--login', 'agent7@*']), ['acme:2', 'initech:1', 'globex:1']);
    assert.deepEqual(await tenantsOf(['--cidr', '198.51.100.0/24']), ['acme:2', 'initech:1', 'globex:1']);
    assert.deepEqual(await tenantsOf(['--login', 'nobody@*']), []);
    // An incident file, with a flag on top of it.
    const file = join(dir, 'incident.yaml');
    writeFileSync(file, `name: From a file\nwindow:\n  since: 2022-01-16T00:00:00Z\n  until: 2022-01-21T00:00:00Z\nsuspects:\n  actorIds: [${SUSPECT.id}]\n`);
    assert.deepEqual(await tenantsOf(['--incident', file]), ['acme:2', 'globex:1']);
    const narrowed = await json<BlastRadius>(['investigate', '--workspace', 'case-1', '--incident', file, '--until', '2022-01-18T00:00:00Z']);
    assert.deepEqual([narrowed.incident.name, narrowed.totals.events], ['From a file', 1]);
  });

  it('pages through the timeline in time order', async () => {
    type Page = { entries: TimelineEntry[]; next: string | null };
    const first = await json<Page>(['investigate', 'timeline', '--workspace', 'case-1', ...WINDOW, '--actor', SUSPECT.id, '--limit', '2']);
    assert.deepEqual(first.entries.map((e) => [e.published, e.tenant, e.eventType]), [
      ['2022-01-17T09:00:00.000Z', 'acme', 'user.account.reset_password'],
      ['2022-01-18T11:30:00.000Z', 'acme', 'user.mfa.factor.reset_all'],
    ]);
    assert.ok(first.next);
    const second = await json<Page>(['investigate', 'timeline', '--workspace', 'case-1', ...WINDOW, '--actor', SUSPECT.id, '--limit', '2', '--after', first.next]);
    assert.deepEqual(second.entries.map((e) => [e.tenant, e.targets.map((t) => t.alternateId)]), [['globex', ['carol@globex.example']]]);
    assert.equal(second.next, null);
    const globex = await json<Page>(['investigate', 'timeline', '--workspace', 'case-1', ...WINDOW, '--actor', SUSPECT.id, '--tenant', 'globex']);
    assert.equal(globex.entries.length, 1);
  });

  it('pivots from an address to its actors, from an actor to its sessions, from a session to what was done in it', async () => {
    const actors = await json<{ actorId: string; events: number; tenants: number }[]>(['investigate', 'pivot', 'ip', SUSPECT.ip, '--workspace', 'case-1']);
    assert.deepEqual(actors.map((a) => [a.actorId, a.events, a.tenants]), [[SUSPECT.id, 5, 3]]);
    const sessions = await json<{ sessionId: string; tenant: string; events: number }[]>(['investigate', 'pivot', 'actor', SUSPECT.login, '--workspace', 'case-1', ...WINDOW]);
    assert.deepEqual(sessions.map((x) => [x.sessionId, x.tenant, x.events]), [[SUSPECT.session, 'acme', 2], [SUSPECT.session, 'globex', 1]]);
    const inSession = await json<TimelineEntry[]>(['investigate', 'pivot', 'session', SUSPECT.session, '--workspace', 'case-1']);
    assert.deepEqual(inSession.map((e) => e.published), ['2022-01-10T08:00:00.000Z', '2022-01-17T09:00:00.000Z', '2022-01-18T11:30:00.000Z', '2022-01-19T14:00:00.000Z', '2022-01-21T00:00:00.000Z']);
    const none = await json<unknown[]>(['investigate', 'pivot', 'ip', '192.0.2.250', '--workspace', 'case-1']);
    assert.deepEqual(none, []);
  });

  it('writes one signed report per touched tenant, which verify', async () => {
    const out = join(dir, 'reports');
    const res = await json<{ reports: number; written: { tenantId: string; actions: number; files: { path: string }[] }[] }>(['investigate', 'reports', '--workspace', 'case-1', ...WINDOW, '--actor', SUSPECT.id, '--out', out, '--format', 'json,csv']);
    assert.deepEqual(res.written.map((w) => [w.tenantId, w.actions, w.files.length]), [['acme', 2, 2], ['globex', 1, 2]]);
    for (const f of res.written.flatMap((w) => w.files)) {
      const verified = await cli(['report', 'verify', f.path]);
      assert.equal(verified.code, 0, verified.stderr);
    }
    const report = JSON.parse(readFileSync(join(out, 'acme', 'impact-report.json'), 'utf8')) as { actions: { eventType: string }[] };
    assert.deepEqual(report.actions.map((a) => a.eventType), ['user.account.reset_password', 'user.mfa.factor.reset_all']);
  });

  it('drafts a notice per touched tenant, linking its report', async () => {
    const out = join(dir, 'notices');
    const res = await cli(['investigate', 'notify', '--workspace', 'case-1', ...WINDOW, '--actor', SUSPECT.id, '--out', out, '--report-url', 'https://trust.example/reports/']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Drafted 2 notices .*; 2 tenants have no known admin contact/);
    const notice = readFileSync(join(out, 'acme', 'notice.txt'), 'utf8');
    assert.match(notice, /^To: \(no admin contact known/);
    assert.match(notice, /- 2 actions, the first at 2022-01-17 09:00 UTC/);
    assert.match(notice, /https:\/\/trust\.example\/reports\/acme\/impact-report\.pdf/);
    const csv = readFileSync(join(out, 'notifications.csv'), 'utf8').trim().split('\n');
    assert.deepEqual(csv.map((l) => l.split(',')[0]), ['tenant', 'acme', 'globex']);
    usage(await cli(['investigate', 'notify', '--workspace', 'case-1', ...WINDOW, '--actor', SUSPECT.id, '--out', out, '--report-url', 'http://plain.example']), /--report-url must be an https:\/\/ URL/);
  });

  it('refuses bad incidents, sources and pivots with a clear message', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'window: [unclosed');
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify({ window: { since: '2022-01-16T00:00:00Z', until: '2022-01-21T00:00:00Z' }, suspects: { actorIds: ['x'], typo: 1 } }));
    const cases: [string[], RegExp][] = [
      [['--workspace', 'case-1', '--actor', SUSPECT.id], /give --since and --until/],
      [['--workspace', 'case-1', '--since', '2022-01-21T00:00:00Z', '--until', '2022-01-16T00:00:00Z', '--actor', 'x'], /since must be before until/],
      [['--workspace', 'case-1', '--since', '2022-01-16', '--until', '2022-01-21T00:00:00Z', '--actor', 'x'], /ISO 8601 time with a zone/],
      [['--workspace', 'case-1', ...WINDOW], /suspects: name at least one/],
      [['--workspace', 'case-1', ...WINDOW, '--cidr', '198.51.100.0/33'], /not a CIDR block/],
      [['--workspace', 'case-1', ...WINDOW, '--ip', '300.1.1.1'], /IPv4 or IPv6/],
      [['--workspace', 'case-1', ...WINDOW, '--asn', 'ASX'], /--asn must be a number/],
      [['--workspace', 'nope', ...WINDOW, '--actor', 'x'], /no workspace named "nope"/],
      [[...WINDOW, '--actor', 'x'], /--workspace NAME or --live/],
      [['--workspace', 'case-1', '--live', ...WINDOW, '--actor', 'x'], /cannot be used with option '--live'/],
      [['--workspace', 'case-1', '--live-tenant', 'acme', ...WINDOW, '--actor', 'x'], /--live-tenant needs --live/],
      [['timeline', '--workspace', 'case-1', ...WINDOW, '--actor', 'x', '--limit', '0'], /--limit must be an integer/],
      [['timeline', '--workspace', 'case-1', ...WINDOW, '--actor', 'x', '--after', 'garbage'], /--after must be a cursor/],
      [['pivot', 'user', 'x', '--workspace', 'case-1'], /pivot from ip, actor or session/],
      [['pivot', 'ip', 'x', '--workspace', 'case-1', '--since', '2022-01-16T00:00:00Z'], /both --since and --until/],
      [['reports', '--workspace', 'case-1', ...WINDOW, '--actor', 'x', '--out', join(dir, 'r'), '--format', 'docx'], /--format takes/],
      [['--workspace', 'case-1', '--incident', file], /is not JSON or YAML/],
      [['--workspace', 'case-1', '--incident', typo], /suspects: Unrecognized key/],
    ];
    // Each is refused before the workspace is opened, so they can run at once.
    const results = await Promise.all(cases.map(([args]) => cli(['investigate', ...args])));
    results.forEach((res, i) => usage(res, cases[i]?.[1] as RegExp));
  });

  it('lets several investigators read one workspace at once', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => json<BlastRadius>(['investigate', '--workspace', 'case-1', ...WINDOW, '--actor', SUSPECT.id])));
    assert.deepEqual(runs.map((b) => b.totals.events), [3, 3, 3]);
  });
});

describe('bulwark investigate --live', () => {
  let database: TestDatabase;
  let app: AppOverDb;
  let dir: string;
  let env: Record<string, string>;
  const started = new Date(Date.now() - 60_000).toISOString();

  before(async () => {
    database = await testDatabase();
    app = await serveOver(database.db, systemClock);
    dir = mkdtempSync(join(tmpdir(), 'bulwark-investigate-live-'));
    env = { DATABASE_URL: database.url, BULWARK_DATA_DIR: dir };
  });
  after(async () => {
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the window of the live System Log and answers over it, each tenant kept to itself', async () => {
    const acme = await createTestTenant(database.db);
    const other = await createTestTenant(database.db);
    for (const t of [acme, other]) {
      const api = apiClient(app.url, t.token);
      for (const name of ['ann', 'bob']) {
        const res = await api('POST', '/api/v1/users?activate=true', { profile: { login: `${name}@${t.slug}.example`, email: `${name}@${t.slug}.example`, firstName: name, lastName: 'Test' }, credentials: { password: { value: 'Quiet-Harbor-Lantern-42' } } });
        assert.equal(res.status, 200, res.text);
        if (name === 'ann') {
          const reset = await api('POST', `/api/v1/users/${res.body.id}/lifecycle/reset_password?sendEmail=true`);
          assert.equal(reset.status, 200, reset.text);
        }
      }
    }
    const until = new Date(Date.now() + 60_000).toISOString();
    const run = async (args: string[]) => {
      const res = await runCli(['investigate', '--live', '--since', started, '--until', until, ...args, '--json'], { env });
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stderr, /Copied \d+ events of the live System Log/);
      return JSON.parse(res.stdout) as BlastRadius;
    };
    const all = await run(['--actor', acme.adminId, '--actor', other.adminId]);
    assert.deepEqual(all.tenants.map((t) => t.tenant).sort(), [acme.id, other.id].sort());
    const mine = all.tenants.find((t) => t.tenant === acme.id);
    assert.equal(mine?.name?.endsWith(`(${acme.slug})`), true);
    assert.equal(mine?.users, 2);
    assert.ok(mine?.eventTypes.includes('user.lifecycle.create') && mine.eventTypes.includes('user.account.reset_password'), mine?.eventTypes.join());

    const only = await run(['--live-tenant', acme.slug, '--actor', acme.adminId, '--actor', other.adminId]);
    assert.deepEqual(only.tenants.map((t) => t.tenant), [acme.id]);
    assert.equal(only.source.kind, 'live');

    const out = join(dir, 'notices');
    const notify = await runCli(['investigate', 'notify', '--live', '--live-tenant', acme.slug, '--since', started, '--until', until, '--actor', acme.adminId, '--out', out], { env });
    assert.equal(notify.code, 0, notify.stderr);
    assert.match(readFileSync(join(out, acme.id, 'notice.txt'), 'utf8'), new RegExp(`^To: .*admin@${acme.slug}\\.example\\.com`));

    const unknown = await runCli(['investigate', '--live', '--live-tenant', 'no-such-tenant', '--since', started, '--until', until, '--actor', 'x'], { env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no tenant with slug "no-such-tenant"/);
  });
});
