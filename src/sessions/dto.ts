import type { SessionRow } from './store.ts';

type Links = Record<string, { name?: string; href: string; hints: { allow: string[] } }>;

/**
 * Okta's Session object. `self` is how the caller addressed it: `me` for the cookie's own session, the id for
 * the admin API. The cookie value never appears in it.
 */
export function toPublicSession(session: SessionRow, user: { login: string; displayName: string }, tenantId: string, base: string, self: string) {
  const links: Links = {
    self: { href: `${base}/api/v1/sessions/${self}`, hints: { allow: ['GET', 'DELETE'] } },
    refresh: { href: `${base}/api/v1/sessions/${self}/lifecycle/refresh`, hints: { allow: ['POST'] } },
    user: { name: user.displayName, href: `${base}/api/v1/users/${session.userId}`, hints: { allow: ['GET'] } },
  };
  return {
    id: session.id,
    userId: session.userId,
    login: user.login,
    createdAt: session.created.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    status: 'ACTIVE',
    lastPasswordVerification: session.lastPasswordVerification?.toISOString() ?? null,
    lastFactorVerification: session.lastFactorVerification?.toISOString() ?? null,
    amr: session.amr,
    idp: { id: tenantId, type: 'OKTA' },
    mfaActive: session.amr.some((m) => m !== 'pwd'),
    _links: links,
  };
}

/**
 * One of the signed-in user's own sessions, as their "where you are signed in" list shows it (Bulwark's own
 * shape): when and where from, for which app, how it signed in, and whether it is the one asking.
 */
export function toOwnSession(session: SessionRow, currentId: string, base: string) {
  return {
    id: session.id,
    current: session.id === currentId,
    app: session.app,
    createdAt: session.created.toISOString(),
    lastSeenAt: session.lastSeen.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    amr: session.amr,
    ipAddress: session.ipAddress,
    asNumber: session.asn,
    asOrg: session.asOrg,
    country: session.country,
    userAgent: session.userAgent,
    _links: { self: { href: `${base}/api/v1/users/me/sessions/${session.id}`, hints: { allow: ['DELETE'] } } },
  };
}
