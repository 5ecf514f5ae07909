import type { Executor } from '#src/db/database.ts';

export type TenantRow = { id: string; slug: string; name: string; cell: string; logRetentionDays: number; created: Date };

const columns = ['id', 'slug', 'name', 'cell', 'log_retention_days', 'created'] as const;

function toRow(r: { id: string; slug: string; name: string; cell: string; log_retention_days: number; created: Date }): TenantRow {
  return { id: r.id, slug: r.slug, name: r.name, cell: r.cell, logRetentionDays: r.log_retention_days, created: r.created };
}

export async function insertTenant(db: Executor, t: TenantRow): Promise<void> {
  await db.insertInto('tenants').values({ id: t.id, slug: t.slug, name: t.name, cell: t.cell, log_retention_days: t.logRetentionDays, created: t.created }).execute();
}

export async function findTenantBySlug(db: Executor, slug: string): Promise<TenantRow | undefined> {
  const row = await db.selectFrom('tenants').select(columns).where('slug', '=', slug).executeTakeFirst();
  return row && toRow(row);
}

export async function findTenantById(db: Executor, id: string): Promise<TenantRow | undefined> {
  const row = await db.selectFrom('tenants').select(columns).where('id', '=', id).executeTakeFirst();
  return row ? toRow(row) : undefined;
}

export async function listTenantRows(db: Executor): Promise<TenantRow[]> {
  const rows = await db.selectFrom('tenants').select(columns).orderBy('created').orderBy('slug').execute();
  return rows.map(toRow);
}

export async function setRetention(db: Executor, tenantId: string, days: number): Promise<void> {
  await db.updateTable('tenants').set({ log_retention_days: days }).where('id', '=', tenantId).execute();
}
