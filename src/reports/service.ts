import { createHash, type Hash } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { raiseAlert } from '#src/alerts/service.ts';
import { logInPlane, type StaffContext } from '#src/cases/staff-service.ts';
import { withConnection, type Tx } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import { findTenant, listTenants } from '#src/tenants/service.ts';
import type { LogTarget } from '#src/syslog/log-event.ts';
import { ReportErrors } from './errors.ts';
import { excelJs } from './excel.ts';
import { countRows, renderCsv, type AppliedFilter, type RenderSpec } from './render.ts';
import {
  decideRun, downloadByWatermark, downloadsSince, findDownload, findRun, finishDownload, insertDownload, insertRun, listDownloads, listRuns, recentSizes,
  type DownloadRow, type RunRow,
} from './store.ts';
import { hasPersonalFields, templateById, TEMPLATES, type FilterName, type Filters, type ReportTemplate } from './templates.ts';
import { canaryEmailsIn, canaryOf, markerIn, newWatermark } from './watermark.ts';
import { csvToXlsx } from './xlsx.ts';

export type { DownloadRow, RunRow };
export { TEMPLATES };

const HOUR_MS = 3_600_000;
/** How long a request for a bulk export waits for a decision, and how long a run or an approval lasts. */
const REQUEST_TTL_MS = 24 * HOUR_MS;
const RUN_TTL_MS = HOUR_MS;
const DOWNLOADS_PER_HOUR = 10;
/** A download this many times larger than the median of the template's recent ones in its format raises an alert. */
const OVERSIZE_FACTOR = 10;
const OVERSIZE_HISTORY = 20;
const OVERSIZE_MIN_HISTORY = 3;

export type RunRequest = { template: string; filters: Filters; fields?: string[]; reason?: string };

const runTarget = (run: Pick<RunRow, 'id' | 'template'>): LogTarget => ({ id: run.id, type: 'SupportReportRun', alternateId: run.template, displayName: run.template, detailEntry: null });

function templateOf(id: string): ReportTemplate {
  const template = templateById(id);
  if (!template) throw ReportErrors.invalid('template', `there is no template ${id}`);
  return template;
}

/** The organizations of the cell, for the organization filter's choices. */
export async function cellOrganizations(ctx: StaffContext): Promise<{ slug: string; name: string }[]> {
  return logged(ctx, 'organizations', async () => (await listTenants(ctx.db)).filter((t) => t.cell === ctx.cell).map((t) => ({ slug: t.slug, name: t.name })));
}

/**
 * A read of report data (who asked for which export, who downloaded what, the cell's customers), logged in the
 * support plane with what was read and how much came back, like every read of support data.
 */
async function logged<T>(ctx: StaffContext, view: string, read: () => Promise<T>, target: LogTarget[] = []): Promise<T> {
  const result = await read();
  await ctx.db.transaction().execute((tx) => logInPlane(tx, ctx, 'bulwark.support.report.read', 'Support staff read report data', target, {
    view, rows: Array.isArray(result) ? result.length : 1,
  }));
  return result;
}

/** The filters as the database applies them (the organization's tenant id); each checked against the template. */
async function applied(ctx: StaffContext, template: ReportTemplate, filters: Filters): Promise<{ filters: AppliedFilter[]; organizationName: string | null }> {
  const out: AppliedFilter[] = [];
  let organizationName: string | null = null;
  for (const [name, value] of Object.entries(filters) as [FilterName, string][]) {
    const filter = template.filters.find((f) => f.name === name);
    if (!filter) throw ReportErrors.invalid(`filters.${name}`, `the template ${template.id} has no filter ${name}`);
    if (filter.kind === 'organization') {
      const tenant = await findTenant(ctx.db, value);
      if (!tenant || tenant.cell !== ctx.cell) throw ReportErrors.invalid(`filters.${name}`, `there is no organization ${value} in this cell`);
      out.push({ name, value: tenant.id });
      organizationName = tenant.name;
    } else if (filter.kind === 'enum') {
      if (!filter.options?.includes(value)) throw ReportErrors.invalid(`filters.${name}`, `must be one of ${filter.options?.join(', ')}`);
      out.push({ name, value });
    } else {
      if (Number.isNaN(Date.parse(value))) throw ReportErrors.invalid(`filters.${name}`, 'must be an ISO 8601 date and time');
      out.push({ name, value: new Date(value).toISOString() });
    }
  }
  return { filters: out, organizationName };
}

