/**
 * `bulwark simulate --live` as an operator runs it: the CLI as a child process over a real database plays an
 * incident through the services on a tenant, and its ground truth is checked against the System Log and against
 * what remediation (also the CLI) then finds and does: a dry run over the window selects exactly the truth's
 * users, applying resets each of them once and nobody else, and the log still verifies.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LiveTruth } from '../src/forensics/simulate-live.ts';
import { PASSWORD_OR_FACTOR_EVENTS } from '../src/remediation/criteria.ts';
import type { LogEvent } from '../src/syslog/log-event.ts';
import { runCli, type CliResult } from './cli-helpers.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

type Summary = { seed: number; users: number; selected: number; changedOnlyBeforeWindow: number; intruderVictims: number; seconds: number; tenant: { slug: string; created: boolean } };
type Plan = { id: string; status: string; users: { id: string; matched: string[] }[] };

const CHANGES: ReadonlySet<string> = new Set(PASSWORD_OR_FACTOR_EVENTS);

function assertUsageError(res: CliResult, message: RegExp): void {
  assert.equal(res.code, 2, res.stdout + res.stderr);
  assert.match(res.stderr, message);
  assert.equal(res.stderr.trimEnd().split('\n').length, 1, res.stderr);
}

describe('bulwark simulate --live', () => {
  let database: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  let summary: Summary;
  let truth: LiveTruth;
  const cli = (args: string[], e = env) => runCli(args, { env: e });
  const file = (name: string) => join(dir, name);
  const readTruth = (name: string) => JSON.parse(readFileSync(file(name), 'utf8')) as LiveTruth;

  async function events(db: TestDatabase, tenantId: string): Promise<LogEvent[]> {
    const rows = await db.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenantId).orderBy('seq').execute();
    return rows.map((r) => JSON.parse(r.event) as LogEvent);
  }

  async function simulate(args: string[], e = env): Promise<Summary> {
    const res = await cli(['simulate', '--live', ...args, '--json'], e);
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as Summary;
  }

  /** The dry run remediation makes of the truth's window, over the tenant's live System Log. */
  async function plan(slug: string, t: LiveTruth, e = env): Promise<Plan> {
    const res = await cli(['remediate', 'plan', '--tenant', slug, '--since', t.window.since, '--until', t.window.until, '--password-or-factor-change', '--action', 'FORCE_PASSWORD_RESET', '--json'], e);
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as Plan;
  }

  /**
   * What must come out the same for the same seed, whatever the ids and moments: each user's story, whether a
   * remediation selects them, and what happened to them, with the side of the window for everything a story
   * places. The noise (profile edits, group changes, sign-ins) is drawn across both sides at working hours of
   * the moment the run happens, so its side of the window, and its order among the rest, may differ between
   * two runs minutes apart; it changes no password or factor, so no selection.
   */
  const NOISE = new Set(['updateProfile', 'addToGroup', 'signIn']);
  const shapeOf = (t: LiveTruth) => ({
    counts: t.counts,
    users: t.users.map((u) => ({
      login: u.login, story: u.story, selected: u.selected,
      happened: u.happened.map((h) => `${h.action} by ${h.by}: ${h.outcome}${!NOISE.has(h.action) && Date.parse(h.at) >= Date.parse(t.window.since) ? ' in the window' : ''}`).sort(),
    })),
  });

  before(async () => {
    database = await testDatabase();
    dir = mkdtempSync(join(tmpdir(), 'bulwark-simulate-live-'));
    env = { DATABASE_URL: database.url, BULWARK_DATA_DIR: dir };
    summary = await simulate(['--tenant', 'sim-acme', '--truth', file('truth.json')]);
    truth = readTruth('truth.json');
  });

  after(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays 40 users over 5 days on a new tenant in well under 15 s, and writes its ground truth', () => {
    assert.ok(summary.seconds < 15, `took ${summary.seconds} s`);
    assert.equal(statSync(file('truth.json')).mode & 0o777, 0o600);
    assert.deepEqual(summary.tenant, { ...truth.tenant, slug: 'sim-acme', created: true });
    assert.equal(truth.users.length, 40);
    assert.equal(summary.selected, truth.remediation.users.length);
    assert.deepEqual(truth.remediation.eventTypes, PASSWORD_OR_FACTOR_EVENTS);
    assert.equal(Date.parse(truth.window.until) - Date.parse(truth.window.since), 5 * 86_400_000);
    assert.ok(Date.parse(truth.period.start) < Date.parse(truth.window.since), 'activity before the window too');
    // Every kind of user is there: changed in the window, changed only before it, touched by the intruder, idle.
    assert.ok(truth.counts.selected >= 10, `${truth.counts.selected} selected`);
    assert.ok(truth.counts.changedOnlyBeforeWindow >= 3, `${truth.counts.changedOnlyBeforeWindow} changed only before`);
    assert.ok(truth.counts.intruderVictims >= 2);
    assert.ok(truth.counts.quiet >= 1);
    const selected = new Set(truth.remediation.users);
    for (const u of truth.users) {
      const inWindow = u.happened.filter((h) => Date.parse(h.at) >= Date.parse(truth.window.since) && Date.parse(h.at) < Date.parse(truth.window.until));
      assert.equal(selected.has(u.id), u.selected, u.login);
      assert.equal(u.selected, inWindow.some((h) => h.outcome === 'SUCCESS' && h.eventTypes.some((t) => CHANGES.has(t))), u.login);
    }
    // The refused enrollment is a password-or-factor event that changed nothing: its user is not selected for it.
    const refused = truth.users.find((u) => u.story === 'refusedEnroll');
    assert.ok(refused?.happened.some((h) => h.outcome === 'DENY'));
    assert.equal(refused?.selected, false);
  });

  it('writes every event through the services: in the period, the chain intact, the intruder a SupportStaff under a real grant from its VPN address', async () => {
    const log = await events(database, truth.tenant.id);
    const start = Date.parse(truth.period.start);
    const end = Date.parse(truth.period.end);
    for (const e of log) assert.ok(Date.parse(e.published) >= start && Date.parse(e.published) < end, `${e.eventType} at ${e.published}`);
    assert.ok(log.length > 300, `${log.length} events`);

    const intruder = log.filter((e) => e.actor.id === truth.intruder.actorId);
    const grant = log.find((e) => e.eventType === 'user.session.impersonation.grant');
    assert.equal(grant?.actor.id, truth.admin.id, 'the tenant admin approved the request');
    assert.equal(grant?.target[0]?.id, truth.intruder.grantId);
    // A password reset also ends the victim's sessions, when there were any.
    assert.deepEqual(new Set(intruder.map((e) => e.eventType).filter((t) => t !== 'user.session.clear')), new Set([
      'bulwark.support.access.request', 'user.session.impersonation.initiate', 'bulwark.support.api.read', 'user.mfa.factor.reset_all', 'user.account.reset_password',
    ]));
    for (const e of intruder) {
      assert.equal(e.actor.type, 'SupportStaff');
      assert.equal(e.client.ipAddress, truth.intruder.ipAddress);
      assert.equal(e.securityContext.asNumber, truth.intruder.asNumber);
      assert.ok(Date.parse(e.published) >= Date.parse(truth.window.since));
    }
    const underGrant = intruder.filter((e) => e.eventType === 'user.account.reset_password' || e.eventType === 'user.mfa.factor.reset_all');
    for (const e of underGrant) assert.deepEqual(e.transaction.detail, { caseId: truth.intruder.caseId, supportAccessGrantId: truth.intruder.grantId });
    const victims = new Set(truth.users.filter((u) => u.happened.some((h) => h.by === 'intruder')).map((u) => u.id));
    assert.deepEqual(new Set(underGrant.map((e) => e.target[0]?.id)), victims);

    // The changes before the window are in the log as well, where a dry run of the window must not look.
    const before = log.filter((e) => CHANGES.has(e.eventType) && e.outcome.result === 'SUCCESS' && Date.parse(e.published) < Date.parse(truth.window.since));
    const onlyBefore = truth.users.filter((u) => !u.selected && u.happened.some((h) => h.outcome === 'SUCCESS' && h.eventTypes.some((t) => CHANGES.has(t))));
    for (const u of onlyBefore) assert.ok(before.some((e) => e.target[0]?.id === u.id), u.login);
    assert.ok(log.some((e) => e.eventType === 'user.mfa.factor.activate' && e.outcome.result === 'DENY'), 'the refused enrollment');

    // No server ran, so no checkpoint was signed: any key will do.
    writeFileSync(file('verify.pub.pem'), generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    for (const args of [['log', 'verify', '--tenant', 'sim-acme'], ['log', 'verify']]) {
      const verified = await cli([...args, '--public-key', file('verify.pub.pem')]);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    }
  });

  it('a dry run over the window selects exactly the truth\'s users; applying resets each of them once and nobody else', async () => {
    const dryRun = await plan('sim-acme', truth);
    assert.deepEqual(dryRun.users.map((u) => u.id).sort(), truth.remediation.users);
    for (const u of dryRun.users) assert.deepEqual(u.matched, ['PASSWORD_OR_FACTOR_CHANGE']);

    assert.equal((await cli(['remediate', 'approve', dryRun.id, '--tenant', 'sim-acme', '--yes'])).code, 0);
    const countBefore = (await events(database, truth.tenant.id)).length;
    const applied = await cli(['remediate', 'apply', dryRun.id, '--tenant', 'sim-acme', '--json']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal((JSON.parse(applied.stdout) as { counts: { done: number } }).counts.done, truth.remediation.users.length);

    const resets = (await events(database, truth.tenant.id)).slice(countBefore).filter((e) => e.eventType === 'user.account.reset_password');
    assert.ok(resets.every((e) => e.transaction.detail['remediationId'] === dryRun.id && e.outcome.result === 'SUCCESS'));
    assert.deepEqual(resets.map((e) => e.target[0]?.id).sort(), truth.remediation.users, 'one reset each, nobody else');
  });

  it('gives the same shape of truth for the same seed in a fresh database, with new ids', async () => {
    const other = await testDatabase();
    try {
      const otherEnv = { ...env, DATABASE_URL: other.url };
      await simulate(['--tenant', 'sim-acme', '--truth', file('again.json')], otherEnv);
      const again = readTruth('again.json');
      assert.deepEqual(shapeOf(again), shapeOf(truth));
      assert.notEqual(again.tenant.id, truth.tenant.id);
      assert.equal(again.remediation.users.filter((id) => truth.remediation.users.includes(id)).length, 0);
      assert.deepEqual((await plan('sim-acme', again, otherEnv)).users.map((u) => u.id).sort(), again.remediation.users);
    } finally {
      await other.drop();
    }
  });

  it('refuses a tenant that exists unless --into-existing is given; with it, adds users whose changes a dry run finds exactly', async () => {
    assert.equal((await cli(['tenant', 'create', 'existing-co'])).code, 0);
    const tenantId = (await database.db.selectFrom('tenants').select('id').where('slug', '=', 'existing-co').executeTakeFirstOrThrow()).id;
    const logged = (await events(database, tenantId)).length;
    assertUsageError(await cli(['simulate', '--live', '--tenant', 'existing-co']), /^error: --tenant "existing-co" exists; .*--into-existing/);
    assert.equal((await events(database, tenantId)).length, logged, 'nothing written');

    const added = await cli(['simulate', '--live', '--tenant', 'existing-co', '--into-existing', '--users', '20', '--days', '2', '--seed', '7', '--truth', file('existing.json')]);
    assert.equal(added.code, 0, added.stderr);
    const existing = readTruth('existing.json');
    assert.match(added.stdout, /^Played 20 users on tenant existing-co \(cell commercial, seed 7\)/m);
    assert.match(added.stdout, new RegExp(`^Next: bulwark remediate plan --tenant existing-co --since ${existing.window.since} --until ${existing.window.until} --password-or-factor-change`, 'm'));
    assert.equal(existing.tenant.created, false);
    assert.equal(existing.supportPlane.created, false, 'the cell\'s support plane was made by the first run');
    assert.equal(existing.users.length, 20);
    assert.deepEqual((await plan('existing-co', existing)).users.map((u) => u.id).sort(), existing.remediation.users);
  });

  it('refuses bad options with exit 2 and one line, writing nothing', async () => {
    const tenants = async () => (await database.db.selectFrom('tenants').select('slug').orderBy('slug').execute()).map((t) => t.slug);
    const known = await tenants();
    const refused: [string[], RegExp][] = [
      [['--live'], /--live needs --tenant SLUG/],
      [['--live', '--tenant', 'new-co', '--workspace', 'w'], /--workspace is for the offline simulator/],
      [['--live', '--tenant', 'new-co', '--ndjson', file('x.ndjson'), '--tenants', '1'], /--ndjson, --tenants are for the offline simulator/],
      [['--workspace', 'w', '--tenant', 'new-co'], /--tenant only with --live/],
      [['--workspace', 'w', '--into-existing'], /--into-existing only with --live/],
      [['--live', '--tenant', 'new-co', '--users', '5'], /--users must be an integer from 20 to 500, got "5"/],
      [['--live', '--tenant', 'new-co', '--days', '0'], /--days must be an integer from 1 to 31/],
      [['--live', '--tenant', 'new-co', '--seed', 'one'], /--seed must be an integer from 0 to 4294967295, got "one"/],
      [['--live', '--tenant', 'Not_A_Slug'], /--tenant "Not_A_Slug" cannot be created: slug: /],
      [['--live', '--tenant', 'staff-commercial', '--into-existing'], /--tenant "staff-commercial" is the support plane of the commercial cell/],
      [['--live', '--tenant', 'new-co', '--truth', file('missing/t.json')], /--truth: cannot write .*missing\/t\.json/],
    ];
    for (let i = 0; i < refused.length; i += 4) {
      const batch = refused.slice(i, i + 4);
      const results = await Promise.all(batch.map(([args]) => cli(['simulate', ...args])));
      results.forEach((res, j) => assertUsageError(res, (batch[j] as [string[], RegExp])[1]));
    }
    assert.deepEqual(await tenants(), known);
  });
});
