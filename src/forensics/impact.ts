/**
 * What the investigation engine (investigate*.ts) hands to the impact reports: for one tenant, every event the
 * suspects caused there in the incident's window. The reports derive everything else from it.
 */

/** The incident under investigation: who the suspects are and when they acted. */
export type Incident = {
  /** e.g. "2022 support account takeover" */
  name: string;
  /** ISO 8601 UTC */
  window: { since: string; until: string };
  suspects: { actorIds?: string[]; logins?: string[]; ips?: string[]; cidrs?: string[]; asns?: number[]; userAgents?: string[]; grantId?: string };
};

export type ImpactTarget = { id: string | null; type: string | null; alternateId: string | null; displayName: string | null };

/** One event of the suspects, reduced to what a report shows. */
export type ImpactAction = {
  uuid: string;
  published: string;
  eventType: string;
  displayMessage: string | null;
  outcome: { result: string | null; reason: string | null };
  actor: { id: string | null; type: string | null; alternateId: string | null; displayName: string | null };
  client: { ipAddress: string | null; asNumber: number | null; asOrg: string | null; country: string | null; userAgent: string | null };
  targets: ImpactTarget[];
  /** authenticationContext.externalSessionId */
  sessionId: string | null;
};

export type TenantImpact = {
  incident: Incident;
  tenant: { id: string; name: string | null };
  /** Where the events came from: the live System Log, or an investigation workspace of imported exports. */
  source: { kind: 'live' | 'workspace'; name: string };
  generatedAt: string;
  /** Every event of the suspects on this tenant in the window, in time order. */
  actions: ImpactAction[];
};
