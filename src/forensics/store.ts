/**
 * A workspace's SQL (DuckDB). `events` holds one row per distinct Okta `uuid`, the columns investigations
 * filter and group by pulled out of the event, and the event itself as read. `targets` is a LIST of STRUCT, not
 * JSON text, because blast-radius questions ("users targeted", "actions by type") unnest it on every query.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** Bump with a migration step in `createSchema` when the tables change; a newer file is refused. */
export const SCHEMA_VERSION = 1;

export const STAGING_TABLE = 'staging_events';

const DDL = `
CREATE TABLE IF NOT EXISTS workspace_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  uuid UUID PRIMARY KEY,
  published TIMESTAMP NOT NULL,
  event_type VARCHAR NOT NULL,
  severity VARCHAR,
  display_message VARCHAR,
  outcome_result VARCHAR,
  outcome_reason VARCHAR,
  actor_id VARCHAR,
  actor_type VARCHAR,
  actor_alternate_id VARCHAR,
  actor_display_name VARCHAR,
  client_ip VARCHAR,
  as_number BIGINT,
  as_org VARCHAR,
  country VARCHAR,
  user_agent VARCHAR,
  external_session_id VARCHAR,
  root_session_id VARCHAR,
  transaction_id VARCHAR,
  tenant VARCHAR,
  targets STRUCT(id VARCHAR, type VARCHAR, "alternateId" VARCHAR, "displayName" VARCHAR)[],
  event JSON NOT NULL,
  source_file VARCHAR NOT NULL,
  source_line BIGINT NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS import_ids;
CREATE TABLE IF NOT EXISTS imports (
  id BIGINT PRIMARY KEY DEFAULT nextval('import_ids'),
  source_file VARCHAR NOT NULL,
  format VARCHAR NOT NULL,
  tenant VARCHAR,
  finished_at TIMESTAMP NOT NULL,
  events_read BIGINT NOT NULL,
  imported BIGINT NOT NULL,
  duplicates BIGINT NOT NULL,
  rejected BIGINT NOT NULL
);
`;

export async function createSchema(conn: DuckDBConnection): Promise<void> {
  await conn.run(DDL);
  const found = (await conn.runAndReadAll(`SELECT value FROM workspace_meta WHERE key = 'schema_version'`)).getRows()[0]?.[0];
  if (found === undefined) {
    await conn.run(`INSERT INTO workspace_meta VALUES ('schema_version', $v)`, { v: String(SCHEMA_VERSION) });
  } else if (Number(found) > SCHEMA_VERSION) {
    throw new Error(`workspace schema version ${String(found)} is newer than this Bulwark (${SCHEMA_VERSION}); upgrade Bulwark`);
  }
  // A temporary table: staged rows never outlive the connection, even when an import is interrupted.
  await conn.run(`CREATE TEMP TABLE IF NOT EXISTS ${STAGING_TABLE} (source_line BIGINT, event VARCHAR, tenant VARCHAR)`);
}

/**
 * The fields pulled out of each event, parsed once per row by DuckDB's JSON reader (C++, far faster than
 * JSON.parse in the importing process). The four fields that decide validity are read as JSON text, so that a
 * number where a string belongs is seen as such; the rest as VARCHAR, so an odd type in one export is kept as
 * text rather than failing the row.
 */
const EVENT_SHAPE = JSON.stringify({
  uuid: 'JSON', published: 'JSON', eventType: 'JSON', actor: 'JSON',
  severity: 'VARCHAR', displayMessage: 'VARCHAR',
  outcome: { result: 'VARCHAR', reason: 'VARCHAR' },
  client: { ipAddress: 'VARCHAR', userAgent: { rawUserAgent: 'VARCHAR' }, geographicalContext: { country: 'VARCHAR' } },
  securityContext: { asNumber: 'VARCHAR', asOrg: 'VARCHAR' },
  authenticationContext: { externalSessionId: 'VARCHAR', rootSessionId: 'VARCHAR' },
  transaction: { id: 'VARCHAR' },
  target: [{ id: 'VARCHAR', type: 'VARCHAR', alternateId: 'VARCHAR', displayName: 'VARCHAR' }],
});

