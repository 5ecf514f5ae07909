/**
 * The one way events enter a workspace: records are appended to the staging table with DuckDB's Appender, and
 * every BATCH records DuckDB checks the batch and moves its valid events into `events` in one statement
 * (store.ts). All of one source goes in one transaction, so a failed or interrupted source leaves the workspace
 * as it was before it. File imports, the live System Log copy and the simulator all feed it.
 */
import type { DuckDBAppender } from '@duckdb/node-api';
import { processStaged, recordImport, STAGING_TABLE } from './store.ts';
import { explainReject } from './validate.ts';
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

/** Runs `feed` with a stager for `source` inside one transaction and returns what happened to its records. */
export async function stageSource(ws: Workspace, source: Source, feed: (stager: Stager) => Promise<void>): Promise<Counts> {
  const counts: Counts = { eventsRead: 0, imported: 0, duplicates: 0, rejected: 0 };
  const reject = (line: number, reason: string, raw: string) => {
    counts.rejected++;
    source.onReject?.(line, reason, raw);
  };
  let appender: DuckDBAppender | undefined;
  let staged = 0;
  const flush = async () => {
    if (staged === 0) return;
    appender?.flushSync();
    const result = await processStaged(ws.connection, source.sourceFile, source.tenant);
    counts.imported += result.inserted;
    counts.duplicates += result.valid - result.inserted;
    for (const r of result.rejects) reject(r.line, explainReject(r.raw), r.raw);
    staged = 0;
  };

  await ws.connection.run('BEGIN TRANSACTION');
  try {
    const rows = await ws.connection.createAppender(STAGING_TABLE, 'main', 'temp');
    appender = rows;
    await feed({
      record(line, raw, tenant) {
        counts.eventsRead++;
        rows.appendBigInt(BigInt(line));
        rows.appendVarchar(raw);
        if (tenant == null) rows.appendNull();
        else rows.appendVarchar(tenant);
        rows.endRow();
        staged++;
      },
      reject(line, reason, raw) {
        counts.eventsRead++;
        reject(line, reason, raw);
      },
      async settle() {
        if (staged >= BATCH) await flush();
      },
    });
    await flush();
    rows.closeSync();
    appender = undefined;
    await recordImport(ws.connection, { sourceFile: source.sourceFile, format: source.format, tenant: source.tenant, ...counts });
    await ws.connection.run('COMMIT');
  } catch (err) {
    appender?.closeSync();
    await ws.connection.run('ROLLBACK').catch(() => {});
    throw err;
  }
  return counts;
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
