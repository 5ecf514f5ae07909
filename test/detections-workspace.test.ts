/**
 * `bulwark detect --workspace` as an operator runs it: real Okta exports from shared/data imported with
 * `bulwark logs import`, the SigmaHQ Okta rules run over them unmodified, the alerts printed and kept in the
 * workspace's `alerts` table (read back with DuckDB); the built-in rules over Bulwark-shaped exports of several
 * tenants; and every bad argument refused with exit 2 and one line, writing nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildEvent } from '../src/syslog/build-event.ts';
import type { AuditContext, EventInput } from '../src/syslog/log-event.ts';
import { runCli } from './cli-helpers.ts';
import { queryWorkspace } from './support/workspace.ts';
import { sharedDataDir } from './helpers.ts';

const DATA = sharedDataDir();
const SIGMA = join(DATA, 'sigma-okta');
const FILES = ['jupiterone-graph-okta', 'okta-developer-docs', 'panther-okta'].map((s) => join(DATA, s, 'extracted', 'okta_events.ndjson'));

type AlertJson = { id: string; rule: string; title: string; severity: string; tenant: string | null; events: string[]; details: Record<string, unknown> };
type Run = { workspace: string; events: number; stored: number; rules: { builtin: number; sigma: number; unsupported: unknown[] }; alerts: AlertJson[] };

/**
 * What the rules fire on among the imported events: the three application updates of the JupiterOne
 * recordings, and in the Panther file the first admin role assignment and the user created (its other matches
 * have placeholder uuids, which the import rejects, or repeat the uuid of an earlier sign-in, which it keeps).
 */
const EXPECTED = [
  ['sigma:413d4a81-6c98-4479-9863-014785fd579c', 'a87a0528-68e2-4500-a82c-de27f161f2f3'],
  ['sigma:b6c718dd-8f53-4b9f-98d8-93fdca966969', 'e6054be2-db52-11eb-bf04-0f9a403a57aa'],
  ['sigma:7899144b-e416-4c28-b0b5-ab8f9e0a541d', '82a42325-f290-11ec-b1c2-078cc65ecd5e'],
  ['sigma:7899144b-e416-4c28-b0b5-ab8f9e0a541d', '8dc7ba43-0cf9-11ed-aff0-e18fe752970e'],
  ['sigma:7899144b-e416-4c28-b0b5-ab8f9e0a541d', '34482c7a-0d16-11ed-ae1b-39d0c0b4dfc8'],
];

const query = (dataDir: string, workspace: string, sql: string) => queryWorkspace(dataDir, workspace, sql);

