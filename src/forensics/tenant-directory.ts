/**
 * Who the tenants of a workspace are: a name to show in place of an id, and the admins to notify. The live
 * System Log copy fills it from Bulwark's own tenants, the simulator from its generated ones; an Okta import
 * knows only the `--tenant` it was given, which stays the name.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * `supportPlane`: the provider's own support-plane tenant of a cell, where its staff sign in. Its log holds the
 * staff side of support activity; it is not a customer to notify, so blast radius lists it apart.
 */
export type TenantEntry = { tenant: string; name: string | null; contacts: { name: string | null; email: string }[]; supportPlane: boolean };

export async function createTenantDirectory(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS tenants (tenant VARCHAR PRIMARY KEY, name VARCHAR, contacts JSON NOT NULL DEFAULT '[]', support_plane BOOLEAN NOT NULL DEFAULT false)`);
}

/** Adds or replaces the entries (a newer copy of the live log knows newer names and admins). */
export async function saveTenants(conn: DuckDBConnection, entries: readonly TenantEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await conn.run(`CREATE TEMP TABLE IF NOT EXISTS tenants_incoming (tenant VARCHAR, name VARCHAR, contacts VARCHAR, support_plane BOOLEAN)`);
  const appender = await conn.createAppender('tenants_incoming', 'main', 'temp');
  for (const e of entries) {
    appender.appendVarchar(e.tenant);
    if (e.name === null) appender.appendNull();
    else appender.appendVarchar(e.name);
    appender.appendVarchar(JSON.stringify(e.contacts));
    appender.appendBoolean(e.supportPlane);
    appender.endRow();
  }
  appender.closeSync();
  await conn.run(`INSERT OR REPLACE INTO tenants SELECT tenant, name, contacts::JSON, support_plane FROM tenants_incoming`);
  await conn.run(`DELETE FROM tenants_incoming`);
}
