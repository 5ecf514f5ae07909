/**
 * The autumn 2023 incident (CONTEXT.md), replayed on Bulwark's support plane: among the staff's ordinary,
 * organization-scoped report downloads, an intruder in a staff account reads cases of many organizations and runs
 * the support-users report with its filters removed. Bulwark makes that a bulk export, which a second person
 * approves (here, deceived); the download is logged with its rows, bytes and SHA-256, ten times the usual size.
 * Everything is in the plane's log (reports/service.ts, cases/staff-service.ts logInPlane).
 */
import { base62, between, pick, type Rand } from '#src/lib/random.ts';
import { templateById, type ReportTemplate } from '#src/reports/templates.ts';
import type { LogActor, LogTarget } from '#src/syslog/log-event.ts';
import type { Period } from './simulate-background.ts';
import { webContext, type Timeline } from './simulate-events.ts';
import { queueRead, staffOffset, type Plane } from './simulate-support.ts';
import { ATTACKER_AGENT, workTime, type Network, type SimTenant, type Staff } from './simulate-world.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export type ExportTruth = {
  runId: string;
  downloadId: string;
  template: string;
  filters: Record<string, string>;
  fields: string[];
  rows: number;
  bytes: number;
  sha256: string;
  /** The median size of the template's earlier downloads, as reports/service.ts compares it. */
  usualBytes: number | null;
  approvedBy: { id: string; login: string };
};

export type ExportPlan = { window: { since: number; until: number }; export: ExportTruth; casesRead: string[]; ordinaryDownloads: number };

const hex = (rand: Rand): string => Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
const runTarget = (id: string, template: string): LogTarget => ({ id, type: 'SupportReportRun', alternateId: template, displayName: template, detailEntry: null });
const consoleActor = (s: Staff, cell: string): LogActor => ({ alternateId: s.login, detailEntry: { supportPlane: cell }, displayName: s.displayName, id: s.id, type: 'SupportStaff' });
/** A CSV of the template: its header, then about `perRow` bytes a row. */
const sizeOf = (t: ReportTemplate, fields: readonly string[], rows: number, perRow: number): number => fields.reduce((n, f) => n + (t.fields.find((x) => x.name === f)?.label.length ?? 0) + 1, 0) + rows * perRow;

/**
 * One run and its download. `request` makes it a bulk export waiting for `approver`; otherwise it is an
 * ordinary organization-scoped run. Returns the download's size and hash.
 */
function runAndDownload(tl: Timeline, rand: Rand, plane: Plane, s: { staff: Staff; network: Network; agent: string }, at: number, run: {
  template: ReportTemplate; filters: Record<string, string>; fields: string[]; rows: number; perRow: number; usualBytes: (end: number) => number | null; bulk?: { reason: string; approver: Staff; decideAfter: number };
}): { runId: string; downloadId: string; bytes: number; sha256: string; end: number; usualBytes: number | null } {
  const runId = `rrn${base62(rand, 17)}`;
  const downloadId = `rdl${base62(rand, 17)}`;
  const { template, filters, fields, rows } = run;
  const personalFields = fields.filter((f) => template.fields.some((x) => x.name === f && x.personal));
  const ctx = (uri: string) => webContext(rand, consoleActor(s.staff, plane.cell), s.network, s.agent, uri);
  const asked = { runId, template: template.id, templateVersion: template.version, filters, fields, personalFields, rows, bulk: run.bulk !== undefined, reason: run.bulk?.reason ?? null };
  let approvedBy: string | null = null;
  let t = at;
  if (run.bulk) {
    tl.add(plane.id, t, ctx('/help/v1/staff/reports/runs'), [{
      eventType: 'bulwark.support.report.export.request', displayMessage: 'Support staff asked for a bulk export', target: [runTarget(runId, template.id)], debugData: asked,
      outcome: { result: 'CHALLENGE', reason: 'A bulk export needs a second person to approve it' },
    }]);
    const approver = run.bulk.approver;
    t += run.bulk.decideAfter;
    approvedBy = approver.displayName;
    tl.add(plane.id, t, webContext(rand, consoleActor(approver, plane.cell), approver.network, approver.userAgent, `/help/v1/staff/reports/runs/${runId}/approve`), [{
      eventType: 'bulwark.support.report.export.approve', displayMessage: 'Bulk export approved', target: [runTarget(runId, template.id)], outcome: { result: 'ALLOW', reason: null },
      debugData: { runId, template: template.id, filters, fields, rows, requestedBy: s.staff.displayName, note: 'Audit request confirmed with the requester' },
    }]);
  } else {
    tl.add(plane.id, t, ctx('/help/v1/staff/reports/runs'), [{ eventType: 'bulwark.support.report.run', displayMessage: 'Support staff ran a report', target: [runTarget(runId, template.id)], debugData: asked, outcome: { result: 'SUCCESS', reason: null } }]);
  }
  t += between(rand, 1, 20) * MINUTE;
  const described = { runId, downloadId, template: template.id, templateVersion: template.version, filters, fields, format: 'csv', asOf: new Date(at).toISOString(), approvedBy };
  tl.add(plane.id, t, ctx(`/help/v1/staff/reports/runs/${runId}/download`), [{
    eventType: 'bulwark.support.report.download', displayMessage: 'Report download started', target: [runTarget(runId, template.id)], debugData: { ...described, rows }, outcome: { result: 'ALLOW', reason: null },
  }]);
  const bytes = sizeOf(template, fields, rows, run.perRow);
  const sha256 = hex(rand);
  const end = t + Math.max(1000, Math.round(bytes / 2_000));
  const usualBytes = run.usualBytes(end);
  const oversize = usualBytes !== null && bytes > 10 * Math.max(usualBytes, 1);
  tl.add(plane.id, end, ctx(`/help/v1/staff/reports/runs/${runId}/download`), [{
    eventType: 'bulwark.support.report.download.complete', displayMessage: 'Report download sent', target: [runTarget(runId, template.id)], outcome: { result: 'SUCCESS', reason: null },
    debugData: { ...described, rows, bytes, sha256, contentSha256: hex(rand), usualBytes, oversize },
  }]);
  return { runId, downloadId, bytes, sha256, end, usualBytes };
}

