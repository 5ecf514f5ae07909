import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import { Migrator, type MigrationResult } from 'kysely/migration';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the pool or an open transaction: stores accept both so services decide the transaction. */
export type Executor = Db | Tx;

export function openDatabase(url: string, poolSize: number): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'bulwark' });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export type MigrationOutcome = { ok: true; applied: string[] } | { ok: false; message: string };

export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r: MigrationResult) => r.status === 'Success').map((r: MigrationResult) => r.migrationName);
  if (error) return { ok: false, message: error instanceof Error ? error.message : String(error) };
  return { ok: true, applied };
}
