import { parseCookie, stringifySetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The session cookies: `sid` as Okta names it, and `admin_sid` for the admin console's own session
 * (docs/admin-sessions.md), so that ending one never ends the other. Over https they carry the `__Host-` prefix,
 * which makes the browser refuse them unless Secure, host-only and for path `/`, so no sibling subdomain can
 * set or shadow them. Read and written here, with the `cookie` package, rather than by hooks on every
 * request: only the routes a signed-in browser calls touch cookies, and an API-token request should not pay
 * for them.
 */
export type CookieKind = 'sid' | 'admin_sid' | HelpCenterCookie;

/** The Help Center's cookies, on its own host (src/helpcenter): its session, and a sign-in in flight. */
export type HelpCenterCookie = 'help_sid' | 'help_login';

function cookieName(request: FastifyRequest, kind: CookieKind): string {
  return request.protocol === 'https' ? `__Host-${kind}` : kind;
}

export function readCookie(request: FastifyRequest, kind: CookieKind): string | undefined {
  const header = request.headers.cookie;
  return header === undefined ? undefined : parseCookie(header)[cookieName(request, kind)];
}

/** No Max-Age: the browser forgets it when it closes, and the server enforces the idle and maximum lifetimes. */
function setCookieHeader(request: FastifyRequest, kind: CookieKind, value: string, expires?: Date): string {
  return stringifySetCookie({
    name: cookieName(request, kind), value, httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', path: '/', ...(expires ? { expires } : {}),
  });
}

export function writeCookie(request: FastifyRequest, reply: FastifyReply, kind: CookieKind, value: string, expires?: Date): void {
  reply.header('set-cookie', setCookieHeader(request, kind, value, expires));
}

export function readSessionCookie(request: FastifyRequest): string | undefined {
  return readCookie(request, 'sid');
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, value: string): void {
  writeCookie(request, reply, 'sid', value);
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  writeCookie(request, reply, 'sid', '', new Date(0));
}

/** The Set-Cookie value that clears `sid`, for a response another library writes (oidc-provider's logout). */
export function sessionCookieClearing(request: FastifyRequest): string {
  return setCookieHeader(request, 'sid', '', new Date(0));
}

export function readAdminCookie(request: FastifyRequest): string | undefined {
  return readCookie(request, 'admin_sid');
}

export function setAdminCookie(request: FastifyRequest, reply: FastifyReply, value: string): void {
  writeCookie(request, reply, 'admin_sid', value);
}

export function clearAdminCookie(request: FastifyRequest, reply: FastifyReply): void {
  writeCookie(request, reply, 'admin_sid', '', new Date(0));
}
