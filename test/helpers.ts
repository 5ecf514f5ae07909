/**
 * Shared test fixtures: a fresh database per test file (cloned from the migrated template run-tests.ts made),
 * a real listening server on 127.0.0.1, tenants with tokens of each admin role, and a small fetch client.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import { buildApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { openDatabase, type Db } from '../src/db/database.ts';
import { createAuthenticator } from '../src/http/auth.ts';
import { createRateLimiter } from '../src/http/rate-limit.ts';
import { systemClock, type Clock } from '../src/lib/clock.ts';
import { createMetrics } from '../src/ops/metrics.ts';
import type { RoleType } from '../src/roles/permissions.ts';
import { grantRole } from '../src/roles/service.ts';
import { createTenant, operatorServiceContext } from '../src/tenants/service.ts';
import { issueToken } from '../src/tokens/service.ts';
import { insertNewUser, passwordHashFor, userTarget } from '../src/users/service.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\` (test/run-tests.ts prepares the database)`);
  return value;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export type TestDatabase = { db: Db; url: string; name: string; drop(): Promise<void> };

/** A database of its own, already migrated, dropped again by `drop()`. */
export async function testDatabase(): Promise<TestDatabase> {
  const adminUrl = env('BULWARK_TEST_ADMIN_URL');
  const name = `bulwark_t_${env('BULWARK_TEST_RUN')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${env('BULWARK_TEST_TEMPLATE')}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const db = openDatabase(url, 5);
  return {
    db,
    url,
    name,
    async drop() {
      await db.destroy();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** One secrets key per test process: tests never write key files into the checkout. */
const SECRETS_KEY = randomBytes(32).toString('base64');
/** Shared by every test run: where the ASN table is indexed once (src/network/asn-table.ts), outside the checkout. */
const DATA_DIR = join(tmpdir(), 'bulwark-test-data');

export function testConfig(overrides: Record<string, string> = {}): Config {
  const loaded = loadConfig({ LOG_LEVEL: 'silent', BULWARK_SEED_DEMO: 'false', PORT: '0', BULWARK_SECRETS_KEY: SECRETS_KEY, BULWARK_DATA_DIR: DATA_DIR, ...overrides });
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
}

export type TestServer = { url: string; db: Db; config: Config; clock: Clock; close(): Promise<void> };

/** The real app on a real socket, over a fresh database; its log (LOG_LEVEL, silent by default) to `logStream` if given. */
export async function startTestServer(opts: { config?: Record<string, string>; clock?: Clock; logStream?: DestinationStream } = {}): Promise<TestServer> {
  const database = await testDatabase();
  const config = testConfig(opts.config);
  const clock = opts.clock ?? systemClock;
  const app = await buildApp({
    config,
    db: database.db,
    clock,
    authenticator: createAuthenticator(database.db, clock),
    rateLimiter: createRateLimiter(clock),
    metrics: createMetrics(),
  }, opts.logStream);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    db: database.db,
    config,
    clock,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export type TestTenant = { id: string; slug: string; token: string; adminId: string; adminLogin: string };

let tenantCounter = 0;

/** A tenant with its super admin and that admin's API token. */
export async function createTestTenant(db: Db, slug = `t${process.pid}x${++tenantCounter}`, cell?: string): Promise<TestTenant> {
  const created = await createTenant(db, systemClock, { slug, adminEmail: `admin@${slug}.example.com`, adminPassword: 'Correct-Horse-9', ...(cell ? { cell } : {}) });
  return { id: created.tenant.id, slug, token: created.apiToken, adminId: created.adminId, adminLogin: created.adminLogin };
}

/** A new admin holding `role` (or no role) in the tenant, and an API token acting as that admin. */
export async function tokenWithRole(db: Db, tenantId: string, role: RoleType | null, login = `${role ?? 'user'}-${randomBytes(3).toString('hex')}@example.com`.toLowerCase()): Promise<{ userId: string; token: string }> {
  const ctx = operatorServiceContext(db, systemClock, tenantId, `test-${randomBytes(4).toString('hex')}`);
  const hash = await passwordHashFor(db, tenantId, 'Correct-Horse-9', login);
  return db.transaction().execute(async (tx) => {
    const user = await insertNewUser(tx, ctx, { profile: { login, email: login, firstName: 'Test', lastName: role ?? 'User' }, activate: true, expirePassword: false }, hash);
    if (role) await grantRole(tx, ctx, userTarget(user), role);
    const { value } = await issueToken(tx, ctx, userTarget(user), `test ${role ?? 'none'}`);
    return { userId: user.id, token: value };
  });
}

export type ApiResponse = { status: number; headers: Headers; body: any; text: string };

/** A small client for the Okta-style API: JSON in, JSON out, SSWS auth. */
export function apiClient(baseUrl: string, token: string | null) {
  return async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `SSWS ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
}

export type Api = ReturnType<typeof apiClient>;

/** Okta's error object, exactly: the five fields and nothing else. */
export function assertOktaError(res: ApiResponse, status: number, errorCode: string): void {
  if (res.status !== status || res.body?.errorCode !== errorCode) {
    throw new Error(`expected ${status} ${errorCode}, got ${res.status} ${res.text}`);
  }
  const keys = Object.keys(res.body).sort().join(',');
  if (keys !== 'errorCauses,errorCode,errorId,errorLink,errorSummary') throw new Error(`not an Okta error object: ${res.text}`);
}

/** Number of System Log rows of a tenant: the "nothing was written" check of bad-input tests. */
export async function logCount(db: Db, tenantId: string): Promise<number> {
  const row = await db.selectFrom('log_events').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The public sample data (Okta events, the event-type catalog) lives beside the repository, not in it:
 * BULWARK_SHARED_DATA, else `../shared/data` next to the checkout, else the workplace's `/work/shared/data`.
 */
export function sharedDataDir(): string {
  const candidates = [
    process.env['BULWARK_SHARED_DATA'],
    fileURLToPath(new URL('../../shared/data/', import.meta.url)),
    '/work/shared/data/',
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => existsSync(join(c, 'README.md')));
  if (!found) throw new Error(`shared sample data not found (looked in ${candidates.join(', ')}); set BULWARK_SHARED_DATA`);
  return found.endsWith('/') ? found : `${found}/`;
}
