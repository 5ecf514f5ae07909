/**
 * A workspace's SQL (DuckDB). `events` holds one row per distinct Okta `uuid`, the columns investigations
 * filter and group by pulled out of the event, and the event itself as read. `targets` is a LIST of STRUCT, not
 * JSON text, because blast-radius questions ("users targeted", "actions by type") unnest it on every query.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** Bump with a migration step in `createSchema` when the tables change; a newer file is refused. */
export const SCHEMA_VERSION = 2;

/**
 * The storage format new workspace files are written in. DuckDB writes files readable by DuckDB 1.0 unless told
 * otherwise, and that format has no ZSTD for strings: the event text, nine tenths of a workspace, then costs
 * twice the time to store (dictionary and FSST analysis) or ten times the space (uncompressed). 1.2's format has
 * it; any DuckDB from 1.2 on reads the file.
 */
export const STORAGE_VERSION = 'v1.2.0';

export const STAGING_TABLE = 'staging_events';

/**
 * No key on `uuid`: the import itself keeps it unique (each batch keeps only the first row of a uuid and none
 * already in the table), since a PRIMARY KEY index cost more on every insert than the rest of the import. A
 * workspace file is written by one process at a time (DuckDB locks it), so nothing else inserts meanwhile.
 */
const eventsDdl = (table: string, zstd: boolean) => `
CREATE TABLE ${table} (
  uuid UUID NOT NULL,
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
  event JSON NOT NULL${zstd ? ' USING COMPRESSION zstd' : ''},
  source_file VARCHAR NOT NULL,
  source_line BIGINT NOT NULL
)`;

const IMPORTS_DDL = `
CREATE SEQUENCE import_ids;
CREATE TABLE imports (
  id BIGINT PRIMARY KEY DEFAULT nextval('import_ids'),
  source_file VARCHAR NOT NULL,
  format VARCHAR NOT NULL,
  tenant VARCHAR,
  finished_at TIMESTAMP NOT NULL,
  events_read BIGINT NOT NULL,
  imported BIGINT NOT NULL,
  duplicates BIGINT NOT NULL,
  rejected BIGINT NOT NULL
)`;

/**
 * Whether the file's storage format has ZSTD for strings. Files created before STORAGE_VERSION was set keep the
 * 1.0 format, where DuckDB would silently store a ZSTD column uncompressed; they get its automatic choice instead.
 */
async function supportsZstd(conn: DuckDBConnection): Promise<boolean> {
  const tag = (await conn.runAndReadAll(`SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = current_database()`)).getRows()[0]?.[0];
  if (tag === null || tag === undefined) return true;
  const [major = 0, minor = 0] = String(tag).replace(/^v/, '').split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 2);
}