function chosenFields(template: ReportTemplate, asked: readonly string[] | undefined): string[] {
  if (asked === undefined || asked.length === 0) return template.fields.filter((f) => f.default).map((f) => f.name);
  for (const name of asked) if (!template.fields.some((f) => f.name === name)) throw ReportErrors.invalid('fields', `the template ${template.id} has no field ${name}`);
  return template.fields.filter((f) => asked.includes(f.name)).map((f) => f.name);
}

function specOf(ctx: StaffContext, template: ReportTemplate, fields: readonly string[], filters: { filters: AppliedFilter[]; organizationName: string | null }, asOf: Date, watermark: string): RenderSpec {
  return { cell: ctx.cell, template, fields: template.fields.filter((f) => fields.includes(f.name)), filters: filters.filters, organizationName: filters.organizationName, asOf, watermark };
}

/** Runs a closure in a transaction that only logs (a refusal), then throws what it returns. */
async function refuse(ctx: StaffContext, log: (tx: Tx) => Promise<void>, error: Error): Promise<never> {
  await ctx.db.transaction().execute(log);
  throw error;
}

/**
 * A report asked for. The rows it selects are counted now; a template with personal fields run without its
 * scope filter or over its threshold is a bulk export, which needs a reason, waits for a second person with
 * the security role, and raises an alert. Logged in the support plane either way.
 */
export async function createRun(ctx: StaffContext, request: RunRequest): Promise<RunRow> {
  const template = templateOf(request.template);
  const filters = await applied(ctx, template, request.filters);
  const fields = chosenFields(template, request.fields);
  const now = ctx.clock.now();
  const rows = await withConnection(ctx.db, (client) => countRows(client, { cell: ctx.cell, template, filters: filters.filters, asOf: now }));
  const scoped = template.filters.some((f) => f.scope && request.filters[f.name] !== undefined);
  const bulk = hasPersonalFields(template) && (!scoped || rows > template.rowThreshold);
  const reason = request.reason?.trim() || null;
  if (bulk && reason === null) throw ReportErrors.invalid('reason', 'a bulk export (no organization filter, or more rows than the threshold) needs a reason');
  const run: RunRow = {
    id: newId('rrn'), cell: ctx.cell, template: template.id, templateVersion: template.version, filters: request.filters, fields,
    personalFields: fields.filter((name) => template.fields.some((f) => f.name === name && f.personal)), rows, bulk, reason,
    status: bulk ? 'PENDING_APPROVAL' : 'READY', requestedBy: ctx.user.id, requestedByName: ctx.user.name, created: now,
    expires: new Date(now.getTime() + (bulk ? REQUEST_TTL_MS : RUN_TTL_MS)), decidedBy: null, decidedByName: null, decided: null, decisionNote: null,
  };
  const debugData = { runId: run.id, template: run.template, templateVersion: run.templateVersion, filters: run.filters, fields: run.fields, personalFields: run.personalFields, rows, bulk, reason };
  await ctx.db.transaction().execute(async (tx) => {
    await insertRun(tx, ctx.planeId, run);
    if (!bulk) {
      await logInPlane(tx, ctx, 'bulwark.support.report.run', 'Support staff ran a report', [runTarget(run)], debugData, { result: 'SUCCESS' });
      return;
    }
    await logInPlane(tx, ctx, 'bulwark.support.report.export.request', 'Support staff asked for a bulk export', [runTarget(run)], debugData, { result: 'CHALLENGE', reason: 'A bulk export needs a second person to approve it' });
    await raiseAlert(tx, ctx.planeId, { type: 'SUPPORT_BULK_EXPORT_REQUESTED', severity: 'MEDIUM', userId: ctx.user.subject, created: now, details: debugData });
  });
  return run;
}