/** Plans the ordinary downloads, then the intrusion; `cases` are the tenants whose cases the intruder reads. */
export function planExport(tl: Timeline, rand: Rand, plane: Plane, suspect: Staff, approver: Staff, staff: readonly Staff[], attacker: Network[], cases: readonly SimTenant[], tenants: readonly SimTenant[], period: Period): ExportPlan {
  const template = templateById('support-users') as ReportTemplate;
  const defaults = template.fields.filter((f) => f.default).map((f) => f.name);
  const span = period.end - period.start;
  const since = Math.floor((period.start + Math.max(0.4 * span, 8 * HOUR)) / 1000) * 1000;
  const downloads: { end: number; bytes: number }[] = [];
  // reports/service.ts compares a download with the template's earlier ones, once there are three.
  const usualBefore = (t: number): number | null => {
    const sizes = downloads.filter((d) => d.end < t).map((d) => d.bytes).sort((a, b) => a - b);
    return sizes.length >= 3 ? sizes[Math.floor(sizes.length / 2)] as number : null;
  };
  const ordinary = Math.max(6, Math.round(tenants.length / 500));
  for (let i = 0; i < ordinary; i++) {
    const s = pick(rand, staff);
    const org = pick(rand, tenants);
    const at = workTime(rand, staffOffset(s), period.start + HOUR, period.end - 2 * HOUR);
    const done = runAndDownload(tl, rand, plane, { staff: s, network: s.network, agent: s.userAgent }, at, {
      template, filters: { organization: org.slug }, fields: defaults, rows: between(rand, 2, 40), perRow: between(rand, 55, 75), usualBytes: usualBefore,
    });
    downloads.push({ end: done.end, bytes: done.bytes });
  }

  const via = () => attacker[Math.floor(rand() * attacker.length)] as Network;
  const as = () => ({ staff: suspect, network: via(), agent: ATTACKER_AGENT });
  const actor = consoleActor(suspect, plane.cell);
  tl.add(plane.id, since, webContext(rand, actor, via(), ATTACKER_AGENT, '/help/v1/staff/cases'), [queueRead(rand)]);
  let at = since;
  for (const tenant of cases) {
    at += between(rand, 1, 25) * MINUTE;
    tl.add(plane.id, at, webContext(rand, actor, via(), ATTACKER_AGENT, `/help/v1/staff/cases/cas${base62(rand, 17)}`), [{
      eventType: 'bulwark.support.case.read', displayMessage: 'Support staff read a case',
      target: [{ id: `cas${base62(rand, 17)}`, type: 'SupportCase', alternateId: `#${between(rand, 1_000_000, 1_090_000)}`, displayName: 'Help with sign-on rule for contractors', detailEntry: { severity: 'SEV3', productArea: 'SIGN_IN' } },
        { id: tenant.id, type: 'Org', alternateId: tenant.slug, displayName: tenant.name, detailEntry: null }],
      debugData: { comments: between(rand, 0, 6), attachments: between(rand, 0, 2) },
    }]);
  }
  // Every support user: the customers' admins and people who opened cases, and the staff themselves.
  const rows = tenants.reduce((n, t) => n + t.admins + Math.ceil(Math.log2(t.employees)), staff.length);
  const fields = template.fields.map((f) => f.name);
  const done = runAndDownload(tl, rand, plane, as(), at + between(rand, 5, 30) * MINUTE, {
    template, filters: {}, fields, rows, perRow: 62, usualBytes: usualBefore,
    bulk: { reason: 'Quarterly review of Help Center accounts for the customer success team', approver, decideAfter: between(rand, 20, 90) * MINUTE },
  });
  return {
    window: { since, until: Math.floor(done.end / 1000) * 1000 + 1000 },
    export: { runId: done.runId, downloadId: done.downloadId, template: template.id, filters: {}, fields, rows, bytes: done.bytes, sha256: done.sha256, usualBytes: done.usualBytes, approvedBy: { id: approver.id, login: approver.login } },
    casesRead: cases.map((t) => t.id),
    ordinaryDownloads: ordinary,
  };
}
