import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The session cookie: `sid` as Okta names it, `__Host-sid` over https, where the prefix makes the browser
 * refuse it unless it is Secure, host-only and for path `/`, so no sibling subdomain can set or shadow it.
 */
export function sessionCookieName(request: FastifyRequest): string {
  return request.protocol === 'https' ? '__Host-sid' : 'sid';
}

export function readSessionCookie(request: FastifyRequest): string | undefined {
  return request.cookies[sessionCookieName(request)];
}

/** No Max-Age: the browser forgets it when it closes, and the server enforces the idle and maximum lifetimes. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, value: string): void {
  reply.setCookie(sessionCookieName(request), value, { httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', path: '/' });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(request), { httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', path: '/' });
}
