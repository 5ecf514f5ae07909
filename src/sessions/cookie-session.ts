import type { FastifyRequest } from 'fastify';
import { OktaErrors } from '#src/http/errors.ts';
import type { TenantRef } from '#src/http/tenant-host.ts';
import { readSessionCookie } from './cookie.ts';
import { cachedSessionForCookie, sessionForCookie, type SessionRow } from './service.ts';

/**
 * The live session the request's cookie names, in the tenant its host names, for routes a signed-in user
 * calls (`/api/v1/sessions/me`, `/api/v1/users/me/factors`). Okta answers 404 when there is none.
 */
export async function cookieSession(request: FastifyRequest): Promise<{ tenant: TenantRef; tenantId: string; session: SessionRow }> {
  const { db, clock } = request.server.deps;
  const tenant = await request.server.tenantOf(request);
  const cookie = readSessionCookie(request);
  const session = cachedSessionForCookie(clock, tenant.id, cookie) ?? await sessionForCookie(db, clock, tenant.id, cookie);
  if (!session) throw OktaErrors.notFound('me (Session)');
  return { tenant, tenantId: tenant.id, session };
}
