import type { Selectable } from 'kysely';
import type { Executor, Tx } from '#src/db/database.ts';
import type { ReportDownloadsTable, ReportRunsTable } from '#src/db/schema.ts';
import type { Filters } from './templates.ts';

export type RunStatus = 'READY' | 'PENDING_APPROVAL' | 'APPROVED' | 'DENIED';

export type RunRow = {
  id: string;
  cell: string;
  template: string;
  templateVersion: number;
  filters: Filters;
  fields: string[];
  personalFields: string[];
  rows: number;
  bulk: boolean;
  reason: string | null;
  status: RunStatus;
  requestedBy: string;
  requestedByName: string;
  created: Date;
  expires: Date;
  decidedBy: string | null;
  decidedByName: string | null;
  decided: Date | null;
  decisionNote: string | null;
};

export type DownloadStatus = 'SERVING' | 'COMPLETE' | 'ABORTED';

export type DownloadRow = {
  id: string;
  runId: string;
  cell: string;
  template: string;
  templateVersion: number;
  filters: Filters;
  fields: string[];
  format: 'csv' | 'xlsx';
  asOf: Date;
  watermark: string;
  canaryEmail: string;
  rows: number;
  bytes: number | null;
  sha256: string | null;
  contentSha256: string | null;
  status: DownloadStatus;
  downloadedBy: string;
  downloadedByName: string;
  started: Date;
  finished: Date | null;
};

const toRun = (r: Selectable<ReportRunsTable>): RunRow => ({
  id: r.id, cell: r.cell, template: r.template, templateVersion: r.template_version, filters: r.filters, fields: r.fields, personalFields: r.personal_fields,
  rows: r.row_count, bulk: r.bulk, reason: r.reason, status: r.status as RunStatus, requestedBy: r.requested_by, requestedByName: r.requested_by_name,
  created: r.created, expires: r.expires, decidedBy: r.decided_by, decidedByName: r.decided_by_name, decided: r.decided, decisionNote: r.decision_note,
});

const toDownload = (r: Selectable<ReportDownloadsTable>): DownloadRow => ({
  id: r.id, runId: r.run_id, cell: r.cell, template: r.template, templateVersion: r.template_version, filters: r.filters, fields: r.fields,
  format: r.format as DownloadRow['format'], asOf: r.as_of, watermark: r.watermark, canaryEmail: r.canary_email, rows: r.row_count,
  bytes: r.bytes === null ? null : Number(r.bytes), sha256: r.sha256, contentSha256: r.content_sha256, status: r.status as DownloadStatus,
  downloadedBy: r.downloaded_by, downloadedByName: r.downloaded_by_name, started: r.started, finished: r.finished,
});

export async function insertRun(tx: Tx, planeId: string, run: RunRow): Promise<void> {
  await tx.insertInto('report_runs').values({
    tenant_id: planeId, id: run.id, cell: run.cell, template: run.template, template_version: run.templateVersion, filters: JSON.stringify(run.filters),
    fields: run.fields, personal_fields: run.personalFields, row_count: run.rows, bulk: run.bulk, reason: run.reason, status: run.status,
    requested_by: run.requestedBy, requested_by_name: run.requestedByName, created: run.created, expires: run.expires,
    decided_by: null, decided_by_name: null, decided: null, decision_note: null,
  }).execute();
}

export async function findRun(db: Executor, planeId: string, id: string, lock = false): Promise<RunRow | undefined> {
  let q = db.selectFrom('report_runs').selectAll().where('tenant_id', '=', planeId).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toRun(row);
}

/** A person's runs, or (requestedBy undefined) those waiting for a decision; newest first. */
export async function listRuns(db: Executor, planeId: string, which: { requestedBy: string } | { pending: true }, limit: number): Promise<RunRow[]> {
  let q = db.selectFrom('report_runs').selectAll().where('tenant_id', '=', planeId);
  q = 'pending' in which ? q.where('status', '=', 'PENDING_APPROVAL') : q.where('requested_by', '=', which.requestedBy);
  return (await q.orderBy('created', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toRun);
}

export async function decideRun(tx: Tx, planeId: string, id: string, decision: { status: 'APPROVED' | 'DENIED'; by: string; byName: string; at: Date; note: string; expires: Date }): Promise<void> {
  await tx.updateTable('report_runs').set({
    status: decision.status, decided_by: decision.by, decided_by_name: decision.byName, decided: decision.at, decision_note: decision.note, expires: decision.expires,
  }).where('tenant_id', '=', planeId).where('id', '=', id).execute();
}

export async function insertDownload(tx: Tx, planeId: string, d: DownloadRow): Promise<void> {
  await tx.insertInto('report_downloads').values({
    tenant_id: planeId, id: d.id, run_id: d.runId, cell: d.cell, template: d.template, template_version: d.templateVersion, filters: JSON.stringify(d.filters),
    fields: d.fields, format: d.format, as_of: d.asOf, watermark: d.watermark, canary_email: d.canaryEmail, row_count: d.rows, bytes: null, sha256: null,
    content_sha256: null, status: d.status, downloaded_by: d.downloadedBy, downloaded_by_name: d.downloadedByName, started: d.started, finished: null,
  }).execute();
}

export async function finishDownload(tx: Tx, planeId: string, id: string, end: { status: 'COMPLETE' | 'ABORTED'; rows: number; bytes: number; sha256: string; contentSha256: string | null; at: Date }): Promise<void> {
  await tx.updateTable('report_downloads').set({ status: end.status, row_count: end.rows, bytes: end.bytes, sha256: end.sha256, content_sha256: end.contentSha256, finished: end.at })
    .where('tenant_id', '=', planeId).where('id', '=', id).execute();
}

export async function downloadsSince(db: Executor, planeId: string, person: string, since: Date): Promise<number> {
  const row = await db.selectFrom('report_downloads').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', planeId).where('downloaded_by', '=', person).where('started', '>=', since).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The byte sizes of a template's last complete downloads in one format before this one, newest first (an XLSX
 * file is many times the CSV of the same rows; downloads of one instant in the order of their ids).
 */
export async function recentSizes(db: Executor, planeId: string, template: string, format: string, except: string, limit: number): Promise<number[]> {
  const rows = await db.selectFrom('report_downloads').select('bytes').where('tenant_id', '=', planeId).where('template', '=', template).where('format', '=', format)
    .where('status', '=', 'COMPLETE').where('id', '<>', except).orderBy('started', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => Number(r.bytes));
}

export async function listDownloads(db: Executor, planeId: string, limit: number): Promise<DownloadRow[]> {
  return (await db.selectFrom('report_downloads').selectAll().where('tenant_id', '=', planeId).orderBy('started', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toDownload);
}

export async function findDownload(db: Executor, planeId: string, id: string): Promise<DownloadRow | undefined> {
  const row = await db.selectFrom('report_downloads').selectAll().where('tenant_id', '=', planeId).where('id', '=', id).executeTakeFirst();
  return row && toDownload(row);
}

/** The download a leaked file's marker or canary names, in this plane. */
export async function downloadByWatermark(db: Executor, planeId: string, mark: { watermark: string } | { canaryEmails: string[] }): Promise<DownloadRow | undefined> {
  let q = db.selectFrom('report_downloads').selectAll().where('tenant_id', '=', planeId);
  if ('watermark' in mark) q = q.where('watermark', '=', mark.watermark);
  else if (mark.canaryEmails.length === 0) return undefined;
  else q = q.where('canary_email', 'in', mark.canaryEmails);
  const row = await q.limit(1).executeTakeFirst();
  return row && toDownload(row);
}
