import type { ImpactAction, ImpactTarget, Incident, TenantImpact } from './impact.ts';
import { describeChange } from './report-changes.ts';

/** Names the shape of the JSON report, so a customer's tooling can tell versions apart. */
export const REPORT_SCHEMA = 'bulwark.impact-report/1';

export type ReportAction = Omit<ImpactAction, 'targets'> & { change: string; targets: ImpactTarget[] };

/** Outcomes as a list, not an object keyed by result: results come from imported files (`__proto__`). */
export type OutcomeCount = { result: string; count: number };

/** One kind of action: how often, with what outcome, first and last seen. */
export type ChangeCount = { eventType: string; change: string; count: number; outcomes: OutcomeCount[]; firstSeen: string; lastSeen: string };

/** A user the suspects acted on, and what they did to that user. */
export type AffectedUser = { id: string | null; alternateId: string | null; displayName: string | null; actions: number; changes: ChangeCount[] };

export type ClientSummary = { ipAddress: string | null; asNumber: number | null; asOrg: string | null; country: string | null; actions: number };

export type ReportSummary = {
  actions: number;
  outcomes: OutcomeCount[];
  firstSeen: string | null;
  lastSeen: string | null;
  affectedUsers: number;
  actors: string[];
  clients: ClientSummary[];
  sessions: number;
  byEventType: ChangeCount[];
};

/** The one model every format is written from, so HTML, PDF, CSV and JSON say the same thing. */
export type ImpactReport = {
  schema: typeof REPORT_SCHEMA;
  generatedAt: string;
  signingKeyId: string;
  source: TenantImpact['source'];
  incident: Incident;
  tenant: TenantImpact['tenant'];
  summary: ReportSummary;
  affected: AffectedUser[];
  actions: ReportAction[];
};

const outcomeOf = (a: ImpactAction): string => a.outcome.result ?? 'UNKNOWN';

function timeOf(published: string): number {
  const t = Date.parse(published);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** Time order, then uuid: the same input gives byte-identical reports. */
function byTime(a: ImpactAction, b: ImpactAction): number {
  return timeOf(a.published) - timeOf(b.published) || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0);
}

function countOutcomes(actions: readonly ImpactAction[]): OutcomeCount[] {
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(outcomeOf(a), (counts.get(outcomeOf(a)) ?? 0) + 1);
  return [...counts].map(([result, count]) => ({ result, count })).sort((x, y) => y.count - x.count || (x.result < y.result ? -1 : 1));
}

/** Groups time-ordered actions by event type, in the order each type first appears. */
function countChanges(actions: readonly ImpactAction[]): ChangeCount[] {
  const groups = new Map<string, ImpactAction[]>();
  for (const a of actions) {
    const list = groups.get(a.eventType);
    if (list) list.push(a);
    else groups.set(a.eventType, [a]);
  }
  return [...groups].map(([eventType, list]) => {
    const first = list[0] as ImpactAction;
    return {
      eventType,
      change: describeChange(eventType, first.displayMessage),
      count: list.length,
      outcomes: countOutcomes(list),
      firstSeen: first.published,
      lastSeen: (list.at(-1) as ImpactAction).published,
    };
  });
}

/** A user target's identity: its id, else its login; a target with neither cannot be told apart. */
function userKey(t: ImpactTarget): string | null {
  if (t.type !== 'User') return null;
  if (t.id !== null) return `id:${t.id}`;
  return t.alternateId === null ? null : `login:${t.alternateId}`;
}

/**
 * The users the suspects acted on. A suspect acting on its own account (signing in, changing its own
 * password) is not a victim of the incident, so the actor is left out of its own events' targets.
 */
