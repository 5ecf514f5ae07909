import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateAdminSession, presentsAdminSession, sessionEnded } from '#src/admin/authenticate.ts';
import { protectedActionRefusal } from '#src/admin/protected-actions.ts';
import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { permissionsOf, ROLE_TYPES, type RoleType } from '#src/roles/permissions.ts';
import { recordSupportRead } from '#src/support-access/activity.ts';
import { authenticateSupport, presentsSupportToken } from '#src/support-access/authenticate.ts';
import { findTokenOwner } from '#src/tokens/store.ts';
import { hashToken } from '#src/tokens/token-secret.ts';
import { displayNameOf } from '#src/users/profile.ts';
import { OktaErrors, type AppError } from './errors.ts';
import type { Principal } from './principal.ts';
import { auditContextOf } from './request-context.ts';

/** A user whose token may act: the states in which Okta still lets an admin work. */
const ACTING_STATUSES = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY', 'LOCKED_OUT']);

const CACHE_TTL_MS = 2_000;
const CACHE_LIMIT = 10_000;

/** `useKey` (`tenantId/tokenId`) is built once per lookup: a fresh string per request would be hashed anew. */
type Cached = { principal: Principal | null; useKey: string | null; at: number; expiresAt: number | null };

const SSWS = /^SSWS ([A-Za-z0-9_-]{20,200})$/;

/**
 * Caches token → principal for two seconds so that a read costs one query, not three. Any change to tokens,
 * roles or admin users in this process clears it at once (`invalidate`); other processes see it within the TTL.
 */
