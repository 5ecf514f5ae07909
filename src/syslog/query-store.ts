import { sql, type RawBuilder } from 'kysely';
import Cursor from 'pg-cursor';
import { withConnection, type Db, type Executor } from '#src/db/database.ts';

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

export type WindowRow = { tenant_id: string; event: string };

/**
 * Every event published in [since, until), of the given tenants or of all, handed over `batch` rows at a time
 * from one cursor in one read-only snapshot, so a concurrent append is either wholly in or wholly out.
 */
export async function eachEventInWindow(db: Db, since: Date, until: Date, tenantIds: readonly string[] | null, batch: number, onRows: (rows: WindowRow[]) => Promise<void>): Promise<void> {
  await withConnection(db, async (client) => {
    await client.query('begin isolation level repeatable read read only');
    try {
      const params: unknown[] = [since, until];
      let text = 'select tenant_id, event from log_events where published >= $1 and published < $2';
      if (tenantIds !== null) {
        params.push(tenantIds);
        text += ' and tenant_id = any($3::text[])';
      }
      const cursor = client.query(new Cursor<WindowRow>(text, params));
      for (let rows = await cursor.read(batch); rows.length > 0; rows = await cursor.read(batch)) await onRows(rows);
      await cursor.close();
    } finally {
      await client.query('rollback');
    }
  });
}
