/**
 * The ways events enter a workspace. An NDJSON file is read by DuckDB itself (`loadNdjsonFile`): no line passes
 * through the importing process. Everything else (JSON arrays, CSV, NDJSON whose line numbers DuckDB's reader
 * would not keep, and the events of the live System Log copy and the simulator) is staged: records are appended
 * to the staging table with DuckDB's Appender, and every BATCH records DuckDB checks the batch and moves its
 * valid events into `events` (store.ts). All of one source goes in one transaction, so a failed or interrupted
 * source leaves the workspace as it was before it.
 */
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { countNdjsonRecords, readLines } from './sources.ts';
import { insertNdjsonKept, processStaged, readNdjsonFields, recordImport, setThreads, STAGING_TABLE, type CheckedBatch } from './store.ts';
import { explainReject, NOT_UTF8 } from './validate.ts';
import type { Workspace } from './workspace.ts';

/** Large enough that DuckDB's per-statement cost vanishes, small enough to stay a few MB of staged text. */
const BATCH = 20_000;

export type Counts = { eventsRead: number; imported: number; duplicates: number; rejected: number };

export type Source = {
  /** What `imports.source_file` and every event's `source_file` record: a file's absolute path, or a label. */
  sourceFile: string;
  format: string;
  /** The tenant of every record that is staged without one. */
  tenant: string | null;
  onReject?: (line: number, reason: string, raw: string) => void;
};

export type Stager = {
  /** One record: its line (or position) in the source, its text and, when the source mixes tenants, its tenant. */
  record(line: number, raw: string, tenant?: string | null): void;
  /** A record the reader could not even hand over (unreadable CSV, a broken JSON array): counted and reported. */
  reject(line: number, reason: string, raw: string): void;
  /** Writes a full batch out; readers call it between chunks. */
  settle(): Promise<void>;
};

/** Runs `load` for `source` in one transaction, records the source in `imports`, and returns its counts. */
async function inTransaction(ws: Workspace, source: Source, load: (counts: Counts, reject: Stager['reject']) => Promise<void>): Promise<Counts> {
  const counts: Counts = { eventsRead: 0, imported: 0, duplicates: 0, rejected: 0 };
  const reject = (line: number, reason: string, raw: string) => {
    counts.rejected++;
    source.onReject?.(line, reason, raw);
  };
  const conn = ws.connection;
  await conn.run('BEGIN TRANSACTION');
  try {
    await load(counts, reject);
    await recordImport(conn, { sourceFile: source.sourceFile, format: source.format, tenant: source.tenant, ...counts });
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    // The checked rows of the last batch would otherwise hold memory until the workspace is closed.
    await conn.run('DROP TABLE IF EXISTS import_rows; DROP TABLE IF EXISTS import_keep').catch(() => {});
  }
  return counts;
}

const addBatch = (counts: Counts, batch: CheckedBatch) => {
  counts.imported += batch.inserted;
  counts.duplicates += batch.valid - batch.inserted;
};

/** Runs `feed` with a stager for `source` inside one transaction and returns what happened to its records. */
export function stageSource(ws: Workspace, source: Source, feed: (stager: Stager) => Promise<void>): Promise<Counts> {
  return inTransaction(ws, source, async (counts, reject) => {
    const rows: DuckDBAppender = await ws.connection.createAppender(STAGING_TABLE, 'main', 'temp');
    // The batch's text stays at hand for reporting its rejects: read back from DuckDB, a leading BOM would be lost.
    let lines: number[] = [];
    let texts: string[] = [];
    const flush = async () => {
      if (lines.length === 0) return;
      rows.flushSync();
      const batch = await processStaged(ws.connection, source.sourceFile, source.tenant);
      addBatch(counts, batch);
      if (batch.rejected.length > 0) {
        const rejected = new Set(batch.rejected);
        lines.forEach((line, i) => {
          const raw = texts[i] as string;
          if (rejected.has(line)) reject(line, explainReject(raw), raw);
        });
      }
      lines = [];
      texts = [];
    };
    try {
      await feed({
        record(line, raw, tenant) {
          counts.eventsRead++;
          rows.appendBigInt(BigInt(line));
          rows.appendVarchar(raw);
          if (tenant == null) rows.appendNull();
          else rows.appendVarchar(tenant);
          rows.endRow();
          lines.push(line);
          texts.push(raw);
        },
        reject(line, reason, raw) {
          counts.eventsRead++;
          reject(line, reason, raw);
        },
        async settle() {
          if (lines.length >= BATCH) await flush();
        },
      });
      await flush();
    } finally {
      rows.closeSync();
    }
  });
}

