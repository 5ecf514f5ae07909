import type { FastifyInstance } from 'fastify';
import { setPageLinks } from '#src/http/links.ts';
import { serviceContextOf } from '#src/http/request-context.ts';
import { queryLogs, type LogsRequest } from './query.ts';

const logsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'string', maxLength: 64 },
    until: { type: 'string', maxLength: 64 },
    after: { type: 'string', maxLength: 64 },
    filter: { type: 'string', maxLength: 4096 },
    q: { type: 'string', maxLength: 512 },
    limit: { type: 'integer', minimum: 0, maximum: 1000 },
    sortOrder: { type: 'string', enum: ['ASCENDING', 'DESCENDING'] },
  },
};

/** GET /api/v1/logs: Okta's System Log API over this tenant's hash-chained events. */
export async function logRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: LogsRequest }>('/', {
    config: { permission: 'logs.read' },
    schema: { querystring: logsQuery },
  }, async (request, reply) => {
    const page = await queryLogs(serviceContextOf(request), request.query);
    setPageLinks(request, reply, page.next);
    // Events are stored as canonical JSON; the page is assembled from them without a parse/serialize round trip.
    return reply.type('application/json; charset=utf-8').send(`[${page.events.join(',')}]`);
  });
}
