import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { OktaErrors } from '#src/http/errors.ts';
import { principalOf } from '#src/http/request-context.ts';
import { createSupportActivityHub, type StoredEvent } from '#src/syslog/live-hub.ts';
import { missedActivity } from '#src/syslog/support-activity.ts';
import { supportHistoryFile, type HistoryFormat } from './activity.ts';

/**
 * A stream lasts a minute, then the viewer reconnects from its last event (server-sent events do so by
 * themselves): each reconnect is authenticated afresh, so an admin who lost their session or role stops
 * seeing support activity within a minute, and nothing is missed in between.
 */
const STREAM_MS = 60_000;
const HEARTBEAT_MS = 15_000;
/** A viewer this far behind is dropped and resumes from its last event, rather than held in memory. */
const MAX_BUFFERED_BYTES = 1 << 20;
const RETRY_MS = 1000;
const DEFAULT_HISTORY_DAYS = 90;
const MAX_HISTORY_DAYS = 366;

const activityQuery = { type: 'object', properties: { after: { type: 'integer', minimum: 0 } }, additionalProperties: false } as const;
const historyQuery = {
  type: 'object',
  properties: { since: { type: 'string', format: 'date-time' }, until: { type: 'string', format: 'date-time' }, format: { type: 'string', enum: ['csv', 'ndjson'], default: 'csv' } },
  additionalProperties: false,
} as const;

const frame = (e: StoredEvent) => `id: ${e.seq}\nevent: activity\ndata: ${e.event}\n\n`;

/** Where a viewer resumes: `after`, else the `Last-Event-ID` its browser sends on reconnecting, else now. */
function resumeFrom(after: number | undefined, lastEventId: string | string[] | undefined): number | null {
  if (after !== undefined) return after;
  return typeof lastEventId === 'string' && /^\d{1,18}$/.test(lastEventId) ? Number(lastEventId) : null;
}

/**
 * Access transparency (a Bulwark addition, docs/support-access.md): the tenant's admins watch support activity
 * as it happens (`GET /activity` asking for `text/event-stream`: server-sent events of Okta LogEvents, each
 * the moment it commits; asking for JSON, one page of it to poll) and take its whole history away
 * (`GET /history`, CSV or NDJSON).
 */
export async function supportActivityRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  const hub = createSupportActivityHub(db, clock);
  // Before the server stops taking connections: its close waits for open streams, which end here.
  app.addHook('preClose', (done) => {
    hub.endViewers();
    done();
  });
  app.addHook('onClose', () => hub.close());

  app.get<{ Querystring: { after?: number } }>('/activity', { config: { permission: 'support.read' }, schema: { querystring: activityQuery } }, async (request, reply) => {
    const tenantId = principalOf(request).tenant.id;
    const after = resumeFrom(request.query.after, request.headers['last-event-id']);
    // A client that does not ask for a stream gets one page of what it missed, as LogEvents, and polls.
    if (!(request.headers.accept ?? '').includes('text/event-stream')) {
      const { value } = await missedActivity(db, tenantId, after, clock.now()).next();
      return (value ?? []).map((e: StoredEvent) => JSON.parse(e.event) as unknown);
    }
    const out = new PassThrough();
    let stop = () => {};
    const timers: NodeJS.Timeout[] = [];
    const end = () => {
      stop();
      for (const t of timers) clearTimeout(t);
      out.end();
    };
    out.write(`retry: ${RETRY_MS}\n\n`);
    stop = await hub.follow(tenantId, after, {
      send: (events) => {
        if (out.writableLength > MAX_BUFFERED_BYTES) return end();
        out.write(events.map(frame).join(''));
      },
      close: end,
    });
    timers.push(setTimeout(end, STREAM_MS), setInterval(() => out.write(': keep-alive\n\n'), HEARTBEAT_MS));
    request.raw.once('close', end);
    // The connection closes with the stream: kept alive, it would hold a server that is shutting down open.
    return reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-store').header('x-accel-buffering', 'no').header('connection', 'close').send(out);
  });

  app.get<{ Querystring: { since?: string; until?: string; format: HistoryFormat } }>('/history', { config: { permission: 'support.read' }, schema: { querystring: historyQuery } }, async (request, reply) => {
    // Unless asked otherwise the history runs to now, this millisecond's events included.
    const until = request.query.until === undefined ? new Date(clock.now().getTime() + 1) : new Date(request.query.until);
    const since = request.query.since === undefined ? new Date(until.getTime() - DEFAULT_HISTORY_DAYS * 86_400_000) : new Date(request.query.since);
    if (since >= until) throw OktaErrors.validation('history', ['since: must be before until']);
    if (until.getTime() - since.getTime() > MAX_HISTORY_DAYS * 86_400_000) throw OktaErrors.validation('history', [`since: a history covers ${MAX_HISTORY_DAYS} days at most`]);
    const { format } = request.query;
    const name = `support-access-${principalOf(request).tenant.slug}-${since.toISOString().slice(0, 10)}-${until.toISOString().slice(0, 10)}.${format}`;
    return reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(supportHistoryFile(db, principalOf(request).tenant.id, { since, until }, format));
  });
}
