import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OktaErrors } from '#src/http/errors.ts';
import { auditContextOf, baseUrlOf, originOf, principalOf, publicAuditContext } from '#src/http/request-context.ts';
import { assertSameOrigin } from '#src/http/same-origin.ts';
import { mayActOn } from '#src/roles/permissions.ts';
import { roleTypesOf } from '#src/roles/service.ts';
import type { LogActor } from '#src/syslog/log-event.ts';
import { displayNameOf } from '#src/users/profile.ts';
import { lookupUser, userTarget, type UserRow } from '#src/users/service.ts';
import { clearSessionCookie, setSessionCookie } from './cookie.ts';
import { cookieSession, dashboardSession, sessionContextOf } from './cookie-session.ts';
import { toOwnSession, toPublicSession } from './dto.ts';
import { clearSessionsOfUser, endSession, liveSession, liveSessionsOf, refreshSession, startSession, type SessionRow } from './service.ts';

type IdParams = { id: string };

const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9A-Za-z]{20}$' } }, required: ['id'] } as const;
const sessionTokenBody = {
  type: 'object',
  properties: { sessionToken: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['sessionToken'],
  additionalProperties: false,
} as const;
const redirectQuery = {
  type: 'object',
  properties: { token: { type: 'string', minLength: 1, maxLength: 128 }, redirectUrl: { type: 'string', minLength: 1, maxLength: 2048 } },
  required: ['token', 'redirectUrl'],
  additionalProperties: false,
} as const;

/** Only an ACTIVE user's sessionToken becomes a session: one suspended since signing in gets none. */
async function activeActor(request: FastifyRequest, tenantId: string, userId: string): Promise<LogActor | undefined> {
  const user = await lookupUser(request.server.deps.db, tenantId, userId);
  return user?.status === 'ACTIVE' ? userTarget(user) : undefined;
}

async function ownerOf(request: FastifyRequest, tenantId: string, session: SessionRow): Promise<UserRow> {
  const user = await lookupUser(request.server.deps.db, tenantId, session.userId);
  if (!user) throw OktaErrors.notFound(`${session.id} (Session)`);
  return user;
}

function render(request: FastifyRequest, tenantId: string, session: SessionRow, owner: UserRow, self: string) {
  const who = { login: String(owner.profile['login'] ?? ''), displayName: displayNameOf(owner.profile) };
  return toPublicSession(session, who, tenantId, baseUrlOf(request), self);
}

/**
 * A redirect target on the tenant's own origin, or a path on it; anything else is refused, so the redirect
 * cannot be used to send a freshly signed-in user to another site.
 */
function sameOriginTarget(request: FastifyRequest, redirectUrl: string): string {
  const base = originOf(request);
  let target: URL;
  try {
    target = new URL(redirectUrl, `${base}/`);
  } catch {
    throw OktaErrors.validation('redirectUrl', ['redirectUrl: not a URL']);
  }
  if (target.origin !== base) throw OktaErrors.validation('redirectUrl', ['redirectUrl: must be on this organization\'s own origin']);
  return target.href;
}

/** /api/v1/sessions: Okta's Sessions API. `me` is the caller's own session, by cookie; the rest is for admins' tokens. */
export async function sessionRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { sessionToken: string } }>('/', { config: { permission: 'sessions.manage' }, schema: { body: sessionTokenBody } }, async (request, reply) => {
    const tenantId = principalOf(request).tenant.id;
    const started = await startSession(await sessionContextOf(request, tenantId), request.body.sessionToken, (userId) => activeActor(request, tenantId, userId));
    setSessionCookie(request, reply, started.cookie);
    return render(request, tenantId, started.session, await ownerOf(request, tenantId, started.session), started.session.id);
  });

  app.get('/me', { config: { auth: 'public' } }, async (request) => {
    const { tenantId, session } = await cookieSession(request);
    return render(request, tenantId, session, await ownerOf(request, tenantId, session), 'me');
  });

  app.post('/me/lifecycle/refresh', { config: { auth: 'public' } }, async (request) => {
    assertSameOrigin(request);
    const { tenantId, session } = await cookieSession(request);
    const { db, clock } = request.server.deps;
    const refreshed = await refreshSession(db, clock, tenantId, session);
    return render(request, tenantId, refreshed, await ownerOf(request, tenantId, session), 'me');
  });

  app.delete('/me', { config: { auth: 'public' } }, async (request, reply) => {
    assertSameOrigin(request);
    const { tenantId, session } = await cookieSession(request);
    const owner = await ownerOf(request, tenantId, session);
    const { db, clock } = request.server.deps;
    await endSession(db, clock, tenantId, publicAuditContext(request, userTarget(owner)), session, userTarget(owner));
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  /** An admin may read, refresh or end another user's session only if they may act on that user. */
  const adminSession = async (request: FastifyRequest<{ Params: IdParams }>, write: boolean) => {
    const principal = principalOf(request);
    const tenantId = principal.tenant.id;
    const { db, clock } = request.server.deps;
    const session = await liveSession(db, clock, tenantId, request.params.id);
    const owner = await ownerOf(request, tenantId, session);
    if (write && !mayActOn(principal.roles, await roleTypesOf(db, tenantId, owner.id))) throw OktaErrors.forbidden();
    return { tenantId, session, owner };
  };

  app.get<{ Params: IdParams }>('/:id', { config: { permission: 'sessions.manage' }, schema: { params: idParams } }, async (request) => {
    const { tenantId, session, owner } = await adminSession(request, false);
    return render(request, tenantId, session, owner, session.id);
  });

  app.post<{ Params: IdParams }>('/:id/lifecycle/refresh', { config: { permission: 'sessions.manage' }, schema: { params: idParams } }, async (request) => {
    const { tenantId, session, owner } = await adminSession(request, true);
    const { db, clock } = request.server.deps;
    return render(request, tenantId, await refreshSession(db, clock, tenantId, session), owner, session.id);
  });

  app.delete<{ Params: IdParams }>('/:id', { config: { permission: 'sessions.manage' }, schema: { params: idParams } }, async (request, reply: FastifyReply) => {
    const { tenantId, session, owner } = await adminSession(request, true);
    const { db, clock } = request.server.deps;
    await endSession(db, clock, tenantId, auditContextOf(request), session, userTarget(owner));
    return reply.code(204).send();
  });
}

/**
 * GET /login/sessionCookieRedirect?token=…&redirectUrl=…: exchanges a sessionToken for a session, sets the
 * cookie and sends the browser on, as Okta's does. Only to the tenant's own origin.
 */
export async function sessionRedirectRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { token: string; redirectUrl: string } }>('/sessionCookieRedirect', { config: { auth: 'public' }, schema: { querystring: redirectQuery } }, async (request, reply) => {
    const tenant = await request.server.tenantOf(request);
    const target = sameOriginTarget(request, request.query.redirectUrl);
    const started = await startSession(await sessionContextOf(request, tenant.id), request.query.token, (userId) => activeActor(request, tenant.id, userId));
    setSessionCookie(request, reply, started.cookie);
    return reply.redirect(target, 302);
  });
}

