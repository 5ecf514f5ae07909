/**
 * `npm test` after the type check: one real PostgreSQL for the whole run (the embedded cluster in a temporary
 * data dir, or the server DATABASE_URL names), a migrated template database that each test file clones in
 * milliseconds (test/helpers.ts), then Node's test runner over every *.test.ts.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../src/db/database.ts';
import { acquireEmbeddedPostgres, processAlive, type EmbeddedPostgres } from '../src/db/embedded-postgres.ts';

const runId = `${process.pid}_${Date.now().toString(36)}`;
const template = `bulwark_tpl_${runId}`;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

let embedded: EmbeddedPostgres | undefined;
let dataDir: string | undefined;
let adminUrl = process.env['DATABASE_URL'];
if (!adminUrl) {
  dataDir = mkdtempSync(join(tmpdir(), 'bulwark-test-'));
  chmodSync(dataDir, 0o711);
  embedded = await acquireEmbeddedPostgres(dataDir, 'cli');
  adminUrl = embedded.url;
}
console.log(`test database server: ${embedded ? `embedded PostgreSQL in ${dataDir}` : 'DATABASE_URL'}`);

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
const version = await admin.query<{ server_version: string }>('show server_version');
console.log(`PostgreSQL ${version.rows[0]?.server_version}`);
await admin.query(`create database ${template}`);
const tplDb = openDatabase(withDatabase(adminUrl, template), 2);
const migrated = await migrateToLatest(tplDb);
await tplDb.destroy();
if (!migrated.ok) throw new Error(`migrations failed: ${migrated.message}`);

const patterns = process.argv.slice(2);
const env = { ...process.env, BULWARK_TEST_ADMIN_URL: adminUrl, BULWARK_TEST_TEMPLATE: template, BULWARK_TEST_RUN: runId };

/** One `node --test` run over `files`, `concurrency` files at a time; its exit code. */
function runFiles(files: string[], concurrency: number): Promise<number> {
  const child = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...files], { stdio: 'inherit', env });
  return new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
}

/**
 * Runs `work` while no other `npm test` on this machine runs its timing tests (CI runs one per database, side
 * by side, and they tend to finish together). A directory is the lock, since mkdir is atomic; one left by a run
 * that died is taken over, and after ten minutes of waiting the tests run regardless.
 */
async function aloneAtTimingTests<T>(work: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), 'bulwark-timing-tests.lock');
  const taken = () => {
    try {
      mkdirSync(lock);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    writeFileSync(join(lock, 'pid'), String(process.pid));
    return true;
  };
  const giveUp = Date.now() + 600_000;
  while (!taken()) {
    if (Date.now() > giveUp) {
      console.log('timing tests: another run has held the lock for ten minutes; running anyway');
      return work();
    }
    let holder = 0;
    try {
      holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    } catch {
      // Not written yet: the holder has just taken the lock.
    }
    if (holder > 0 && !processAlive(holder)) rmSync(lock, { recursive: true, force: true });
    else await sleep(500);
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// Tests that compare how long things take (*.timing.ts) run afterwards, alone: beside another test file they
// would measure that file's load as much as the code.
let code = await runFiles(patterns.length > 0 ? patterns : ['src/**/*.test.ts', 'test/**/*.test.ts'], 2);
if (patterns.length === 0) code = Math.max(code, await aloneAtTimingTests(() => runFiles(['test/**/*.timing.ts'], 1)));

// Test files drop their own databases; anything a crashed file left behind goes here.
const leftovers = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`bulwark_t_${runId}%`]);
for (const { datname } of leftovers.rows) await admin.query(`drop database if exists ${datname} with (force)`);
await admin.query(`drop database if exists ${template} with (force)`);
await admin.end();
await embedded?.release();
if (dataDir) rmSync(dataDir, { recursive: true, force: true });
process.exit(code);
