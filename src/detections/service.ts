/**
 * A detection's alert raised in a tenant: the alert the tenant's admins see (src/alerts, the admin console's
 * Alerts page) and, since raising it is a change of state, its `bulwark.detection.alert` event in the
 * tenant's System Log, naming the rule and the matched events, in the caller's transaction.
 */
import { raiseAlerts } from '#src/alerts/service.ts';
import type { Tx } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import type { AuditContext, EventInput } from '#src/syslog/log-event.ts';
import { recordEventsOfTenants } from '#src/syslog/service.ts';
import type { Alert, Severity } from './alert.ts';

export const ALERT_EVENT_TYPE = 'bulwark.detection.alert';

/** The alerts' severities are those of src/alerts, upper case; Sigma's `informational` is its INFO. */
const SEVERITY: Record<Severity, string> = { informational: 'INFO', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };

/** `privilege-after-reset` → PRIVILEGE_AFTER_RESET; every Sigma rule → SIGMA_MATCH (the rule is in the details). */
export const alertTypeOf = (rule: string): string => (rule.startsWith('sigma:') ? 'SIGMA_MATCH' : rule.toUpperCase().replaceAll('-', '_'));

/** The job's actor in the System Log: the detections, not an operator. */
export function detectionAudit(transactionId: string): AuditContext {
  return {
    // Actor and transaction keys in RFC 8785 order, as build-event.ts explains.
    actor: { alternateId: 'detections@bulwark', detailEntry: null, displayName: 'Bulwark detections', id: 'bulwark-detections', type: 'SystemPrincipal' },
    ipAddress: null,
    userAgent: null,
    transaction: { detail: {}, id: transactionId, type: 'JOB' },
    requestUri: null,
  };
}

export type RoutedAlert = { tenantId: string; alert: Alert };

/**
 * Raises each alert in its tenant, then appends the alerts' events, all tenants' in one statement in tenant
 * order (an append locks the tenant's chain head until commit; a fixed order keeps two such transactions from
 * waiting on each other). Two statements however many alerts: a burst of matches must not slow the worker down.
 */
export async function raiseDetectionAlerts(tx: Tx, clock: Clock, audit: AuditContext, routed: readonly RoutedAlert[]): Promise<void> {
  if (routed.length === 0) return;
  const now = clock.now();
  const typed = routed.map(({ tenantId, alert }) => ({ tenantId, alert, type: alertTypeOf(alert.rule), severity: SEVERITY[alert.severity] }));
  const rows = await raiseAlerts(tx, typed.map(({ tenantId, alert, type, severity }) => ({
    tenantId,
    alert: { type, severity, userId: alert.user, created: now, details: { title: alert.title, rule: alert.rule, summary: alert.summary, ...alert.details, events: alert.events, eventTime: alert.time } },
  })));
  const events = new Map<string, EventInput[]>();
  typed.forEach(({ tenantId, alert, type, severity }, i) => {
    const id = (rows[i] as { id: string }).id;
    const list = events.get(tenantId) ?? [];
    list.push({
      eventType: ALERT_EVENT_TYPE,
      displayMessage: 'Detection rule raised an alert',
      severity: severity === 'HIGH' || severity === 'CRITICAL' ? 'WARN' : 'INFO',
      target: [{ id, type: 'SecurityAlert', alternateId: type, displayName: alert.title, detailEntry: { rule: alert.rule, severity } }],
      debugData: { alertId: id, rule: alert.rule, title: alert.title, severity, summary: alert.summary, matchedEvents: alert.events.join(','), userId: alert.user, eventTime: alert.time },
    });
    events.set(tenantId, list);
  });
  await recordEventsOfTenants(tx, clock, [...events.keys()].sort().map((tenantId) => ({ tenantId, audit, inputs: events.get(tenantId) as EventInput[] })));
}
