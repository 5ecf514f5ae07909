/**
 * Blast radius over a large workspace: 10,000,000 events (quick mode 2,000,000) of 10,000 tenants over 30 days,
 * generated inside DuckDB straight into a workspace file (every indexed column filled; the event text is a
 * stub, which no question reads). One suspect actor acts on 366 tenants in a 5-day window, from its own two
 * addresses, among other support actors and users. Measured end to end, as `bulwark investigate` runs it: open
 * the workspace file, pick out the suspect's events, answer the blast radius (totals, tenants, users, actions,
 * actors). Then the three pivots over the whole workspace: IP → actors, actor → sessions, session → events.
 * References, in the same run: a bare count of the window's events (one scan of `published`), for the blast
 * radius; and a bare count of the suspect's events by `actor_id` (one scan of one column over every row), the
 * floor of a pivot over the whole workspace: the actor pivot needs two such scans (id and login).
 * Targets: blast radius < 2 s; each pivot < 500 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIncident } from '../src/forensics/incident.ts';
import { actorsOfIp, eventsOfSession, Investigation, sessionsOfActor } from '../src/forensics/investigate.ts';
import { openWorkspace } from '../src/forensics/workspace.ts';
import { log, onCleanup, round, runBench, sized } from './lib/bench.ts';

const EVENTS = sized(10_000_000, 2_000_000);
const TENANTS = 10_000;
const TOUCHED = 366;
const SUSPECT = '00u1suspect0000000001';
const SUSPECT_IPS = ['198.51.100.23', '198.51.100.77'];
const DAYS = 30;
const WINDOW = { since: '2026-03-16T00:00:00.000Z', until: '2026-03-21T00:00:00.000Z' };
const START = '2026-03-01 00:00:00';

/**
 * Row i is published at START + i × (30 days / EVENTS), so the file is in time order as an import or the live
 * copy leaves it. Tenant, actor and address are spread by multiplicative hashing (deterministic, no PRNG state);
 * one event in 2,000 is a support actor's; each actor has one session a day. Inside the window, every
 * `suspectEvery`-th row is the suspect's, on one of TOUCHED tenants in turn.
 */
async function generate(dir: string): Promise<void> {
  const ws = await openWorkspace(dir, 'blast');
  const step = (DAYS * 86400) / EVENTS;
  const first = Math.ceil((Date.parse(WINDOW.since) - Date.parse(`${START}Z`)) / 1000 / step);
  const last = Math.floor((Date.parse(WINDOW.until) - Date.parse(`${START}Z`)) / 1000 / step);
  const suspectEvery = Math.floor((last - first) / 1500);
  const types = `['user.session.start', 'user.authentication.sso', 'user.authentication.auth_via_mfa', 'policy.evaluate_sign_on', 'user.account.update_profile', 'group.user_membership.add', 'user.mfa.factor.activate', 'user.account.reset_password']`;
  const attack = `['user.account.reset_password', 'user.mfa.factor.reset_all', 'user.session.clear', 'bulwark.support.api.read']`;
  try {
    await ws.connection.run(`INSERT INTO events
      SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::UUID, published, event_type, 'INFO', event_type, 'SUCCESS', NULL,
        actor_id, actor_type, actor_id || '@example.com', NULL, ip, asn, 'Example AS', 'US', 'Mozilla/5.0',
        actor_id || '-' || (i // ${Math.round(EVENTS / DAYS)})::VARCHAR, NULL, NULL,
        'tnt' || lpad(tenant::VARCHAR, 6, '0'),
        [{'id': '00u' || lpad((tenant * 97 + i % 50)::VARCHAR, 17, '0'), 'type': 'User', 'alternateId': 'user' || (i % 50)::VARCHAR || '@tenant' || tenant::VARCHAR || '.example', 'displayName': NULL}],
        '{}', 'bench', i
      FROM (
        SELECT i, TIMESTAMP '${START}' + to_microseconds((i * ${step * 1e6})::BIGINT) AS published,
          CASE WHEN suspect THEN (i // ${suspectEvery}) % ${TOUCHED} ELSE (i * 2654435761) % ${TENANTS} END AS tenant,
          CASE WHEN suspect THEN '${SUSPECT}' WHEN i % 2000 = 1 THEN '00usupport' || lpad((i % 40)::VARCHAR, 10, '0')
               ELSE '00u' || lpad(((i * 40503) % 2000000)::VARCHAR, 17, '0') END AS actor_id,
          CASE WHEN suspect OR i % 2000 = 1 THEN 'SupportStaff' ELSE 'User' END AS actor_type,
          CASE WHEN suspect THEN ${attack}[1 + i % 4] ELSE ${types}[1 + i % 8] END AS event_type,
          CASE WHEN suspect THEN ['${SUSPECT_IPS.join("', '")}'][1 + i % 2]
               ELSE ((i * 16777619) % 223 + 1)::VARCHAR || '.' || ((i // 7) % 256)::VARCHAR || '.' || ((i // 11) % 256)::VARCHAR || '.' || (i % 254 + 1)::VARCHAR END AS ip,
          CASE WHEN suspect THEN 64496 ELSE 1000 + (i * 31) % 5000 END AS asn
        FROM (SELECT range AS i, range BETWEEN ${first} AND ${last - 1} AND range % ${suspectEvery} = 0 AS suspect FROM range(${EVENTS}))
      )`);
  } finally {
    ws.close();
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, ms: performance.now() - t0 };
}

