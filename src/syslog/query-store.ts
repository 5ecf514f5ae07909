import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '#src/db/database.ts';

export type LogQuery = {
  since: Date;
  until: Date | null;
  where: RawBuilder<boolean>[];
  limit: number;
  descending: boolean;
  /** Polling reads in persistence order (seq); bounded reads in published order. */
  order: 'seq' | 'published';
  afterSeq?: number;
  afterPublished?: Date;
  maxSeq?: number;
};

export type LogRow = { seq: string; published: Date; event: string };

/** One page of a tenant's events, one row beyond `limit` telling whether more exist. */
export async function queryLogRows(db: Executor, tenantId: string, q: LogQuery): Promise<LogRow[]> {
  let query = db.selectFrom('log_events').select(['seq', 'published', 'event']).where('tenant_id', '=', tenantId).where('published', '>=', q.since);
  if (q.until) query = query.where('published', '<', q.until);
  if (q.maxSeq !== undefined) query = query.where('seq', '<=', String(q.maxSeq));
  for (const w of q.where) query = query.where(w);
  const dir = q.descending ? 'desc' : 'asc';
  if (q.order === 'seq') {
    if (q.afterSeq !== undefined) query = query.where('seq', q.descending ? '<' : '>', String(q.afterSeq));
    query = query.orderBy('seq', dir);
  } else {
    if (q.afterPublished !== undefined && q.afterSeq !== undefined) {
      const cmp = q.descending ? sql`<` : sql`>`;
      query = query.where(sql<boolean>`(published, seq) ${cmp} (${q.afterPublished}, ${q.afterSeq})`);
    }
    query = query.orderBy('published', dir).orderBy('seq', dir);
  }
  return query.limit(q.limit + 1).execute();
}

export async function retentionDays(db: Executor, tenantId: string): Promise<number> {
  const row = await db.selectFrom('tenants').select('log_retention_days').where('id', '=', tenantId).executeTakeFirstOrThrow();
  return row.log_retention_days;
}

export async function chainHeadSeq(db: Executor, tenantId: string): Promise<number> {
  const row = await db.selectFrom('log_chain_heads').select('seq').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ? Number(row.seq) : 0;
}
