/**
 * Okta System Log queries on a large log: `GET /api/v1/logs?filter=actor.id eq "…"&since=…&until=…` over a
 * 24-hour window, for random tenants and actors, one request at a time over real HTTP.
 * Target: p50 < 50 ms and p99 < 200 ms with 1,000,000 events across 1,000 tenants.
 *
 * The events are built in SQL from canonical JSON templates of real LogEvents (bench/lib/events.ts), so
 * each row looks like a real one (~1 KB of JSON, actor ids, event types, `published` spread over 30 days,
 * tenants interleaved in time as they would be on disk); only the chain hashes are not real.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../src/db/database.ts';
import { canonicalJson } from '../src/syslog/chain.ts';
import { validateBulwarkLogEvent } from '../src/syslog/log-event-schema.ts';
import { log, percentile, round, runBench, sized } from './lib/bench.ts';
import { startBenchDatabase } from './lib/database.ts';
import { eventTemplates } from './lib/events.ts';
import { startServerProcess } from './lib/server-process.ts';
import { addAdmins, benchTenantId, insertTenants } from './lib/tenants.ts';

const TENANTS = sized(1_000, 100);
const EVENTS = sized(1_000_000, 100_000);
const REQUESTS = sized(500, 100);
const WARMUP_REQUESTS = 20;
const ACTORS_PER_TENANT = 10;
const DAYS = 30;
const CHUNK = 50_000;
const LOADERS = 2;
const DAY_MS = 86_400_000;

function actorId(tenant: number, actor: number): string {
  return `00u${String(tenant).padStart(8, '0')}x${String(actor).padStart(8, '0')}`;
}

/** Column of the generated row that replaces each template placeholder. */
const PLACEHOLDER_COLUMNS: Record<string, string> = {
  UUID: 'uuid_text', PUBLISHED: 'published_text', ACTOR: 'actor_id', LOGIN: 'login', NAME: 'name',
  TARGET: 'target_id', TLOGIN: 'target_login', IP: 'ip', REQ: 'req',
};

/** `case k when 1 then 'literal' || col || … end`: each row's event text in one concatenation pass. */
function eventTextSql(templates: readonly string[]): RawBuilder<string> {
  const cases = templates.map((template, i) => {
    const parts = template.split(/__([A-Z]+)__/);
    const pieces = parts.map((part, j) => {
      if (j % 2 === 0) return sql.lit(part);
      const column = PLACEHOLDER_COLUMNS[part];
      if (column === undefined) throw new Error(`unknown placeholder __${part}__`);
      return sql.ref(column);
    });
    return sql`when ${sql.lit(i + 1)} then ${sql.join(pieces, sql` || `)}`;
  });
  return sql<string>`case k ${sql.join(cases, sql` `)} end`;
}

/** Rows `lo`..`hi` of the global event sequence: row g belongs to tenant g % TENANTS, as its event g / TENANTS + 1. */
async function loadChunk(db: Db, start: Date, lo: number, hi: number): Promise<void> {
  const { eventTypes, templates } = eventTemplates();
  await db.transaction().execute(async (tx) => {
    await sql`set local synchronous_commit = off`.execute(tx);
    await sql`
      with r as (
        select g % ${TENANTS}::int as t, g / ${TENANTS}::int + 1 as seq,
          floor(random() * ${templates.length}::int)::int + 1 as k,
          floor(random() * ${ACTORS_PER_TENANT}::int)::int as a,
          floor(random() * ${ACTORS_PER_TENANT}::int)::int as ta,
          gen_random_uuid() as uuid,
          ${start}::timestamptz + (g::float8 / ${EVENTS}::int) * interval '${sql.raw(String(DAYS))} days' as published
        from generate_series(${lo}::bigint, ${hi}::bigint) g
      ), s as (
        select r.*,
          '00obench' || lpad(t::text, 12, '0') as tenant_id,
          '00u' || lpad(t::text, 8, '0') || 'x' || lpad(a::text, 8, '0') as actor_id,
          '00u' || lpad(t::text, 8, '0') || 'x' || lpad(ta::text, 8, '0') as target_id,
          'user' || a || '@bench-' || t || '.example.com' as login,
          'user' || ta || '@bench-' || t || '.example.com' as target_login,
          'Bench User ' || a as name,
          uuid::text as uuid_text,
          to_char(published at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as published_text,
          (11 + floor(random() * 200)::int) || '.' || floor(random() * 256)::int || '.' || floor(random() * 256)::int || '.' || (1 + floor(random() * 254)::int) as ip,
          substr(md5(uuid::text), 1, 25) as req
        from r
      )
      insert into log_events (tenant_id, seq, uuid, published, event_type, actor_id, event, hash)
      select tenant_id, seq, uuid, published, (${eventTypes}::text[])[k], actor_id, ${eventTextSql(templates)},
        encode(sha256(convert_to(uuid_text, 'UTF8')), 'hex')
      from s`.execute(tx);
  });
}

/**
 * Secondary indexes are dropped for the load and rebuilt from their own definitions afterwards: one sorted
 * build is far faster than a million scattered inserts, and the end state is exactly the migrated schema.
 */
