import type { FastifyInstance } from 'fastify';
import { staffContexts } from '#src/cases/staff-routes.ts';
import { caseIdParams } from '#src/cases/schemas.ts';
import { toPublicGrant } from './dto.ts';
import { requestExtension, type ExtensionRequest } from './extension-service.ts';
import { accessRequestBody, extensionRequestBody, grantIdParams, listQuery } from './schemas.ts';
import { endOwnGrant, issueAccessToken, requestAccess, staffGrants, type AccessRequest } from './service.ts';

/** Staff who work cases ask for access; security staff do not act in tenants. */
const WORKERS = ['AGENT', 'SENIOR_AGENT'] as const;

/** The support console's side of support access: ask for it against a case, see one's grants, ask for more time, end one early. */
export async function staffAccessRoutes(app: FastifyInstance): Promise<void> {
  const contextOf = staffContexts(app);
  const { clock } = app.deps;

  app.post<{ Params: { caseId: string }; Body: AccessRequest }>('/help/v1/staff/cases/:caseId/access-requests', { schema: { params: caseIdParams, body: accessRequestBody } }, async (request, reply) => {
    const ctx = await contextOf(request, WORKERS, true);
    return reply.code(201).send(toPublicGrant(await requestAccess(ctx, request.params.caseId, request.body), clock.now()));
  });

  app.get<{ Querystring: { limit: number } }>('/help/v1/staff/access-grants', { schema: { querystring: listQuery } }, async (request, reply) => {
    const ctx = await contextOf(request, WORKERS, false);
    reply.header('cache-control', 'no-store');
    const now = clock.now();
    return (await staffGrants(ctx, request.query.limit)).map((g) => toPublicGrant(g, now, g.organization));
  });

  app.post<{ Params: { grantId: string } }>('/help/v1/staff/access-grants/:grantId/token', { schema: { params: grantIdParams } }, async (request, reply) => {
    const ctx = await contextOf(request, WORKERS, true);
    const issued = await issueAccessToken(ctx, request.params.grantId);
    reply.header('cache-control', 'no-store');
    const { baseDomain } = app.deps.config;
    const port = /:\d+$/.test(baseDomain) ? '' : (/:(\d+)$/.exec(request.host)?.[0] ?? '');
    return reply.code(201).send({
      token: issued.token, tokenType: 'Support', expiresAt: issued.expires.toISOString(),
      api: `${request.protocol}://${issued.tenantSlug}.${baseDomain}${port}/api/v1`, grant: toPublicGrant(issued.grant, clock.now()),
    });
  });

  app.post<{ Params: { grantId: string }; Body: ExtensionRequest }>('/help/v1/staff/access-grants/:grantId/extensions', { schema: { params: grantIdParams, body: extensionRequestBody } }, async (request, reply) => {
    const ctx = await contextOf(request, WORKERS, true);
    return reply.code(201).send(toPublicGrant(await requestExtension(ctx, request.params.grantId, request.body), clock.now()));
  });

  app.post<{ Params: { grantId: string } }>('/help/v1/staff/access-grants/:grantId/end', { schema: { params: grantIdParams } }, async (request) => {
    const ctx = await contextOf(request, WORKERS, true);
    return toPublicGrant(await endOwnGrant(ctx, request.params.grantId), clock.now());
  });
}
