/**
 * The routes the app really registers, read from Fastify's own route tree, so that a matrix test fails when a
 * route is added and nobody added it to the matrix. HEAD routes are Fastify's automatic twins of GET routes.
 */
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import type { Db } from '../../src/db/database.ts';
import { createAuthenticator } from '../../src/http/auth.ts';
import { createRateLimiter } from '../../src/http/rate-limit.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { createMetrics } from '../../src/ops/metrics.ts';
import { testConfig } from '../helpers.ts';

export type AppRoute = { method: string; url: string };

const LINE = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/;

/** Parses `printRoutes({ commonPrefix: false })`: each line is a path segment indented under its parent. */
export function parseRouteTree(tree: string): AppRoute[] {
  const stack: string[] = [];
  const routes: AppRoute[] = [];
  for (const line of tree.split('\n')) {
    if (line.trim() === '') continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`unexpected line in Fastify's route tree: ${JSON.stringify(line)}`);
    const depth = (m[1] ?? '').length / 4;
    const parent = depth === 0 ? '' : (stack[depth - 1] ?? '');
    // With ignoreTrailingSlash the tree prints `/admin/*` as `/admin` with a child `*`: the slash is the router's.
    const segment = m[2] === '*' && !parent.endsWith('/') ? '/*' : (m[2] ?? '');
    const path = parent + segment;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) routes.push({ method, url: path });
  }
  return routes;
}

/**
 * The OpenID Connect protocol endpoints (src/oidc): they speak OAuth's error format and their own
 * authentication, not Okta's management API, so the Okta matrices leave them out; test/oidc.test.ts covers
 * them, and checks this list is exactly what the app serves under those paths.
 */
export const PROTOCOL_ROUTES: readonly string[] = [
  'GET /.well-known/openid-configuration',
  'GET /oauth2/v1/keys',
  'GET /oauth2/v1/authorize',
  'POST /oauth2/v1/authorize',
  'GET /oauth2/v1/authorize/:uid',
  'POST /oauth2/v1/token',
  'GET /oauth2/v1/userinfo',
  'POST /oauth2/v1/userinfo',
  'GET /oauth2/v1/logout',
  'POST /oauth2/v1/logout',
  'POST /oauth2/v1/logout/confirm',
  'GET /oauth2/v1/logout/success',
  'POST /oauth2/v1/revoke',
  'POST /oauth2/v1/introspect',
  'GET /oauth2/v1/interaction/:uid',
  'POST /oauth2/v1/interaction/:uid/consent',
];

/**
 * The Help Center's routes (src/helpcenter): served on the cells' support hosts only, with the Help Center's
 * own session; test/help-center.test.ts covers them and checks this list.
 */
export const SUPPORT_PLANE_ROUTES: readonly string[] = [
  'GET /',
  'GET /help/signin',
  'GET /help/callback',
  'GET /help/v1/session',
  'DELETE /help/v1/session',
  'GET /help/v1/cases',
  'POST /help/v1/cases',
  'GET /help/v1/cases/:caseId',
  'POST /help/v1/cases/:caseId/comments',
  'POST /help/v1/cases/:caseId/lifecycle/close',
  'POST /help/v1/cases/:caseId/attachments',
  'GET /help/v1/cases/:caseId/attachments/:attachmentId',
  'GET /help/v1/staff/cases/:caseId/attachments/:attachmentId',
  'GET /help/staff/signin',
  'GET /help/v1/staff/cases',
  'GET /help/v1/staff/cases/:caseId',
  'POST /help/v1/staff/cases/:caseId/comments',
  'POST /help/v1/staff/cases/:caseId/assignee',
  'POST /help/v1/staff/cases/:caseId/status',
  'GET /help/v1/staff/members',
  'POST /help/v1/staff/cases/:caseId/access-requests',
  'GET /help/v1/staff/access-grants',
  'POST /help/v1/staff/access-grants/:grantId/end',
  'POST /help/v1/staff/access-grants/:grantId/extensions',
  'POST /help/v1/staff/access-grants/:grantId/token',
  'GET /help/v1/staff/reports/templates',
  'GET /help/v1/staff/reports/organizations',
  'POST /help/v1/staff/reports/runs',
  'GET /help/v1/staff/reports/runs',
  'GET /help/v1/staff/reports/runs/:runId',
  'GET /help/v1/staff/reports/approvals',
  'POST /help/v1/staff/reports/runs/:runId/approve',
  'POST /help/v1/staff/reports/runs/:runId/deny',
  'GET /help/v1/staff/reports/runs/:runId/download',
  'GET /help/v1/staff/reports/downloads',
  'POST /help/v1/staff/reports/downloads/:downloadId/reconcile',
  'POST /help/v1/staff/reports/watermarks/identify',
  'POST /help/v1/staff/download-tickets',
];

const ROUTE_SETS = { protocol: PROTOCOL_ROUTES, support: SUPPORT_PLANE_ROUTES } as const;

/**
 * Every method + path the app serves, HEAD left out: the Okta management and host routes, or, when asked
 * for, the protocol endpoints or the support plane's routes.
 */
export async function listAppRoutes(db: Db, which: 'management' | keyof typeof ROUTE_SETS = 'management'): Promise<AppRoute[]> {
  const app = await buildApp({
    config: testConfig(),
    db,
    clock: systemClock,
    authenticator: createAuthenticator(db, systemClock),
    rateLimiter: createRateLimiter(systemClock),
    metrics: createMetrics(),
  });
  await app.ready();
  const routes = parseRouteTree(app.printRoutes({ commonPrefix: false }));
  await app.close();
  const keysOf = (list: readonly string[]) => list.map((k) => routeKey(k.split(' ')[0] ?? '', k.split(' ')[1] ?? ''));
  const apart = new Set(Object.values(ROUTE_SETS).flatMap(keysOf));
  const wanted = which === 'management' ? undefined : new Set(keysOf(ROUTE_SETS[which]));
  return routes.filter((r) => r.method !== 'HEAD' && (wanted ? wanted.has(routeKey(r.method, r.url)) : !apart.has(routeKey(r.method, r.url))));
}

/**
 * `GET /api/v1/users/:id/roles` with every parameter name erased: Fastify's tree prints a shared parameter
 * as `:id|:userId`, and the name of a parameter does not change what the route is.
 */
export function routeKey(method: string, url: string): string {
  return `${method} ${url.replace(/:[A-Za-z|:]+/g, ':')}`;
}

/** The matrix covers exactly the app's routes: none forgotten, none that no longer exists. */
export function assertCoversApp(routes: readonly AppRoute[], matrixKeys: Iterable<string>): void {
  const app = new Set(routes.map((r) => routeKey(r.method, r.url)));
  const matrix = new Set([...matrixKeys].map((k) => {
    const [method = '', url = ''] = k.split(' ');
    return routeKey(method, url);
  }));
  assert.deepEqual([...app].filter((k) => !matrix.has(k)).sort(), [], 'routes the app serves that the matrix does not cover');
  assert.deepEqual([...matrix].filter((k) => !app.has(k)).sort(), [], 'matrix entries the app does not serve');
}