export type TenantEvent = { tenant: string | null; event: string };

/**
 * Events that come from inside Bulwark rather than a file (the live System Log, the simulator), each with its own
 * tenant, recorded in `imports` under `label`.
 */
export function ingestEvents(ws: Workspace, label: string, format: string, events: AsyncIterable<TenantEvent> | Iterable<TenantEvent>): Promise<Counts> {
  return stageSource(ws, { sourceFile: label, format, tenant: null }, async (stager) => {
    let line = 0;
    for await (const e of events) {
      stager.record(++line, e.event, e.tenant);
      if (line % BATCH === 0) await stager.settle();
    }
  });
}

/** DuckDB takes these in a file name as a pattern for several files. */
const GLOB = /[*?[\]{}]/;

/** The file turned out to be one whose lines DuckDB's reader would number differently: it is staged instead. */
class NotNumberedAlike extends Error {}

/**
 * How far a statement has got, polled while it runs. DuckDB measures it by the part of the file its reader has
 * consumed; it is only tracked with its progress bar on (printing nothing).
 */
async function watch<T>(conn: DuckDBConnection, running: Promise<T>, report?: (fraction: number) => void): Promise<T> {
  if (!report) return running;
  const timer = setInterval(() => {
    const { percentage } = conn.progress;
    if (percentage >= 0) report(percentage / 100);
  }, 200);
  try {
    return await running;
  } finally {
    clearInterval(timer);
  }
}

/**
 * Imports the NDJSON file at `path` with DuckDB reading it itself, twice: once for the fields, which are checked
 * and de-duplicated, once for the text of the events kept (store.ts). DuckDB's reader skips blank lines, so it
 * numbers records, not lines: a first pass over the bytes here counts them and makes sure record k is line k.
 * Returns undefined, having written nothing, when it is not (a blank line before an event) or the file name
 * would be read as a pattern; the caller then stages the file. Rejected lines are read again here, to report
 * their text and reason. `onProgress` gets the fraction done.
 */
export async function loadNdjsonFile(ws: Workspace, source: Source, path: string, onProgress?: (fraction: number) => void): Promise<Counts | undefined> {
  if (GLOB.test(path)) return undefined;
  const lines = await countNdjsonRecords(path);
  if (lines.blankBeforeRecord) return undefined;
  const conn = ws.connection;
  if (onProgress) await conn.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
  // Both passes read on one thread: positions come from a one-thread streaming window anyway, and with more
  // threads DuckDB 1.5's JSON reader keeps a BOM, losing the first line. The threads are given back for the
  // commit, whose compression uses them; a setting cannot change in a failed transaction, hence once more after.
  const threads = await setThreads(conn, 1);
  try {
    return await inTransaction(ws, source, async (counts, reject) => {
      const read = await watch(conn, readNdjsonFields(conn, path), onProgress && ((f) => onProgress(f / 2)));
      if (read !== lines.records) throw new NotNumberedAlike();
      const batch = await watch(conn, insertNdjsonKept(conn, path, source.sourceFile, source.tenant), onProgress && ((f) => onProgress(0.5 + f / 2)));
      await setThreads(conn, threads);
      counts.eventsRead = batch.read;
      addBatch(counts, batch);
      await readLines(path, batch.rejected, (line, raw, utf8) => reject(line, utf8 ? explainReject(raw) : NOT_UTF8, raw));
    });
  } catch (err) {
    if (err instanceof NotNumberedAlike) return undefined;
    throw err;
  } finally {
    await setThreads(conn, threads);
  }
}
