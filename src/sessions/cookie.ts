import { parseCookie, stringifySetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The session cookie: `sid` as Okta names it, `__Host-sid` over https, where the prefix makes the browser
 * refuse it unless it is Secure, host-only and for path `/`, so no sibling subdomain can set or shadow it.
 * Read and written here, with the `cookie` package, rather than by hooks on every request: only the routes
 * a signed-in browser calls touch cookies, and an API-token request should not pay for them.
 */
export function sessionCookieName(request: FastifyRequest): string {
  return request.protocol === 'https' ? '__Host-sid' : 'sid';
}

export function readSessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  return header === undefined ? undefined : parseCookie(header)[sessionCookieName(request)];
}

function writeCookie(request: FastifyRequest, reply: FastifyReply, value: string, expires?: Date): void {
  reply.header('set-cookie', stringifySetCookie({
    name: sessionCookieName(request), value, httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', path: '/', ...(expires ? { expires } : {}),
  }));
}

/** No Max-Age: the browser forgets it when it closes, and the server enforces the idle and maximum lifetimes. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, value: string): void {
  writeCookie(request, reply, value);
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  writeCookie(request, reply, '', new Date(0));
}
