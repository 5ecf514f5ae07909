/**
 * `bulwark logs import` throughput: a realistic Okta System Log NDJSON export (1,000,000 events; quick mode
 * 200,000), built from the live-like event mix of bench/lib/okta-stream.ts with a fresh uuid and time per line,
 * is imported into a fresh workspace with DuckDB held to one thread, so the whole import (count the lines, parse,
 * validate, extract, de-duplicate, store) runs on about one core. Writing the file is left out of the figure.
 * References, in the same run, on the same file, on one thread: DuckDB's own `read_json` of it into a table
 * (`reference_events_per_s`; it validates nothing and reports no line); DuckDB's reader parsing the fields the
 * import indexes and nothing else, stored nowhere (`fields_only_events_per_s`); and DuckDB's reader storing the
 * text alone, compressed as the import stores it (`text_only_events_per_s`). DuckDB's readers give a record's
 * fields or its raw text, not both from one parse, so the two together bound any import that indexes the fields
 * and keeps the text: `floor_events_per_s` is the rate of doing both and nothing else. `ratio` compares the
 * import with `read_json`, `of_floor` with that bound. Target: ≥ 100,000 events/s.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { importFiles } from '../src/forensics/import.ts';
import { FIELD_LIST, READ_JSON_COLUMNS, STORAGE_VERSION } from '../src/forensics/store.ts';
import { openWorkspace } from '../src/forensics/workspace.ts';
import { log, onCleanup, profiled, round, runBench, sized } from './lib/bench.ts';
import { oktaEventStream } from './lib/okta-stream.ts';

const TARGET = 100_000;
const EVENTS = sized(1_000_000, 200_000);
const POOL = 5_000;

/** A distinct, valid uuid per line: the counter in hex as the last 12 digits. */
const uuidFor = (i: number): string => `5f0c2e1a-7b3d-4c8e-9a6f-${i.toString(16).padStart(12, '0')}`;

async function writeExport(file: string): Promise<void> {
  const pool = oktaEventStream(POOL, 9).map((e) => {
    const { uuid: _uuid, published: _published, ...rest } = e;
    return JSON.stringify(rest).slice(1);
  });
  const out = createWriteStream(file);
  const start = Date.UTC(2026, 4, 1);
  let buf = '';
  for (let i = 0; i < EVENTS; i++) {
    buf += `{"uuid":"${uuidFor(i)}","published":"${new Date(start + i * 37).toISOString()}",${pool[i % POOL]}\n`;
    if (buf.length > 4_000_000) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

await runBench('import', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-import-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'okta-export.ndjson');
  await writeExport(file);
  const mb = statSync(file).size / 1e6;
  log(`${EVENTS} events, ${round(mb)} MB of NDJSON`);

  const ws = await openWorkspace(dir, 'bench', { threads: 1 });
  onCleanup(() => ws.close());
  const summary = await profiled('import', () => importFiles(ws, [file], { tenant: 'acme.okta.com' }));
  if (summary.imported !== EVENTS || summary.rejected !== 0) throw new Error(`imported ${summary.imported} of ${EVENTS}, rejected ${summary.rejected}`);
  const eventsPerS = EVENTS / summary.seconds;
  log(`import: ${summary.seconds} s, ${round(eventsPerS)} events/s, ${round(mb / summary.seconds, 1)} MB/s`);

  const ref = await DuckDBInstance.create(join(dir, 'reference.duckdb'), { threads: '1', storage_compatibility_version: STORAGE_VERSION });
  const conn = await ref.connect();
  onCleanup(() => { conn.closeSync(); ref.closeSync(); });
  const timed = async (...statements: string[]) => {
    const t0 = performance.now();
    for (const sql of statements) await conn.run(sql, sql.includes('$file') ? { file } : {});
    return EVENTS / ((performance.now() - t0) / 1000);
  };
  const refPerS = await timed(`CREATE TABLE events AS SELECT * FROM read_json($file, format = 'newline_delimited')`);
  log(`reference read_json: ${round(refPerS)} events/s`);
  // Every field counted, so every field is parsed; nothing materialized.
  const counted = FIELD_LIST.split(', ').map((f) => `count(${f})`).join(', ');
  const fieldsPerS = await timed(`SELECT ${counted} FROM read_json($file, format = 'newline_delimited', columns = ${READ_JSON_COLUMNS})`);
  log(`fields alone (read_json of the indexed fields, stored nowhere): ${round(fieldsPerS)} events/s`);
  await conn.run(`CREATE TABLE texts (event JSON USING COMPRESSION zstd)`);
  const textPerS = await timed('BEGIN', `INSERT INTO texts SELECT json FROM read_json_objects($file, format = 'newline_delimited')`, 'COMMIT');
  log(`text alone (read_json_objects, ZSTD): ${round(textPerS)} events/s`);
  const floorPerS = 1 / (1 / fieldsPerS + 1 / textPerS);
  log(`floor, fields and text and nothing else: ${round(floorPerS)} events/s`);

  return {
    figures: {
      events: EVENTS, events_per_s: round(eventsPerS), reference_events_per_s: round(refPerS), ratio: round(eventsPerS / refPerS, 2),
      fields_only_events_per_s: round(fieldsPerS), text_only_events_per_s: round(textPerS),
      floor_events_per_s: round(floorPerS), of_floor: round(eventsPerS / floorPerS, 2),
    },
    target: `events_per_s>=${TARGET}`,
    met: eventsPerS >= TARGET,
  };
});
