import { BlockList, isIP } from 'node:net';
import type { Executor } from '#src/db/database.ts';
import { cidrList } from '#src/policy/zones.ts';
import type { LogActor, LogEvent } from '#src/syslog/log-event.ts';
import { tenantEventsInWindow } from '#src/syslog/window.ts';
import { PASSWORD_OR_FACTOR_EVENTS, SIGN_IN_EVENTS, type Criteria, type Criterion } from './criteria.ts';
import { RemediationErrors } from './errors.ts';

/** An event that selected a user, as a plan shows it. */
export type Evidence = {
  uuid: string;
  eventType: string;
  published: string;
  outcome: string;
  actor: { id: string; type: string; displayName: string | null };
  ipAddress: string | null;
  asNumber: number | null;
};

/** How many events selected a user by one criterion, and the first of them. */
export type Match = { count: number; events: Evidence[] };

/** A user the dry run selected, named as the events name them (the user may no longer exist). */
export type Candidate = { userId: string; login: string; displayName: string; matched: Partial<Record<Criterion, Match>> };

/** A plan names this many events per user and criterion; `count` says how many there were. */
const EVIDENCE_PER_CRITERION = 10;
/** A plan larger than this is a sign of criteria too wide to be what the admin meant. */
export const MAX_USERS = 10_000;

const evidenceOf = (e: LogEvent): Evidence => ({
  uuid: e.uuid,
  eventType: e.eventType,
  published: e.published,
  outcome: e.outcome.result,
  actor: { id: e.actor.id, type: e.actor.type, displayName: e.actor.displayName },
  ipAddress: e.client.ipAddress,
  asNumber: e.securityContext.asNumber,
});

/** A user of the tenant named in an event: a target or an actor of type User (an unknown username is none). */
const isUser = (who: LogActor): boolean => who.type === 'User' && who.id !== 'unknown';

/** Whose password or factor an event changed: its User targets, or for the user's own change without one, its actor. */
function changedUsers(e: LogEvent): LogActor[] {
  const targets = e.target.filter(isUser);
  if (targets.length > 0) return targets;
  return isUser(e.actor) ? [e.actor] : [];
}

/** Whether an event came from one of the addresses, blocks or AS numbers. */
function networkMatcher(from: NonNullable<Criteria['signedInFrom']>): (e: LogEvent) => boolean {
  const list = new BlockList();
  for (const ip of from.ips) list.addAddress(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
  const blocks = cidrList(from.cidrs);
  const ranges = 'list' in blocks ? blocks.list : new BlockList();
  const asns = new Set(from.asns);
  return (e) => {
    const ip = e.client.ipAddress;
    const family = ip === null ? 0 : isIP(ip);
    if (ip !== null && family !== 0) {
      const type = family === 6 ? 'ipv6' : 'ipv4';
      if (list.check(ip, type) || ranges.check(ip, type)) return true;
    }
    return e.securityContext.asNumber !== null && asns.has(e.securityContext.asNumber);
  };
}

/**
 * The dry run's reading of the tenant's live System Log: every user the criteria select (their union), each
 * with the criteria they matched and the events that matched them. Read page by page through the System Log's
 * own window reader; each criterion reads only its event types or actors.
 */
export async function selectUsers(db: Executor, tenantId: string, criteria: Criteria): Promise<Candidate[]> {
  const window = { since: new Date(criteria.window.since), until: new Date(criteria.window.until) };
  const found = new Map<string, Candidate>();
  const note = (user: LogActor, criterion: Criterion, e: LogEvent) => {
    let c = found.get(user.id);
    if (!c) {
      if (found.size === MAX_USERS) throw RemediationErrors.tooManyUsers(MAX_USERS);
      found.set(user.id, c = { userId: user.id, login: user.alternateId ?? user.id, displayName: user.displayName ?? '', matched: {} });
    }
    const match = c.matched[criterion] ??= { count: 0, events: [] };
    match.count += 1;
    if (match.events.length < EVIDENCE_PER_CRITERION) match.events.push(evidenceOf(e));
  };
  if (criteria.passwordOrFactorChange) {
    for await (const e of tenantEventsInWindow(db, tenantId, { ...window, eventTypes: PASSWORD_OR_FACTOR_EVENTS })) {
      // A refused or failed change changed nothing.
      if (e.outcome.result !== 'SUCCESS') continue;
      for (const user of changedUsers(e)) note(user, 'PASSWORD_OR_FACTOR_CHANGE', e);
    }
  }
  if (criteria.targetedBy) {
    // Whatever the outcome: a suspect's attempt on a user is a reason to look at that user.
    for await (const e of tenantEventsInWindow(db, tenantId, { ...window, actorIds: criteria.targetedBy.actorIds })) {
      for (const user of e.target.filter(isUser)) note(user, 'TARGETED_BY', e);
    }
  }
  if (criteria.signedInFrom) {
    const from = networkMatcher(criteria.signedInFrom);
    for await (const e of tenantEventsInWindow(db, tenantId, { ...window, eventTypes: SIGN_IN_EVENTS })) {
      if (e.outcome.result === 'SUCCESS' && isUser(e.actor) && from(e)) note(e.actor, 'SIGNED_IN_FROM', e);
    }
  }
  return [...found.values()];
}
