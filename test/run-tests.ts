/**
 * `npm test` after the type check: one real PostgreSQL for the whole run (the embedded cluster in a temporary
 * data dir, or the server DATABASE_URL names), a migrated template database that each test file clones in
 * milliseconds (test/helpers.ts), then Node's test runner over every *.test.ts.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../src/db/database.ts';
import { acquireEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded-postgres.ts';

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

// Tests that compare how long things take (*.timing.ts) run afterwards, alone: beside another test file they
// would measure that file's load as much as the code.
let code = await runFiles(patterns.length > 0 ? patterns : ['src/**/*.test.ts', 'test/**/*.test.ts'], 2);
if (patterns.length === 0) code = Math.max(code, await runFiles(['test/**/*.timing.ts'], 1));

// Test files drop their own databases; anything a crashed file left behind goes here.
const leftovers = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`bulwark_t_${runId}%`]);
for (const { datname } of leftovers.rows) await admin.query(`drop database if exists ${datname} with (force)`);
await admin.query(`drop database if exists ${template} with (force)`);
await admin.end();
await embedded?.release();
if (dataDir) rmSync(dataDir, { recursive: true, force: true });
process.exit(code);
