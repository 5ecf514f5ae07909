/**
 * The live half of `bench detect`: a System Log written through the real append path (`recordEvents`, the
 * hash chain in PostgreSQL) across many tenants, then the detection worker as the server runs it (every Sigma
 * rule and the built-in rules), timed from its start until its cursors reach the heads. The events are the
 * mix of bench/lib/okta-stream.ts, done by a fixed crowd of users per tenant, each with a home network and a
 * current session, so the built-in rules have history to keep.
 */
import type { Db } from '../../src/db/database.ts';
import type { SigmaRule } from '../../src/detections/sigma-load.ts';
import { DEFAULT_THRESHOLDS } from '../../src/detections/thresholds.ts';
import { startDetectionWorker, type WorkerStats } from '../../src/detections/worker.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { pick, prng, type Rand } from '../../src/lib/random.ts';
import type { AuditContext, LogActor } from '../../src/syslog/log-event.ts';
import { recordEvents } from '../../src/syslog/service.ts';
import { chainHeads, eventsAfter } from '../../src/syslog/tail.ts';
import { KINDS } from './okta-stream.ts';
import { benchTenantId } from './tenants.ts';

const USERS_PER_TENANT = 50;
/** Events per transaction: a user's burst of activity (sign-in, a few apps, an admin change). */
const PER_TX = 10;
const AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

type Person = { actor: LogActor; asn: number; country: string; session: string };

function crowd(rand: Rand, tenant: number): Person[] {
  return Array.from({ length: USERS_PER_TENANT }, (_, i) => ({
    actor: { id: `00u${String(tenant).padStart(6, '0')}${String(i).padStart(11, '0')}`, type: 'User', alternateId: `user${i}@t${tenant}.example`, displayName: `User ${i}`, detailEntry: null },
    asn: 64496 + Math.floor(rand() * 40),
    country: pick(rand, ['Netherlands', 'United States', 'India', 'Japan']),
    session: `idx${tenant}x${i}x0`,
  }));
}

/** Appends `events` events, `PER_TX` per transaction, from `writers` concurrent writers; returns events/s. */
export async function appendLiveLog(db: Db, tenants: number, events: number, writers: number): Promise<number> {
  const rand = prng(7);
  const people = Array.from({ length: tenants }, (_, t) => crowd(rand, t));
  const total = KINDS.reduce((sum, k) => sum + k.weight, 0);
  let next = 0;
  let sessions = 0;
  const writer = async () => {
    while (next < events / PER_TX) {
      const n = next++;
      const tenant = n % tenants;
      const person = pick(rand, people[tenant] as Person[]);
      // A person now and then signs in afresh (a new session), rarely from a network that is not their own.
      const away = rand() < 0.01;
      if (rand() < 0.2) person.session = `idx${tenant}x${sessions++}`;
      const audit: AuditContext = {
        actor: person.actor, ipAddress: `198.51.${tenant % 256}.${Math.floor(rand() * 254) + 1}`, userAgent: AGENT,
        transaction: { type: 'WEB', id: `bench${n}`, detail: {} }, requestUri: '/api/v1/users',
        network: { asNumber: away ? 65000 + Math.floor(rand() * 100) : person.asn, asOrg: 'example transit', country: away ? 'Romania' : person.country },
        sessionId: person.session,
      };
      const inputs = Array.from({ length: PER_TX }, () => {
        let roll = rand() * total;
        const kind = KINDS.find((k) => (roll -= k.weight) < 0) ?? KINDS[0];
        return (kind as (typeof KINDS)[number]).input(rand, pick(rand, people[tenant] as Person[]).actor);
      });
      await db.transaction().execute((tx) => recordEvents(tx, systemClock, benchTenantId(tenant), audit, inputs));
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: writers }, writer));
  return events / ((performance.now() - began) / 1000);
}

/** Polls until every tenant's cursor has reached `heads`. */
async function reached(db: Db, heads: ReadonlyMap<string, number>): Promise<void> {
  for (;;) {
    const rows = await db.selectFrom('detection_cursors').select(['tenant_id', 'seq']).execute();
    const at = new Map(rows.map((r) => [r.tenant_id, Number(r.seq)]));
    if ([...heads].every(([tenant, seq]) => (at.get(tenant) ?? 0) >= seq)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The worker from its start until it has read every event appended: events/s, and what it did. */
export async function runWorker(db: Db, sigma: readonly SigmaRule[]): Promise<{ eventsPerS: number; ms: number; stats: WorkerStats; events: number }> {
  const heads = new Map((await chainHeads(db)).map((h) => [h.tenantId, h.seq]));
  const events = [...heads.values()].reduce((a, b) => a + b, 0);
  const began = performance.now();
  const worker = startDetectionWorker({ db, clock: systemClock, sigma, thresholds: DEFAULT_THRESHOLDS, onError: (err) => console.error(err) });
  try {
    await reached(db, heads);
  } finally {
    await worker.stop();
  }
  const ms = performance.now() - began;
  return { eventsPerS: events / (ms / 1000), ms, stats: worker.stats(), events };
}

/**
 * The reference: the same events read as the worker reads them (chain heads, then (tenant, seq) ranges in
 * batches of 10,000) and parsed, with no rule run and nothing written: what following the log costs at least.
 */
export async function readOnly(db: Db, events: number): Promise<number> {
  const heads = await chainHeads(db);
  const cursor = new Map(heads.map((h) => [h.tenantId, 0]));
  const perTenant = Math.max(200, Math.ceil(10_000 / heads.length));
  let read = 0;
  const began = performance.now();
  while (read < events) {
    const ranges = heads.filter((h) => (cursor.get(h.tenantId) ?? 0) < h.seq).map((h) => ({ tenantId: h.tenantId, after: cursor.get(h.tenantId) ?? 0, through: h.seq }));
    if (ranges.length === 0) break;
    for (const row of await eventsAfter(db, ranges.slice(0, Math.max(1, Math.floor(10_000 / perTenant))), perTenant)) {
      JSON.parse(row.event);
      cursor.set(row.tenantId, row.seq);
      read += 1;
    }
  }
  return read / ((performance.now() - began) / 1000);
}
