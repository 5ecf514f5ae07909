import type { Executor, Tx } from '#src/db/database.ts';
import type { Incident } from './impact.ts';

export type InvestigationRow = { id: string; name: string; incident: Incident; createdBy: string; createdByName: string; created: Date };

const columns = ['id', 'name', 'incident', 'created_by', 'created_by_name', 'created'] as const;

type Raw = { id: string; name: string; incident: unknown; created_by: string; created_by_name: string; created: Date };
const toRow = (r: Raw): InvestigationRow => ({ id: r.id, name: r.name, incident: r.incident as Incident, createdBy: r.created_by, createdByName: r.created_by_name, created: r.created });

export async function insertInvestigation(tx: Tx, tenantId: string, row: InvestigationRow): Promise<void> {
  await tx.insertInto('investigations').values({
    tenant_id: tenantId, id: row.id, name: row.name, incident: JSON.stringify(row.incident), created_by: row.createdBy, created_by_name: row.createdByName, created: row.created,
  }).execute();
}

export async function findInvestigation(db: Executor, tenantId: string, id: string): Promise<InvestigationRow | undefined> {
  const row = await db.selectFrom('investigations').select(columns).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return row && toRow(row);
}

/** Newest first; `after` is the last row of the previous page. */
export async function queryInvestigations(db: Executor, tenantId: string, limit: number, after?: InvestigationRow): Promise<InvestigationRow[]> {
  let q = db.selectFrom('investigations').select(columns).where('tenant_id', '=', tenantId);
  if (after) q = q.where((eb) => eb.or([eb('created', '<', after.created), eb.and([eb('created', '=', after.created), eb('id', '<', after.id)])]));
  const rows = await q.orderBy('created', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRow);
}

export async function deleteInvestigationRow(tx: Tx, tenantId: string, id: string): Promise<InvestigationRow | undefined> {
  const row = await tx.deleteFrom('investigations').where('tenant_id', '=', tenantId).where('id', '=', id).returning(columns).executeTakeFirst();
  return row && toRow(row);
}
