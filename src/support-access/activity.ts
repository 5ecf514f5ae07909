import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { sheetSafeCsv } from '#src/lib/csv.ts';
import type { AuditContext, LogEvent } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { supportActivityHistory } from '#src/syslog/support-activity.ts';

/** The longest part of a query string a read's event keeps: enough to see what was searched for. */
const QUERY_CHARS = 500;

/**
 * Support staff reading a tenant's data is support activity too: the tenant sees each read in its System Log
 * and its live view, as Google's Access Transparency shows reads. It is logged before it is answered.
 */
export async function recordSupportRead(db: Db, clock: Clock, tenantId: string, audit: AuditContext, read: { method: string; route: string; query: string }): Promise<void> {
  await db.transaction().execute((tx) => recordEvent(tx, clock, tenantId, audit, {
    eventType: 'bulwark.support.api.read',
    displayMessage: 'Support staff read data of the organization',
    debugData: { method: read.method, route: read.route, ...(read.query === '' ? {} : { query: read.query.slice(0, QUERY_CHARS) }) },
  }));
}

export type HistoryFormat = 'csv' | 'ndjson';

/** The grant and the case an event is about: named by the request's transaction, or by the grant it targets. */
function grantAndCase(e: LogEvent): { grant: string; caseId: string } {
  const target = e.target?.find((t) => t.type === 'SupportAccessGrant');
  const { detail } = e.transaction;
  return { grant: String(detail['supportAccessGrantId'] ?? target?.id ?? ''), caseId: String(detail['caseId'] ?? target?.detailEntry?.['caseId'] ?? '') };
}

/** One row per event, with what a customer's auditor sorts and filters on; the full events are in NDJSON. */
const CSV_COLUMNS = ['published', 'eventType', 'displayMessage', 'outcome', 'actorType', 'actor', 'actorId', 'supportAccessGrantId', 'caseId', 'targets', 'ipAddress', 'uuid'] as const;

function csvRow(e: LogEvent): Record<(typeof CSV_COLUMNS)[number], string> {
  const { grant, caseId } = grantAndCase(e);
  return {
    published: e.published, eventType: e.eventType, displayMessage: e.displayMessage, outcome: e.outcome.result,
    actorType: e.actor.type, actor: e.actor.displayName ?? e.actor.alternateId ?? '', actorId: e.actor.id,
    supportAccessGrantId: grant, caseId,
    targets: (e.target ?? []).map((t) => `${t.type}:${t.displayName ?? t.alternateId ?? ''} (${t.id})`).join('; '),
    ipAddress: e.client.ipAddress ?? '', uuid: e.uuid,
  };
}

/**
 * The tenant's support-access history in [since, until): every step in the life of each grant and everything
 * staff did under one, as NDJSON (Okta LogEvents, one per line) or CSV. Streamed, so a long history costs no
 * memory; CSV cells that would run as spreadsheet formulas are escaped (event text comes from people).
 */
export function supportHistoryFile(db: Db, tenantId: string, window: { since: Date; until: Date }, format: HistoryFormat): Readable {
  const events = Readable.from(supportActivityHistory(db, tenantId, window));
  if (format === 'ndjson') return events.map((e: LogEvent) => `${JSON.stringify(e)}\n`);
  return events.map(csvRow).pipe(stringify(sheetSafeCsv(CSV_COLUMNS)));
}
