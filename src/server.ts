import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { claimServerPid } from './db/embedded-postgres.ts';
import { startLiveDetections } from './detections/live.ts';
import { issueEnrollmentLink, type EnrollmentLink } from './authn/enrollment-links.ts';
import { openDatabaseRuntime } from './db/runtime.ts';
import { createAuthenticator } from './http/auth.ts';
import { createRateLimiter } from './http/rate-limit.ts';
import { systemClock } from './lib/clock.ts';
import { createMetrics } from './ops/metrics.ts';
import { loadSigningKey, signCheckpoints } from './syslog/checkpoints.ts';
import { purgeExpiredEvents } from './syslog/retention.ts';
import { bootstrapDemoTenant, bootstrapSupportPlane } from './tenants/bootstrap.ts';
import { bootstrapDemoIncident } from './tenants/demo-incident.ts';
import { operatorContext, type CreatedTenant } from './tenants/service.ts';
import { touchLastUsed } from './tokens/store.ts';

export type RunningServer = { app: FastifyInstance; url: string; close(): Promise<void> };

const LAST_USED_FLUSH_MS = 5_000;
const RETENTION_PURGE_MS = 3_600_000;

function bootstrapBanner(created: CreatedTenant, url: string, tenantUrl: string, enrollment: EnrollmentLink, staff: { login: string; roles: string; enrollment: EnrollmentLink }[]): string {
  return [
    '',
    'First start: created tenant "demo" with a super admin. These credentials are shown only this once:',
    `  admin login:    ${created.adminLogin}`,
    `  admin password: ${created.adminPassword}`,
    `  API token:      ${created.apiToken}`,
    `Try: curl -H "Authorization: SSWS ${created.apiToken}" ${url}/api/v1/users`,
    `Sign in: ${tenantUrl}/signin in a browser, or curl -H 'content-type: application/json' \\`,
    `  -d '{"username":"${created.adminLogin}","password":"…"}' ${tenantUrl}/api/v1/authn   (docs/authentication.md)`,
    `Enroll the admin's passkey (one-time link, valid until ${enrollment.expiresAt.toISOString()}):`,
    `  ${enrollment.url}`,
    `Help Center (customers sign in with their organisation, e.g. demo): ${tenantUrl.replace('://demo.', '://support.')}/`,
    ...(staff.length > 0 ? ['Support staff enroll a passkey through their one-time link, then sign in at the Help Center as staff:'] : []),
    ...staff.flatMap((s) => [`  ${s.login} (${s.roles}):`, `    ${s.enrollment.url}`]),
    '',
  ].join('\n');
}

/**
 * Runs Bulwark: database (embedded unless DATABASE_URL), migrations, first-start bootstrap, HTTP server, the
 * checkpoint signer, the token last-used writer and the detection worker. `close` drains requests, then stops each part in turn.
 */
export async function serve(config: Config, print: (line: string) => void = console.log): Promise<RunningServer> {
  const started = performance.now();
  const runtime = await openDatabaseRuntime(config, 'server', print);
  const releasePid = runtime.embedded ? claimServerPid(config.dataDir) : () => {};
  const clock = systemClock;
  const authenticator = createAuthenticator(runtime.db, clock);
  const signingKey = loadSigningKey(config.dataDir);
  const created = await bootstrapDemoTenant(runtime.db, clock, config);
  // Printed before anything else can fail: these credentials exist nowhere else.
  if (created) {
    const tenantUrl = `http://${created.tenant.slug}.${config.baseDomain}:${config.port}`;
    const admin = { alternateId: created.adminLogin, detailEntry: null, displayName: 'Super Admin', id: created.adminId, type: 'User' };
    const enrollment = await runtime.db.transaction().execute((tx) => issueEnrollmentLink(tx, clock, created.tenant.id, operatorContext('bootstrap-enrollment'), admin, tenantUrl));
    const support = await bootstrapSupportPlane(runtime.db, clock, config);
    const staff = [];
    for (const person of support?.staff ?? []) {
      const actor = { alternateId: person.login, detailEntry: null, displayName: person.name, id: person.id, type: 'User' };
      const planeUrl = tenantUrl.replace('://demo.', `://${support?.plane.tenant.slug}.`);
      staff.push({ ...person, enrollment: await runtime.db.transaction().execute((tx) => issueEnrollmentLink(tx, clock, support?.plane.tenant.id as string, operatorContext('bootstrap-enrollment'), actor, planeUrl)) });
    }
    print(bootstrapBanner(created, `http://${config.host}:${config.port}`, tenantUrl, enrollment, staff));
    // After the banner: the demo's investigation is worth less than the credentials only printed above.
    if (support) await bootstrapDemoIncident(runtime.db, clock, config, created, support, tenantUrl).catch((err: unknown) => print(`The demo investigation was not made: ${err instanceof Error ? err.message : String(err)}`));
  }
  const app = await buildApp({ config, db: runtime.db, clock, authenticator, rateLimiter: createRateLimiter(clock), metrics: createMetrics() });
  // Before listening: a Sigma directory that cannot be read stops the start, as any bad setting does.
  const detections = await startLiveDetections(runtime.db, clock, config.detections, app.log);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  const flushLastUsed = () => touchLastUsed(runtime.db, authenticator.drainLastUsed()).catch((err: unknown) => app.log.warn({ err }, 'could not record token use'));
  const checkpoint = () => signCheckpoints(runtime.db, clock, signingKey).catch((err: unknown) => app.log.warn({ err }, 'checkpoint signing failed'));
  await checkpoint();
  const purge = () => purgeExpiredEvents(runtime.db, clock).catch((err: unknown) => app.log.warn({ err }, 'log retention purge failed'));
  const timers = [
    setInterval(flushLastUsed, LAST_USED_FLUSH_MS),
    setInterval(checkpoint, config.checkpointIntervalSeconds * 1000),
    setInterval(purge, RETENTION_PURGE_MS),
  ];
  for (const t of timers) t.unref();

  print(`Bulwark is listening on ${url} (tenant API: ${url}/api/v1, Host {slug}.${config.baseDomain}:${port} also selects a tenant); ready in ${Math.round(performance.now() - started)} ms`);

  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    close() {
      closing ??= (async () => {
        for (const t of timers) clearInterval(t);
        await detections.stop();
        await app.close();
        await flushLastUsed();
        await checkpoint();
        await runtime.close();
        releasePid();
      })();
      return closing;
    },
  };
}
