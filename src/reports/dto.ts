import { effectiveStatus, type DownloadRow, type RunRow } from './service.ts';
import type { ReportTemplate } from './templates.ts';

export const toPublicTemplate = (t: ReportTemplate) => ({
  id: t.id, version: t.version, name: t.name, description: t.description, rowThreshold: t.rowThreshold,
  fields: t.fields.map((f) => ({ name: f.name, label: f.label, personal: f.personal, default: f.default })),
  filters: t.filters.map((f) => ({ name: f.name, label: f.label, kind: f.kind, scope: f.scope, ...(f.options ? { options: f.options } : {}) })),
});

export const toPublicRun = (run: RunRow, now: Date) => ({
  id: run.id, template: run.template, templateVersion: run.templateVersion, filters: run.filters, fields: run.fields, personalFields: run.personalFields,
  rows: run.rows, bulk: run.bulk, status: effectiveStatus(run, now), reason: run.reason, requestedBy: { id: run.requestedBy, name: run.requestedByName },
  created: run.created.toISOString(), expiresAt: run.expires.toISOString(),
  decision: run.decidedBy === null ? null : {
    status: run.status, by: { id: run.decidedBy, name: run.decidedByName }, at: run.decided?.toISOString() ?? null, note: run.decisionNote,
  },
});

export const toPublicDownload = (d: DownloadRow) => ({
  id: d.id, runId: d.runId, template: d.template, templateVersion: d.templateVersion, filters: d.filters, fields: d.fields, format: d.format,
  asOf: d.asOf.toISOString(), rows: d.rows, bytes: d.bytes, sha256: d.sha256, contentSha256: d.contentSha256, status: d.status,
  downloadedBy: { id: d.downloadedBy, name: d.downloadedByName }, started: d.started.toISOString(), finished: d.finished?.toISOString() ?? null,
});

