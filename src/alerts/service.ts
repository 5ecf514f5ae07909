import type { Db, Tx } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import { findAlert, insertAlert, insertAlertRows, queryAlerts, type AlertRow } from './store.ts';

export type { AlertRow };

/** Raises an alert for the tenant's admins inside the transaction that logged what caused it. */
export async function raiseAlert(tx: Tx, tenantId: string, alert: Omit<AlertRow, 'id'>): Promise<AlertRow> {
  const row = { id: newId('alr'), ...alert };
  await insertAlert(tx, tenantId, row);
  return row;
}

/**
 * Several alerts, each for its tenant's admins, written together inside the caller's transaction: for a job
 * that raises many at once (the detection worker), one statement instead of one per alert.
 */
export async function raiseAlerts(tx: Tx, alerts: readonly { tenantId: string; alert: Omit<AlertRow, 'id'> }[]): Promise<AlertRow[]> {
  const rows = alerts.map(({ tenantId, alert }) => ({ tenantId, id: newId('alr'), ...alert }));
  await insertAlertRows(tx, rows);
  return rows.map(({ tenantId: _tenant, ...row }) => row);
}

export function listAlerts(db: Db, tenantId: string, limit: number, after?: AlertRow): Promise<AlertRow[]> {
  return queryAlerts(db, tenantId, limit, after);
}

export async function getAlert(db: Db, tenantId: string, id: string): Promise<AlertRow> {
  const alert = await findAlert(db, tenantId, id);
  if (!alert) throw OktaErrors.notFound(`${id} (Alert)`);
  return alert;
}
