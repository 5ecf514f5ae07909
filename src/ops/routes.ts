import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { AppError } from '#src/http/errors.ts';

/** Liveness, readiness (the database answers) and Prometheus metrics; none of them needs a token. */
export async function opsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => {
    try {
      await sql`select 1`.execute(app.deps.db);
      return { status: 'ready' };
    } catch {
      throw new AppError(503, 'E0000009', 'Database unavailable');
    }
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(app.deps.metrics.registry.contentType);
    return app.deps.metrics.registry.metrics();
  });
}