/** A run the caller may see: their own, or any of the cell's for security staff. */
export async function readRun(ctx: StaffContext, id: string): Promise<RunRow> {
  const run = await findRun(ctx.db, ctx.planeId, id);
  if (!run || (run.requestedBy !== ctx.user.id && !ctx.user.staffRoles.includes('SECURITY'))) throw OktaErrors.notFound(`${id} (Report run)`);
  return logged(ctx, 'run', async () => run, [runTarget(run)]);
}

export const myRuns = (ctx: StaffContext, limit: number): Promise<RunRow[]> => logged(ctx, 'runs', () => listRuns(ctx.db, ctx.planeId, { requestedBy: ctx.user.id }, limit));
export const pendingApprovals = (ctx: StaffContext, limit: number): Promise<RunRow[]> => logged(ctx, 'approvals', () => listRuns(ctx.db, ctx.planeId, { pending: true }, limit));

/** What a run is now, with the time taken into account: an undecided request or a run past its hour has expired. */
export function effectiveStatus(run: RunRow, now: Date): RunRow['status'] | 'EXPIRED' {
  return (run.status === 'READY' || run.status === 'APPROVED' || run.status === 'PENDING_APPROVAL') && now >= run.expires ? 'EXPIRED' : run.status;
}

/**
 * A security staff member's decision on a bulk export. Deciding on one's own request is refused, logged with
 * outcome DENY and raises a HIGH alert: a stolen session must not be enough, even a security engineer's.
 */
export async function decide(ctx: StaffContext, id: string, decision: 'APPROVED' | 'DENIED', note: string): Promise<RunRow> {
  const now = ctx.clock.now();
  const eventType = decision === 'APPROVED' ? 'bulwark.support.report.export.approve' : 'bulwark.support.report.export.deny';
  type Outcome = { kind: 'missing' } | { kind: 'self'; run: RunRow } | { kind: 'not pending'; status: string } | { kind: 'decided'; run: RunRow };
  const outcome = await ctx.db.transaction().execute(async (tx): Promise<Outcome> => {
    const run = await findRun(tx, ctx.planeId, id, true);
    if (!run) return { kind: 'missing' };
    if (run.requestedBy === ctx.user.id) return { kind: 'self', run };
    const status = effectiveStatus(run, now);
    if (status !== 'PENDING_APPROVAL') return { kind: 'not pending', status };
    const debugData = { runId: run.id, template: run.template, filters: run.filters, fields: run.fields, rows: run.rows, requestedBy: run.requestedByName, note };
    const expires = decision === 'APPROVED' ? new Date(now.getTime() + RUN_TTL_MS) : now;
    await decideRun(tx, ctx.planeId, id, { status: decision, by: ctx.user.id, byName: ctx.user.name, at: now, note, expires });
    await logInPlane(tx, ctx, eventType, decision === 'APPROVED' ? 'Bulk export approved' : 'Bulk export denied', [runTarget(run)], debugData, { result: decision === 'APPROVED' ? 'ALLOW' : 'DENY' });
    return { kind: 'decided', run: { ...run, status: decision, decidedBy: ctx.user.id, decidedByName: ctx.user.name, decided: now, decisionNote: note, expires } };
  });
  switch (outcome.kind) {
    case 'missing': throw OktaErrors.notFound(`${id} (Report run)`);
    case 'not pending': throw ReportErrors.notPending(outcome.status);
    case 'decided': return outcome.run;
    case 'self': {
      const { run } = outcome;
      return refuse(ctx, async (tx) => {
        const details = { runId: id, template: run.template, filters: run.filters, fields: run.fields, rows: run.rows, decision };
        await logInPlane(tx, ctx, eventType, 'Decision on one\'s own bulk export refused', [runTarget(run)], details, { result: 'DENY', reason: 'SELF_APPROVAL' });
        await raiseAlert(tx, ctx.planeId, { type: 'SUPPORT_EXPORT_SELF_APPROVAL', severity: 'HIGH', userId: ctx.user.subject, created: now, details });
      }, ReportErrors.selfApproval());
    }
  }
}

