/**
 * The investigator's questions (docs/forensics.md "Investigation"), asked in SQL of a workspace's `events`:
 * which events are the suspects' (timeline), how far they reached (blast radius), what each tenant must be told
 * (impacts), and pivots from an IP, an actor or a session to what else it touches. A workspace of imported
 * exports and a copy of the live System Log (live-source.ts) answer the same way.
 */
import { BIGINT, LIST, listValue, VARCHAR, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { cidrList } from '#src/policy/zones.ts';
import type { ImpactAction, Incident, TenantImpact } from './impact.ts';
import { likePattern } from './incident.ts';
import type { Workspace } from './workspace.ts';

export type SourceInfo = { kind: 'live' | 'workspace'; name: string };

/** Events of a workspace imported without `--tenant` have none; they group under this name. */
export const NO_TENANT = '(no tenant)';

type Bound = { params: Record<string, DuckDBValue>; types: Record<string, DuckDBType> };

const ISO = (col: string) => `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
const IN_WINDOW = `published >= $since::TIMESTAMP AND published < $until::TIMESTAMP`;

async function rows<T>(conn: DuckDBConnection, sql: string, bound: Bound = { params: {}, types: {} }): Promise<T[]> {
  return (await conn.runAndReadAll(sql, bound.params, bound.types)).getRowObjectsJson() as T[];
}

const textList = (values: readonly string[]) => ({ value: listValue([...values]), type: LIST(VARCHAR) });

/**
 * The WHERE clause that makes an event a suspect's: in the window, and matching any one indicator (an
 * investigator names what they know; each indicator widens the net). CIDR blocks are matched in JavaScript
 * against the window's distinct addresses, which are few next to the events, with node's own BlockList.
 */
async function suspectCondition(conn: DuckDBConnection, incident: Incident): Promise<{ where: string } & Bound> {
  const s = incident.suspects;
  const bound: Bound = { params: { since: incident.window.since, until: incident.window.until }, types: {} };
  const set = (name: string, v: { value: DuckDBValue; type: DuckDBType }) => {
    bound.params[name] = v.value;
    bound.types[name] = v.type;
  };
  const any: string[] = [];
  if (s.actorIds) {
    set('actorIds', textList(s.actorIds));
    any.push('list_contains($actorIds, actor_id)');
  }
  if (s.logins) {
    set('logins', textList(s.logins.map(likePattern)));
    any.push(`len(list_filter($logins, lambda p: lower(actor_alternate_id) LIKE p ESCAPE '\\')) > 0`);
  }
  const ips = new Set(s.ips ?? []);
  if (s.cidrs) {
    const checked = cidrList(s.cidrs);
    if ('list' in checked) {
      const seen = await rows<{ ip: string }>(conn, `SELECT DISTINCT client_ip AS ip FROM events WHERE ${IN_WINDOW} AND client_ip IS NOT NULL`, bound);
      for (const { ip } of seen) {
        if (checked.list.check(ip, ip.includes(':') ? 'ipv6' : 'ipv4')) ips.add(ip);
      }
    }
  }
  if (s.ips || s.cidrs) {
    set('ips', textList([...ips]));
    any.push('list_contains($ips, client_ip)');
  }
  if (s.asns) {
    set('asns', { value: listValue(s.asns.map(BigInt)), type: LIST(BIGINT) });
    any.push('list_contains($asns, as_number)');
  }
  if (s.userAgents) {
    set('agents', textList(s.userAgents.map((a) => a.toLowerCase())));
    any.push('len(list_filter($agents, lambda a: contains(lower(user_agent), a))) > 0');
  }
  if (s.grantId) {
    set('grant', { value: s.grantId, type: VARCHAR });
    any.push(`(event->>'$.transaction.detail.supportAccessGrantId' = $grant OR event->>'$.actor.detailEntry.supportAccessGrantId' = $grant OR list_contains([t.id FOR t IN targets], $grant))`);
  }
  return { where: `${IN_WINDOW} AND (${any.join(' OR ')})`, ...bound };
}

export type TimelineEntry = {
  uuid: string; published: string; tenant: string; eventType: string; displayMessage: string | null; outcome: string | null;
  actorId: string | null; actorAlternateId: string | null; actorType: string | null; ipAddress: string | null; asNumber: number | null;
  sessionId: string | null; targets: { id: string | null; type: string | null; alternateId: string | null; displayName: string | null }[];
};

const TIMELINE_COLUMNS = `uuid::VARCHAR AS uuid, ${ISO('published')} AS published, coalesce(tenant, '${NO_TENANT}') AS tenant, event_type AS "eventType",
  display_message AS "displayMessage", outcome_result AS outcome, actor_id AS "actorId", actor_alternate_id AS "actorAlternateId", actor_type AS "actorType",
  client_ip AS "ipAddress", as_number::INTEGER AS "asNumber", coalesce(external_session_id, root_session_id) AS "sessionId", coalesce(targets, []) AS targets`;

export type Count = { events: number; firstSeen: string; lastSeen: string };
export type BlastRadius = {
  incident: Incident;
  source: SourceInfo;
  totals: { events: number; tenants: number; users: number; actors: number; eventTypes: number; firstSeen: string | null; lastSeen: string | null };
  tenants: (Count & { tenant: string; name: string | null; users: number; eventTypes: string[] })[];
  users: (Count & { tenant: string; id: string; alternateId: string | null; displayName: string | null; eventTypes: string[] })[];
  actions: (Count & { eventType: string; tenants: number; users: number })[];
  actors: (Count & { id: string | null; alternateId: string | null; type: string | null; tenants: number; ipAddresses: string[] })[];
  /**
   * The provider's support-plane tenants the suspects' events are also in (the staff side); not customers, not
   * in the rest. `customers` are the customer tenants those events were about (their `Org` targets: the cases
   * read, the organizations asked for access): in the 2023 incident, the only trace of whom it touched.
   */
  supportPlanes: (Count & { tenant: string; name: string | null; eventTypes: string[]; customers: (Count & { tenant: string; name: string | null })[] })[];
};

const SEEN = `count(*)::INTEGER AS events, ${ISO('min(published)')} AS "firstSeen", ${ISO('max(published)')} AS "lastSeen"`;
const USER_TARGETS = `FROM customer_events, unnest(targets) AS x(t) WHERE t.type = 'User'`;

/**
 * An incident opened over a workspace: its suspect events picked out once, then asked about. Blast radius and
 * impacts are about customer tenants; events in the provider's support plane (the staff side of the same
 * actions) are counted apart, and the timeline shows both.
 */
export class Investigation {
  readonly incident: Incident;
  readonly source: SourceInfo;
  readonly #conn: DuckDBConnection;

  private constructor(conn: DuckDBConnection, incident: Incident, source: SourceInfo) {
    this.#conn = conn;
    this.incident = incident;
    this.source = source;
  }

  static async open(ws: Workspace, incident: Incident, source: SourceInfo): Promise<Investigation> {
    const cond = await suspectCondition(ws.connection, incident);
    await ws.connection.run(`CREATE OR REPLACE TEMP TABLE suspect_events AS
      SELECT s.*, coalesce(d.support_plane, false) AS plane FROM (
        SELECT uuid, published, coalesce(tenant, '${NO_TENANT}') AS tenant, event_type, display_message, outcome_result, outcome_reason,
          actor_id, actor_type, actor_alternate_id, actor_display_name, client_ip, as_number, as_org, country, user_agent,
          external_session_id, root_session_id, coalesce(targets, []) AS targets
        FROM events WHERE ${cond.where}) s
      LEFT JOIN tenants d ON d.tenant = s.tenant`, cond.params, cond.types);
    await ws.connection.run(`CREATE OR REPLACE TEMP VIEW customer_events AS SELECT * FROM suspect_events WHERE NOT plane`);
    return new Investigation(ws.connection, incident, source);
  }

  async blastRadius(): Promise<BlastRadius> {
    const c = this.#conn;
    const [totals] = await rows<BlastRadius['totals']>(c, `SELECT count(*)::INTEGER AS events, count(DISTINCT tenant)::INTEGER AS tenants,
        (SELECT count(DISTINCT (tenant, t.id))::INTEGER ${USER_TARGETS}) AS users, count(DISTINCT actor_id)::INTEGER AS actors,
        count(DISTINCT event_type)::INTEGER AS "eventTypes", ${ISO('min(published)')} AS "firstSeen", ${ISO('max(published)')} AS "lastSeen"
      FROM customer_events`);
    const tenants = await rows<BlastRadius['tenants'][number]>(c, `SELECT a.tenant, d.name, a.events, coalesce(u.users, 0)::INTEGER AS users, a."eventTypes", a."firstSeen", a."lastSeen"
      FROM (SELECT tenant, ${SEEN}, list(DISTINCT event_type ORDER BY event_type) AS "eventTypes" FROM customer_events GROUP BY tenant) a
      LEFT JOIN (SELECT tenant, count(DISTINCT t.id) AS users ${USER_TARGETS} GROUP BY tenant) u USING (tenant)
      LEFT JOIN tenants d USING (tenant)
      ORDER BY a."firstSeen", a.tenant`);
    const users = await rows<BlastRadius['users'][number]>(c, `SELECT tenant, t.id AS id, any_value(t.alternateId) AS "alternateId", any_value(t.displayName) AS "displayName",
        ${SEEN}, list(DISTINCT event_type ORDER BY event_type) AS "eventTypes"
      ${USER_TARGETS} AND t.id IS NOT NULL GROUP BY tenant, t.id ORDER BY tenant, "firstSeen", id`);
    const actions = await rows<BlastRadius['actions'][number]>(c, `SELECT a.*, coalesce(u.users, 0)::INTEGER AS users
      FROM (SELECT event_type AS "eventType", ${SEEN}, count(DISTINCT tenant)::INTEGER AS tenants FROM customer_events GROUP BY event_type) a
      LEFT JOIN (SELECT event_type AS "eventType", count(DISTINCT (tenant, t.id)) AS users ${USER_TARGETS} GROUP BY event_type) u USING ("eventType")
      ORDER BY a.events DESC, a."eventType"`);
    const actors = await rows<BlastRadius['actors'][number]>(c, `SELECT actor_id AS id, any_value(actor_alternate_id) AS "alternateId", any_value(actor_type) AS type,
        ${SEEN}, count(DISTINCT tenant)::INTEGER AS tenants, list(DISTINCT client_ip ORDER BY client_ip) FILTER (WHERE client_ip IS NOT NULL) AS "ipAddresses"
      FROM customer_events GROUP BY actor_id ORDER BY events DESC, id`);
    const supportPlanes = await rows<BlastRadius['supportPlanes'][number]>(c, `SELECT p.*, coalesce(o.customers, []) AS customers
      FROM (SELECT s.tenant, any_value(d.name) AS name, ${SEEN}, list(DISTINCT event_type ORDER BY event_type) AS "eventTypes"
        FROM suspect_events s LEFT JOIN tenants d USING (tenant) WHERE s.plane GROUP BY s.tenant) p
      LEFT JOIN (SELECT plane AS tenant, list({'tenant': org, 'name': name, 'events': events, 'firstSeen': "firstSeen", 'lastSeen': "lastSeen"} ORDER BY "firstSeen", org) AS customers
        FROM (SELECT s.tenant AS plane, t.id AS org, any_value(coalesce(d.name, t.displayName)) AS name, ${SEEN}
          FROM suspect_events s, unnest(s.targets) AS x(t) LEFT JOIN tenants d ON d.tenant = t.id
          WHERE s.plane AND t.type = 'Org' AND t.id IS NOT NULL GROUP BY s.tenant, t.id)
        GROUP BY plane) o USING (tenant)
      ORDER BY p.tenant`);
    return { incident: this.incident, source: this.source, totals: totals as BlastRadius['totals'], tenants, users, actions, actors, supportPlanes };
  }

  /** The suspect events in time order, `limit` at a time; `after` is the last entry's `published|uuid`. */
  async timeline(opts: { limit: number; after?: string; tenant?: string }): Promise<{ entries: TimelineEntry[]; next: string | null }> {
    const bound: Bound = { params: { limit: opts.limit + 1 }, types: {} };
    const where: string[] = [];
    if (opts.after !== undefined) {
      const [published, uuid] = opts.after.split('|');
      Object.assign(bound.params, { afterTime: published ?? '', afterUuid: uuid ?? '' });
      where.push('(published, uuid::VARCHAR) > ($afterTime::TIMESTAMP, $afterUuid)');
    }
    if (opts.tenant !== undefined) {
      bound.params['tenant'] = opts.tenant;
      where.push('tenant = $tenant');
    }
    const found = await rows<TimelineEntry>(this.#conn, `SELECT ${TIMELINE_COLUMNS} FROM suspect_events
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY suspect_events.published, suspect_events.uuid::VARCHAR LIMIT $limit`, bound);
    const entries = found.slice(0, opts.limit);
    const last = entries.at(-1);
    return { entries, next: found.length > opts.limit && last ? `${last.published}|${last.uuid}` : null };
  }

  /** What each touched tenant is told (impact reports): its suspect events in time order. */
  async impacts(generatedAt: Date, tenants?: readonly string[]): Promise<TenantImpact[]> {
    const bound: Bound = { params: {}, types: {} };
    let where = '';
    if (tenants !== undefined) {
      bound.params['only'] = listValue([...tenants]);
      bound.types['only'] = LIST(VARCHAR);
      where = 'AND list_contains($only, s.tenant)';
    }
    const found = await rows<{ tenant: string; name: string | null } & Omit<TimelineEntry, 'tenant'> & { outcomeReason: string | null; actorDisplayName: string | null; asOrg: string | null; country: string | null; userAgent: string | null; externalSessionId: string | null }>(
      this.#conn, `SELECT s.tenant, d.name, s.uuid::VARCHAR AS uuid, ${ISO('s.published')} AS published, s.event_type AS "eventType", s.display_message AS "displayMessage",
        s.outcome_result AS outcome, s.outcome_reason AS "outcomeReason", s.actor_id AS "actorId", s.actor_type AS "actorType", s.actor_alternate_id AS "actorAlternateId",
        s.actor_display_name AS "actorDisplayName", s.client_ip AS "ipAddress", s.as_number::INTEGER AS "asNumber", s.as_org AS "asOrg", s.country, s.user_agent AS "userAgent",
        s.external_session_id AS "externalSessionId", s.targets
      FROM suspect_events s LEFT JOIN tenants d USING (tenant) WHERE NOT s.plane ${where} ORDER BY s.tenant, s.published, s.uuid::VARCHAR`, bound);
    const byTenant = new Map<string, TenantImpact>();
    for (const r of found) {
      let impact = byTenant.get(r.tenant);
      if (!impact) {
        impact = { incident: this.incident, tenant: { id: r.tenant, name: r.name }, source: this.source, generatedAt: generatedAt.toISOString(), actions: [] };
        byTenant.set(r.tenant, impact);
      }
      const action: ImpactAction = {
        uuid: r.uuid, published: r.published, eventType: r.eventType, displayMessage: r.displayMessage,
        outcome: { result: r.outcome, reason: r.outcomeReason },
        actor: { id: r.actorId, type: r.actorType, alternateId: r.actorAlternateId, displayName: r.actorDisplayName },
        client: { ipAddress: r.ipAddress, asNumber: r.asNumber, asOrg: r.asOrg, country: r.country, userAgent: r.userAgent },
        targets: r.targets, sessionId: r.externalSessionId,
      };
      impact.actions.push(action);
    }
    return [...byTenant.values()];
  }
}

export type Window = { since: string; until: string };

function windowed(window: Window | undefined, bound: Bound): string {
  if (!window) return '';
  Object.assign(bound.params, { since: window.since, until: window.until });
  return ` AND ${IN_WINDOW}`;
}

/**
 * The events matching any of `conditions`, each an equality on one column, as a UNION ALL of one scan per
 * condition, each leaving out what an earlier one took. A single-column equality is a filter DuckDB applies in
 * the scan, reading the other columns only of the rows that pass; an OR across columns is applied after every
 * column of every row is read: on 10,000,000 events, 0.25 s against 1.2 s.
 */
function anyOf(conditions: readonly string[]): string {
  const branches = conditions.map((c, i) => {
    const earlier = conditions.slice(0, i).map((e) => `(${e}) IS NOT TRUE`);
    return `SELECT * FROM events WHERE ${[c, ...earlier].join(' AND ')}`;
  });
  return `(${branches.join(' UNION ALL ')})`;
}

export type IpPivot = (Count & { actorId: string | null; alternateId: string | null; type: string | null; tenants: number; sessions: number })[];

/** From an address to every actor that used it. */
export function actorsOfIp(ws: Workspace, ip: string, window?: Window): Promise<IpPivot> {
  const bound: Bound = { params: { ip }, types: {} };
  return rows(ws.connection, `SELECT actor_id AS "actorId", any_value(actor_alternate_id) AS "alternateId", any_value(actor_type) AS type, ${SEEN},
      count(DISTINCT tenant)::INTEGER AS tenants, count(DISTINCT coalesce(external_session_id, root_session_id))::INTEGER AS sessions
    FROM events WHERE client_ip = $ip${windowed(window, bound)} GROUP BY actor_id ORDER BY events DESC, "actorId"`, bound);
}

export type ActorPivot = (Count & { sessionId: string; rootSessionId: string | null; tenant: string; ipAddresses: string[]; asNumbers: number[] })[];

/**
 * From an actor (id or login) to every session it acted in, with where from. A login matches as given or in
 * lower case, as logs record it: an equality, where lower() on every row would cost a scan of its own.
 */
export function sessionsOfActor(ws: Workspace, actor: string, window?: Window): Promise<ActorPivot> {
  const bound: Bound = { params: { actor }, types: {} };
  return rows(ws.connection, `SELECT coalesce(external_session_id, root_session_id) AS "sessionId", any_value(root_session_id) AS "rootSessionId",
      coalesce(tenant, '${NO_TENANT}') AS tenant, ${SEEN},
      list(DISTINCT client_ip ORDER BY client_ip) FILTER (WHERE client_ip IS NOT NULL) AS "ipAddresses",
      list(DISTINCT as_number::INTEGER ORDER BY as_number::INTEGER) FILTER (WHERE as_number IS NOT NULL) AS "asNumbers"
    FROM ${anyOf(['actor_id = $actor', 'actor_alternate_id = $actor', 'actor_alternate_id = lower($actor) AND $actor <> lower($actor)'])} AS events
    WHERE coalesce(external_session_id, root_session_id) IS NOT NULL${windowed(window, bound)}
    GROUP BY 1, tenant ORDER BY "firstSeen", "sessionId"`, bound);
}

/** From a session (`externalSessionId` or `rootSessionId`) to everything done in it, in time order. */
export function eventsOfSession(ws: Workspace, session: string, window?: Window): Promise<TimelineEntry[]> {
  const bound: Bound = { params: { session }, types: {} };
  return rows(ws.connection, `SELECT ${TIMELINE_COLUMNS} FROM ${anyOf(['external_session_id = $session', 'root_session_id = $session'])} AS events
    WHERE true${windowed(window, bound)} ORDER BY events.published, events.uuid::VARCHAR LIMIT 10000`, bound);
}
