import { calculateJwkThumbprint } from 'jose';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OktaErrors } from '#src/http/errors.ts';
import { auditContextOf, principalOf, serviceContextOf } from '#src/http/request-context.ts';
import { assertSameOrigin } from '#src/http/same-origin.ts';
import { permissionsOf, type RoleType } from '#src/roles/permissions.ts';
import { roleTypesOf } from '#src/roles/service.ts';
import { findTenant } from '#src/tenants/service.ts';
import { clearAdminCookie, setAdminCookie } from '#src/sessions/cookie.ts';
import { sessionContextOf } from '#src/sessions/cookie-session.ts';
import { endSession, startSession, stepUpSession, type SessionRow } from '#src/sessions/service.ts';
import type { LogActor, LogTarget } from '#src/syslog/log-event.ts';
import type { Principal } from '#src/http/principal.ts';
import type { TenantRef } from '#src/http/tenant-host.ts';
import { displayNameOf } from '#src/users/profile.ts';
import { lookupUser, userTarget } from '#src/users/service.ts';
import { liveAdminSession } from './authenticate.ts';
import { adminSessionSettings, publicSettings, SETTINGS_BOUNDS, updateAdminSessionSettings, type AdminSessionSettings, type EffectiveSettings } from './settings.ts';

const coordinate = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;
const startBody = {
  type: 'object',
  properties: {
    sessionToken: { type: 'string', minLength: 1, maxLength: 128 },
    publicKey: {
      type: 'object',
      properties: { kty: { const: 'EC' }, crv: { const: 'P-256' }, x: coordinate, y: coordinate },
      required: ['kty', 'crv', 'x', 'y'],
      additionalProperties: false,
    },
  },
  required: ['sessionToken', 'publicKey'],
  additionalProperties: false,
} as const;
const stepUpBody = { type: 'object', properties: { sessionToken: { type: 'string', minLength: 1, maxLength: 128 } }, required: ['sessionToken'], additionalProperties: false } as const;

const minutes = (b: { minimum: number; maximum: number }) => ({ type: 'integer', minimum: b.minimum, maximum: b.maximum });
const settingsBody = {
  type: 'object',
  properties: {
    maxSessionIdleMinutes: minutes(SETTINGS_BOUNDS.maxSessionIdleMinutes),
    maxSessionLifetimeMinutes: minutes(SETTINGS_BOUNDS.maxSessionLifetimeMinutes),
    protectedActionMinutes: minutes(SETTINGS_BOUNDS.protectedActionMinutes),
    asnBinding: {
      type: 'object',
      properties: {
        enabled: { type: 'boolean' },
        allowedAsns: { type: 'array', maxItems: SETTINGS_BOUNDS.listItems, items: { type: 'integer', minimum: 1, maximum: 4294967295 } },
        allowedRanges: { type: 'array', maxItems: SETTINGS_BOUNDS.listItems, items: { type: 'string', minLength: 3, maxLength: 49 } },
      },
      required: ['enabled', 'allowedAsns', 'allowedRanges'],
      additionalProperties: false,
    },
  },
  required: ['maxSessionIdleMinutes', 'maxSessionLifetimeMinutes', 'protectedActionMinutes', 'asnBinding'],
  additionalProperties: false,
} as const;

type PublicKey = { kty: 'EC'; crv: 'P-256'; x: string; y: string };

/** The session behind an authenticated admin request (the auth hook has checked it in full). */
async function currentSession(request: FastifyRequest): Promise<{ session: SessionRow; settings: EffectiveSettings }> {
  const { db, clock } = request.server.deps;
  const tenantId = principalOf(request).tenant.id;
  const settings = await adminSessionSettings(db, tenantId, clock.now().getTime());
  return { session: await liveAdminSession(request, tenantId, settings), settings };
}

function actorOf(p: Principal): LogTarget {
  return { alternateId: p.user.login, detailEntry: null, displayName: p.user.displayName, id: p.user.id, type: 'User' };
}

type Who = { tenant: TenantRef; user: { id: string; login: string; displayName: string }; roles: ReadonlySet<RoleType> };

/**
 * The session as the console shows it: who, in which tenant, with which permissions (the console hides what
 * they do not open; the server still decides every call), until when, from which network.
 */
