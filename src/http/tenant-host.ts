import type { FastifyRequest } from 'fastify';
import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { findTenant } from '#src/tenants/service.ts';
import { tenantSlugFromHost } from './auth.ts';
import { OktaErrors } from './errors.ts';

/** The tenant an unauthenticated request (sign-in, sessions by cookie) addresses through its Host header. */
export type TenantRef = { id: string; slug: string; cell: string };

const TTL_MS = 30_000;
const LIMIT = 10_000;

/**
 * Host → tenant, cached for 30 s: sign-in pages and cookies name the tenant only by host, and tenants are
 * created far more rarely than they are signed in to. A slug that names no tenant is cached too, so a flood
 * of made-up hosts costs one query per host per TTL.
 */
export function createTenantResolver(db: Db, clock: Clock, baseDomain: string) {
  const cache = new Map<string, { tenant: TenantRef | null; at: number }>();
  return async function tenantOf(request: FastifyRequest): Promise<TenantRef> {
    const slug = tenantSlugFromHost(request.headers.host, baseDomain);
    if (slug === undefined) throw OktaErrors.notFound(`${request.hostname} (Org)`);
    const now = clock.now().getTime();
    let hit = cache.get(slug);
    if (!hit || now - hit.at >= TTL_MS) {
      const row = await findTenant(db, slug);
      hit = { tenant: row ? { id: row.id, slug: row.slug, cell: row.cell } : null, at: now };
      if (cache.size >= LIMIT) cache.clear();
      cache.set(slug, hit);
    }
    if (!hit.tenant) throw OktaErrors.notFound(`${slug} (Org)`);
    return hit.tenant;
  };
}

export type TenantResolver = ReturnType<typeof createTenantResolver>;
