/**
 * `bulwark logs import`: brings Okta System Log exports into a workspace, de-duplicated by `uuid` against the
 * workspace and within the import. NDJSON files are read by DuckDB itself; JSON arrays and CSV are read here in
 * chunks and staged (staging.ts). A bad record is reported and skipped, never fatal.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { detectFormat, type Format } from './formats.ts';
import { readRecords } from './sources.ts';
import { loadNdjsonFile, stageSource, type Source } from './staging.ts';
import type { Workspace } from './workspace.ts';

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
    const size = sizes[i] ?? 0;
    summaries.push(await importFile(ws, file, opts, size, (read) => opts.onProgress?.(doneBytes + read, totalBytes)));
    doneBytes += size;
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

async function importFile(ws: Workspace, file: string, opts: ImportOptions, size: number, progress: (bytesRead: number) => void): Promise<FileSummary> {
  const format = await detectFormat(file);
  const source: Source = {
    sourceFile: resolve(file), format, tenant: opts.tenant ?? null,
    onReject: (line, reason, raw) => opts.onReject?.({ file, line, reason, raw }),
  };
  const direct = format === 'ndjson' ? await loadNdjsonFile(ws, source, resolve(file), (done) => progress(Math.floor(done * size))) : undefined;
  const counts = direct ?? await stageSource(ws, source, (stager) => readRecords(file, format, {
    record: (line, raw) => stager.record(line, raw),
    reject: (line, reason, raw) => stager.reject(line, reason, raw),
    async settle(bytesRead) {
      await stager.settle();
      progress(bytesRead);
    },
  }));
  return { file, format, ...counts };
}