async function withoutSecondaryIndexes(db: Db, load: () => Promise<void>): Promise<void> {
  const indexes = await sql<{ name: string; def: string }>`
    select c.relname as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i join pg_class c on c.oid = i.indexrelid
    where i.indrelid = 'log_events'::regclass and not i.indisprimary`.execute(db);
  for (const { name } of indexes.rows) await sql`drop index ${sql.id(name)}`.execute(db);
  await load();
  const began = performance.now();
  await db.connection().execute(async (c) => {
    await sql`set maintenance_work_mem = '256MB'`.execute(c);
    for (const { def } of indexes.rows) await sql.raw(def).execute(c);
    await sql`reset maintenance_work_mem`.execute(c);
  });
  log(`rebuilt ${indexes.rows.length} secondary indexes in ${round((performance.now() - began) / 1000, 1)} s`);
}

async function loadEvents(db: Db, start: Date): Promise<void> {
  const chunks: [number, number][] = [];
  for (let lo = 0; lo < EVENTS; lo += CHUNK) chunks.push([lo, Math.min(EVENTS, lo + CHUNK) - 1]);
  let next = 0;
  let done = 0;
  const began = performance.now();
  const loader = async () => {
    while (next < chunks.length) {
      const [lo, hi] = chunks[next++] as [number, number];
      await loadChunk(db, start, lo, hi);
      done += hi - lo + 1;
      if (done % (CHUNK * 4) === 0 || done === EVENTS) log(`loaded ${done.toLocaleString('en')} events (${round((performance.now() - began) / 1000, 1)} s)`);
    }
  };
  await Promise.all(Array.from({ length: LOADERS }, loader));
  const perTenant = EVENTS / TENANTS;
  await sql`update log_chain_heads h set seq = e.seq, hash = e.hash from log_events e where e.tenant_id = h.tenant_id and e.seq = ${perTenant}`.execute(db);
}

/** Generated rows must be what the service would have stored: strict LogEvents, in canonical JSON. */
async function checkSample(db: Db): Promise<void> {
  const sample = await sql<{ event: string }>`select event from log_events tablesample system (1) limit 50`.execute(db);
  if (sample.rows.length === 0) throw new Error('no events to check');
  for (const { event } of sample.rows) {
    const parsed: unknown = JSON.parse(event);
    const problems = validateBulwarkLogEvent(parsed);
    if (problems.length > 0) throw new Error(`generated event is not a valid LogEvent: ${problems.join('; ')}\n${event}`);
    if (canonicalJson(parsed) !== event) throw new Error(`generated event is not canonical JSON: ${event}`);
  }
}

await runBench('log-query', async () => {
  if (EVENTS % TENANTS !== 0) throw new Error('EVENTS must be a multiple of TENANTS');
  const { db, url } = await startBenchDatabase(LOADERS + 2);
  const tenants = await insertTenants(db, TENANTS);
  const start = new Date(Date.now() - DAYS * DAY_MS);
  await withoutSecondaryIndexes(db, () => loadEvents(db, start));
  await checkSample(db);
  const tokens = await addAdmins(db, tenants, 'READ_ONLY_ADMIN');
  const began = performance.now();
  // VACUUM too: a long-lived log has been vacuumed (hint bits set, visibility map current), a fresh load not.
  await sql`vacuum analyze`.execute(db);
  const size = await sql<{ size: string; avg: string }>`
    select pg_size_pretty(pg_total_relation_size('log_events')) as size, (select round(avg(octet_length(event))) from log_events) as avg`.execute(db);
  log(`vacuumed and analyzed in ${round((performance.now() - began) / 1000, 1)} s; log_events ${size.rows[0]?.size} with indexes, event JSON ${size.rows[0]?.avg} bytes on average`);

  const server = await startServerProcess('bulwark', { BENCH_DATABASE_URL: url });
  const query = async (): Promise<{ ms: number; rows: number }> => {
    const t = Math.floor(Math.random() * TENANTS);
    const actor = actorId(t, Math.floor(Math.random() * ACTORS_PER_TENANT));
    const since = new Date(start.getTime() + Math.random() * (DAYS - 1) * DAY_MS);
    const until = new Date(since.getTime() + DAY_MS);
    const qs = new URLSearchParams({ filter: `actor.id eq "${actor}"`, since: since.toISOString(), until: until.toISOString() });
    const began = performance.now();
    const res = await fetch(`${server.url}/api/v1/logs?${qs}`, { headers: { authorization: `SSWS ${tokens.get(benchTenantId(t))}`, accept: 'application/json' } });
    const text = await res.text();
    const ms = performance.now() - began;
    if (res.status !== 200) throw new Error(`GET /api/v1/logs answered ${res.status}: ${text}`);
    const events = JSON.parse(text) as { actor: { id: string } }[];
    if (events.some((e) => e.actor.id !== actor)) throw new Error('the filter returned events of another actor');
    return { ms, rows: events.length };
  };
  for (let i = 0; i < WARMUP_REQUESTS; i++) await query();
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const r = await query();
    times.push(r.ms);
    rows += r.rows;
  }
  await server.stop();
  times.sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  const p99 = percentile(times, 99);
  log(`${REQUESTS} sequential requests after ${WARMUP_REQUESTS} warm-up: ${round(rows / REQUESTS, 1)} events per answer on average, max ${round(times.at(-1) ?? 0, 1)} ms`);
  return {
    figures: { events: EVENTS, tenants: TENANTS, p50_ms: round(p50, 1), p99_ms: round(p99, 1) },
    target: 'p50<50,p99<200',
    met: p50 < 50 && p99 < 200,
  };
});
