import type { Config } from '#src/config.ts';
import { migrateToLatest, openDatabase, type Db } from './database.ts';
import { acquireEmbeddedPostgres, type EmbeddedRole } from './embedded-postgres.ts';

export type DatabaseRuntime = { db: Db; embedded: boolean; close(): Promise<void> };

/**
 * Opens the database the configuration names (DATABASE_URL, or the embedded cluster in the data dir) and
 * brings its schema to the latest migration. `close` ends the pool and, when this process owns the embedded
 * cluster, stops it.
 */
export async function openDatabaseRuntime(config: Config, role: EmbeddedRole, log: (line: string) => void = () => {}): Promise<DatabaseRuntime> {
  const embedded = config.databaseUrl === undefined ? await acquireEmbeddedPostgres(config.dataDir, role, log) : undefined;
  const db = openDatabase(config.databaseUrl ?? (embedded as { url: string }).url, config.dbPoolSize);
  const close = async () => {
    await db.destroy();
    await embedded?.release();
  };
  const migrated = await migrateToLatest(db);
  if (!migrated.ok) {
    await close();
    throw new Error(`database migration failed: ${migrated.message}`);
  }
  if (migrated.applied.length > 0) log(`applied migrations: ${migrated.applied.join(', ')}`);
  return { db, embedded: embedded !== undefined, close };
}
