/**
 * A tenant's own investigations (docs/forensics.md "In the admin console"): its admins save an incident and
 * ask its questions of their tenant's live System Log, never another's. Each opening copies the window's events
 * of this one tenant into a workspace in memory, so the answers are as of now and the same SQL serves the
 * operator's workspaces.
 */
import { OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { LogTarget } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import type { Incident } from './impact.ts';
import { IncidentError, parseIncident } from './incident.ts';
import { deleteInvestigationRow, findInvestigation, insertInvestigation, queryInvestigations, type InvestigationRow } from './investigation-store.ts';
import { Investigation } from './investigate.ts';
import { copyLiveWindow } from './live-source.ts';
import { renderImpactReport, type ReportFormat } from './report-files.ts';
import type { ReportKey, ReportSignature } from './report-signing.ts';
import { openMemoryWorkspace, type Workspace } from './workspace.ts';

export type { InvestigationRow };

/** A tenant's window is read whole into memory for each question; a year bounds that copy. */
const MAX_TENANT_WINDOW_DAYS = 366;

function investigationTarget(row: Pick<InvestigationRow, 'id' | 'name'>): LogTarget {
  return { id: row.id, type: 'Investigation', alternateId: 'unknown', displayName: row.name, detailEntry: null };
}

function checked(input: unknown): Incident {
  try {
    const incident = parseIncident(input);
    if (Date.parse(incident.window.until) - Date.parse(incident.window.since) > MAX_TENANT_WINDOW_DAYS * 86_400_000) {
      throw new IncidentError(`window: at most ${MAX_TENANT_WINDOW_DAYS} days`);
    }
    return incident;
  } catch (err) {
    if (err instanceof IncidentError) throw OktaErrors.validation(err.message, [err.message]);
    throw err;
  }
}

export async function createInvestigation(ctx: ServiceContext, input: unknown, creatorName: string): Promise<InvestigationRow> {
  const incident = checked(input);
  const row: InvestigationRow = { id: newId('inv'), name: incident.name, incident, createdBy: ctx.audit.actor.id, createdByName: creatorName, created: ctx.clock.now() };
  await ctx.db.transaction().execute(async (tx) => {
    await insertInvestigation(tx, ctx.tenantId, row);
    await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, {
      eventType: 'bulwark.investigation.create', displayMessage: 'Create investigation', target: [investigationTarget(row)],
      debugData: { window: incident.window, suspects: incident.suspects },
    });
  });
  return row;
}

export async function getInvestigation(ctx: ServiceContext, id: string): Promise<InvestigationRow> {
  const row = await findInvestigation(ctx.db, ctx.tenantId, id);
  if (!row) throw OktaErrors.notFound(`${id} (Investigation)`);
  return row;
}

export function listInvestigations(ctx: ServiceContext, limit: number, after?: InvestigationRow): Promise<InvestigationRow[]> {
  return queryInvestigations(ctx.db, ctx.tenantId, limit, after);
}

export async function deleteInvestigation(ctx: ServiceContext, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await deleteInvestigationRow(tx, ctx.tenantId, id);
    if (!row) throw OktaErrors.notFound(`${id} (Investigation)`);
    await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, { eventType: 'bulwark.investigation.delete', displayMessage: 'Delete investigation', target: [investigationTarget(row)] });
  });
}

/** Opens the saved investigation over this tenant's live System Log and runs `work` on it. */
export async function withOpenInvestigation<T>(ctx: ServiceContext, row: InvestigationRow, tenantName: string, work: (inv: Investigation, ws: Workspace) => Promise<T>): Promise<T> {
  const ws = await openMemoryWorkspace('tenant', { threads: 1 });
  try {
    await copyLiveWindow(ctx.db, ws, new Date(row.incident.window.since), new Date(row.incident.window.until), [ctx.tenantId]);
    return await work(await Investigation.open(ws, row.incident, { kind: 'live', name: tenantName }), ws);
  } finally {
    ws.close();
  }
}

export type ReportDownload = { content: Buffer; signature: ReportSignature };

/**
 * The tenant's signed impact report for the investigation, in one format. A download of people's data is
 * logged with its format, size and digest, so what left is known without re-creating it (CONTEXT.md, 2023).
 */
export async function downloadReport(ctx: ServiceContext, row: InvestigationRow, tenantName: string, format: ReportFormat, opts: { key: ReportKey; chromiumPath: string }): Promise<ReportDownload> {
  const impact = await withOpenInvestigation(ctx, row, tenantName, async (inv) => (await inv.impacts(ctx.clock.now(), [ctx.tenantId]))[0]);
  const report = await renderImpactReport(impact ?? { incident: row.incident, tenant: { id: ctx.tenantId, name: tenantName }, source: { kind: 'live', name: tenantName }, generatedAt: ctx.clock.now().toISOString(), actions: [] },
    format, { key: opts.key, chromiumPath: opts.chromiumPath, clock: ctx.clock });
  await ctx.db.transaction().execute((tx) => recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, {
    eventType: 'bulwark.investigation.report.download', displayMessage: 'Download investigation impact report', target: [investigationTarget(row)],
    debugData: { format, actions: impact?.actions.length ?? 0, bytes: report.content.length, sha256: report.signature.sha256, signingKeyId: report.signature.keyId },
  }));
  return report;
}
