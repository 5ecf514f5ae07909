import { sql } from 'kysely';
import type { Executor } from '#src/db/database.ts';

export type ChainHead = { tenantId: string; seq: number };
export type TenantRange = { tenantId: string; after: number; through: number };
export type TailedEvent = { tenantId: string; seq: number; event: string };

export async function allHeads(db: Executor): Promise<ChainHead[]> {
  const rows = await db.selectFrom('log_chain_heads').select(['tenant_id', 'seq']).execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, seq: Number(r.seq) }));
}

/**
 * Each range's events, at most `perTenant` of each, in one statement: a lateral index scan per tenant on the
 * (tenant_id, seq) key, so a poller of many tenants pays one round trip, not one per tenant.
 */
export async function eventsInRanges(db: Executor, ranges: readonly TenantRange[], perTenant: number): Promise<TailedEvent[]> {
  if (ranges.length === 0) return [];
  const { rows } = await sql<{ tenant_id: string; seq: string; event: string }>`
    select r.tenant_id, e.seq, e.event
    from unnest(${ranges.map((r) => r.tenantId)}::text[], ${ranges.map((r) => String(r.after))}::bigint[], ${ranges.map((r) => String(r.through))}::bigint[]) as r(tenant_id, after_seq, through_seq)
    cross join lateral (
      select l.seq, l.event from log_events l
      where l.tenant_id = r.tenant_id and l.seq > r.after_seq and l.seq <= r.through_seq
      order by l.seq limit ${perTenant}
    ) e`.execute(db);
  return rows.map((r) => ({ tenantId: r.tenant_id, seq: Number(r.seq), event: r.event }));
}
