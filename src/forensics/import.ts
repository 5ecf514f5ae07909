/**
 * `bulwark logs import`: streams Okta System Log exports into a workspace. Each file is read in chunks; valid
 * events are staged with DuckDB's Appender and moved into `events` a batch at a time, de-duplicated by `uuid`
 * against the workspace and within the import. A bad record is reported and skipped, never fatal.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DuckDBAppender } from '@duckdb/node-api';
import { detectFormat, type Format } from './formats.ts';
import { readRecords } from './sources.ts';
import { processStaged, recordImport, STAGING_TABLE } from './store.ts';
import { explainReject } from './validate.ts';
import type { Workspace } from './workspace.ts';

/** Large enough that DuckDB's per-statement cost vanishes, small enough to stay a few MB of staged text. */
const BATCH = 20_000;

export type Rejection = { file: string; line: number; reason: string; raw: string };

export type FileSummary = { file: string; format: Format; eventsRead: number; imported: number; duplicates: number; rejected: number };

export type ImportSummary = {
  workspace: string;
  files: FileSummary[];
  eventsRead: number;
  imported: number;
  duplicates: number;
  rejected: number;
  seconds: number;
  eventsPerSecond: number;
};

export type ImportOptions = {
  /** The tenant the events belong to (docs/forensics.md); stored on every row of this import. */
  tenant?: string;
  onReject?: (r: Rejection) => void;
  /** Bytes read so far out of the total of all files, for a progress bar. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
};

/** Imports `files` in order into the open workspace and returns what happened to every record. */
export async function importFiles(ws: Workspace, files: string[], opts: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  let doneBytes = 0;
  const summaries: FileSummary[] = [];
  for (const [i, file] of files.entries()) {
    summaries.push(await importFile(ws, file, opts, (read) => opts.onProgress?.(doneBytes + read, totalBytes)));
    doneBytes += sizes[i] ?? 0;
    opts.onProgress?.(doneBytes, totalBytes);
  }
  const seconds = (performance.now() - started) / 1000;
  const sum = (k: keyof Omit<FileSummary, 'file' | 'format'>) => summaries.reduce((a, s) => a + s[k], 0);
  const eventsRead = sum('eventsRead');
  return {
    workspace: ws.name, files: summaries, eventsRead, imported: sum('imported'), duplicates: sum('duplicates'), rejected: sum('rejected'),
    seconds: Math.round(seconds * 1000) / 1000, eventsPerSecond: seconds > 0 ? Math.round(eventsRead / seconds) : 0,
  };
}

async function importFile(ws: Workspace, file: string, opts: ImportOptions, progress: (bytesRead: number) => void): Promise<FileSummary> {
  const format = await detectFormat(file);
  const sourceFile = resolve(file);
  const tenant = opts.tenant ?? null;
  const summary: FileSummary = { file, format, eventsRead: 0, imported: 0, duplicates: 0, rejected: 0 };
  let appender: DuckDBAppender | undefined;
  let staged = 0;

  const flush = async () => {
    if (staged === 0) return;
    appender?.flushSync();
    const result = await processStaged(ws.connection, sourceFile, tenant);
    summary.imported += result.inserted;
    summary.duplicates += result.valid - result.inserted;
    for (const r of result.rejects) reject(r.line, explainReject(r.raw), r.raw);
    staged = 0;
  };
  const reject = (line: number, reason: string, raw: string) => {
    summary.rejected++;
    opts.onReject?.({ file, line, reason, raw });
  };

  // One transaction per file: an interrupted import leaves the workspace as it was before that file.
  await ws.connection.run('BEGIN TRANSACTION');
  try {
    const rows = await ws.connection.createAppender(STAGING_TABLE, 'main', 'temp');
    appender = rows;
    await readRecords(file, format, {
      record(line, raw) {
        summary.eventsRead++;
        rows.appendBigInt(BigInt(line));
        rows.appendVarchar(raw);
        rows.endRow();
        staged++;
      },
      reject(line, reason, raw) {
        summary.eventsRead++;
        reject(line, reason, raw);
      },
      async settle(bytesRead) {
        if (staged >= BATCH) await flush();
        progress(bytesRead);
      },
    });
    await flush();
    rows.closeSync();
    appender = undefined;
    await recordImport(ws.connection, { sourceFile, format, tenant, eventsRead: summary.eventsRead, imported: summary.imported, duplicates: summary.duplicates, rejected: summary.rejected });
    await ws.connection.run('COMMIT');
  } catch (err) {
    appender?.closeSync();
    await ws.connection.run('ROLLBACK').catch(() => {});
    throw err;
  }
  return summary;
}
