/**
 * The detection engine over the live System Log of every tenant, in the server process (docs/detections.md).
 *
 * Once a second it reads the chain heads (one row per tenant) and, for the tenants whose log grew past its
 * cursor, the new events by (tenant, seq) range through src/syslog/tail.ts; runs them through the engine in
 * time order; and in one transaction raises the alerts they gave and moves the cursors. A restart therefore
 * neither misses an event nor raises an alert twice; only the built-in rules' memory (sliding windows,
 * networks seen) starts empty again. Nothing is announced per append: a NOTIFY per append would serialize
 * every commit of the database (src/syslog/live.ts), and a second of delay is fine for an alert.
 *
 * With several server processes, one runs it: the one holding a PostgreSQL advisory lock on a connection of
 * its own. Should two ever believe they hold it (a lock connection lost unnoticed), the cursors are the fence:
 * the transaction locks the cursor rows and commits only if they are where this worker last left them.
 */
import type pg from 'pg';
import { dedicatedClient, type Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newRequestId } from '#src/lib/ids.ts';
import { chainHeads, eventsAfter, type ChainHead, type TailedEvent, type TenantRange } from '#src/syslog/tail.ts';
import { isSupportPlane, listTenants } from '#src/tenants/service.ts';
import type { Alert, DetectionEvent } from './alert.ts';
import { createEngine, type Engine } from './engine.ts';
import { detectionAudit, raiseDetectionAlerts, type RoutedAlert } from './service.ts';
import type { SigmaRule } from './sigma-load.ts';
import { lockCursors, readCursors, writeCursors, type Cursor } from './store.ts';
import type { Thresholds } from './thresholds.ts';

/** The advisory lock that names the one detection worker of a database. */
const LOCK_NAME = 'bulwark:detections';
const DEFAULT_INTERVAL_MS = 1_000;
/** Events read per batch; a backlog is worked off in batches of this size, one transaction each. */
const BATCH = 10_000;
/** Each tenant behind gets at least this many of a batch's events, so fewer tenants are read per batch when many are behind. */
const MIN_PER_TENANT = 200;

export type WorkerOptions = {
  db: Db;
  clock: Clock;
  sigma: readonly SigmaRule[];
  thresholds: Thresholds;
  intervalMs?: number;
  /** A failed cycle or a lost lock connection, for the process log; the worker carries on. */
  onError?: (err: unknown) => void;
};

export type WorkerStats = { leader: boolean; cycles: number; events: number; alerts: number; alertsLeftToBulwark: number; dropped: number };

export type DetectionWorker = {
  stats(): WorkerStats;
  /** Stops polling, waits for a cycle under way, and lets the lock go. */
  stop(): Promise<void>;
};

class FenceError extends Error {
  constructor() {
    super('the detection cursors moved under this worker: another process runs the detections');
    this.name = 'FenceError';
  }
}

/** Events read past the cursors, and where each cursor moves once they are run. */
type Batch = { rows: TailedEvent[]; next: Cursor[]; more: boolean };

type Directory = { cellOf: Map<string, string>; planeOf: Map<string, string>; planes: Set<string> };

async function loadDirectory(db: Db): Promise<Directory> {
  const tenants = await listTenants(db);
  const planes = tenants.filter(isSupportPlane);
  return { cellOf: new Map(tenants.map((t) => [t.id, t.cell])), planeOf: new Map(planes.map((p) => [p.cell, p.id])), planes: new Set(planes.map((p) => p.id)) };
}

/** The events' text parsed, each with its tenant and time, merged across tenants into time order. */
function parsed(rows: readonly { tenantId: string; seq: number; event: string }[]): DetectionEvent[] {
  const events = rows.map((r, i) => {
    const event = JSON.parse(r.event) as Record<string, unknown>;
    return { tenant: r.tenantId, time: Date.parse(String(event['published'])), event, i };
  });
  // Within a tenant the read order (seq) breaks ties; across tenants time decides.
  events.sort((a, b) => a.time - b.time || a.i - b.i);
  return events.map(({ tenant, time, event }) => ({ tenant, time, event }));
}

