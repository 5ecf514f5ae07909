/**
 * `bulwark logs import` and `bulwark workspaces` as an operator runs them: the CLI as a child process writing
 * real DuckDB workspace files in a temporary BULWARK_DATA_DIR, then the files opened and read back.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatOf } from '../src/forensics/formats.ts';
import { runCli, type CliResult } from './cli-helpers.ts';
import { queryWorkspace } from './support/workspace.ts';
import { sharedDataDir } from './helpers.ts';

const DATA = sharedDataDir();
/** Every NDJSON file of Okta events in the shared data, found rather than listed so new ones are covered. */
const REAL_FILES = execFileSync('find', [DATA, '-name', '*.ndjson'], { encoding: 'utf8' }).split('\n').filter((f) => f !== '').sort();
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The import's rule, stated independently: an object with a UUID, a published time and an eventType. */
function isValidEvent(e: Record<string, unknown>): boolean {
  return typeof e['uuid'] === 'string' && UUID.test(e['uuid']) && typeof e['published'] === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?Z?$/.test(e['published'])
    && typeof e['eventType'] === 'string';
}

type Summary = { files: { file: string; format: string; eventsRead: number; imported: number; duplicates: number; rejected: number }[]; eventsRead: number; imported: number; duplicates: number; rejected: number; seconds: number; eventsPerSecond: number };

const query = (dataDir: string, workspace: string, sql: string) => queryWorkspace(dataDir, workspace, sql);

/** Okta's CSV export shape: one column per leaf, dotted paths, list items by index. */
function flatten(value: unknown, prefix: string, out: Record<string, string>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
    return;
  }
  out[prefix] = String(value);
}
const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

