import type { FastifyReply, FastifyRequest } from 'fastify';
import { proveDevice } from '#src/http/device-proof.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import type { Principal } from '#src/http/principal.ts';
import { publicAuditContext } from '#src/http/request-context.ts';
import { assertSameOrigin } from '#src/http/same-origin.ts';
import { auditNetwork } from '#src/network/resolver.ts';
import { permissionsOf } from '#src/roles/permissions.ts';
import { roleTypesOf } from '#src/roles/service.ts';
import { readAdminCookie } from '#src/sessions/cookie.ts';
import { anySessionForCookie, cachedSessionForCookie, refuseSessionContext, sessionForCookie, type DeviceKey, type LifetimeCap, type SessionRow } from '#src/sessions/service.ts';
import type { LogTarget } from '#src/syslog/log-event.ts';
import { displayNameOf } from '#src/users/profile.ts';
import { lookupUser, userTarget } from '#src/users/service.ts';
import { adminSessionSettings, networkAllowed, type EffectiveSettings } from './settings.ts';

/** Okta's "Invalid session": the admin must sign in again (none, timed out, signed out, or ended for its network). */
export function sessionEnded(cause: string): AppError {
  return new AppError(401, 'E0000005', 'Invalid session', [`session: ${cause}`]);
}

/** Whether the request presents an admin session cookie (and no API token): the admin console's calls. */
export function presentsAdminSession(request: FastifyRequest): boolean {
  return request.headers.authorization === undefined && readAdminCookie(request) !== undefined;
}

const PRINCIPAL_TTL_MS = 2_000;
/** Session id → its principal, so that a click in the console costs no user or role query. */
const principals = new Map<string, { principal: Principal; at: number }>();

async function principalOf(request: FastifyRequest, tenant: Principal['tenant'], session: SessionRow, now: number): Promise<Principal | null> {
  const hit = principals.get(session.id);
  if (hit && now - hit.at < PRINCIPAL_TTL_MS && hit.principal.via.kind === 'session' && hit.principal.via.lastPhishingResistant === session.lastPhishingResistant) return hit.principal;
  const { db } = request.server.deps;
  const user = await lookupUser(db, tenant.id, session.userId);
  const roles = await roleTypesOf(db, tenant.id, session.userId);
  if (!user || user.status !== 'ACTIVE' || roles.size === 0) return null;
  const principal: Principal = {
    tenant,
    user: { id: user.id, login: String(user.profile['login'] ?? ''), displayName: displayNameOf(user.profile) },
    via: { kind: 'session', sessionId: session.id, lastPhishingResistant: session.lastPhishingResistant },
    roles,
    permissions: permissionsOf(roles),
  };
  if (principals.size >= 10_000) principals.clear();
  principals.set(session.id, { principal, at: now });
  return principal;
}

/**
 * The admin session the request's cookie names, live under the tenant's timeouts as they are now (they may
 * have been shortened since it started), or Okta's "Invalid session".
 */
export async function liveAdminSession(request: FastifyRequest, tenantId: string, settings: EffectiveSettings): Promise<SessionRow & { device: DeviceKey }> {
  const { db, clock } = request.server.deps;
  const cookie = readAdminCookie(request);
  const cap = { idleMinutes: settings.maxSessionIdleMinutes, maxMinutes: settings.maxSessionLifetimeMinutes };
  const session = cachedSessionForCookie(clock, tenantId, cookie, cap) ?? await sessionForCookie(db, clock, tenantId, cookie, cap);
  if (session?.device) return { ...session, device: session.device };
  throw sessionEnded(whyEnded(session ? undefined : await anySessionForCookie(db, tenantId, cookie), cap, clock.now().getTime()));
}

const duration = (minutes: number) => (minutes % 60 === 0 ? `${minutes / 60} hours` : `${minutes} minutes`);

/**
 * What the admin is told (the console shows it as is): which limit ended the session, and what to do. The
 * cookie is the caller's own secret, so saying which limit it reached tells nobody anything new.
 */
function whyEnded(ended: SessionRow | undefined, cap: LifetimeCap, now: number): string {
  // Gone, or an end-user session's value put in admin_sid, which is no admin session whatever its state.
  if (!ended?.device) return 'There is no admin session: it was signed out, here or by an administrator. Sign in again.';
  const maxMinutes = Math.min(ended.maxMinutes, cap.maxMinutes);
  if (now >= ended.created.getTime() + maxMinutes * 60_000) return `The admin session reached its maximum of ${duration(maxMinutes)}. Sign in again.`;
  return `The admin session ended after ${Math.min(ended.idleMinutes, cap.idleMinutes)} minutes without activity. Sign in again.`;
}

async function ownerTarget(request: FastifyRequest, tenantId: string, session: SessionRow): Promise<LogTarget> {
  const owner = await lookupUser(request.server.deps.db, tenantId, session.userId);
  return owner ? userTarget(owner) : { alternateId: 'unknown', detailEntry: null, displayName: 'unknown', id: session.userId, type: 'User' };
}

function asName(asn: number | null, org: string | null): string {
  return asn === null ? 'an unknown network' : `AS${asn}${org ? ` (${org})` : ''}`;
}

/**
 * The admin console session a request presents, checked in full on every request (docs/admin-sessions.md):
 * the cookie names a live admin session of this host's tenant within the tenant's timeouts; the request comes
 * from this origin and carries a proof signed by the session's device key; it comes from the network the
 * session started in (or one the tenant allows); and the session's user is an active admin. A proof that
 * fails is logged and refused, the session kept (the cookie may have been copied; its owner still holds the
 * key); a request from another network ends the session, which only a new passkey sign-in replaces.
 */
export async function authenticateAdminSession(request: FastifyRequest, reply: FastifyReply): Promise<Principal> {
  const { db, clock } = request.server.deps;
  const tenant = await request.server.tenantOf(request);
  const now = clock.now().getTime();
  const settings = await adminSessionSettings(db, tenant.id, now);
  const session = await liveAdminSession(request, tenant.id, settings);
  assertSameOrigin(request);

  reply.header('dpop-nonce', request.server.proofs.nonce());
  await proveDevice(request, session, async (reason) => {
    const user = await ownerTarget(request, tenant.id, session);
    await refuseSessionContext(db, clock, tenant.id, publicAuditContext(request, user), session, user, {
      reason: 'DEVICE_PROOF_INVALID', endSession: false, debugData: { refusal: reason, deviceKeyThumbprint: session.device.jkt },
    });
  });

  const network = await request.server.networkOf(request.ip);
  request.network = network;
  if (!networkAllowed(settings, session.asn, network)) {
    const target = await ownerTarget(request, tenant.id, session);
    await refuseSessionContext(db, clock, tenant.id, { ...publicAuditContext(request, target), network: auditNetwork(network) }, session, target, {
      reason: 'ASN_CHANGED', endSession: true,
      debugData: { sessionAsNumber: session.asn, sessionIpAddress: session.ipAddress, requestAsNumber: network.asn, requestIpAddress: network.ip },
    });
    throw sessionEnded(`The admin session was started from ${asName(session.asn, session.asOrg)} and this request came from ${asName(network.asn, network.asOrg)}, so it has ended. Sign in again with your passkey.`);
  }

  const principal = await principalOf(request, tenant, session, now);
  if (!principal) throw OktaErrors.forbidden();
  return principal;
}