type Digest = { hash: Hash; bytes: number };
const newDigest = (): Digest => ({ hash: createHash('sha256'), bytes: 0 });

async function* tapped(source: AsyncIterable<Buffer>, digest: Digest): AsyncIterable<Buffer> {
  for await (const chunk of source) {
    digest.hash.update(chunk);
    digest.bytes += chunk.length;
    yield chunk;
  }
}

export type Served = { stream: Readable; fileName: string; contentType: string };

/**
 * A run's file, served. Refused (logged; an alert for a bulk run) unless the run may be downloaded now, and
 * over the per-person hourly limit. The download is recorded before its first byte (who, what, rows, the
 * watermark) and again after its last, with the byte size and SHA-256 of exactly what was sent; the response
 * ends only once that is committed. When the client goes away, what was sent so far is recorded the same way.
 */
export async function startDownload(ctx: StaffContext, runId: string, format: 'csv' | 'xlsx'): Promise<Served> {
  const found = await findRun(ctx.db, ctx.planeId, runId);
  if (!found || found.requestedBy !== ctx.user.id) throw OktaErrors.notFound(`${runId} (Report run)`);
  // Narrowed once for the closures below, which TypeScript does not narrow.
  const run: RunRow = found;
  const now = ctx.clock.now();
  const status = effectiveStatus(run, now);
  const denied = (reason: string, details: Record<string, unknown>, error: Error, alert: boolean): Promise<never> => refuse(ctx, async (tx) => {
    const debugData = { runId, template: run.template, filters: run.filters, fields: run.fields, format, status, ...details };
    await logInPlane(tx, ctx, 'bulwark.support.report.download', 'Report download refused', [runTarget(run)], debugData, { result: 'DENY', reason });
    if (alert) await raiseAlert(tx, ctx.planeId, { type: 'SUPPORT_UNAPPROVED_EXPORT_ATTEMPT', severity: 'HIGH', userId: ctx.user.subject, created: now, details: debugData });
  }, error);
  if (status !== 'READY' && status !== 'APPROVED') return denied(status, {}, ReportErrors.notDownloadable(status), run.bulk);
  const recent = await downloadsSince(ctx.db, ctx.planeId, ctx.user.id, new Date(now.getTime() - HOUR_MS));
  if (recent >= DOWNLOADS_PER_HOUR) {
    return denied('RATE_LIMIT', { downloadsInLastHour: recent }, OktaErrors.rateLimited({ 'x-rate-limit-limit': String(DOWNLOADS_PER_HOUR), 'x-rate-limit-remaining': '0' }), false);
  }
  const template = templateOf(run.template);
  if (template.version !== run.templateVersion) return denied('TEMPLATE_CHANGED', {}, ReportErrors.templateChanged(), false);
  const filters = await applied(ctx, template, run.filters);
  // The file is the run's rows as of when it was asked for: exactly the rows counted then, which are those an
  // approver approved, however much has changed since. Nothing is counted again.
  const asOf = run.created;
  const watermark = newWatermark();
  const download: DownloadRow = {
    id: newId('rdl'), runId, cell: ctx.cell, template: template.id, templateVersion: template.version, filters: run.filters, fields: run.fields, format, asOf,
    watermark, canaryEmail: canaryOf(watermark, { asOf, minCreated: null, maxCreated: null, companyName: null }).email, rows: run.rows, bytes: null, sha256: null,
    contentSha256: null, status: 'SERVING', downloadedBy: ctx.user.id, downloadedByName: ctx.user.name, started: now, finished: null,
  };
  const described = { runId, downloadId: download.id, template: template.id, templateVersion: template.version, filters: run.filters, fields: run.fields, format, asOf: asOf.toISOString(), approvedBy: run.decidedByName };
  await ctx.db.transaction().execute(async (tx) => {
    await insertDownload(tx, ctx.planeId, download);
    await logInPlane(tx, ctx, 'bulwark.support.report.download', 'Report download started', [runTarget(run)], { ...described, rows: run.rows }, { result: 'ALLOW' });
  });

  const out = new PassThrough();
  const file = newDigest();
  const content = newDigest();
  const spec = specOf(ctx, template, run.fields, filters, asOf, watermark);
  const finishing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      file.hash.update(chunk);
      file.bytes += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      const sha256 = file.hash.digest('hex');
      finish('COMPLETE', file.bytes, sha256, content.hash.digest('hex')).then(() => done(), done);
    },
  });
  let rowsSent = (): number => 0;
  let recorded = false;
  async function finish(end: 'COMPLETE' | 'ABORTED', bytes: number, sha256: string, contentSha256: string | null): Promise<void> {
    recorded = true;
    const at = ctx.clock.now();
    const sizes = end === 'COMPLETE' ? await recentSizes(ctx.db, ctx.planeId, template.id, format, download.id, OVERSIZE_HISTORY) : [];
    const median = sizes.length >= OVERSIZE_MIN_HISTORY ? [...sizes].sort((a, b) => a - b)[Math.floor(sizes.length / 2)] as number : null;
    const oversize = median !== null && bytes > OVERSIZE_FACTOR * Math.max(median, 1);
    await ctx.db.transaction().execute(async (tx) => {
      await finishDownload(tx, ctx.planeId, download.id, { status: end, rows: rowsSent(), bytes, sha256, contentSha256, at });
      const debugData = { ...described, rows: rowsSent(), bytes, sha256, contentSha256, usualBytes: median, oversize };
      await logInPlane(tx, ctx, 'bulwark.support.report.download.complete', end === 'COMPLETE' ? 'Report download sent' : 'Report download broken off', [runTarget(run)], debugData,
        end === 'COMPLETE' ? { result: 'SUCCESS' } : { result: 'FAILURE', reason: 'The client went away before the end; bytes and sha256 are of what was sent' });
      if (oversize) await raiseAlert(tx, ctx.planeId, { type: 'SUPPORT_EXPORT_OVERSIZE', severity: 'HIGH', userId: ctx.user.subject, created: at, details: debugData });
    });
  }

  withConnection(ctx.db, (client) => renderCsv(client, spec, async (bytes, sent) => {
    rowsSent = sent;
    const csv = tapped(bytes, content);
    await pipeline(format === 'csv' ? Readable.from(csv) : csvToXlsx(csv, template.name.slice(0, 31), asOf), finishing, out);
  })).catch(async () => {
    out.destroy();
    if (!recorded) await finish('ABORTED', file.bytes, file.hash.copy().digest('hex'), null).catch(() => undefined);
  });
  const stamp = now.toISOString().slice(0, 19).replaceAll(':', '-');
  return {
    stream: out,
    fileName: `${template.id}-${stamp}-${download.id}.${format}`,
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
}