/**
 * /api/v1/users/me/sessions: the signed-in user's own sessions (Bulwark's addition): where they are signed in,
 * and signing out of one of them or of all (everywhere, this one included), by cookie.
 */
export async function mySessionRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { auth: 'public' } }, async (request) => {
    const { tenant, session } = await dashboardSession(request);
    const { db, clock } = request.server.deps;
    return (await liveSessionsOf(db, clock, tenant.id, session.userId)).map((s) => toOwnSession(s, session.id, baseUrlOf(request)));
  });

  app.delete('/', { config: { auth: 'public' } }, async (request, reply) => {
    assertSameOrigin(request);
    const { tenant, user } = await dashboardSession(request);
    const { db, clock } = request.server.deps;
    const audit = publicAuditContext(request, user);
    await db.transaction().execute((tx) => clearSessionsOfUser(tx, clock, tenant.id, audit, user, 'self'));
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  app.delete<{ Params: IdParams }>('/:id', { config: { auth: 'public' }, schema: { params: idParams } }, async (request, reply) => {
    assertSameOrigin(request);
    const { tenant, session, user } = await dashboardSession(request);
    const { db, clock } = request.server.deps;
    const target = await liveSession(db, clock, tenant.id, request.params.id);
    // Another user's session id is as unknown here as one that never existed.
    if (target.userId !== session.userId) throw OktaErrors.notFound(`${request.params.id} (Session)`);
    await endSession(db, clock, tenant.id, publicAuditContext(request, user), target, user);
    if (target.id === session.id) clearSessionCookie(request, reply);
    return reply.code(204).send();
  });
}