/** The same rules as validate.ts, on the JSON text of each field; validate.ts then words the reason for a reject. */
const QUOTED_UUID = '"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"';
const QUOTED_TIME = '"\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:?\\d{2})?"';

export type StagedResult = { valid: number; inserted: number; rejects: { line: number; raw: string }[] };

/**
 * Checks the staged batch and moves its valid events into `events`, each with the tenant staged beside it or,
 * when none was, `tenant`. Rows whose uuid is already there, or
 * earlier in the batch, are ignored (the first read wins): valid minus inserted is the duplicates. Invalid rows
 * come back with their line for the caller to explain.
 */
export async function processStaged(conn: DuckDBConnection, sourceFile: string, tenant: string | null): Promise<StagedResult> {
  await conn.run(`
    CREATE OR REPLACE TEMP TABLE checked_events AS
    SELECT source_line, event, tenant, j,
      CASE WHEN regexp_full_match(j.uuid, '${QUOTED_UUID}') THEN substr(j.uuid, 2, 36)::UUID END AS uuid,
      CASE WHEN regexp_full_match(j.published, '${QUOTED_TIME}') THEN TRY_CAST(substr(j.published, 2, length(j.published) - 2) AS TIMESTAMPTZ)::TIMESTAMP END AS published,
      CASE WHEN j.eventType LIKE '"_%' THEN j.eventType->>'$' END AS event_type,
      (j.actor IS NULL OR j.actor = 'null' OR j.actor LIKE '{%') AS actor_ok
    FROM (SELECT source_line, event, tenant, CASE WHEN json_valid(event) THEN json_transform(event, '${EVENT_SHAPE}') END AS j FROM ${STAGING_TABLE})`);
  const valid = 'uuid IS NOT NULL AND published IS NOT NULL AND event_type IS NOT NULL AND actor_ok';
  const result = await conn.run(`
    INSERT OR IGNORE INTO events
    SELECT uuid, published, event_type, j.severity, j.displayMessage, j.outcome.result, j.outcome.reason,
      a[1], a[2], a[3], a[4],
      j.client.ipAddress, TRY_CAST(j.securityContext.asNumber AS BIGINT), j.securityContext.asOrg, j.client.geographicalContext.country,
      j.client.userAgent.rawUserAgent, j.authenticationContext.externalSessionId, j.authenticationContext.rootSessionId,
      j.transaction.id, coalesce(tenant, $tenant), j.target, event, $file, source_line
    FROM (SELECT *, json_extract_string(j.actor, ['$.id', '$.type', '$.alternateId', '$.displayName']) AS a FROM checked_events WHERE ${valid})
    ORDER BY source_line`, { tenant, file: sourceFile });
  const counts = (await conn.runAndReadAll(`SELECT count(*) FILTER (WHERE ${valid}) FROM checked_events`)).getRows()[0]?.[0];
  const bad = (await conn.runAndReadAll(`SELECT source_line, event FROM checked_events WHERE NOT coalesce(${valid}, false) ORDER BY source_line`)).getRows();
  await conn.run(`DELETE FROM ${STAGING_TABLE}`);
  return { valid: Number(counts ?? 0), inserted: result.rowsChanged, rejects: bad.map(([line, raw]) => ({ line: Number(line), raw: String(raw) })) };
}

export type ImportRecord = { sourceFile: string; format: string; tenant: string | null; eventsRead: number; imported: number; duplicates: number; rejected: number };

export async function recordImport(conn: DuckDBConnection, r: ImportRecord): Promise<void> {
  await conn.run(
    `INSERT INTO imports (source_file, format, tenant, finished_at, events_read, imported, duplicates, rejected) VALUES ($file, $format, $tenant, now()::TIMESTAMP, $read, $imported, $dups, $rejected)`,
    { file: r.sourceFile, format: r.format, tenant: r.tenant, read: r.eventsRead, imported: r.imported, dups: r.duplicates, rejected: r.rejected },
  );
}
