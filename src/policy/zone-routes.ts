import type { FastifyInstance } from 'fastify';
import { baseUrlOf, principalOf, serviceContextOf } from '#src/http/request-context.ts';
import { toOktaZone } from './dto.ts';
import { zoneBody } from './sign-on-schemas.ts';
import { assertNotNamedByRules } from './sign-on.ts';
import { changeZone, createZone, getZone, listZones, replaceZone, type ZoneInput } from './zones.ts';

const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9A-Za-z]{20}$' } }, required: ['id'] } as const;

type IdParams = { id: string };

/** /api/v1/zones: Okta's Network Zones API, the IP ranges and ASNs that sign-on rules name. */
export async function zoneRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { permission: 'policies.read' } }, async (request) => {
    const zones = await listZones(request.server.deps.db, principalOf(request).tenant.id);
    return zones.map((z) => toOktaZone(z, baseUrlOf(request)));
  });

  app.post<{ Body: ZoneInput }>('/', { config: { permission: 'policies.manage', protectedAction: 'changing a sign-on, password or network policy' }, schema: { body: zoneBody } }, async (request) => {
    return toOktaZone(await createZone(serviceContextOf(request), request.body), baseUrlOf(request));
  });

  app.get<{ Params: IdParams }>('/:id', { config: { permission: 'policies.read' }, schema: { params: idParams } }, async (request) => {
    return toOktaZone(await getZone(request.server.deps.db, principalOf(request).tenant.id, request.params.id), baseUrlOf(request));
  });

  app.put<{ Params: IdParams; Body: ZoneInput }>('/:id', { config: { permission: 'policies.manage', protectedAction: 'changing a sign-on, password or network policy' }, schema: { params: idParams, body: zoneBody } }, async (request) => {
    return toOktaZone(await replaceZone(serviceContextOf(request), request.params.id, request.body), baseUrlOf(request));
  });

  app.delete<{ Params: IdParams }>('/:id', { config: { permission: 'policies.manage', protectedAction: 'changing a sign-on, password or network policy' }, schema: { params: idParams } }, async (request, reply) => {
    const ctx = serviceContextOf(request);
    await changeZone(ctx, request.params.id, 'delete', (tx) => assertNotNamedByRules(tx, ctx.tenantId, request.params.id, 'zone'));
    return reply.code(204).send();
  });

  for (const op of ['activate', 'deactivate'] as const) {
    app.post<{ Params: IdParams }>(`/:id/lifecycle/${op}`, { config: { permission: 'policies.manage', protectedAction: 'changing a sign-on, password or network policy' }, schema: { params: idParams } }, async (request) => {
      const ctx = serviceContextOf(request);
      return toOktaZone(await changeZone(ctx, request.params.id, op, async () => undefined), baseUrlOf(request));
    });
  }
}
