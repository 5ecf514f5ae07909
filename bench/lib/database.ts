import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest, openDatabase, type Db } from '../../src/db/database.ts';
import { acquireEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { log, onCleanup } from './bench.ts';

export type BenchDatabase = {
  db: Db;
  /** Connection string of this benchmark's own database, for server child processes. */
  url: string;
  /** Where it runs, for the report. */
  server: string;
  /** The embedded cluster's data directory; undefined on DATABASE_URL. */
  pgData: string | undefined;
};

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated database of the benchmark's own: on the server DATABASE_URL names, or on an embedded
 * PostgreSQL started in a temporary directory exactly as test/run-tests.ts does. The database, the embedded
 * cluster and its directory are removed again when the benchmark ends.
 */
export async function startBenchDatabase(poolSize: number): Promise<BenchDatabase> {
  let adminUrl = process.env['DATABASE_URL'];
  let server = 'DATABASE_URL';
  let pgData: string | undefined;
  if (!adminUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-'));
    chmodSync(dir, 0o711);
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const embedded = await acquireEmbeddedPostgres(dir, 'cli');
    onCleanup(() => embedded.release());
    adminUrl = embedded.url;
    server = 'embedded PostgreSQL';
    pgData = join(dir, 'pg');
  }
  const name = `bulwark_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const version = await admin(adminUrl, async (c) => {
    await c.query(`create database ${name}`);
    return (await c.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?';
  });
  const serverUrl = adminUrl;
  onCleanup(() => admin(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined));
  const url = withDatabase(adminUrl, name);
  const db = openDatabase(url, poolSize);
  onCleanup(() => db.destroy());
  const migrated = await migrateToLatest(db);
  if (!migrated.ok) throw new Error(`migrations failed: ${migrated.message}`);
  log(`database: ${server}, PostgreSQL ${version}, database ${name}`);
  return { db, url, server: `${server} ${version}`, pgData };
}