export const cellDownloads = (ctx: StaffContext, limit: number): Promise<DownloadRow[]> => logged(ctx, 'downloads', () => listDownloads(ctx.db, ctx.planeId, limit));

export type Variant = { name: string; filters: Filters; rows: number; bytes: number; sha256: string; matchesBytes: boolean | null; matchesSha256: boolean };

/**
 * Which report the file of a download was: it is re-created as of the download's time, with its watermark,
 * under the recorded filters, under each with one filter removed, and under none, and each is compared with
 * what was served (or with `observed`, a size and hash seen elsewhere). An XLSX download is compared by its
 * content (the same rows as CSV), since its zip archive records when it was written.
 */
export async function reconcile(ctx: StaffContext, downloadId: string, observed: { bytes?: number; sha256?: string }): Promise<{ download: DownloadRow; observed: { bytes: number | null; sha256: string | null }; variants: Variant[]; match: string | null }> {
  const download = await findDownload(ctx.db, ctx.planeId, downloadId);
  if (!download) throw OktaErrors.notFound(`${downloadId} (Report download)`);
  const template = templateOf(download.template);
  if (template.version !== download.templateVersion) throw ReportErrors.templateChanged();
  const byContent = download.format === 'xlsx';
  const target = {
    bytes: observed.bytes ?? (byContent ? null : download.bytes),
    sha256: observed.sha256?.toLowerCase() ?? (byContent ? download.contentSha256 : download.sha256),
  };
  const names = template.filters.map((f) => f.name).filter((n) => download.filters[n] !== undefined);
  const candidates: { name: string; filters: Filters }[] = [{ name: 'as recorded', filters: download.filters }];
  if (names.length > 1) for (const n of names) candidates.push({ name: `without ${n}`, filters: Object.fromEntries(Object.entries(download.filters).filter(([k]) => k !== n)) });
  if (names.length > 0) candidates.push({ name: 'no filters', filters: {} });
  const variants: Variant[] = [];
  for (const candidate of candidates) {
    const spec = specOf(ctx, template, download.fields, await applied(ctx, template, candidate.filters), download.asOf, download.watermark);
    const digest = newDigest();
    const { rows } = await withConnection(ctx.db, (client) => renderCsv(client, spec, async (bytes) => {
      for await (const chunk of tapped(bytes, digest)) void chunk;
    }));
    const sha256 = digest.hash.digest('hex');
    variants.push({
      name: candidate.name, filters: candidate.filters, rows, bytes: digest.bytes, sha256,
      matchesBytes: byContent || target.bytes === null ? null : digest.bytes === target.bytes, matchesSha256: sha256 === target.sha256,
    });
  }
  const match = variants.find((v) => v.matchesSha256)?.name ?? variants.find((v) => v.matchesBytes === true)?.name ?? null;
  await ctx.db.transaction().execute(async (tx) => {
    await logInPlane(tx, ctx, 'bulwark.support.report.reconcile', 'Report download reconciled', [{ id: download.id, type: 'SupportReportDownload', alternateId: download.template, displayName: download.template, detailEntry: null }], {
      downloadId, observed: target, match, variants: variants.map((v) => ({ name: v.name, rows: v.rows, bytes: v.bytes, sha256: v.sha256 })),
    });
  });
  return { download, observed: target, variants, match };
}

