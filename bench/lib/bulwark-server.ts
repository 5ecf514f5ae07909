/**
 * Bulwark's HTTP app in a child process, assembled as test/helpers.ts startTestServer does, over the database
 * BENCH_DATABASE_URL names; the rate limit is at its maximum so that the load generator measures the server,
 * not the limiter.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createAuthenticator } from '../../src/http/auth.ts';
import { createRateLimiter } from '../../src/http/rate-limit.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { createMetrics } from '../../src/ops/metrics.ts';
import { cookieSession } from '../../src/sessions/cookie-session.ts';

const url = process.env['BENCH_DATABASE_URL'];
if (!url) throw new Error('BENCH_DATABASE_URL is not set');
const loaded = loadConfig({ LOG_LEVEL: 'silent', BULWARK_SEED_DEMO: 'false', PORT: '0', BULWARK_RATE_LIMIT_PER_MINUTE: '1000000', DATABASE_URL: url, BULWARK_SECRETS_KEY: randomBytes(32).toString('base64') });
if (!loaded.ok) throw new Error(loaded.message);
const config = loaded.config;
const db = openDatabase(url, config.dbPoolSize);
const app = await buildApp({
  config,
  db,
  clock: systemClock,
  authenticator: createAuthenticator(db, systemClock),
  rateLimiter: createRateLimiter(systemClock),
  metrics: createMetrics(),
});
if (process.env['BENCH_SESSION_ROUTES'] === '1') {
  // bench/session-check.ts: the same trivial route with and without the session check in front of it.
  app.get('/bench/with-session', async (request) => ({ ok: (await cookieSession(request)).session.id !== '' }));
  app.get('/bench/without-session', async (request) => ({ ok: (await app.tenantOf(request)).id !== '' }));
}
await app.listen({ host: '127.0.0.1', port: 0 });

const stop = () => void app.close().then(() => db.destroy()).finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('disconnect', stop);
process.send?.({ port: (app.server.address() as AddressInfo).port });
