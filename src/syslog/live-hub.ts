import type pg from 'pg';
import { dedicatedClient, type Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { SUPPORT_ACTIVITY_CHANNEL } from './live.ts';
import { eventsBetween, type StoredEvent } from './live-store.ts';
import { missedActivity, supportOnly } from './support-activity.ts';

export type { StoredEvent };

/** Where a viewer's events go; `close` ends the viewer's stream, which the viewer resumes from its last event. */
export type LiveSink = { send(events: readonly StoredEvent[]): void; close(): void };

type Feed = { sinks: Set<LiveSink>; queue: Promise<void> };

/**
 * Support activity of each tenant, live, for the admin console's live view: one LISTEN connection per process
 * hears every committed append that holds support activity (live.ts), reads those events once per tenant
 * however many admins watch, and hands them to each viewer of the tenant in order. The connection is opened at
 * the first viewer. If it breaks, every viewer's stream is closed: each resumes from its last event through
 * the log itself, so nothing committed meanwhile is missed.
 */
export function createSupportActivityHub(db: Db, clock: Clock) {
  const feeds = new Map<string, Feed>();
  let listening: Promise<pg.Client> | undefined;
  let closed = false;

  function closeSinks(): void {
    const sinks = [...feeds.values()].flatMap((f) => [...f.sinks]);
    feeds.clear();
    for (const sink of sinks) sink.close();
  }

  function heard(payload: string): void {
    const [tenantId = '', head, count] = payload.split(' ');
    const feed = feeds.get(tenantId);
    if (!feed) return;
    const last = Number(head);
    const first = last - Number(count) + 1;
    feed.queue = feed.queue.then(async () => {
      const events = supportOnly(await eventsBetween(db, tenantId, first, last));
      for (const sink of feed.sinks) sink.send(events);
    }).catch(() => {
      for (const sink of feed.sinks) sink.close();
      feeds.delete(tenantId);
    });
  }

  function listen(): Promise<pg.Client> {
    listening ??= (async () => {
      const client = dedicatedClient(db, 'bulwark-live');
      client.on('notification', (n) => n.payload !== undefined && heard(n.payload));
      const lost = () => {
        client.removeAllListeners('notification');
        void client.end().catch(() => {});
        listening = undefined;
        closeSinks();
      };
      client.on('error', lost);
      client.on('end', () => !closed && lost());
      await client.connect();
      await client.query(`listen ${SUPPORT_ACTIVITY_CHANNEL}`);
      return client;
    })();
    listening.catch(() => { listening = undefined; });
    return listening;
  }

  return {
    /**
     * Streams the tenant's support activity to `sink`: first what it missed (the events after `after`, or the
     * last day's most recent), then each event as it commits, in order and never twice. Resolves with the
     * function that stops it.
     */
    async follow(tenantId: string, after: number | null, sink: LiveSink): Promise<() => void> {
      if (closed) throw new Error('the live view has shut down');
      let sent = after ?? 0;
      let caughtUp = false;
      const held: StoredEvent[] = [];
      const emit = (events: readonly StoredEvent[]) => {
        const fresh = events.filter((e) => e.seq > sent);
        if (fresh.length === 0) return;
        sent = fresh.at(-1)?.seq ?? sent;
        sink.send(fresh);
      };
      const member: LiveSink = { send: (events) => (caughtUp ? emit(events) : held.push(...events)), close: () => sink.close() };
      await listen();
      const feed = feeds.get(tenantId) ?? { sinks: new Set(), queue: Promise.resolve() };
      feeds.set(tenantId, feed);
      feed.sinks.add(member);
      const stop = () => {
        feed.sinks.delete(member);
        if (feed.sinks.size === 0 && feeds.get(tenantId) === feed) feeds.delete(tenantId);
      };
      try {
        // Joined before reading the backlog: an event committed in between is in one or both, and sent once.
        for await (const page of missedActivity(db, tenantId, after, clock.now())) emit(page);
        caughtUp = true;
        emit(held.sort((a, b) => a.seq - b.seq));
      } catch (e) {
        stop();
        throw e;
      }
      return stop;
    },
    /** Ends every viewer's stream and takes no more: a server shutting down waits for open responses. */
    endViewers(): void {
      closed = true;
      closeSinks();
    },
    async close(): Promise<void> {
      closed = true;
      closeSinks();
      const client = await listening?.catch(() => undefined);
      listening = undefined;
      await client?.end().catch(() => {});
    },
  };
}

export type SupportActivityHub = ReturnType<typeof createSupportActivityHub>;
