/**
 * What `bulwark logs import` promises about lines, duplicates and atomicity, on both of its paths: NDJSON read by
 * DuckDB itself, and everything staged through the importing process (JSON arrays, CSV, NDJSON with blank lines
 * between events, `ingestEvents`). Workspaces are real DuckDB files in a temporary directory.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { importFiles, type ImportSummary, type Rejection } from '../src/forensics/import.ts';
import { ingestEvents } from '../src/forensics/staging.ts';
import { insertNdjsonKept, readNdjsonFields } from '../src/forensics/store.ts';
import { openWorkspace, type Workspace } from '../src/forensics/workspace.ts';
import { CLI, NODE, runCli } from './cli-helpers.ts';
import { queryWorkspace } from './support/workspace.ts';

const uuidOf = (i: number) => `0f0c2e1a-7b3d-4c8e-9a6f-${i.toString(16).padStart(12, '0')}`;
/** A small valid LogEvent numbered `i`; `extra` overrides or adds fields. */
const event = (i: number, extra: Record<string, unknown> = {}) => JSON.stringify({
  uuid: uuidOf(i), published: new Date(Date.UTC(2026, 4, 1) + i * 1000).toISOString(), eventType: 'user.session.start',
  actor: { id: `00u${i}`, type: 'User', alternateId: `user${i}@acme.example`, displayName: `User ${i}` },
  displayMessage: 'User login to Okta', target: [{ id: `0oa${i}`, type: 'AppInstance', alternateId: 'Portal', displayName: 'Portal' }], ...extra,
});

type Row = Record<string, unknown>;
const rows = async (ws: Workspace, sql: string): Promise<Row[]> => (await ws.connection.runAndReadAll(sql)).getRowObjectsJson() as Row[];
const counts = (s: ImportSummary) => [s.eventsRead, s.imported, s.duplicates, s.rejected];