describe('bulwark logs import', () => {
  let dir: string;
  let files: string;
  let env: Record<string, string>;
  const cli = (args: string[]) => runCli(args, { env });
  const importJson = async (args: string[]): Promise<{ res: CliResult; summary: Summary }> => {
    const res = await cli(['logs', 'import', ...args, '--json']);
    assert.equal(res.code, 0, res.stderr);
    return { res, summary: JSON.parse(res.stdout) as Summary };
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-forensics-'));
    files = mkdtempSync(join(tmpdir(), 'bulwark-forensics-files-'));
    env = { BULWARK_DATA_DIR: dir };
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  it('imports every real Okta events file in shared/data, rejecting no valid event and counting every line', async () => {
    assert.ok(REAL_FILES.length >= 3, `found ${REAL_FILES.join(', ')}`);
    for (const file of REAL_FILES) {
      const events = lines(file).map((l) => JSON.parse(l) as Record<string, unknown>);
      const valid = events.filter(isValidEvent);
      const distinct = new Set(valid.map((e) => String(e['uuid']).toLowerCase())).size;
      const { res, summary } = await importJson([file, '--workspace', 'real', '--tenant', 'acme.okta.com']);
      const f = summary.files[0];
      assert.ok(f);
      assert.equal(f.format, 'ndjson');
      assert.equal(f.eventsRead, events.length, file);
      assert.equal(f.imported, distinct, file);
      assert.equal(f.duplicates, valid.length - distinct, file);
      assert.equal(f.rejected, events.length - valid.length, file);
      // Each rejection names its line, and none of them is a valid event.
      const rejectedLines = [...res.stderr.matchAll(/ line (\d+): /g)].map((m) => Number(m[1]));
      assert.equal(rejectedLines.length, f.rejected);
      for (const n of rejectedLines) assert.equal(isValidEvent(events[n - 1] as Record<string, unknown>), false, `${file} line ${n} is valid but was rejected`);
    }
    // The Okta docs and JupiterOne recordings are genuine exports: nothing in them is refused.
    const genuine = REAL_FILES.filter((f) => !f.includes('panther'));
    const { summary } = await importJson([...genuine, '--workspace', 'genuine']);
    assert.equal(summary.rejected, 0);
    assert.equal(summary.imported, genuine.reduce((n, f) => n + lines(f).length, 0));
  });

  it('imports nothing the second time and counts every event as a duplicate', async () => {
    const file = REAL_FILES.find((f) => f.includes('okta-developer-docs')) as string;
    const first = await importJson([file, '--workspace', 'twice']);
    assert.equal(first.summary.imported, 4);
    const second = await importJson([file, '--workspace', 'twice']);
    assert.deepEqual([second.summary.imported, second.summary.duplicates, second.summary.rejected], [0, 4, 0]);
    const [row] = await query(dir, 'twice', 'SELECT count(*) AS n FROM events');
    assert.equal(Number(row?.['n']), 4);
  });

  it('stores each event\'s fields, targets and exact text, and the JSON array and CSV forms of the same events alike', async () => {
    const sources = REAL_FILES.filter((f) => !f.includes('panther'));
    const raw = sources.flatMap((f) => lines(f).map((text, i) => ({ text, line: i + 1, file: f })));
    const events = raw.map((r) => JSON.parse(r.text) as Record<string, any>);
    await importJson([...sources, '--workspace', 'fields', '--tenant', 'acme.okta.com']);

    // Detected by content: the array is named .ndjson, the CSV .json.
    const array = join(files, 'export.ndjson');
    writeFileSync(array, `[\n${events.map((e) => `  ${JSON.stringify(e, null, 2)}`).join(',\n')}\n]\n`);
    const flat = events.map((e) => { const o: Record<string, string> = {}; flatten(e, '', o); return o; });
    const columns = [...new Set(flat.flatMap((o) => Object.keys(o)))];
    const csv = join(files, 'export.json');
    writeFileSync(csv, `${columns.map(csvCell).join(',')}\r\n${flat.map((o) => columns.map((c) => csvCell(o[c] ?? '')).join(',')).join('\r\n')}\r\n`);
    const a = await importJson([array, '--workspace', 'from-array']);
    const c = await importJson([csv, '--workspace', 'from-csv']);
    assert.deepEqual(a.summary.files.map((f) => [f.format, f.imported, f.rejected]), [['json-array', events.length, 0]]);
    assert.deepEqual(c.summary.files.map((f) => [f.format, f.imported, f.rejected]), [['csv', events.length, 0]]);

    const sql = `SELECT uuid::VARCHAR AS uuid, strftime(published, '%Y-%m-%dT%H:%M:%S.%g') AS published, event_type, severity, display_message, outcome_result, outcome_reason,
      actor_id, actor_type, actor_alternate_id, actor_display_name, client_ip, as_number, as_org, country, user_agent, external_session_id, transaction_id, tenant,
      to_json(targets)::VARCHAR AS targets, event, source_file, source_line FROM events ORDER BY uuid`;
    const rows = await query(dir, 'fields', sql);
    assert.equal(rows.length, events.length);
    for (const row of rows) {
      const i = events.findIndex((e) => e['uuid'] === row['uuid']);
      const e = events[i] as Record<string, any>;
      const r = raw[i] as { text: string; line: number; file: string };
      assert.equal(row['published'], (e['published'] as string).slice(0, 23));
      assert.equal(row['event_type'], e['eventType']);
      assert.equal(row['severity'], e['severity']);
      assert.equal(row['display_message'], e['displayMessage']);
      assert.equal(row['outcome_result'], e['outcome']?.result);
      assert.equal(row['outcome_reason'], e['outcome']?.reason ?? null);
      assert.equal(row['actor_id'], e['actor'].id);
      assert.equal(row['actor_alternate_id'], e['actor'].alternateId);
      assert.equal(row['actor_display_name'], e['actor'].displayName);
      assert.equal(row['client_ip'], e['client'].ipAddress);
      assert.equal(row['as_number'] === null ? null : Number(row['as_number']), e['securityContext']?.asNumber ?? null);
      assert.equal(row['country'], e['client'].geographicalContext?.country ?? null);
      assert.equal(row['user_agent'], e['client'].userAgent?.rawUserAgent ?? null);
      assert.equal(row['external_session_id'], e['authenticationContext']?.externalSessionId ?? null);
      assert.equal(row['transaction_id'], e['transaction']?.id ?? null);
      assert.equal(row['tenant'], 'acme.okta.com');
      assert.deepEqual(JSON.parse(row['targets'] as string), (e['target'] ?? []).map((t: any) => ({ id: t.id, type: t.type, alternateId: t.alternateId ?? null, displayName: t.displayName ?? null })));
      assert.equal(row['event'], r.text, 'the event is kept exactly as read');
      assert.equal(basename(row['source_file'] as string), basename(r.file));
      assert.equal(Number(row['source_line']), r.line);
    }
    // The JSON array and the CSV give the same columns; only the source and its positions differ.
    const strip = (rs: Record<string, unknown>[]) => rs.map(({ event: _e, source_file: _f, source_line: _l, tenant: _t, ...rest }) => rest);
    assert.deepEqual(strip(await query(dir, 'from-array', sql)), strip(rows));
    assert.deepEqual(strip(await query(dir, 'from-csv', sql)), strip(rows));
    const arrayRow = (await query(dir, 'from-array', sql))[0] as Record<string, unknown>;
    assert.deepEqual(JSON.parse(arrayRow['event'] as string), events.find((e) => e['uuid'] === arrayRow['uuid']));
  });

  it('reports every bad line of a corrupted export with its number and reason, keeps every good one, and goes on', async () => {
    const good = REAL_FILES.filter((f) => !f.includes('panther')).flatMap(lines);
    const missingUuid = JSON.stringify({ ...JSON.parse(good[0] as string), uuid: undefined });
    const badDate = JSON.stringify({ ...JSON.parse(good[0] as string), uuid: '11111111-2222-4333-8444-555555555555', published: 'yesterday' });
    const body = [
      good[0], good[1], (good[2] as string).slice(0, 120), 'this is not json', good[3], missingUuid, '', badDate, '[1,2,3]', good[4], good[5], good[6],
    ];
    const file = join(files, 'corrupted.log');
    writeFileSync(file, `\uFEFF${body.join('\r\n')}\r\n`);
    const rejects = join(files, 'rejects.ndjson');
    const res = await cli(['logs', 'import', file, '--workspace', 'corrupted', '--rejects', rejects, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const summary = JSON.parse(res.stdout) as Summary;
    assert.deepEqual([summary.eventsRead, summary.imported, summary.duplicates, summary.rejected], [11, 6, 0, 5]);
    const reported = res.stderr.trim().split('\n');
    assert.equal(reported.length, 5);
    assert.match(reported[0] as string, /corrupted\.log line 3: not JSON: /);
    assert.match(reported[1] as string, /corrupted\.log line 4: not JSON: Unexpected token/);
    assert.match(reported[2] as string, /corrupted\.log line 6: no uuid$/);
    assert.match(reported[3] as string, /corrupted\.log line 8: published is not a date: "yesterday"$/);
    assert.match(reported[4] as string, /corrupted\.log line 9: not a JSON object but an array$/);
    const written = readFileSync(rejects, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; reason: string; raw: string });
    assert.deepEqual(written.map((r) => r.line), [3, 4, 6, 8, 9]);
    assert.equal(written[1]?.raw, 'this is not json');
    assert.equal(written[4]?.raw, '[1,2,3]');
    const kept = await query(dir, 'corrupted', 'SELECT source_line, event FROM events ORDER BY source_line');
    assert.deepEqual(kept.map((r) => Number(r['source_line'])), [1, 2, 5, 10, 11, 12]);
    // The BOM and the CR are not part of the stored text.
    assert.equal(kept[0]?.['event'], good[0]);
    assert.equal(kept[5]?.['event'], good[6]);
  });

  it('detects the format from the content, whatever the name', () => {
    assert.equal(formatOf('{"uuid":"x"}\n{"uuid":"y"}\n'), 'ndjson');
    assert.equal(formatOf('\uFEFF  [\n {"uuid":"x"}\n]'), 'json-array');
    assert.equal(formatOf('[{"uuid":"x"},{"uuid":"y"}]'), 'json-array');
    assert.equal(formatOf('[1,2]\n{"uuid":"x"}\n'), 'ndjson');
    assert.equal(formatOf('uuid,published,eventType,actor.alternateId\r\na,b,c,d\r\n'), 'csv');
    assert.equal(formatOf('"published","uuid"\n'), 'csv');
    assert.equal(formatOf('garbage first line\n{"uuid":"x"}\n'), 'ndjson');
  });

  it('imports a 100,000-event NDJSON export', async () => {
    const template = JSON.parse(lines(REAL_FILES.find((f) => f.includes('jupiterone')) as string)[0] as string) as Record<string, unknown>;
    const { uuid: _u, published: _p, ...rest } = template;
    const tail = JSON.stringify(rest).slice(1);
    const file = join(files, 'big.ndjson');
    const out: string[] = [];
    for (let i = 0; i < 100_000; i++) out.push(`{"uuid":"0f0c2e1a-7b3d-4c8e-9a6f-${i.toString(16).padStart(12, '0')}","published":"${new Date(1_700_000_000_000 + i * 1000).toISOString()}",${tail}`);
    writeFileSync(file, `${out.join('\n')}\n`);
    const { summary } = await importJson([file, '--workspace', 'big']);
    assert.deepEqual([summary.eventsRead, summary.imported, summary.duplicates, summary.rejected], [100_000, 100_000, 0, 0]);
    const [row] = await query(dir, 'big', `SELECT count(*) AS n, count(DISTINCT uuid) AS d, min(published)::VARCHAR AS first FROM events`);
    assert.deepEqual([Number(row?.['n']), Number(row?.['d']), row?.['first']], [100_000, 100_000, '2023-11-14 22:13:20']);
  });

  it('prints a summary table without --json', async () => {
    const file = REAL_FILES.find((f) => f.includes('okta-developer-docs')) as string;
    const res = await cli(['logs', 'import', file, '--workspace', 'table']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^FILE\s+FORMAT\s+READ\s+IMPORTED\s+DUPLICATES\s+REJECTED\n/);
    assert.match(res.stdout, /Workspace table: 1 files, 4 events read, 4 imported, 0 duplicates, 0 rejected in [\d.]+ s \(\d+ events\/s\)\.\n$/);
    assert.equal(res.stderr, '', 'no progress bar when stderr is not a terminal');
  });

  it('refuses bad arguments with exit 2 and writes no workspace', async () => {
    const file = REAL_FILES[0] as string;
    for (const [args, message] of [
      [['logs', 'import', file, '--workspace', '../escape'], /workspace name must be/],
      [['logs', 'import', file, '--workspace', 'Upper'], /workspace name must be/],
      [['logs', 'import', join(files, 'missing.ndjson'), '--workspace', 'never'], /no such file/],
      [['logs', 'import', file], /required option '--workspace <name>'/],
      [['logs', 'import', file, '--workspace', 'never', '--tenant', 'a b'], /--tenant/],
      [['workspaces', 'delete', 'big'], /add --yes/],
      [['workspaces', 'delete', 'nope', '--yes'], /no workspace named "nope"/],
    ] as const) {
      const res = await cli([...args]);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, message);
      assert.equal(res.stdout, '');
    }
    const list = await cli(['workspaces', 'list', '--json']);
    assert.equal(list.code, 0);
    assert.ok(!(JSON.parse(list.stdout) as { name: string }[]).some((w) => w.name === 'never'));
  });

  it('fails with exit 1 when the workspace file cannot be used', async () => {
    const file = REAL_FILES[0] as string;
    writeFileSync(join(dir, 'workspaces', 'broken.duckdb'), 'not a database');
    const res = await cli(['logs', 'import', file, '--workspace', 'broken']);
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /^error: import failed: /m);
  });

  it('lists workspaces and deletes one with --yes', async () => {
    const before = JSON.parse((await cli(['workspaces', 'list', '--json'])).stdout) as { name: string; bytes: number }[];
    assert.ok(before.some((w) => w.name === 'twice' && w.bytes > 0));
    const table = await cli(['workspaces', 'list']);
    assert.match(table.stdout, /^NAME\s+SIZE\s+MODIFIED\s+PATH\n/);
    const del = await cli(['workspaces', 'delete', 'twice', '--yes']);
    assert.equal(del.code, 0, del.stderr);
    assert.equal(del.stdout, 'Deleted workspace twice.\n');
    const after = JSON.parse((await cli(['workspaces', 'list', '--json'])).stdout) as { name: string }[];
    assert.ok(!after.some((w) => w.name === 'twice'));
  });
});
