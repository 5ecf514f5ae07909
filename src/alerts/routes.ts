import type { FastifyInstance } from 'fastify';
import { OktaErrors } from '#src/http/errors.ts';
import { setPageLinks } from '#src/http/links.ts';
import { baseUrlOf, principalOf } from '#src/http/request-context.ts';
import { getAlert, listAlerts, type AlertRow } from './service.ts';

const query = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 }, after: { type: 'string', pattern: '^[0-9A-Za-z]{20}$' } },
  additionalProperties: false,
} as const;

function toPublicAlert(a: AlertRow, base: string) {
  return {
    id: a.id,
    type: a.type,
    severity: a.severity,
    created: a.created.toISOString(),
    userId: a.userId,
    details: a.details,
    _links: { self: { href: `${base}/api/v1/alerts/${a.id}` }, ...(a.userId === null ? {} : { user: { href: `${base}/api/v1/users/${a.userId}` } }) },
  };
}

/** /api/v1/alerts (a Bulwark addition, not Okta's): security rules' findings, newest first, for the tenant's admins. */
export async function alertRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { limit: number; after?: string } }>('/', { config: { permission: 'logs.read' }, schema: { querystring: query } }, async (request, reply) => {
    const tenantId = principalOf(request).tenant.id;
    const { db } = request.server.deps;
    // A cursor that names no alert of this tenant is a bad cursor, as Okta's lists answer it.
    const after = request.query.after === undefined ? undefined : await getAlert(db, tenantId, request.query.after).catch(() => { throw OktaErrors.invalidPaging(); });
    const page = await listAlerts(db, tenantId, request.query.limit, after);
    const last = page.at(-1);
    setPageLinks(request, reply, page.length === request.query.limit && last ? { after: last.id } : null);
    return page.map((a) => toPublicAlert(a, baseUrlOf(request)));
  });

  app.get<{ Params: { id: string } }>('/:id', {
    config: { permission: 'logs.read' },
    schema: { params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9A-Za-z]{20}$' } }, required: ['id'] } },
  }, async (request) => toPublicAlert(await getAlert(request.server.deps.db, principalOf(request).tenant.id, request.params.id), baseUrlOf(request)));
}
