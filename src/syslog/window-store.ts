import { sql } from 'kysely';
import type { Executor } from '#src/db/database.ts';

export type TenantWindow = { since: Date; until: Date; eventTypes?: readonly string[]; actorIds?: readonly string[] };

export type TenantWindowRow = { seq: string; published: Date; event: string };

/**
 * One page of a tenant's events published in [since, until), in published order, after `after` when given: by
 * event type on log_events_type, by actor on log_events_actor, else on log_events_published.
 */
export async function windowRows(db: Executor, tenantId: string, q: TenantWindow, after: { published: Date; seq: string } | undefined, limit: number): Promise<TenantWindowRow[]> {
  let query = db.selectFrom('log_events').select(['seq', 'published', 'event'])
    .where('tenant_id', '=', tenantId).where('published', '>=', q.since).where('published', '<', q.until);
  if (q.eventTypes) query = query.where('event_type', 'in', [...q.eventTypes]);
  if (q.actorIds) query = query.where('actor_id', 'in', [...q.actorIds]);
  if (after) query = query.where(sql<boolean>`(published, seq) > (${after.published}, ${after.seq})`);
  return query.orderBy('published').orderBy('seq').limit(limit).execute();
}