describe('bulwark logs import: lines, duplicates and atomicity', () => {
  let dir: string;
  let n = 0;
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const workspace = (threads?: number) => openWorkspace(join(dir, 'data'), `ws-${++n}`, threads === undefined ? {} : { threads });
  const importing = async (ws: Workspace, files: string[]) => {
    const rejects: Rejection[] = [];
    const summary = await importFiles(ws, files, { onReject: (r) => rejects.push(r) });
    return { summary, rejects: rejects.map((r) => [r.line, r.reason]) };
  };

  before(() => { dir = mkdtempSync(join(tmpdir(), 'bulwark-import-lines-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // One export with every kind of line the readers must number and judge alike; `blank` puts blank lines between.
  const longMessage = 'x'.repeat(1_500_000);
  const [beforeBadByte, afterBadByte] = event(5, { displayMessage: 'caf#' }).split('#') as [string, string];
  const lines = (blank: string) => Buffer.concat([
    Buffer.from(`${event(1)}\r\n${blank}  ${event(2)} \t\n${blank}${event(3, { displayMessage: longMessage })}\n${event(4)}\u0001junk\n`),
    Buffer.from(beforeBadByte), Buffer.from([0xe9]), Buffer.from(`${afterBadByte}\n`),
    Buffer.from(`{"uuid": "${'y'.repeat(1_200_000)}\n${blank}${event(7).replace(',"eventType"', ',\r"eventType"')}\n${event(1, { eventType: 'later.copy' })}\n${event(9)}`),
  ]);
  const expectedRejects = (shift: number) => [
    [4 + shift, `not JSON: Unexpected non-whitespace character after JSON at position ${event(4).length} (line 1 column ${event(4).length + 1})`],
    [5 + shift, 'not UTF-8 text'],
    [6 + shift, 'not JSON: Unterminated string in JSON at position 1200010 (line 1 column 1200011)'],
  ];

  it('numbers lines as the file does when DuckDB reads it: BOM, CRLF, blanks around an event, a line over 1 MB, a \\x01 byte, bad UTF-8, a CR inside a line', async () => {
    // Two threads: DuckDB's JSON reader handles a BOM differently with more than one.
    const ws = await workspace(2);
    try {
      const path = file('edges.ndjson', Buffer.concat([Buffer.from('\uFEFF'), lines('')]));
      const { summary, rejects } = await importing(ws, [path]);
      assert.deepEqual(counts(summary), [9, 5, 1, 3]);
      assert.deepEqual(rejects, expectedRejects(0));
      const kept = await rows(ws, `SELECT source_line, uuid::VARCHAR AS uuid, event_type, length(event) AS length, event FROM events ORDER BY source_line`);
      assert.deepEqual(kept.map((r) => [Number(r['source_line']), r['uuid']]), [[1, uuidOf(1)], [2, uuidOf(2)], [3, uuidOf(3)], [7, uuidOf(7)], [9, uuidOf(9)]]);
      // The text as it stands in the file: no BOM or CR at the ends, no blanks around it, a CR inside kept.
      assert.equal(kept[0]?.['event'], event(1));
      assert.equal(kept[1]?.['event'], event(2));
      assert.equal(Number(kept[2]?.['length']), event(3, { displayMessage: longMessage }).length);
      assert.equal(kept[3]?.['event'], event(7).replace(',"eventType"', ',\r"eventType"'));
      assert.equal(kept[0]?.['event_type'], 'user.session.start', 'the first read wins over the copy on line 8');
      assert.deepEqual(await rows(ws, `SELECT current_setting('threads') AS threads`), [{ threads: '2' }], 'the workspace gets its threads back');
    } finally {
      ws.close();
    }
  });

  it('keeps the same numbers across blank lines, which the import reads itself, and judges every line alike', async () => {
    const ws = await workspace();
    try {
      const path = file('blank-lines.ndjson', Buffer.concat([Buffer.from('\uFEFF\n \t\r\n'), lines('\r\n'), Buffer.from('\n\n')]));
      const { summary, rejects } = await importing(ws, [path]);
      assert.deepEqual(counts(summary), [9, 5, 1, 3]);
      // Two blank lines before the first event, then one before each of events 2, 3 and 7. A line the reader
      // cannot decode is reported as it is read, the others when their batch is checked: sorted here.
      assert.deepEqual(rejects.sort((a, b) => Number(a[0]) - Number(b[0])), expectedRejects(4));
      const kept = await rows(ws, `SELECT source_line, event FROM events ORDER BY source_line`);
      assert.deepEqual(kept.map((r) => Number(r['source_line'])), [3, 5, 7, 12, 14]);
      assert.equal(kept[0]?.['event'], event(1));
      assert.equal(kept[1]?.['event'], event(2));
    } finally {
      ws.close();
    }
  });

  it('de-duplicates by uuid within a file, across staged batches and across files, keeping the first read', async () => {
    const ws = await workspace();
    try {
      const ndjson = file('first.ndjson', `${[...Array(30).keys()].map((i) => event(i + 1)).join('\n')}\n${event(5, { eventType: 'copy.in.same.file' })}\n`);
      // 25,000 elements: staged in two batches of 20,000 and 5,000.
      const elements = [...Array(25_000).keys()].map((i) => (i < 10 ? event(i + 1, { eventType: 'copy.from.first.file' }) : event(1000 + i)));
      elements[21_999] = event(1000 + 500, { eventType: 'copy.across.batches' });
      elements[23_999] = event(1000 + 21_000, { eventType: 'copy.within.batch' });
      const array = file('second.json', `[\n${elements.join(',\n')}\n]\n`);
      const { summary } = await importing(ws, [ndjson, array]);
      assert.deepEqual(summary.files.map((f) => [f.format, f.eventsRead, f.imported, f.duplicates, f.rejected]), [
        ['ndjson', 31, 30, 1, 0],
        ['json-array', 25_000, 24_988, 12, 0],
      ]);
      const [unique] = await rows(ws, `SELECT count(*) AS n, count(DISTINCT uuid) AS d, count(*) FILTER (WHERE event_type LIKE 'copy.%') AS copies FROM events`);
      assert.deepEqual([Number(unique?.['n']), Number(unique?.['d']), Number(unique?.['copies'])], [25_018, 25_018, 0]);
      const [first] = await rows(ws, `SELECT source_line FROM events WHERE uuid = '${uuidOf(1500)}'`);
      assert.equal(Number(first?.['source_line']), 501, 'element 501 of the array, not its copy at 22,000');
      // Imported again, everything is a duplicate, on both paths.
      const again = await importing(ws, [ndjson, array]);
      assert.deepEqual(again.summary.files.map((f) => [f.imported, f.duplicates]), [[0, 31], [0, 25_000]]);
    } finally {
      ws.close();
    }
  });

  it('ingests events with a tenant each, across batches, without storing a uuid twice', async () => {
    const ws = await workspace();
    try {
      const events = [...Array(45_000).keys()].map((i) => ({ tenant: `tenant-${i % 7}`, event: event(i % 41_000) }));
      const result = await ingestEvents(ws, 'simulation 1', 'simulated', events);
      assert.deepEqual(result, { eventsRead: 45_000, imported: 41_000, duplicates: 4_000, rejected: 0 });
      const [row] = await rows(ws, `SELECT count(*) AS n, count(DISTINCT uuid) AS d, count(DISTINCT tenant) AS t FROM events`);
      assert.deepEqual([Number(row?.['n']), Number(row?.['d']), Number(row?.['t'])], [41_000, 41_000, 7]);
      const [tenant] = await rows(ws, `SELECT tenant, source_line FROM events WHERE uuid = '${uuidOf(40_999)}'`);
      assert.deepEqual([tenant?.['tenant'], Number(tenant?.['source_line'])], [`tenant-${40_999 % 7}`, 41_000]);
    } finally {
      ws.close();
    }
  });

  it('leaves the workspace as it was when an import fails part way, on either path', async () => {
    const ws = await workspace(2);
    try {
      await importing(ws, [file('base.ndjson', `${event(1)}\n`)]);
      const before = await rows(ws, `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM imports) AS imports`);
      const failOnReject = { onReject: () => { throw new Error('stopped'); } };
      // Read by DuckDB: the valid events are inserted before the bad last line is reported.
      const ndjson = file('fails.ndjson', `${[...Array(1000).keys()].map((i) => event(i + 2)).join('\n')}\nnot json\n`);
      await assert.rejects(importFiles(ws, [ndjson], failOnReject), /stopped/);
      // Staged: the first batch of 20,000 is in before the bad element of the second.
      const elements = [...Array(25_000).keys()].map((i) => event(i + 2));
      elements[24_000] = '{"uuid": "not a uuid"}';
      await assert.rejects(importFiles(ws, [file('fails.json', `[${elements.join(',')}]`)], failOnReject), /stopped/);
      assert.deepEqual(await rows(ws, `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM imports) AS imports`), before);
      assert.deepEqual(await rows(ws, `SELECT current_setting('threads') AS threads`), [{ threads: '2' }]);
    } finally {
      ws.close();
    }
  });

  it('leaves all of a file or none of it when the importing process is killed', async () => {
    const data = join(dir, 'killed');
    const big = file('killed.ndjson', `${[...Array(100_000).keys()].map((i) => event(i)).join('\n')}\n`);
    const child = spawn(NODE, [CLI, 'logs', 'import', big, '--workspace', 'killed'], {
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], LOG_LEVEL: 'silent', BULWARK_DATA_DIR: data }, stdio: 'ignore',
    });
    const closed = new Promise((r) => child.once('close', r));
    // Killed once the workspace exists, which is while the file is being imported or just after.
    const workspaceFile = join(data, 'workspaces', 'killed.duckdb');
    while (!existsSync(workspaceFile)) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await closed;
    const instance = await DuckDBInstance.create(join(data, 'workspaces', 'killed.duckdb'));
    const conn = await instance.connect();
    try {
      const [events, imports] = (await conn.runAndReadAll(`SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM imports)`)).getRows()[0] ?? [];
      assert.ok((Number(events) === 0 && Number(imports) === 0) || (Number(events) === 100_000 && Number(imports) === 1), `${events} events, ${imports} imports`);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it('fails rather than store an event under another\'s text if the two passes over a file ever disagree', async () => {
    const ws = await workspace();
    try {
      const path = file('disagree.ndjson', `${event(1)}\n${event(2)}\n${event(3)}\n`);
      assert.equal(await readNdjsonFields(ws.connection, path), 3);
      // As if the first pass had lost a record: every later event would meet the text of the one before it.
      await ws.connection.run('DELETE FROM import_rows WHERE k = 2');
      await assert.rejects(insertNdjsonKept(ws.connection, path, path, null), /line 3: the two passes over the file disagree/);
    } finally {
      ws.close();
    }
  });

  it('numbers lines in file order with several DuckDB threads, and reads a file whose name DuckDB would take for a pattern', async () => {
    const body = `${[...Array(50_000).keys()].map((i) => event(i + 1)).join('\n')}\n`;
    for (const name of ['ordered.ndjson', 'export*[1].ndjson']) {
      const ws = await workspace(2);
      try {
        const { summary } = await importing(ws, [file(name, body)]);
        assert.deepEqual(counts(summary), [50_000, 50_000, 0, 0]);
        const [misplaced] = await rows(ws, `SELECT count(*) AS n FROM events WHERE source_line <> ('0x' || right(uuid::VARCHAR, 12))::BIGINT`);
        assert.equal(Number(misplaced?.['n']), 0, name);
      } finally {
        ws.close();
      }
    }
  });

  it('reports progress up to the total size of all files', async () => {
    const ws = await workspace();
    try {
      const files = [file('progress.ndjson', `${[...Array(5000).keys()].map((i) => event(i)).join('\n')}\n`), file('progress.json', `[${event(9999)}]`)];
      const seen: number[] = [];
      await importFiles(ws, files, { onProgress: (read, total) => { seen.push(read); assert.equal(total, statSync(files[0] as string).size + statSync(files[1] as string).size); } });
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'never goes back');
      assert.equal(seen.at(-1), statSync(files[0] as string).size + statSync(files[1] as string).size);
    } finally {
      ws.close();
    }
  });

  it('stores published in UTC whatever the time zone of the machine, on both paths', async () => {
    const times = ['2026-05-01T12:00:00.000Z', '2026-05-01T14:00:00+02:00', '2026-05-01T04:30:00-0730', '2026-05-01 12:00:00.123456789', '2026-05-01t12:00:00z'];
    const ndjson = file('zones.ndjson', times.map((published, i) => event(i, { published })).join('\n'));
    const array = file('zones.json', `[${times.map((published, i) => event(100 + i, { published })).join(',')}]`);
    const data = join(dir, 'zones');
    const res = await runCli(['logs', 'import', ndjson, array, '--workspace', 'zones', '--json'], { env: { BULWARK_DATA_DIR: data, TZ: 'Asia/Tokyo' } });
    assert.equal(res.code, 0, res.stderr);
    const stored = (await queryWorkspace(data, 'zones', `SELECT strftime(published, '%Y-%m-%d %H:%M:%S.%f') AS p FROM events ORDER BY source_file, source_line`)).map((r) => r['p']);
    const utc = ['2026-05-01 12:00:00.000000', '2026-05-01 12:00:00.000000', '2026-05-01 12:00:00.000000', '2026-05-01 12:00:00.123456', '2026-05-01 12:00:00.000000'];
    assert.deepEqual(stored, [...utc, ...utc]);
  });

  it('migrates a workspace of schema version 1, whose uuid was a primary key, and refuses one from a newer Bulwark', async () => {
    const data = join(dir, 'old');
    mkdirSync(join(data, 'workspaces'), { recursive: true });
    const path = join(data, 'workspaces', 'old.duckdb');
    const query = async (sql: string) => {
      const instance = await DuckDBInstance.create(path);
      const conn = await instance.connect();
      try {
        return (await conn.runAndReadAll(sql)).getRows();
      } finally {
        conn.closeSync();
        instance.closeSync();
      }
    };
    // Version 1 as it was written: DuckDB's default storage format and a key on uuid.
    await query(`CREATE TABLE workspace_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
      INSERT INTO workspace_meta VALUES ('schema_version', '1');
      CREATE TABLE events (uuid UUID PRIMARY KEY, published TIMESTAMP NOT NULL, event_type VARCHAR NOT NULL, severity VARCHAR,
        display_message VARCHAR, outcome_result VARCHAR, outcome_reason VARCHAR, actor_id VARCHAR, actor_type VARCHAR,
        actor_alternate_id VARCHAR, actor_display_name VARCHAR, client_ip VARCHAR, as_number BIGINT, as_org VARCHAR, country VARCHAR,
        user_agent VARCHAR, external_session_id VARCHAR, root_session_id VARCHAR, transaction_id VARCHAR, tenant VARCHAR,
        targets STRUCT(id VARCHAR, type VARCHAR, "alternateId" VARCHAR, "displayName" VARCHAR)[], event JSON NOT NULL,
        source_file VARCHAR NOT NULL, source_line BIGINT NOT NULL);
      CREATE SEQUENCE import_ids;
      CREATE TABLE imports (id BIGINT PRIMARY KEY DEFAULT nextval('import_ids'), source_file VARCHAR NOT NULL, format VARCHAR NOT NULL,
        tenant VARCHAR, finished_at TIMESTAMP NOT NULL, events_read BIGINT NOT NULL, imported BIGINT NOT NULL, duplicates BIGINT NOT NULL,
        rejected BIGINT NOT NULL);
      INSERT INTO events (uuid, published, event_type, event, source_file, source_line) VALUES ('${uuidOf(1)}', '2026-05-01', 'old', '${event(1)}', '/old.ndjson', 1)`);
    const env = { BULWARK_DATA_DIR: data };
    const res = await runCli(['logs', 'import', file('after-upgrade.ndjson', `${event(1)}\n${event(2)}\n`), '--workspace', 'old', '--json'], { env });
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(counts(JSON.parse(res.stdout) as ImportSummary), [2, 1, 1, 0]);
    assert.deepEqual(await query(`SELECT (SELECT value FROM workspace_meta WHERE key = 'schema_version'),
      (SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'events' AND constraint_type = 'PRIMARY KEY'),
      (SELECT string_agg(event_type, ',' ORDER BY source_file) FROM events)`), [['2', 0n, 'old,user.session.start']]);

    await query(`UPDATE workspace_meta SET value = '3' WHERE key = 'schema_version'`);
    const newer = await runCli(['logs', 'import', file('refused.ndjson', `${event(3)}\n`), '--workspace', 'old'], { env });
    assert.equal(newer.code, 1);
    assert.match(newer.stderr, /workspace schema version 3 is newer than this Bulwark \(2\); upgrade Bulwark/);
  });

  it('writes new workspaces in the storage format with ZSTD, and stores the event text with it', async () => {
    const data = join(dir, 'fresh');
    const res = await runCli(['logs', 'import', file('fresh.ndjson', `${event(1)}\n`), '--workspace', 'fresh'], { env: { BULWARK_DATA_DIR: data } });
    assert.equal(res.code, 0, res.stderr);
    const [found] = await queryWorkspace(data, 'fresh', `SELECT
      (SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = current_database()) AS version,
      (SELECT string_agg(DISTINCT compression) FROM pragma_storage_info('events') WHERE column_name = 'event' AND segment_type <> 'VALIDITY') AS compression`);
    assert.deepEqual([found?.['version'], found?.['compression']], ['v1.2.0+', 'ZSTD']);
  });
});
