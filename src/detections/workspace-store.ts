/**
 * The workspace side of the detections (docs/forensics.md): the events read in published order, and the table
 * `alerts` the findings are kept in, beside the events they link to. The table is this module's, created on
 * first use; an alert's id is derived from its rule, its events and its time, so running the detections again
 * over the same events adds nothing twice.
 */
import { createHash } from 'node:crypto';
import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Alert } from './alert.ts';

const ALERTS_DDL = `
CREATE TABLE IF NOT EXISTS alerts (
  id VARCHAR PRIMARY KEY,
  rule VARCHAR NOT NULL,
  title VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,
  tenant VARCHAR,
  user_id VARCHAR,
  event_time TIMESTAMP NOT NULL,
  events VARCHAR[] NOT NULL,
  summary VARCHAR NOT NULL,
  details JSON NOT NULL,
  detected_at TIMESTAMP NOT NULL
)`;

const COLUMNS = 11;
/** Rows per INSERT: one statement per batch instead of one per alert. */
const INSERT_BATCH = 200;

export async function createAlertsTable(conn: DuckDBConnection): Promise<void> {
  await conn.run(ALERTS_DDL);
}

export const alertId = (alert: Alert): string => createHash('sha256').update(`${alert.rule}\n${alert.time}\n${alert.events.join(',')}`).digest('hex').slice(0, 32);

/** A UTC instant as DuckDB reads a TIMESTAMP literal. */
export const duckTimestamp = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');

function row(alert: Alert, detectedAt: string): DuckDBValue[] {
  return [
    alertId(alert), alert.rule, alert.title, alert.severity, alert.tenant, alert.user, duckTimestamp(new Date(alert.time)),
    listValue(alert.events), alert.summary, JSON.stringify(alert.details), detectedAt,
  ];
}

/** Stores `alerts`; those already stored (the same rule, events and time) are left as they are. Returns how many were new. */
export async function insertAlerts(conn: DuckDBConnection, alerts: readonly Alert[], detectedAt: Date): Promise<number> {
  let added = 0;
  const at = duckTimestamp(detectedAt);
  for (let i = 0; i < alerts.length; i += INSERT_BATCH) {
    const chunk = alerts.slice(i, i + INSERT_BATCH);
    const rows = chunk.map((_, r) => `(${Array.from({ length: COLUMNS }, (_c, c) => {
      const p = `$${r * COLUMNS + c + 1}`;
      return c === 6 || c === 10 ? `CAST(${p} AS TIMESTAMP)` : c === 9 ? `CAST(${p} AS JSON)` : p;
    }).join(', ')})`);
    const result = await conn.run(`INSERT OR IGNORE INTO alerts VALUES ${rows.join(', ')}`, chunk.flatMap((a) => row(a, at)));
    added += result.rowsChanged;
  }
  return added;
}

export type WindowFilter = { since?: Date; until?: Date };

/**
 * The workspace's events in the window, oldest first (events of the same instant in the order they were read
 * from their files), as `[tenant, epoch ms, event JSON text]` rows in DuckDB's chunks: streamed, never held
 * whole, however large the workspace.
 */
export async function* eventsInOrder(conn: DuckDBConnection, window: WindowFilter): AsyncGenerator<[string | null, number, string][]> {
  const where: string[] = [];
  const values: string[] = [];
  if (window.since) where.push(`published >= CAST($${values.push(duckTimestamp(window.since))} AS TIMESTAMP)`);
  if (window.until) where.push(`published < CAST($${values.push(duckTimestamp(window.until))} AS TIMESTAMP)`);
  const result = await conn.stream(
    `SELECT tenant, CAST(epoch_ms(published) AS DOUBLE) AS t, CAST(event AS VARCHAR) AS event FROM events
     ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY published, source_file, source_line`,
    values,
  );
  for await (const rows of result.yieldRows()) yield rows as [string | null, number, string][];
}
