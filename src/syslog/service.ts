import { sql, type OperationNodeSource } from 'kysely';
import type { Executor, Tx } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { buildEvent } from './build-event.ts';
import { canonicalJson } from './chain.ts';
import type { AuditContext, EventInput, LogEvent } from './log-event.ts';
import { announced, isSupportActivity } from './live.ts';
import { appendCall, createChainHead, type StoredEventRow } from './store.ts';

/** Events from one actor, as one part of a change. */
export type EventBatch = { audit: AuditContext; inputs: readonly EventInput[] };

function built(clock: Clock, batches: readonly EventBatch[]): { published: Date; events: LogEvent[]; rows: StoredEventRow[] } {
  const published = clock.now();
  const events: LogEvent[] = [];
  const rows: StoredEventRow[] = [];
  for (const { audit, inputs } of batches) {
    for (const input of inputs) {
      const event = buildEvent(audit, input, published);
      events.push(event);
      rows.push({ uuid: event.uuid, eventType: event.eventType, actorId: event.actor.id, event: canonicalJson(event) });
    }
  }
  return { published, events, rows };
}

/** The append of `rows`, announced to live viewers when support activity is among them (live.ts). */
function append(tenantId: string, built: { published: Date; events: LogEvent[]; rows: StoredEventRow[] }) {
  const call = appendCall(tenantId, built.published, built.rows);
  return built.events.some(isSupportActivity) ? announced(tenantId, call, built.rows.length) : call;
}

/**
 * Appends events to the tenant's System Log inside the caller's transaction, so the change and its events
 * commit or roll back together. Call it after the change's own writes: the chain head stays locked until
 * commit, and holding it for less time keeps a tenant's writers moving.
 */
export async function recordEvents(tx: Tx, clock: Clock, tenantId: string, ctx: AuditContext, inputs: readonly EventInput[]): Promise<LogEvent[]> {
  if (inputs.length === 0) return [];
  const made = built(clock, [{ audit: ctx, inputs }]);
  await sql`select ${append(tenantId, made)}`.execute(tx);
  return made.events;
}

/**
 * Events of several tenants, each batch with its own actor, appended in one statement inside the caller's
 * transaction: one round trip for a job that writes to many tenants' logs at once (the detection worker).
 * The chain heads are locked in the order given; callers that may run side by side give the same order.
 */
export async function recordEventsOfTenants(tx: Tx, clock: Clock, batches: readonly { tenantId: string; audit: AuditContext; inputs: readonly EventInput[] }[]): Promise<void> {
  const appends = batches.filter((b) => b.inputs.length > 0).map((b) => append(b.tenantId, built(clock, [{ audit: b.audit, inputs: b.inputs }])));
  if (appends.length === 0) return;
  await sql`select ${sql.join(appends)}`.execute(tx);
}

/**
 * A change and its events written as one statement, and so as one transaction without a BEGIN and a COMMIT of
 * their own: on a hot path (a code or a token issued) three round trips to the database fewer than a
 * transaction around the two. `changes` are the statement's data-modifying parts, by name, each able to read
 * the RETURNING rows of those before it; the last one's rows say whether anything was written. The events
 * are appended only if it was, and the answer is whether it was.
 */
export async function recordChangeWithEvents(db: Executor, clock: Clock, tenantId: string, changes: readonly (readonly [string, OperationNodeSource])[], batches: readonly EventBatch[]): Promise<boolean> {
  const last = changes.at(-1)?.[0];
  if (last === undefined) throw new Error('a change needs at least one statement');
  const made = built(clock, batches);
  const parts = sql.join(changes.map(([name, change]) => sql`${sql.id(name)} as (${change})`));
  const appended = made.rows.length === 0 ? sql`1` : append(tenantId, made);
  const result = await sql`with ${parts} select ${appended} as appended where exists (select 1 from ${sql.id(last)})`.execute(db);
  return result.rows.length > 0;
}

export async function recordEvent(tx: Tx, clock: Clock, tenantId: string, ctx: AuditContext, input: EventInput): Promise<LogEvent> {
  const [event] = await recordEvents(tx, clock, tenantId, ctx, [input]);
  return event as LogEvent;
}

/** Starts a new tenant's chain at the genesis hash; part of the tenant's creating transaction. */
export async function startTenantLog(tx: Tx, tenantId: string): Promise<void> {
  await createChainHead(tx, tenantId);
}
