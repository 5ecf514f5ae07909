import type { FastifyInstance, FastifyRequest } from 'fastify';
import { baseUrlOf, publicAuditContext } from '#src/http/request-context.ts';
import { assertSameOrigin } from '#src/http/same-origin.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { dashboardSession } from '#src/sessions/cookie-session.ts';
import { toMyProfile } from './dto.ts';
import { myProfileBody } from './schemas.ts';
import { getUser, replaceOwnProfile, type Profile } from './service.ts';

/**
 * The signed-in user acting on their own account, by session cookie: no admin role counts here, so the
 * context carries none, and the user is the actor of what gets logged.
 */
async function self(request: FastifyRequest): Promise<{ ctx: ServiceContext; userId: string }> {
  const { tenant, owner, user } = await dashboardSession(request);
  const { db, clock, authenticator } = request.server.deps;
  const ctx: ServiceContext = {
    db, clock, tenantId: tenant.id, audit: publicAuditContext(request, user), actor: { userId: owner.id, roles: new Set() }, authChanged: () => authenticator.invalidate(),
  };
  return { ctx, userId: owner.id };
}

/**
 * /idp/myaccount: Okta's MyAccount API for the end-user's "My account" page, by the session cookie (Okta
 * takes a MyAccount-scoped access token too; Bulwark's own page has the cookie). 404 without a session, as
 * the other `me` routes answer.
 */
export async function myAccountRoutes(app: FastifyInstance): Promise<void> {
  app.get('/profile', async (request) => {
    const { ctx, userId } = await self(request);
    return toMyProfile(await getUser(ctx, userId), baseUrlOf(request));
  });

  app.put<{ Body: { profile: Profile } }>('/profile', { schema: { body: myProfileBody } }, async (request) => {
    assertSameOrigin(request);
    const { ctx, userId } = await self(request);
    return toMyProfile(await replaceOwnProfile(ctx, userId, request.body.profile), baseUrlOf(request));
  });
}
