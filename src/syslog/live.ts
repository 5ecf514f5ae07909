import { sql, type RawBuilder } from 'kysely';
import type { LogEvent } from './log-event.ts';

/**
 * The channel on which an append that holds support activity is announced, as `{tenantId} {head} {count}`:
 * the events are the `count` ending at sequence number `head`. PostgreSQL delivers a NOTIFY when, and only
 * if, its transaction commits, so a listener hears of exactly the committed events, at the moment they are.
 * Other appends announce nothing: a NOTIFY serializes commits across the database, a price worth paying for
 * support's rare actions only.
 */
export const SUPPORT_ACTIVITY_CHANNEL = 'bulwark_support_activity';

/** Support activity: an event done by support staff, or a step in the life of a support grant (its types). */
const STAFF_ACTOR_TYPE = 'SupportStaff';
const GRANT_EVENT_PREFIXES = ['user.session.impersonation.', 'bulwark.support.access.'] as const;

export function isSupportActivity(event: Pick<LogEvent, 'eventType' | 'actor'>): boolean {
  return event.actor.type === STAFF_ACTOR_TYPE || GRANT_EVENT_PREFIXES.some((p) => event.eventType.startsWith(p));
}

/**
 * The same append, announced on the support activity channel: the head the append returns is passed on, so
 * the call fits wherever the bare append did.
 */
export function announced(tenantId: string, append: RawBuilder<string>, count: number): RawBuilder<string> {
  return sql<string>`(select a.head from (select ${append} as head) a, pg_notify(${SUPPORT_ACTIVITY_CHANNEL}, ${tenantId} || ' ' || a.head || ' ' || ${String(count)}))`;
}

/**
 * A cheap test on the stored text, for a query that looks back over a tenant's log: every support activity
 * event either has one of the event types or names the actor type (build-event.ts writes `"type":"…"` with no
 * spaces). It may let through an event whose target has that type; isSupportActivity decides.
 */
export const supportActivityFilter = {
  eventTypes: GRANT_EVENT_PREFIXES.map((p) => `${p}%`),
  eventText: `%"type":"${STAFF_ACTOR_TYPE}"%`,
} as const;
