import { sql } from 'kysely';
import type { Tx } from '#src/db/database.ts';

export type PurgePlan = { tenantId: string; throughSeq: number; hash: string };

/** For each tenant, the newest event older than its retention window, if beyond the current anchor. */
export async function plansForPurge(db: Tx, now: Date): Promise<PurgePlan[]> {
  const rows = await sql<{ tenant_id: string; seq: string; hash: string }>`
    select h.tenant_id, e.seq, e.hash
    from log_chain_heads h
    join tenants t on t.id = h.tenant_id
    cross join lateral (
      select seq, hash from log_events e
      where e.tenant_id = h.tenant_id and e.published < ${now}::timestamptz - make_interval(days => t.log_retention_days)
      order by seq desc limit 1
    ) e
    where e.seq > h.anchor_seq
    for update of h`.execute(db);
  return rows.rows.map((r) => ({ tenantId: r.tenant_id, throughSeq: Number(r.seq), hash: r.hash }));
}

/** Deletes events up to and including `throughSeq` and moves the anchor there; returns how many went. */
export async function purgeThrough(db: Tx, plan: PurgePlan): Promise<number> {
  const deleted = await db.deleteFrom('log_events').where('tenant_id', '=', plan.tenantId).where('seq', '<=', String(plan.throughSeq)).executeTakeFirst();
  await db.deleteFrom('log_checkpoints').where('tenant_id', '=', plan.tenantId).where('seq', '<', String(plan.throughSeq)).execute();
  await db.updateTable('log_chain_heads').set({ anchor_seq: plan.throughSeq, anchor_hash: plan.hash }).where('tenant_id', '=', plan.tenantId).execute();
  return Number(deleted.numDeletedRows);
}