export async function createSchema(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS workspace_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`);
  const found = (await conn.runAndReadAll(`SELECT value FROM workspace_meta WHERE key = 'schema_version'`)).getRows()[0]?.[0];
  if (found !== undefined && Number(found) > SCHEMA_VERSION) {
    throw new Error(`workspace schema version ${String(found)} is newer than this Bulwark (${SCHEMA_VERSION}); upgrade Bulwark`);
  }
  const zstd = await supportsZstd(conn);
  if (found === undefined) {
    await conn.run(`BEGIN TRANSACTION; ${eventsDdl('events', zstd)}; ${IMPORTS_DDL};
      INSERT INTO workspace_meta VALUES ('schema_version', '${SCHEMA_VERSION}'); COMMIT`);
  } else if (Number(found) === 1) {
    // Version 1 had a PRIMARY KEY on uuid, which DuckDB cannot drop: the table is copied into one without it.
    await conn.run(`BEGIN TRANSACTION; ${eventsDdl('events_v2', zstd)}; INSERT INTO events_v2 SELECT * FROM events;
      DROP TABLE events; ALTER TABLE events_v2 RENAME TO events;
      UPDATE workspace_meta SET value = '2' WHERE key = 'schema_version'; COMMIT`);
  }
  // A temporary table: staged rows never outlive the connection, even when an import is interrupted.
  await conn.run(`CREATE TEMP TABLE IF NOT EXISTS ${STAGING_TABLE} (source_line BIGINT, event VARCHAR, tenant VARCHAR)`);
}

type Shape = string | Shape[] | { [field: string]: Shape };

/**
 * The fields pulled out of each event. The JSON readers parse each event once in C++, far faster than JSON.parse
 * in the importing process. `eventType` and `actor` are read as JSON text, so that a number where a string
 * belongs, or a string where an object belongs, is seen as such; the rest as VARCHAR, so an odd type in one
 * export is kept as text (a uuid or time that is not a string can never match the patterns below) rather than
 * failing the row.
 */
const FIELDS = {
  uuid: 'VARCHAR', published: 'VARCHAR', eventType: 'JSON', actor: 'JSON',
  severity: 'VARCHAR', displayMessage: 'VARCHAR',
  outcome: { result: 'VARCHAR', reason: 'VARCHAR' },
  client: { ipAddress: 'VARCHAR', userAgent: { rawUserAgent: 'VARCHAR' }, geographicalContext: { country: 'VARCHAR' } },
  securityContext: { asNumber: 'VARCHAR', asOrg: 'VARCHAR' },
  authenticationContext: { externalSessionId: 'VARCHAR', rootSessionId: 'VARCHAR' },
  transaction: { id: 'VARCHAR' },
  target: [{ id: 'VARCHAR', type: 'VARCHAR', alternateId: 'VARCHAR', displayName: 'VARCHAR' }],
} satisfies Record<string, Shape>;

const sqlType = (shape: Shape): string => {
  if (typeof shape === 'string') return shape;
  if (Array.isArray(shape)) return `${sqlType(shape[0] as Shape)}[]`;
  return `STRUCT(${Object.entries(shape).map(([k, v]) => `"${k}" ${sqlType(v)}`).join(', ')})`;
};
/** `read_json`'s `columns` and `json_transform`'s structure: the same fields, two spellings. */
export const READ_JSON_COLUMNS = `{${Object.entries(FIELDS).map(([k, v]) => `'${k}': '${sqlType(v)}'`).join(', ')}}`;
const TRANSFORM_SHAPE = JSON.stringify(FIELDS);
export const FIELD_LIST = Object.keys(FIELDS).map((k) => `"${k}"`).join(', ');

/** The same rules as validate.ts; validate.ts then words the reason for a reject. */
const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const TIME_PATTERN = '\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:?\\d{2})?';
/**
 * A time with an offset goes through TIMESTAMPTZ and is turned to UTC explicitly: a plain TIMESTAMP cast drops
 * the offset, and TIMESTAMPTZ → TIMESTAMP would give the wall time of the machine's zone. Without an offset
 * (or with Z) the time is UTC already, and the plain cast is the fast one. DuckDB wants the T and Z upper case.
 */
const PUBLISHED = `CASE WHEN regexp_full_match(s.published, '${TIME_PATTERN}') THEN
    CASE WHEN regexp_matches(s.published, '[+-]\\d{2}:?\\d{2}$') THEN timezone('UTC', TRY_CAST(upper(s.published) AS TIMESTAMPTZ))
    ELSE TRY_CAST(upper(s.published) AS TIMESTAMP) END END`;

/**
 * Every record of the source with its position `k`, its checked key fields, `valid`, and the columns `events`
 * takes from it. The temp table holds no event text for files (that is joined in from the file when inserting),
 * so even a large file's rows stay small.
 */
const checkedRows = (source: string, text: string) => `
CREATE OR REPLACE TEMP TABLE import_rows AS
SELECT *, uuid IS NOT NULL AND published IS NOT NULL AND event_type IS NOT NULL AND actor_ok AS valid FROM (
  SELECT s.k, s.tenant, s.uuid AS uuid_text,
    CASE WHEN regexp_full_match(s.uuid, '${UUID_PATTERN}') THEN s.uuid::UUID END AS uuid,
    ${PUBLISHED} AS published,
    CASE WHEN s."eventType" LIKE '"__%' THEN (s."eventType"->>'$') END AS event_type,
    (s.actor IS NULL OR s.actor = 'null' OR s.actor LIKE '{%') AS actor_ok,
    json_extract_string(s.actor, ['$.id', '$.type', '$.alternateId', '$.displayName']) AS actor,
    s.severity, s."displayMessage" AS display_message, s.outcome.result AS outcome_result, s.outcome.reason AS outcome_reason,
    s.client."ipAddress" AS client_ip, TRY_CAST(s."securityContext"."asNumber" AS BIGINT) AS as_number, s."securityContext"."asOrg" AS as_org,
    s.client."geographicalContext".country AS country, s.client."userAgent"."rawUserAgent" AS user_agent,
    s."authenticationContext"."externalSessionId" AS external_session_id, s."authenticationContext"."rootSessionId" AS root_session_id,
    s."transaction".id AS transaction_id, s.target AS targets${text}
  FROM (${source}) s)`;

/**
 * Of the valid rows, the first of each uuid, unless the workspace has that uuid already: the first read wins,
 * and the rest are duplicates. The anti join builds on the batch's uuids, not the workspace's.
 */
const KEEP = `
CREATE OR REPLACE TEMP TABLE import_keep AS
SELECT f.k FROM (SELECT uuid, min(k) AS k FROM import_rows WHERE valid GROUP BY uuid) f ANTI JOIN events e ON e.uuid = f.uuid`;

const insertKept = (text: string, from: string) => `
INSERT INTO events
SELECT r.uuid, r.published, r.event_type, r.severity, r.display_message, r.outcome_result, r.outcome_reason,
  r.actor[1], r.actor[2], r.actor[3], r.actor[4], r.client_ip, r.as_number, r.as_org, r.country, r.user_agent,
  r.external_session_id, r.root_session_id, r.transaction_id, coalesce(r.tenant, $tenant), r.targets, ${text}, $file, r.k
FROM ${from} WHERE r.k IN (SELECT k FROM import_keep)`;

export type CheckedBatch = {
  /** Records read, blank lines aside. */
  read: number;
  valid: number;
  inserted: number;
  /** Positions of the invalid records, in order. */
  rejected: number[];
};

async function checkAndInsert(conn: DuckDBConnection, insert: string, params: Record<string, string | null>): Promise<CheckedBatch> {
  await conn.run(KEEP);
  const inserted = (await conn.run(insert, params)).rowsChanged;
  const kept = Number((await conn.runAndReadAll(`SELECT count(*) FROM import_keep`)).getRows()[0]?.[0] ?? 0);
  if (inserted !== kept) throw new Error(`${kept} events were to be imported but ${inserted} were; nothing of this source was imported`);
  const [read, valid] = (await conn.runAndReadAll(`SELECT count(*), count(*) FILTER (WHERE valid) FROM import_rows`)).getRows()[0] ?? [];
  const rejected = (await conn.runAndReadAll(`SELECT k FROM import_rows WHERE NOT valid ORDER BY k`)).getRows().map(([k]) => Number(k));
  return { read: Number(read ?? 0), valid: Number(valid ?? 0), inserted, rejected };
}

/**
 * Checks the staged batch and moves its valid events into `events`, each with the tenant staged beside it or,
 * when none was, `tenant`; then empties the staging table.
 */
export async function processStaged(conn: DuckDBConnection, sourceFile: string, tenant: string | null): Promise<CheckedBatch> {
  // One parse checks the JSON and gives the value stored; a second pulls the fields out of it.
  await conn.run(checkedRows(
    `SELECT k, tenant, text, j.* FROM (SELECT k, tenant, text, json_transform(text, '${TRANSFORM_SHAPE}') AS j
       FROM (SELECT source_line AS k, tenant, TRY_CAST(event AS JSON) AS text FROM ${STAGING_TABLE}))`,
    ', s.text',
  ));
  const batch = await checkAndInsert(conn, insertKept('r.text', 'import_rows r'), { tenant, file: sourceFile });
  await conn.run(`DELETE FROM ${STAGING_TABLE}`);
  return batch;
}

/** What both of DuckDB's readers are given: a bad line becomes a NULL row, and a path is only a path. */
const readerArgs = `$path, format = 'newline_delimited', ignore_errors = true, hive_partitioning = false`;

/**
 * The first pass over an NDJSON file: DuckDB's JSON reader parses every non-blank line (one it cannot parse
 * becomes a row of NULLs, so positions stay aligned) and the checked rows land in `import_rows`, in file order:
 * `row_number() OVER ()` is a streaming window, which DuckDB runs on one thread in the order the reader produces
 * (physical_streaming_window.hpp: FIXED_ORDER, not a parallel operator). Returns the number of records it saw,
 * for the caller to compare with its own count of non-blank lines before going on.
 */
export async function readNdjsonFields(conn: DuckDBConnection, path: string): Promise<number> {
  await conn.run(checkedRows(
    `SELECT row_number() OVER () AS k, NULL::VARCHAR AS tenant, ${FIELD_LIST} FROM read_json(${readerArgs}, columns = ${READ_JSON_COLUMNS})`,
    '',
  ), { path });
  return Number((await conn.runAndReadAll(`SELECT count(*) FROM import_rows`)).getRows()[0]?.[0] ?? 0);
}

/**
 * The second pass: the kept rows go into `events` with their text exactly as it stands in the file, read by
 * `read_json_objects` (the same reader, so the same records in the same order) and put beside the checked rows
 * by position (`import_rows` was written in that order on one thread, and is scanned so), which saves the hash
 * table a join on `k` would build. That the two agree is checked on every row
 * rather than trusted (the uuid must be in the text, and a record missing on either side leaves a NULL): a
 * disagreement fails the import instead of storing an event under another's text.
 */
export function insertNdjsonKept(conn: DuckDBConnection, path: string, sourceFile: string, tenant: string | null): Promise<CheckedBatch> {
  const text = `CASE WHEN contains(t.json, r.uuid_text) OR (t.json->>'$.uuid') = r.uuid_text THEN t.json
    ELSE error('line ' || r.k || ': the two passes over the file disagree; nothing of this file was imported') END`;
  const from = `(SELECT json FROM read_json_objects(${readerArgs})) t POSITIONAL JOIN import_rows r`;
  return checkAndInsert(conn, insertKept(text, from), { path, tenant, file: sourceFile });
}

/** Sets DuckDB's worker threads for the whole workspace and returns how many it had. */
export async function setThreads(conn: DuckDBConnection, threads: number): Promise<number> {
  const before = Number((await conn.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0]?.[0]);
  await conn.run(`SET threads = ${Math.max(1, Math.floor(threads))}`);
  return before;
}

export type ImportRecord = { sourceFile: string; format: string; tenant: string | null; eventsRead: number; imported: number; duplicates: number; rejected: number };

export async function recordImport(conn: DuckDBConnection, r: ImportRecord): Promise<void> {
  await conn.run(
    `INSERT INTO imports (source_file, format, tenant, finished_at, events_read, imported, duplicates, rejected) VALUES ($file, $format, $tenant, now()::TIMESTAMP, $read, $imported, $dups, $rejected)`,
    { file: r.sourceFile, format: r.format, tenant: r.tenant, read: r.eventsRead, imported: r.imported, dups: r.duplicates, rejected: r.rejected },
  );
}
