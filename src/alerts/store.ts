import type { Executor, Tx } from '#src/db/database.ts';

export type AlertRow = { id: string; type: string; severity: string; userId: string | null; created: Date; details: Record<string, unknown> };

export async function insertAlert(tx: Tx, tenantId: string, a: AlertRow): Promise<void> {
  await tx.insertInto('security_alerts').values({
    tenant_id: tenantId, id: a.id, type: a.type, severity: a.severity, user_id: a.userId, created: a.created, details: JSON.stringify(a.details),
  }).execute();
}

/** Rows per insert: 7 parameters each stays far below PostgreSQL's 65,535. */
const INSERT_CHUNK = 1_000;

/** Alerts of any tenants in as few statements as fit, for a job that raises many at once. */
export async function insertAlertRows(tx: Tx, rows: readonly (AlertRow & { tenantId: string })[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx.insertInto('security_alerts').values(rows.slice(i, i + INSERT_CHUNK).map((a) => ({
      tenant_id: a.tenantId, id: a.id, type: a.type, severity: a.severity, user_id: a.userId, created: a.created, details: JSON.stringify(a.details),
    }))).execute();
  }
}

/** Newest first, `limit` at most, after the alert `after` (keyset paging on created, id). */
export async function queryAlerts(db: Executor, tenantId: string, limit: number, after?: { created: Date; id: string }): Promise<AlertRow[]> {
  let q = db.selectFrom('security_alerts').select(['id', 'type', 'severity', 'user_id', 'created', 'details']).where('tenant_id', '=', tenantId);
  if (after) q = q.where((eb) => eb.or([eb('created', '<', after.created), eb.and([eb('created', '=', after.created), eb('id', '<', after.id)])]));
  const rows = await q.orderBy('created', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, type: r.type, severity: r.severity, userId: r.user_id, created: r.created, details: r.details }));
}

export async function findAlert(db: Executor, tenantId: string, id: string): Promise<AlertRow | undefined> {
  const r = await db.selectFrom('security_alerts').select(['id', 'type', 'severity', 'user_id', 'created', 'details']).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && { id: r.id, type: r.type, severity: r.severity, userId: r.user_id, created: r.created, details: r.details };
}
