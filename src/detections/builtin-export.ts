/**
 * `oversized-export`: a report download that is unfiltered or bigger than a threshold. In 2023 an attacker ran
 * a templated report of the support system with its filters removed and downloaded every support user; the
 * provider at first under-counted, and found the truth only from the size of the downloaded file (CONTEXT.md,
 * incident 2). Bulwark logs every report download when it ends as `bulwark.support.report.download.complete`
 * with the rows and bytes sent, the filters and whether the file was far above the template's usual size
 * (src/reports/service.ts); Okta logs `analytics.reports.export.download`, read here for whatever rows and
 * bytes it carries. Unfiltered means no organization filter (the scope filter of every template).
 */
import { isoOf, type BuiltinRule, type RuleContext } from './alert.ts';
import { actorOf, debugDataOf, debugNumber, debugText } from './event-fields.ts';

const DOWNLOADS = new Set(['bulwark.support.report.download.complete', 'analytics.reports.export.download']);
/** src/reports/templates.ts: the filter that keeps a run to one organization. */
const SCOPE_FILTER = 'organization';
/** The alert src/reports raises for a download far above the template's usual size. */
const BULWARK_ALERT = 'SUPPORT_EXPORT_OVERSIZE';

type Reason = 'UNFILTERED' | 'ROWS' | 'BYTES' | 'OVERSIZE';

export function oversizedExport(ctx: RuleContext): BuiltinRule {
  const { exportRows, exportBytes } = ctx.thresholds;
  return {
    id: 'oversized-export',
    title: 'Unfiltered or oversized export downloaded',
    observe(e, emit) {
      if (!DOWNLOADS.has(e.type)) return;
      const data = debugDataOf(e.event);
      const rows = debugNumber(data, 'rows');
      const bytes = debugNumber(data, 'bytes');
      const filters = data['filters'];
      const reasons: Reason[] = [];
      // Only Bulwark's downloads say which filters they had; an absent or empty filter object is a run without scope.
      if (e.type.startsWith('bulwark.') && (filters === null || typeof filters !== 'object' || !Object.hasOwn(filters, SCOPE_FILTER))) reasons.push('UNFILTERED');
      if (rows !== null && rows > exportRows) reasons.push('ROWS');
      if (bytes !== null && bytes > exportBytes) reasons.push('BYTES');
      if (data['oversize'] === true) reasons.push('OVERSIZE');
      if (reasons.length === 0) return;
      const actor = actorOf(e.event);
      const approvedBy = debugText(data, 'approvedBy');
      emit({
        rule: 'oversized-export',
        title: 'Unfiltered or oversized export downloaded',
        // An approved bulk export is known to the security staff who approved it; one without approval is not.
        severity: approvedBy === null ? 'high' : 'medium',
        tenant: e.tenant,
        user: actor?.id ?? null,
        time: isoOf(e.time),
        events: e.uuid === null ? [] : [e.uuid],
        summary: `${actor?.alternateId ?? 'someone'} downloaded ${debugText(data, 'template') ?? 'a report'}: ${rows ?? '?'} rows, ${bytes ?? '?'} bytes (${reasons.join(', ').toLowerCase()})`,
        details: {
          reasons, rows, bytes, filters: filters ?? null, template: debugText(data, 'template'), downloadId: debugText(data, 'downloadId'),
          sha256: debugText(data, 'sha256'), approvedBy, thresholds: { rows: exportRows, bytes: exportBytes },
        },
        ...(reasons.length === 1 && reasons[0] === 'OVERSIZE' ? { raisedByBulwark: BULWARK_ALERT } : {}),
      });
    },
  };
}
