/**
 * Reading a workspace file the way any DuckDB client would, read-only and apart from the code under test: what
 * the CLI really wrote, not what Bulwark's own queries make of it.
 */
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

export type WorkspaceRow = Record<string, unknown>;

export async function queryWorkspace(dataDir: string, workspace: string, sql: string, params: Record<string, DuckDBValue> = {}): Promise<WorkspaceRow[]> {
  const instance = await DuckDBInstance.create(join(dataDir, 'workspaces', `${workspace}.duckdb`), { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(sql, params)).getRowObjectsJson() as WorkspaceRow[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