/** The cell's download a leaked file carries the watermark of: by its marker, or else by its canary row. */
export async function identify(ctx: StaffContext, file: Buffer): Promise<{ download: DownloadRow; via: 'marker' | 'canary' }> {
  const text = await textOf(file);
  const watermark = markerIn(text);
  const byMarker = watermark === undefined ? undefined : await downloadByWatermark(ctx.db, ctx.planeId, { watermark });
  const found = byMarker ? { download: byMarker, via: 'marker' as const } : await (async () => {
    const download = await downloadByWatermark(ctx.db, ctx.planeId, { canaryEmails: canaryEmailsIn(text) });
    return download && { download, via: 'canary' as const };
  })();
  await ctx.db.transaction().execute(async (tx) => {
    await logInPlane(tx, ctx, 'bulwark.support.report.watermark.identify', 'Leaked file checked for a report watermark', [], {
      bytes: file.length, sha256: createHash('sha256').update(file).digest('hex'), downloadId: found?.download.id ?? null, via: found?.via ?? null,
    }, { result: found ? 'SUCCESS' : 'FAILURE', reason: found ? null : 'No watermark of this cell' });
  });
  if (!found) throw OktaErrors.notFound('a report watermark of this cell in the file');
  return found;
}

/** A CSV's text, or an XLSX workbook's cells as text, one per line. */
async function textOf(file: Buffer): Promise<string> {
  if (file.subarray(0, 4).toString('binary') !== 'PK\u0003\u0004') return file.toString('utf8');
  const workbook = new (await excelJs()).Workbook();
  try {
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw ReportErrors.invalid('file', 'not a CSV or XLSX file');
  }
  const lines: string[] = [];
  workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => lines.push(cell.text))));
  return lines.join('\n');
}