await runBench('blast-radius', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-blast-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const gen = await timed(() => generate(dir));
  log(`${EVENTS} events of ${TENANTS} tenants over ${DAYS} days written in ${round(gen.ms / 1000, 1)} s`);

  const incident = parseIncident({ name: 'bench', window: WINDOW, suspects: { actorIds: [SUSPECT] } });
  const blast = await timed(async () => {
    const ws = await openWorkspace(dir, 'blast', { readOnly: true });
    try {
      const inv = await Investigation.open(ws, incident, { kind: 'workspace', name: 'blast' });
      return await inv.blastRadius();
    } finally {
      ws.close();
    }
  });
  if (blast.value.totals.tenants !== TOUCHED) throw new Error(`blast radius found ${blast.value.totals.tenants} tenants, expected ${TOUCHED}`);
  log(`blast radius: ${round(blast.ms)} ms, ${blast.value.totals.events} events on ${blast.value.totals.tenants} tenants, ${blast.value.totals.users} users`);

  const ws = await openWorkspace(dir, 'blast', { readOnly: true });
  onCleanup(() => ws.close());
  const reference = await timed(() => ws.connection.runAndReadAll(`SELECT count(*) FROM events WHERE published >= '${WINDOW.since}'::TIMESTAMP AND published < '${WINDOW.until}'::TIMESTAMP`));
  const column = await timed(() => ws.connection.runAndReadAll(`SELECT count(*) FROM events WHERE actor_id = $actor`, { actor: SUSPECT }));
  const ip = await timed(() => actorsOfIp(ws, SUSPECT_IPS[0] as string));
  const sessions = await timed(() => sessionsOfActor(ws, SUSPECT));
  const session = sessions.value[0]?.sessionId;
  if (ip.value.length !== 1 || session === undefined) throw new Error('the pivots found nothing of the suspect');
  const inSession = await timed(() => eventsOfSession(ws, session));
  if (inSession.value.length === 0) throw new Error(`session ${session} has no events`);
  const pivotMs = Math.max(ip.ms, sessions.ms, inSession.ms);
  log(`pivots: ip→actors ${round(ip.ms)} ms, actor→sessions ${round(sessions.ms)} ms (${sessions.value.length}), session→events ${round(inSession.ms)} ms (${inSession.value.length}); reference window count ${round(reference.ms)} ms, one column's scan ${round(column.ms)} ms`);

  return {
    figures: {
      events: EVENTS, tenants: TENANTS, blast_radius_ms: round(blast.ms), pivot_max_ms: round(pivotMs),
      reference_scan_ms: round(reference.ms, 1), ratio: round(blast.ms / Math.max(reference.ms, 0.1), 1),
      column_scan_ms: round(column.ms), pivot_ratio: round(pivotMs / Math.max(column.ms, 0.1), 1),
    },
    target: 'blast_radius_ms<2000 pivot_max_ms<500',
    met: blast.ms < 2000 && pivotMs < 500,
  };
});