async function render(request: FastifyRequest, who: Who, session: SessionRow, settings: EffectiveSettings) {
  const tenant = await findTenant(request.server.deps.db, who.tenant.slug);
  const max = session.created.getTime() + Math.min(session.maxMinutes, settings.maxSessionLifetimeMinutes) * 60_000;
  const idle = Math.min(max, session.lastSeen.getTime() + Math.min(session.idleMinutes, settings.maxSessionIdleMinutes) * 60_000);
  return {
    id: session.id,
    tenant: { id: who.tenant.id, slug: who.tenant.slug, name: tenant?.name ?? who.tenant.slug },
    user: who.user,
    roles: [...who.roles].sort(),
    permissions: [...permissionsOf(who.roles)].sort(),
    created: session.created.toISOString(),
    expiresAt: new Date(max).toISOString(),
    idleExpiresAt: new Date(idle).toISOString(),
    lastStepUp: session.lastPhishingResistant?.toISOString() ?? null,
    protectedActionMinutes: settings.protectedActionMinutes,
    network: { ip: session.ipAddress, asNumber: session.asn, asOrg: session.asOrg },
    deviceKeyThumbprint: session.device?.jkt ?? null,
  };
}

/**
 * /api/v1/admin: the admin console's own session (docs/admin-sessions.md) and the tenant's admin session
 * settings. Bulwark's additions; Okta's admin console keeps its session internal.
 */
export async function adminRoutes(app: FastifyInstance): Promise<void> {
  /**
   * A finished admin console sign-in (its sessionToken) becomes an admin session bound to the browser's
   * device key, for active users who hold an admin role.
   */
  app.post<{ Body: { sessionToken: string; publicKey: PublicKey } }>('/session', { config: { auth: 'public' }, schema: { body: startBody } }, async (request, reply) => {
    assertSameOrigin(request);
    const tenant = await request.server.tenantOf(request);
    const { db, clock } = request.server.deps;
    const settings = await adminSessionSettings(db, tenant.id, clock.now().getTime());
    const jwk = { ...request.body.publicKey };
    const device = { jkt: await calculateJwkThumbprint(jwk, 'sha256'), jwk };
    const adminActor = async (userId: string): Promise<LogActor | undefined> => {
      const user = await lookupUser(db, tenant.id, userId);
      return user?.status === 'ACTIVE' && (await roleTypesOf(db, tenant.id, userId)).size > 0 ? userTarget(user) : undefined;
    };
    const started = await startSession(await sessionContextOf(request, tenant.id), request.body.sessionToken, adminActor,
      { device, idleMinutes: settings.maxSessionIdleMinutes, maxMinutes: settings.maxSessionLifetimeMinutes });
    setAdminCookie(request, reply, started.cookie);
    reply.header('dpop-nonce', request.server.proofs.nonce());
    const user = await lookupUser(db, tenant.id, started.session.userId);
    if (!user) throw OktaErrors.authenticationFailed();
    const who = { tenant, user: { id: user.id, login: String(user.profile['login'] ?? ''), displayName: displayNameOf(user.profile) }, roles: await roleTypesOf(db, tenant.id, user.id) };
    return render(request, who, started.session, settings);
  });

  app.get('/session', { config: { auth: 'admin-session' } }, async (request) => {
    const { session, settings } = await currentSession(request);
    return render(request, principalOf(request), session, settings);
  });

  app.delete('/session', { config: { auth: 'admin-session' } }, async (request, reply) => {
    const { db, clock } = request.server.deps;
    const p = principalOf(request);
    const { session } = await currentSession(request);
    await endSession(db, clock, p.tenant.id, auditContextOf(request), session, actorOf(p));
    clearAdminCookie(request, reply);
    return reply.code(204).send();
  });

  /** A fresh passkey sign-in for the admin console, by the session's own user, steps the session up and rotates its cookie. */
  app.post<{ Body: { sessionToken: string } }>('/session/step-up', { config: { auth: 'admin-session' }, schema: { body: stepUpBody } }, async (request, reply) => {
    const p = principalOf(request);
    const { session, settings } = await currentSession(request);
    const stepped = await stepUpSession(await sessionContextOf(request, p.tenant.id), session, request.body.sessionToken, actorOf(p));
    setAdminCookie(request, reply, stepped.cookie);
    return render(request, p, stepped.session, settings);
  });

  app.get('/settings/session', { config: { permission: 'policies.read' } }, async (request) => {
    const { db, clock } = request.server.deps;
    return publicSettings(await adminSessionSettings(db, principalOf(request).tenant.id, clock.now().getTime()));
  });

  app.put<{ Body: AdminSessionSettings }>('/settings/session', {
    config: { permission: 'settings.manage', protectedAction: 'changing the admin session settings' },
    schema: { body: settingsBody },
  }, async (request) => publicSettings(await updateAdminSessionSettings(serviceContextOf(request), request.body)));
}
