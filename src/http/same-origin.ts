import type { FastifyRequest } from 'fastify';
import { OktaErrors } from './errors.ts';
import { originOf } from './request-context.ts';

/**
 * CSRF defence for state changes authenticated by the session cookie alone. A browser names the page that
 * made a request in `Sec-Fetch-Site` and `Origin`; a change is refused when either says another site made
 * it. SameSite=Lax already keeps the cookie off cross-site POSTs; this holds even where that does not.
 */
export function assertSameOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw OktaErrors.forbidden();
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== originOf(request)) throw OktaErrors.forbidden();
}
