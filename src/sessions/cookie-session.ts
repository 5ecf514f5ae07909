import type { FastifyRequest } from 'fastify';
import { OktaErrors } from '#src/http/errors.ts';
import { publicAuditContext } from '#src/http/request-context.ts';
import type { TenantRef } from '#src/http/tenant-host.ts';
import { sessionRefusal } from '#src/policy/sign-on.ts';
import type { LogTarget } from '#src/syslog/log-event.ts';
import { lookupUser, userTarget, type UserRow } from '#src/users/service.ts';
import { readSessionCookie } from './cookie.ts';
import { cachedSessionForCookie, sessionForCookie, type SessionRow, type SessionServiceContext } from './service.ts';

/**
 * The live session the request's cookie names, in the tenant its host names, for routes a signed-in user
 * calls (`/api/v1/sessions/me`, `/api/v1/users/me/factors`). Okta answers 404 when there is none.
 */
export async function cookieSession(request: FastifyRequest): Promise<{ tenant: TenantRef; tenantId: string; session: SessionRow }> {
  const { db, clock } = request.server.deps;
  const tenant = await request.server.tenantOf(request);
  const cookie = readSessionCookie(request);
  const session = cachedSessionForCookie(clock, tenant.id, cookie) ?? await sessionForCookie(db, clock, tenant.id, cookie);
  // An admin session's cookie value put in `sid` would skip its device proof: it is no end-user session.
  if (!session || session.device !== null) throw OktaErrors.notFound('me (Session)');
  return { tenant, tenantId: tenant.id, session };
}

export type DashboardSession = { tenant: TenantRef; session: SessionRow; owner: UserRow; user: LogTarget };

/**
 * The signed-in user of the end-user dashboard (`/api/v1/users/me/…`): the cookie's session and its owner,
 * with the session judged by the dashboard's sign-on rule (denied, factors it did not pass, or signed in for
 * another app longer ago than the rule allows: `403 E0000057`).
 */
export async function dashboardSession(request: FastifyRequest): Promise<DashboardSession> {
  const { tenant, session } = await cookieSession(request);
  const { db, clock } = request.server.deps;
  const owner = await lookupUser(db, tenant.id, session.userId);
  if (!owner) throw OktaErrors.notFound('me (Session)');
  const refusal = await sessionRefusal(db, tenant.id, session, 'dashboard', await request.server.networkOf(request.ip), clock.now());
  if (refusal !== null) throw OktaErrors.policyDenied(refusal);
  return { tenant, session, owner, user: userTarget(owner) };
}

/** What the session service needs of a request made without an API token (a sign-in's exchange, a step-up). */
export async function sessionContextOf(request: FastifyRequest, tenantId: string): Promise<SessionServiceContext> {
  const { db, clock } = request.server.deps;
  return {
    db,
    clock,
    tenantId,
    audit: (actor) => publicAuditContext(request, actor),
    userAgent: request.headers['user-agent'] ?? null,
    network: await request.server.networkOf(request.ip),
  };
}
