import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import { installAuth, type Authenticator } from './http/auth.ts';
import { frameworkError, installErrorHandling } from './http/error-handler.ts';
import { OktaErrors } from './http/errors.ts';
import { serializeRequest } from './http/request-log.ts';
import { createTenantResolver } from './http/tenant-host.ts';
import { installValidation } from './http/validation.ts';
import type { RateLimiter } from './http/rate-limit.ts';
import { newRequestId } from './lib/ids.ts';
import { createSecretBox, loadSecretsKey } from './lib/secret-box.ts';
import { createProofChecker } from './admin/device-proof.ts';
import { createNetworkResolver } from './network/resolver.ts';
import type { Clock } from './lib/clock.ts';
import { adminRoutes } from './admin/routes.ts';
import { alertRoutes } from './alerts/routes.ts';
import { investigationRoutes } from './forensics/investigation-routes.ts';
import { appRoutes } from './apps/routes.ts';
import { authnRoutes } from './authn/routes.ts';
import { factorRoutes } from './factors/routes.ts';
import { groupRoutes } from './groups/routes.ts';
import { userGroupRoutes } from './groups/user-groups-routes.ts';
import { opsRoutes } from './ops/routes.ts';
import type { Metrics } from './ops/metrics.ts';
import { policyRoutes } from './policy/routes.ts';
import { zoneRoutes } from './policy/zone-routes.ts';
import { configurePolicyDefaults } from './policy/service.ts';
import { configureSignOnDefaults } from './policy/sign-on.ts';
import { roleRoutes } from './roles/routes.ts';
import { oidcRoutes } from './oidc/routes.ts';
import { caseRoutes } from './cases/routes.ts';
import { staffCaseRoutes } from './cases/staff-routes.ts';
import { reportRoutes } from './reports/routes.ts';
import { supportActivityRoutes } from './support-access/activity-routes.ts';
import { supportAccessRoutes } from './support-access/routes.ts';
import { remediationRoutes } from './remediation/routes.ts';
import { staffAccessRoutes } from './support-access/staff-routes.ts';
import { helpCenterRoutes } from './helpcenter/routes.ts';
import { mySessionRoutes, sessionRedirectRoutes, sessionRoutes } from './sessions/routes.ts';
import { webRoutes } from './web/routes.ts';
import { logRoutes } from './syslog/routes.ts';
import { tokenRoutes } from './tokens/routes.ts';
import { myAccountRoutes } from './users/my-account.ts';
import { userRoutes } from './users/routes.ts';
import { configurePasswordHashing } from './users/password.ts';
import { verificationLinkRoutes, verificationListRoutes, verificationRoutes } from './verification/routes.ts';

export type AppDeps = {
  config: Config;
  db: Db;
  clock: Clock;
  authenticator: Authenticator;
  rateLimiter: RateLimiter;
  metrics: Metrics;
};

/**
 * Assembles the HTTP server; used as-is by `serve` and by the tests. The log goes to standard output, or to
 * `logStream`: a test reads what the server logged there.
 */
export async function buildApp(deps: AppDeps, logStream?: DestinationStream): Promise<FastifyInstance> {
  configurePasswordHashing(deps.config.argon2);
  configurePolicyDefaults(deps.config.lockout);
  configureSignOnDefaults(deps.config.session);
  const app = Fastify({
    logger: deps.config.logLevel === 'silent' ? false : {
      level: deps.config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[REDACTED]' },
      serializers: { req: serializeRequest },
      ...(logStream === undefined ? {} : { stream: logStream }),
    },
    genReqId: () => newRequestId(),
    requestIdHeader: false,
    bodyLimit: deps.config.bodyLimitBytes,
    // X-Forwarded-For is believed only from the listed proxies; request.ips is then the chain they vouch for.
    trustProxy: deps.config.trustedProxies.length === 0 ? false : [...deps.config.trustedProxies],
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: frameworkError,
  });
  app.decorate('deps', deps);
  const secretsKey = deps.config.secretsKey ?? loadSecretsKey(deps.config.dataDir);
  app.decorate('secrets', createSecretBox(secretsKey));
  app.decorate('proofs', createProofChecker(secretsKey, deps.clock));
  app.decorate('networkOf', createNetworkResolver({ asnDb: deps.config.asnDb, dataDir: deps.config.dataDir }));
  app.decorate('tenantOf', createTenantResolver(deps.db, deps.clock, deps.config.baseDomain));
  // Hooks on every request are callback style: an async hook costs a promise and a microtask per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-okta-request-id', request.id);
    done(null, payload);
  });
  // Only JSON is accepted; anything else is refused before a handler can act on it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(OktaErrors.malformedBody(), undefined);
    }
  });
  app.addContentTypeParser('*', (_req, _payload, done) => done(OktaErrors.unsupportedMediaType(), undefined));

  installErrorHandling(app);
  installValidation(app);
  installAuth(app);
  deps.metrics.instrument(app);

  await app.register(opsRoutes);
  await app.register(authnRoutes, { prefix: '/api/v1/authn' });
  await app.register(sessionRoutes, { prefix: '/api/v1/sessions' });
  await app.register(sessionRedirectRoutes, { prefix: '/login' });
  await app.register(webRoutes);
  await app.register(userRoutes, { prefix: '/api/v1/users' });
  await app.register(roleRoutes, { prefix: '/api/v1/users' });
  await app.register(factorRoutes, { prefix: '/api/v1/users' });
  await app.register(mySessionRoutes, { prefix: '/api/v1/users/me/sessions' });
  await app.register(myAccountRoutes, { prefix: '/idp/myaccount' });
  await app.register(groupRoutes, { prefix: '/api/v1/groups' });
  await app.register(userGroupRoutes, { prefix: '/api/v1/users' });
  await app.register(verificationRoutes, { prefix: '/api/v1/users' });
  await app.register(verificationLinkRoutes, { prefix: '/api/v1/verifications' });
  await app.register(verificationListRoutes, { prefix: '/api/v1/verifications' });
  await app.register(appRoutes, { prefix: '/api/v1/apps' });
  await app.register(tokenRoutes, { prefix: '/api/v1/api-tokens' });
  await app.register(logRoutes, { prefix: '/api/v1/logs' });
  await app.register(alertRoutes, { prefix: '/api/v1/alerts' });
  await app.register(investigationRoutes, { prefix: '/api/v1/investigations' });
  await app.register(supportAccessRoutes, { prefix: '/api/v1/support-access' });
  await app.register(supportActivityRoutes, { prefix: '/api/v1/support-access' });
  await app.register(remediationRoutes, { prefix: '/api/v1/remediations' });
  await app.register(policyRoutes, { prefix: '/api/v1/policies' });
  await app.register(zoneRoutes, { prefix: '/api/v1/zones' });
  await app.register(adminRoutes, { prefix: '/api/v1/admin' });
  await app.register(oidcRoutes, { secretsKey });
  await app.register(helpCenterRoutes, { secretsKey });
  await app.register(caseRoutes);
  await app.register(staffCaseRoutes);
  await app.register(reportRoutes);
  await app.register(staffAccessRoutes);
  return app;
}