describe('bulwark detect --workspace', () => {
  let dir: string;
  let env: Record<string, string>;
  const cli = (args: string[]) => runCli(args, { env });
  const detect = async (args: string[]): Promise<Run> => {
    const res = await cli(['detect', ...args, '--json']);
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as Run;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-detect-'));
    env = { BULWARK_DATA_DIR: dir };
    const imported = await cli(['logs', 'import', ...FILES, '--workspace', 'okta', '--tenant', 'acme.okta.com']);
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the SigmaHQ Okta rules unmodified over real Okta exports, and keeps each match in the alerts table', async () => {
    const run = await detect(['--workspace', 'okta', '--sigma-dir', SIGMA, '--sigma-placeholder', 'legtimate_identifiers=@acme.example']);
    assert.deepEqual(run.rules, { builtin: 6, sigma: 24, unsupported: [] });
    assert.equal(run.events, 26);
    assert.deepEqual(run.alerts.map((a) => [a.rule, ...a.events]).sort(), [...EXPECTED].sort());
    assert.ok(run.alerts.every((a) => a.tenant === 'acme.okta.com'));
    assert.equal(run.stored, 5);

    const rows = await query(dir, 'okta', `SELECT a.rule, a.tenant, a.severity, e.event_type FROM alerts a JOIN events e ON CAST(e.uuid AS VARCHAR) = a.events[1] ORDER BY a.event_time`);
    assert.deepEqual(rows.map((r) => r['event_type']), ['user.account.privilege.grant', 'user.lifecycle.create', 'application.lifecycle.update', 'application.lifecycle.update', 'application.lifecycle.update']);
    assert.deepEqual(new Set(rows.map((r) => r['severity'])), new Set(['medium', 'informational']));
  });

  it('stores nothing twice when run again, and prints the alerts as a table', async () => {
    const res = await cli(['detect', '--workspace', 'okta', '--sigma-dir', SIGMA, '--sigma-placeholder', 'legtimate_identifiers=@acme.example']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^TIME +SEVERITY +RULE +TENANT +SUMMARY$/m);
    assert.match(res.stdout, /Okta Admin Role Assigned to an User or Group: user\.account\.privilege\.grant by jack\.naglieri@runpanther\.io/);
    assert.match(res.stdout, /Workspace okta: 26 events, 5 alerts \(0 new in table alerts\) from 6 built-in and 24 Sigma rules/);
    assert.deepEqual(await query(dir, 'okta', 'SELECT count(*)::INT AS n FROM alerts'), [{ n: 5 }]);
  });

  it('reads only the window, and names a Sigma rule it cannot load on stderr while the others run', async () => {
    const res = await cli(['detect', '--workspace', 'okta', '--sigma-dir', SIGMA, '--since', '2022-01-01T00:00:00Z', '--until', '2022-07-26T19:00:00Z', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /^sigma rules-placeholder\/identity\/okta\/okta_session_impersonation_granted\.yml: not loaded: .*placeholder %legtimate_identifiers% has no configured values$/m);
    const run = JSON.parse(res.stdout) as Run;
    assert.equal(run.rules.sigma, 23);
    assert.deepEqual(run.alerts.flatMap((a) => a.events), ['82a42325-f290-11ec-b1c2-078cc65ecd5e', '8dc7ba43-0cf9-11ed-aff0-e18fe752970e']);
  });

  it('runs the built-in rules across tenants imported with their own --tenant', async () => {
    const staff: AuditContext = {
      actor: { alternateId: 'sam@support.example', detailEntry: { supportPlane: 'commercial' }, displayName: 'Sam', id: 'staff-sam', type: 'SupportStaff' },
      ipAddress: '203.0.113.9', userAgent: 'Mozilla/5.0', transaction: { detail: {}, id: 'req', type: 'WEB' }, requestUri: '/api/v1/users',
    };
    const admin: AuditContext = { ...staff, actor: { alternateId: 'boss@t1.example', detailEntry: null, displayName: 'Boss', id: '00uboss', type: 'User' } };
    const ann = { alternateId: 'ann@t1.example', detailEntry: null, displayName: 'Ann', id: '00uann', type: 'User' };
    const line = (audit: AuditContext, input: EventInput, minute: number) => JSON.stringify(buildEvent(audit, input, new Date(Date.parse('2026-01-16T10:00:00Z') + minute * 60_000)));
    const read: EventInput = { eventType: 'bulwark.support.api.read', displayMessage: 'Support staff read the organization\'s data' };
    const files = ['t1', 't2', 't3'].map((tenant, i) => {
      const path = join(dir, `${tenant}.ndjson`);
      const lines = [line(staff, read, i * 10)];
      if (tenant === 't1') {
        lines.push(line(admin, { eventType: 'user.account.reset_password', displayMessage: 'Reset Okta user password', target: [ann] }, 1));
        lines.push(line(admin, { eventType: 'user.account.privilege.grant', displayMessage: 'Grant user privilege', target: [ann], debugData: { roleType: 'SUPER_ADMIN' } }, 40));
      }
      writeFileSync(path, `${lines.join('\n')}\n`);
      return { tenant, path };
    });
    for (const f of files) assert.equal((await cli(['logs', 'import', f.path, '--workspace', 'cells', '--tenant', f.tenant])).code, 0);
    const run = await detect(['--workspace', 'cells', '--rules', 'builtin', '--threshold', 'supportTenants=3']);
    assert.deepEqual(run.alerts.map((a) => [a.rule, a.tenant]), [['support-principal-many-tenants', null], ['privilege-after-reset', 't1']]);
    assert.deepEqual(run.alerts[0]?.details['tenants'], ['t1', 't2', 't3']);
    // At the default threshold of five tenants, three are not many.
    assert.deepEqual((await detect(['--workspace', 'cells', '--rules', 'builtin'])).alerts.map((a) => a.rule), ['privilege-after-reset']);
  });

  describe('refuses bad arguments with exit 2 and one line, writing nothing', () => {
    for (const [args, message] of [
      [['--workspace', 'nope'], /^error: no workspace named "nope" \(see `bulwark workspaces list`\)$/],
      [['--workspace', 'Bad_Name'], /^error: workspace name must be 1-64 lower-case letters/],
      [['--workspace', 'okta', '--rules', 'yara'], /^error: --rules must be builtin, sigma or builtin,sigma, got "yara"$/],
      [['--workspace', 'okta', '--rules', 'sigma'], /^error: --rules sigma needs --sigma-dir DIR \(or BULWARK_SIGMA_DIR\)$/],
      [['--workspace', 'okta', '--sigma-dir', '/nonexistent/rules'], /^error: --sigma-dir: not a directory: \/nonexistent\/rules$/],
      [['--workspace', 'okta', '--sigma-dir', join(DATA, 'har-mitmproxy')], /^error: --sigma-dir: no Sigma rule files \(\*\.yml, \*\.yaml\) in .*har-mitmproxy$/],
      [['--workspace', 'okta', '--since', 'yesterday'], /^error: --since must be an ISO 8601 date or time/],
      [['--workspace', 'okta', '--since', '2026-02-01', '--until', '2026-01-01'], /^error: --since must be before --until$/],
      [['--workspace', 'okta', '--threshold', 'supportTenants=1'], /^error: --threshold: supportTenants must be an integer from 2 to 100000, got "1"$/],
      [['--workspace', 'okta', '--threshold', 'tenants=3'], /^error: --threshold: unknown threshold "tenants"/],
      [['--workspace', 'okta', '--sigma-dir', SIGMA, '--sigma-placeholder', 'no-equals'], /^error: --sigma-placeholder must be NAME=VALUE/],
      [['--sigma-dir', SIGMA], /required option '--workspace <name>' not specified/],
    ] as const) {
      it(`bulwark detect ${args.join(' ')}`, async () => {
        const before = await query(dir, 'okta', 'SELECT count(*)::INT AS n FROM alerts');
        const res = await cli(['detect', ...args]);
        assert.equal(res.code, 2, res.stderr);
        assert.equal(res.stdout, '');
        assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
        assert.match(res.stderr.trim(), message);
        assert.deepEqual(await query(dir, 'okta', 'SELECT count(*)::INT AS n FROM alerts'), before);
        assert.equal(existsSync(join(dir, 'workspaces', 'nope.duckdb')), false);
      });
    }
  });
});
