import {
  CompiledQuery, DummyDriver, Kysely, PostgresAdapter, PostgresDialect, PostgresIntrospector, PostgresQueryCompiler, type Compilable, type KyselyConfig, type Transaction,
} from 'kysely';
import { Migrator, type MigrationResult } from 'kysely/migration';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import { createReadPipeline, type ReadPipeline } from './pipeline.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the pool or an open transaction: stores accept both so services decide the transaction. */
export type Executor = Db | Tx;

/** The read pipeline of each database openDatabase made, for prepared statements. */
const pipelines = new WeakMap<Db, ReadPipeline>();
/** The pool under each database openDatabase made, for what Kysely cannot say (COPY). */
const pools = new WeakMap<Db, pg.Pool>();

/** Kysely whose destroy() also closes the read pipeline, which Kysely's own driver knows nothing of. */
class PipelinedKysely extends Kysely<Database> {
  readonly #pipeline: ReadPipeline;
  constructor(config: KyselyConfig, pipeline: ReadPipeline) {
    super(config);
    this.#pipeline = pipeline;
  }

  override async destroy(): Promise<void> {
    await this.#pipeline.close();
    await super.destroy();
  }
}

export function openDatabase(url: string, poolSize: number): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'bulwark' });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const pipeline = createReadPipeline(url);
  const db = new PipelinedKysely({ dialect: new PostgresDialect({ pool }) }, pipeline);
  pipelines.set(db, pipeline);
  pools.set(db, pool);
  return db;
}

/**
 * One of the pool's connections, held while `work` runs, for a statement Kysely has no words for (COPY, whose
 * output streams). The connection goes back to the pool afterwards; one `work` broke is discarded.
 */
export async function withConnection<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const pool = pools.get(db);
  if (!pool) throw new Error('withConnection needs a database made by openDatabase');
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await work(client);
  } catch (e) {
    broken = e instanceof Error ? e : new Error(String(e));
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * A connection of its own, outside the pool, with the pool's settings: for a LISTEN that stays open for the
 * life of the process and must not take one of the pool's connections away from queries.
 */
export function dedicatedClient(db: Db, applicationName: string): pg.Client {
  const pool = pools.get(db);
  if (!pool) throw new Error('dedicatedClient needs a database made by openDatabase');
  return new pg.Client({ ...pool.options, application_name: applicationName });
}

/** Builds and compiles queries without a connection, for statements compiled once when their module loads. */
const builder = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** Where each `$n` of a prepared statement takes its value from: a named input or a constant of the query. */
type Slot<P> = { key: P } | { value: unknown };

export type Prepared<P extends string, R> = { readonly name: string; readonly text: string; readonly slots: readonly Slot<P>[]; readonly row?: R };

const preparedTexts = new Map<string, string>();

/**
 * A query compiled once, at module load, and run as a pg named prepared statement: PostgreSQL parses and plans
 * it once per connection instead of on every call, and no query is built per call. Meant for short indexed
 * lookups on hot paths: outside a transaction they run on the read pipeline (see pipeline.ts). `build` receives the
 * connection-less builder and `param(key)`, a placeholder for a string input supplied at run time.
 */
export function prepare<P extends string, R>(name: string, build: (db: Kysely<Database>, param: (key: P) => string) => Compilable<R>): Prepared<P, R> {
  const placeholders = new Map<string, P>();
  const param = (key: P) => {
    const placeholder = `\u0000${name}:${key}`;
    placeholders.set(placeholder, key);
    return placeholder;
  };
  const compiled = build(builder, param).compile();
  const slots = compiled.parameters.map((v): Slot<P> => {
    const key = typeof v === 'string' ? placeholders.get(v) : undefined;
    return key === undefined ? { value: v } : { key };
  });
  const known = preparedTexts.get(name);
  if (known !== undefined && known !== compiled.sql) throw new Error(`prepared statement ${name} is defined twice`);
  preparedTexts.set(name, compiled.sql);
  return { name, text: compiled.sql, slots };
}

/**
 * Runs a prepared statement on the database's read pipeline, or inside the transaction `db` is (unnamed there:
 * Kysely does not expose a transaction's connection). Rows come back exactly as Kysely's own queries return them.
 */
export async function runPrepared<P extends string, R>(db: Executor, statement: Prepared<P, R>, input: Readonly<Record<P, string>>): Promise<R[]> {
  const values = statement.slots.map((s) => ('key' in s ? input[s.key] : s.value));
  const pipeline = db.isTransaction ? undefined : pipelines.get(db as Db);
  if (pipeline === undefined) return (await db.executeQuery<R>(CompiledQuery.raw(statement.text, values))).rows;
  const result = await pipeline.query(statement.name, statement.text, values);
  return result.rows as R[];
}

export type MigrationOutcome = { ok: true; applied: string[] } | { ok: false; message: string };

export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r: MigrationResult) => r.status === 'Success').map((r: MigrationResult) => r.migrationName);
  if (error) return { ok: false, message: error instanceof Error ? error.message : String(error) };
  return { ok: true, applied };
}
