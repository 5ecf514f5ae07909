import { stringify } from 'csv-stringify/sync';
import { sheetSafeCsv } from '#src/lib/csv.ts';
import type { ImpactReport, ReportAction } from './report-model.ts';

/** One row per action, for sorting and filtering in a spreadsheet; the summary is in the other formats. */
const COLUMNS = ['published', 'eventType', 'change', 'outcome', 'outcomeReason', 'actor', 'actorId', 'ipAddress', 'asNumber', 'asOrg', 'country', 'userAgent', 'targets', 'sessionId', 'uuid'] as const;

const targetText = (t: ReportAction['targets'][number]): string => `${t.type ?? 'unknown'}:${t.alternateId ?? t.displayName ?? ''} (${t.id ?? ''})`;

function row(a: ReportAction): Record<(typeof COLUMNS)[number], string> {
  return {
    published: a.published,
    eventType: a.eventType,
    change: a.change,
    outcome: a.outcome.result ?? '',
    outcomeReason: a.outcome.reason ?? '',
    actor: a.actor.alternateId ?? a.actor.displayName ?? '',
    actorId: a.actor.id ?? '',
    ipAddress: a.client.ipAddress ?? '',
    asNumber: a.client.asNumber === null ? '' : String(a.client.asNumber),
    asOrg: a.client.asOrg ?? '',
    country: a.client.country ?? '',
    userAgent: a.client.userAgent ?? '',
    targets: a.targets.map(targetText).join('; '),
    sessionId: a.sessionId ?? '',
    uuid: a.uuid,
  };
}

/** The actions as CSV (RFC 4180 quoting by csv-stringify), formula-leading cells made text. */
export function reportCsv(report: ImpactReport): string {
  return stringify(report.actions.map(row), sheetSafeCsv(COLUMNS));
}
