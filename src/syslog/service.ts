import type { Tx } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { buildEvent } from './build-event.ts';
import { canonicalJson, chainHash } from './chain.ts';
import type { AuditContext, EventInput, LogEvent } from './log-event.ts';
import { appendRows, createChainHead, lockChainHead, type StoredEventRow } from './store.ts';

/**
 * Appends events to the tenant's System Log inside the caller's transaction, so the change and its events
 * commit or roll back together. Call it after the change's own writes: the chain head stays locked until
 * commit, and holding it for less time keeps a tenant's writers moving.
 */
export async function recordEvents(tx: Tx, clock: Clock, tenantId: string, ctx: AuditContext, inputs: readonly EventInput[]): Promise<LogEvent[]> {
  if (inputs.length === 0) return [];
  const head = await lockChainHead(tx, tenantId);
  const published = clock.now();
  const events: LogEvent[] = [];
  const rows: StoredEventRow[] = [];
  for (const input of inputs) {
    const event = buildEvent(ctx, input, published);
    const text = canonicalJson(event);
    head.seq += 1;
    head.hash = chainHash(head.hash, text);
    events.push(event);
    rows.push({ uuid: event.uuid, eventType: event.eventType, actorId: event.actor.id, event: text, hash: head.hash });
  }
  await appendRows(tx, tenantId, published, rows, head);
  return events;
}

export async function recordEvent(tx: Tx, clock: Clock, tenantId: string, ctx: AuditContext, input: EventInput): Promise<LogEvent> {
  const [event] = await recordEvents(tx, clock, tenantId, ctx, [input]);
  return event as LogEvent;
}

/** Starts a new tenant's chain at the genesis hash; part of the tenant's creating transaction. */
export async function startTenantLog(tx: Tx, tenantId: string): Promise<void> {
  await createChainHead(tx, tenantId);
}