export function createAuthenticator(db: Db, clock: Clock) {
  const cache = new Map<string, Cached>();
  /** Epoch milliseconds of each token's latest use, by `tenantId/tokenId`. */
  const lastUsed = new Map<string, number>();
  /** Bumped by `invalidate`, so that a lookup already under way when it ran does not refill the cache. */
  let generation = 0;

  async function lookup(tokenHash: string, now: number): Promise<Cached> {
    const started = generation;
    const owner = await findTokenOwner(db, tokenHash);
    let principal: Principal | null = null;
    if (owner && ACTING_STATUSES.has(owner.userStatus) && (owner.expiresAt === null || owner.expiresAt.getTime() > now)) {
      const roles = new Set(owner.roles.filter((r): r is RoleType => (ROLE_TYPES as readonly string[]).includes(r)));
      principal = {
        tenant: { id: owner.tenantId, slug: owner.tenantSlug, cell: owner.tenantCell },
        user: { id: owner.userId, login: String(owner.profile['login'] ?? ''), displayName: displayNameOf(owner.profile) },
        via: { kind: 'token', tokenId: owner.tokenId },
        roles,
        permissions: permissionsOf(roles),
      };
    }
    const useKey = principal && `${principal.tenant.id}/${owner?.tokenId}`;
    const entry = { principal, useKey, at: now, expiresAt: owner?.expiresAt?.getTime() ?? null };
    if (generation === started) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(tokenHash, entry);
    }
    return entry;
  }

  function used(entry: Cached, now: number): Principal | null {
    if (entry.useKey !== null) lastUsed.set(entry.useKey, now);
    return entry.principal;
  }

  return {
    /**
     * The principal an `Authorization: SSWS …` header stands for, or null. A cached answer comes back at
     * once, not as a promise, so that the request hook needs no extra turn of the event loop.
     */
    authenticate(header: string | undefined): Principal | null | Promise<Principal | null> {
      const match = SSWS.exec(header ?? '');
      if (!match?.[1]) return null;
      const tokenHash = hashToken(match[1]);
      const now = clock.now().getTime();
      const hit = cache.get(tokenHash);
      if (hit && now - hit.at < CACHE_TTL_MS && (hit.expiresAt === null || hit.expiresAt > now)) return used(hit, now);
      return lookup(tokenHash, now).then((entry) => used(entry, now));
    },
    invalidate(): void {
      generation += 1;
      cache.clear();
    },
    /** Token ids used since the last call, with when; written back in batches, not per request. */
    drainLastUsed(): Map<string, Date> {
      const out = new Map([...lastUsed].map(([key, at]) => [key, new Date(at)]));
      lastUsed.clear();
      return out;
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

/** `{slug}.{BASE_DOMAIN}` names a tenant; any other host leaves the token to decide. */
export function tenantSlugFromHost(host: string | undefined, baseDomain: string): string | undefined {
  if (!host) return undefined;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  const suffix = `.${baseDomain.replace(/:\d+$/, '')}`;
  if (!name.endsWith(suffix)) return undefined;
  const slug = name.slice(0, -suffix.length);
  return /^[a-z0-9-]+$/.test(slug) ? slug : undefined;
}

/** Tenant, rate limit and permission checks of an authenticated request; the error to answer with, if any. */
function admit(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, route: FastifyContextConfig, principal: Principal | null): AppError | undefined {
  if (!principal) return OktaErrors.invalidToken();
  const { config, rateLimiter } = app.deps;
  const hostSlug = tenantSlugFromHost(request.headers.host, config.baseDomain);
  if (hostSlug !== undefined && hostSlug !== principal.tenant.slug) return OktaErrors.invalidToken();
  request.principal = principal;

  const bucket = request.url.startsWith('/api/v1/logs') ? 'logs' : 'core';
  const limit = bucket === 'logs' ? Math.max(1, Math.floor(config.rateLimitPerMinute / 10)) : config.rateLimitPerMinute;
  const via = principal.via.kind === 'session' ? principal.via.sessionId : principal.via.tokenId;
  const decision = rateLimiter.hit(`${principal.tenant.id}/${via}/${bucket}`, limit);
  if (!decision.allowed) return OktaErrors.rateLimited(decision.headers);
  reply.headers(decision.headers);
  // Support staff are limited across every organization they hold a grant in, not only within each.
  if (principal.via.kind === 'support') {
    const across = rateLimiter.hit(`support/${principal.via.cell}/${principal.user.id}`, Math.max(1, Math.floor(config.rateLimitPerMinute / 5)));
    if (!across.allowed) return OktaErrors.rateLimited(across.headers);
  }

  if (request.is404) return undefined;
  if (route.auth === 'admin-session') return principal.via.kind === 'session' ? undefined : OktaErrors.forbidden();
  const permission = route.permission;
  // Fail closed: a route under /api that forgot to declare its permission serves nobody.
  if (permission === undefined || !principal.permissions.has(permission)) return OktaErrors.forbidden();
  return undefined;
}

export function installAuth(app: FastifyInstance): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('network', null);
  // Callback style, not async: a request whose token is cached passes without a promise.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (!request.url.startsWith('/api/')) return done();
    // routeOptions is built anew on every read: read it once.
    const route = request.routeOptions.config;
    if (route.auth === 'public') return done();
    if (presentsAdminSession(request)) {
      authenticateAdminSession(request, reply).then((principal) => {
        const error = admit(app, request, reply, route, principal);
        return error ?? (route.protectedAction === undefined || request.is404 ? undefined : protectedActionRefusal(request, route.protectedAction));
      }).then(done, done);
      return;
    }
    if (route.auth === 'admin-session') return done(sessionEnded('no admin session; sign in to the admin console'));
    if (presentsSupportToken(request.headers.authorization)) {
      authenticateSupport(app.deps.db, app.deps.clock, request.headers.authorization).then(async (principal) => {
        const error = admit(app, request, reply, route, principal);
        // Support staff are who the 2022 intruder was: every event of theirs names the AS it came from.
        if (error === undefined) request.network = await app.networkOf(request.ip);
        if (error === undefined && principal && !request.is404 && (request.method === 'GET' || request.method === 'HEAD')) {
          const query = request.url.indexOf('?');
          await recordSupportRead(app.deps.db, app.deps.clock, principal.tenant.id, auditContextOf(request), {
            method: request.method, route: request.routeOptions.url ?? request.url, query: query < 0 ? '' : request.url.slice(query + 1),
          });
        }
        return error;
      }).then(done, done);
      return;
    }
    const found = app.deps.authenticator.authenticate(request.headers.authorization);
    // A read stays on the synchronous path when its token is cached; a write looks its network up for its events.
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      Promise.all([found, app.networkOf(request.ip)]).then(([principal, network]) => {
        request.network = network;
        return admit(app, request, reply, route, principal);
      }).then(done, done);
    } else if (found instanceof Promise) found.then((principal) => admit(app, request, reply, route, principal)).then(done, done);
    else done(admit(app, request, reply, route, found));
  });
}
