import type { FastifyRequest } from 'fastify';
import { auditNetwork } from '#src/network/resolver.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { AuditContext, LogActor } from '#src/syslog/log-event.ts';
import { OktaErrors } from './errors.ts';
import { principalActor, principalDetail, type Principal } from './principal.ts';

/** The authenticated principal of an /api request; the auth hook guarantees it exists there. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw OktaErrors.invalidToken();
  return request.principal;
}

/** Who, from where, in which request: what every System Log event of this request carries. */
export function auditContextOf(request: FastifyRequest): AuditContext {
  const p = principalOf(request);
  return {
    actor: principalActor(p),
    ipAddress: request.ip,
    ...ipChainOf(request),
    userAgent: request.headers['user-agent'] ?? null,
    // Transaction keys in RFC 8785 order, as build-event.ts explains.
    transaction: { detail: principalDetail(p), id: request.id, type: 'WEB' },
    requestUri: request.url.split('?')[0] ?? request.url,
    ...(p.via.kind === 'session' ? { sessionId: p.via.sessionId } : {}),
    ...(request.network ? { network: auditNetwork(request.network) } : {}),
  };
}

/**
 * Behind trusted proxies, the chain they vouch for, client first (Fastify lists it nearest first); without
 * them there is no chain beyond the client itself.
 */
function ipChainOf(request: FastifyRequest): { ipChain?: string[] } {
  const ips = request.ips;
  return ips === undefined || ips.length < 2 ? {} : { ipChain: [...ips].reverse() };
}

/** The audit context of a request made without an API token (sign-in, a session cookie), for `actor`. */
export function publicAuditContext(request: FastifyRequest, actor: LogActor): AuditContext {
  return {
    actor,
    ipAddress: request.ip,
    ...ipChainOf(request),
    userAgent: request.headers['user-agent'] ?? null,
    transaction: { detail: {}, id: request.id, type: 'WEB' },
    requestUri: request.url.split('?')[0] ?? request.url,
  };
}

/**
 * The origin of the principal's tenant, `{scheme}://{slug}.{BASE_DOMAIN}[:port]`, for links its users open
 * (an API call may have come in on another host name, such as 127.0.0.1).
 */
export function tenantOriginOf(request: FastifyRequest): string {
  const { baseDomain } = request.server.deps.config;
  const port = /:\d+$/.test(baseDomain) ? '' : (/:(\d+)$/.exec(request.host)?.[0] ?? '');
  return `${request.protocol}://${principalOf(request).tenant.slug}.${baseDomain}${port}`;
}

/**
 * This request's origin as a browser writes it (`Origin` header, `URL.origin`): a default port named in the
 * Host header (`:80` over http) is left out.
 */
export function originOf(request: FastifyRequest): string {
  return new URL(baseUrlOf(request)).origin;
}

/** The absolute base URL of this request, for `_links` and `Link` headers. */
export function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** The service context of an /api request: the tenant comes from the authenticated token, nowhere else. */
export function serviceContextOf(request: FastifyRequest): ServiceContext {
  const p = principalOf(request);
  const { db, clock, authenticator } = request.server.deps;
  return {
    db,
    clock,
    tenantId: p.tenant.id,
    audit: auditContextOf(request),
    actor: { userId: p.user.id, roles: p.roles, ...(p.via.kind === 'support' ? { support: true as const } : {}) },
    authChanged: () => authenticator.invalidate(),
  };
}