export function startDetectionWorker(options: WorkerOptions): DetectionWorker {
  const { db, clock } = options;
  const onError = options.onError ?? (() => {});
  const stats: WorkerStats = { leader: false, cycles: 0, events: 0, alerts: 0, alertsLeftToBulwark: 0, dropped: 0 };
  /** The connection the advisory lock is taken on, kept open between tries; `leading` once the lock is held. */
  let conn: pg.Client | null = null;
  let leading = false;
  let engine: Engine | null = null;
  let cursors = new Map<string, number>();
  let directory: Directory = { cellOf: new Map(), planeOf: new Map(), planes: new Set() };
  let rotation = 0;
  let stopped = false;
  let running: Promise<void> | null = null;

  const newEngine = () => createEngine({ sigma: options.sigma, thresholds: options.thresholds, isSupportPlane: (t) => directory.planes.has(t) });

  /** Closes the lock connection, which lets the lock go (PostgreSQL releases a session's locks as it ends). */
  function letGo(): void {
    const client = conn;
    conn = null;
    leading = false;
    engine = null;
    stats.leader = false;
    client?.removeAllListeners('end');
    void client?.end().catch(() => {});
  }

  async function connection(): Promise<pg.Client> {
    if (conn) return conn;
    const client = dedicatedClient(db, 'bulwark-detections');
    client.on('error', (err) => {
      onError(err);
      if (conn === client) letGo();
    });
    client.on('end', () => conn === client && letGo());
    await client.connect();
    conn = client;
    return client;
  }

  async function acquire(): Promise<boolean> {
    const client = await connection();
    const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [LOCK_NAME]);
    if (!rows[0]?.ok) return false;
    try {
      // Whatever this process remembered from an earlier turn may be stale: another process ran meanwhile.
      cursors = await readCursors(db);
      directory = await loadDirectory(db);
    } catch (err) {
      letGo();
      throw err;
    }
    engine = newEngine();
    leading = true;
    stats.leader = true;
    return true;
  }

  /** Where an alert goes: its tenant; one across tenants goes to the support plane of the staff member's cell. */
  function route(alert: Alert): string | null {
    if (alert.tenant !== null) return alert.tenant;
    const cell = typeof alert.details['cell'] === 'string' ? alert.details['cell'] : null;
    const tenants = Array.isArray(alert.details['tenants']) ? (alert.details['tenants'] as string[]) : [];
    return directory.planeOf.get(cell ?? directory.cellOf.get(tenants[0] ?? '') ?? '') ?? null;
  }

  /**
   * The next events to run, for the tenants whose log reaches past `positions`: a share of the batch for each
   * of them (a rotating choice when they do not all fit), and where each cursor will be once they are run.
   */
  async function readBatch(positions: ReadonlyMap<string, number>): Promise<Batch> {
    const heads: ChainHead[] = await chainHeads(db);
    if (heads.some((h) => !directory.cellOf.has(h.tenantId))) directory = await loadDirectory(db);
    const behind = heads.filter((h) => h.seq > (positions.get(h.tenantId) ?? 0)).sort((a, b) => (a.tenantId < b.tenantId ? -1 : 1));
    if (behind.length === 0) return { rows: [], next: [], more: false };
    const fit = Math.floor(BATCH / MIN_PER_TENANT);
    const start = rotation % behind.length;
    const chosen = [...behind.slice(start), ...behind.slice(0, start)].slice(0, fit);
    rotation += chosen.length;
    const perTenant = Math.max(MIN_PER_TENANT, Math.ceil(BATCH / chosen.length));
    const ranges: TenantRange[] = chosen.map((h) => ({ tenantId: h.tenantId, after: positions.get(h.tenantId) ?? 0, through: h.seq }));
    const rows = await eventsAfter(db, ranges, perTenant);
    const read = new Map<string, { count: number; last: number }>();
    for (const r of rows) read.set(r.tenantId, { count: (read.get(r.tenantId)?.count ?? 0) + 1, last: r.seq });
    // Fewer than asked for means all there is up to the head (retention may have purged some).
    const next = ranges.map((r) => {
      const got = read.get(r.tenantId);
      return { tenantId: r.tenantId, seq: got && got.count >= perTenant ? got.last : r.through };
    });
    return { rows, next, more: behind.length > chosen.length || next.some((c, i) => c.seq < (ranges[i] as TenantRange).through) };
  }

  /** Runs a batch and, in one transaction, raises its alerts and moves the cursors it read past. */
  async function apply(read: Batch, rules: Engine): Promise<void> {
    const alerts = rules.process(parsed(read.rows));
    const routed: RoutedAlert[] = [];
    for (const alert of alerts) {
      if (alert.raisedByBulwark !== undefined) {
        stats.alertsLeftToBulwark += 1;
        continue;
      }
      const tenantId = route(alert);
      if (tenantId === null) {
        stats.dropped += 1;
        onError(new Error(`detection ${alert.rule}: no support plane for the cell of ${alert.user ?? 'its actor'}; alert not raised: ${alert.summary}`));
        continue;
      }
      routed.push({ tenantId, alert });
    }
    const { next } = read;
    await db.transaction().execute(async (tx) => {
      const locked = await lockCursors(tx, next.map((c) => c.tenantId));
      for (const c of next) if (locked.get(c.tenantId) !== cursors.get(c.tenantId)) throw new FenceError();
      await raiseDetectionAlerts(tx, clock, detectionAudit(`detect-${newRequestId()}`), routed);
      await writeCursors(tx, next.filter((c) => cursors.has(c.tenantId)), next.filter((c) => !cursors.has(c.tenantId)), clock.now());
    });
    for (const c of next) cursors.set(c.tenantId, c.seq);
    stats.cycles += 1;
    stats.events += read.rows.length;
    stats.alerts += routed.length;
  }

  /** Works off what the logs hold past the cursors, reading each batch while the one before it runs. */
  async function step(): Promise<void> {
    if (!leading && !(await acquire())) return;
    const rules = engine as Engine;
    let pending: Promise<Batch> | null = readBatch(cursors);
    try {
      while (pending && !stopped && leading) {
        const current: Batch = await pending;
        pending = null;
        if (current.next.length === 0) return;
        if (current.more) {
          const ahead = new Map(cursors);
          for (const c of current.next) ahead.set(c.tenantId, c.seq);
          pending = readBatch(ahead);
          // Awaited in turn, or dropped with a failed batch; never an unhandled rejection meanwhile.
          pending.catch(() => {});
        }
        await apply(current, rules);
      }
    } catch (err) {
      // What the engine saw of the failed batch is not in the cursors: forget it all and read again from them.
      if (err instanceof FenceError) letGo();
      else if (leading) {
        engine = newEngine();
        cursors = await readCursors(db);
      }
      throw err;
    } finally {
      await pending?.catch(() => {});
    }
  }

  function tick(): void {
    if (running || stopped) return;
    running = step().catch(onError).finally(() => {
      running = null;
    });
  }

  const timer = setInterval(tick, options.intervalMs ?? DEFAULT_INTERVAL_MS);
  timer.unref();
  tick();

  return {
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      letGo();
    },
  };
}
