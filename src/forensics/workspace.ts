/**
 * Investigation workspaces (docs/forensics.md, docs/adr/0006): one DuckDB file per investigation under
 * `{BULWARK_DATA_DIR}/workspaces/`, holding imported Okta System Log events apart from the live, hash-chained
 * System Log in PostgreSQL. A file is easy to hand over, archive or delete whole.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createSchema, SCHEMA_VERSION, STORAGE_VERSION } from './store.ts';
import { createTenantDirectory } from './tenant-directory.ts';

/** A safe slug: it becomes a file name, so no dots, slashes or upper case that differ only by file system. */
const NAME = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const SUFFIX = '.duckdb';

export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

export function checkWorkspaceName(name: string): string {
  if (!NAME.test(name)) throw new WorkspaceError(`workspace name must be 1-64 lower-case letters, digits and hyphens, not starting or ending with a hyphen, got "${name}"`);
  return name;
}

export const workspacesDir = (dataDir: string): string => join(dataDir, 'workspaces');
export const workspacePath = (dataDir: string, name: string): string => join(workspacesDir(dataDir), `${checkWorkspaceName(name)}${SUFFIX}`);

export type Workspace = { name: string; path: string; instance: DuckDBInstance; connection: DuckDBConnection; close(): void };

export type OpenOptions = {
  /** DuckDB worker threads; the default is DuckDB's own (one per core). */
  threads?: number;
  /**
   * For questions only: any number of processes may read a file at once (several responders on one case),
   * where a writer holds it alone. The file must exist; one of an older schema is upgraded by a write-open first.
   */
  readOnly?: boolean;
};

/** Opens a workspace, creating its file and schema on first use (the file is private: it holds personal data). */
export async function openWorkspace(dataDir: string, name: string, opts: OpenOptions = {}): Promise<Workspace> {
  const path = workspacePath(dataDir, name);
  if (opts.readOnly) {
    if (!existsSync(path)) throw new WorkspaceError(`no workspace named "${name}" (see \`bulwark workspaces list\`)`);
    const ws = await open(name, path, opts);
    if (await isCurrent(ws.connection)) return ws;
    ws.close();
    (await open(name, path, { ...opts, readOnly: false })).close();
    return open(name, path, opts);
  }
  mkdirSync(workspacesDir(dataDir), { recursive: true, mode: 0o700 });
  return open(name, path, opts);
}

/** Whether a file opened read-only has this Bulwark's schema (a newer one is refused by the write-open after). */
async function isCurrent(conn: DuckDBConnection): Promise<boolean> {
  const meta = await conn.runAndReadAll(`SELECT value FROM workspace_meta WHERE key = 'schema_version'`).catch(() => undefined);
  const tenants = await conn.runAndReadAll(`SELECT 1 FROM information_schema.tables WHERE table_name = 'tenants'`);
  return Number(meta?.getRows()[0]?.[0]) === SCHEMA_VERSION && tenants.getRows().length > 0;
}

/**
 * A workspace that lives in memory for one investigation and is gone when closed: the live System Log's events
 * of a window are copied into one (live-source.ts) so the same questions answer over them.
 */
export function openMemoryWorkspace(name: string, opts: OpenOptions = {}): Promise<Workspace> {
  return open(name, ':memory:', opts);
}

async function open(name: string, path: string, opts: OpenOptions): Promise<Workspace> {
  const instance = await DuckDBInstance.create(path, {
    storage_compatibility_version: STORAGE_VERSION,
    ...(opts.threads === undefined ? {} : { threads: String(opts.threads) }),
    ...(opts.readOnly ? { access_mode: 'READ_ONLY' } : {}),
  });
  const connection = await instance.connect();
  try {
    if (!opts.readOnly) {
      await createSchema(connection);
      await createTenantDirectory(connection);
    }
  } catch (err) {
    connection.closeSync();
    instance.closeSync();
    throw err;
  }
  return {
    name, path, instance, connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

export type WorkspaceInfo = { name: string; path: string; bytes: number; modified: Date };

export function listWorkspaces(dataDir: string): WorkspaceInfo[] {
  const dir = workspacesDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX) && NAME.test(f.slice(0, -SUFFIX.length)))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      const st = statSync(path);
      return { name: f.slice(0, -SUFFIX.length), path, bytes: st.size, modified: st.mtime };
    });
}

/** Removes the workspace file and DuckDB's write-ahead log beside it. */
export function deleteWorkspace(dataDir: string, name: string): void {
  const path = workspacePath(dataDir, name);
  if (!existsSync(path)) throw new WorkspaceError(`no workspace named "${name}" (see \`bulwark workspaces list\`)`);
  rmSync(path);
  rmSync(`${path}.wal`, { force: true });
}