function affectedUsers(actions: readonly ImpactAction[]): AffectedUser[] {
  const users = new Map<string, { target: ImpactTarget; actions: ImpactAction[] }>();
  for (const a of actions) {
    const seen = new Set<string>();
    for (const t of a.targets) {
      const key = userKey(t);
      if (key === null || seen.has(key) || (t.id !== null && t.id === a.actor.id)) continue;
      seen.add(key);
      const entry = users.get(key) ?? { target: t, actions: [] };
      entry.actions.push(a);
      users.set(key, entry);
    }
  }
  const label = (t: ImpactTarget) => t.alternateId ?? t.displayName ?? t.id ?? '';
  return [...users.values()]
    .sort((x, y) => label(x.target).localeCompare(label(y.target), 'en') || (x.target.id ?? '').localeCompare(y.target.id ?? '', 'en'))
    .map(({ target, actions: list }) => ({
      id: target.id, alternateId: target.alternateId, displayName: target.displayName, actions: list.length, changes: countChanges(list),
    }));
}

function clients(actions: readonly ImpactAction[]): ClientSummary[] {
  const byIp = new Map<string, ClientSummary>();
  for (const a of actions) {
    const key = a.client.ipAddress ?? '';
    const entry = byIp.get(key) ?? { ipAddress: a.client.ipAddress, asNumber: a.client.asNumber, asOrg: a.client.asOrg, country: a.client.country, actions: 0 };
    entry.actions += 1;
    byIp.set(key, entry);
  }
  return [...byIp.values()].sort((x, y) => y.actions - x.actions || (x.ipAddress ?? '').localeCompare(y.ipAddress ?? '', 'en'));
}

const actorLabel = (a: ImpactAction): string => a.actor.alternateId ?? a.actor.displayName ?? a.actor.id ?? 'unknown actor';

/** Copies field by field, so the report has a fixed key order and nothing the engine added by the way. */
function copyIncident(i: Incident): Incident {
  const s = i.suspects;
  return {
    name: i.name,
    window: { since: i.window.since, until: i.window.until },
    suspects: {
      ...(s.actorIds ? { actorIds: [...s.actorIds] } : {}),
      ...(s.logins ? { logins: [...s.logins] } : {}),
      ...(s.ips ? { ips: [...s.ips] } : {}),
      ...(s.cidrs ? { cidrs: [...s.cidrs] } : {}),
      ...(s.asns ? { asns: [...s.asns] } : {}),
      ...(s.userAgents ? { userAgents: [...s.userAgents] } : {}),
      ...(s.grantId === undefined ? {} : { grantId: s.grantId }),
    },
  };
}

function copyAction(a: ImpactAction): ReportAction {
  return {
    uuid: a.uuid,
    published: a.published,
    eventType: a.eventType,
    change: describeChange(a.eventType, a.displayMessage),
    displayMessage: a.displayMessage,
    outcome: { result: a.outcome.result, reason: a.outcome.reason },
    actor: { id: a.actor.id, type: a.actor.type, alternateId: a.actor.alternateId, displayName: a.actor.displayName },
    client: { ipAddress: a.client.ipAddress, asNumber: a.client.asNumber, asOrg: a.client.asOrg, country: a.client.country, userAgent: a.client.userAgent },
    targets: a.targets.map((t) => ({ id: t.id, type: t.type, alternateId: t.alternateId, displayName: t.displayName })),
    sessionId: a.sessionId,
  };
}

/** Derives the report of one tenant: summary, affected users and the described actions, in time order. */
export function buildImpactReport(impact: TenantImpact, signingKeyId: string): ImpactReport {
  const actions = [...impact.actions].sort(byTime);
  const affected = affectedUsers(actions);
  return {
    schema: REPORT_SCHEMA,
    generatedAt: impact.generatedAt,
    signingKeyId,
    source: { kind: impact.source.kind, name: impact.source.name },
    incident: copyIncident(impact.incident),
    tenant: { id: impact.tenant.id, name: impact.tenant.name },
    summary: {
      actions: actions.length,
      outcomes: countOutcomes(actions),
      firstSeen: actions[0]?.published ?? null,
      lastSeen: actions.at(-1)?.published ?? null,
      affectedUsers: affected.length,
      actors: [...new Set(actions.map(actorLabel))],
      clients: clients(actions),
      sessions: new Set(actions.flatMap((a) => (a.sessionId === null ? [] : [a.sessionId]))).size,
      byEventType: countChanges(actions),
    },
    affected,
    actions: actions.map(copyAction),
  };
}
