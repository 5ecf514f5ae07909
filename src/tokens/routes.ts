import type { FastifyInstance } from 'fastify';
import { baseUrlOf, serviceContextOf } from '#src/http/request-context.ts';
import { getUser, userTarget } from '#src/users/service.ts';
import { createApiToken, getApiToken, listApiTokens, revokeApiToken, type ApiTokenRow } from './service.ts';

const tokenResponse = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, userId: { type: 'string' }, clientName: { type: 'string' },
    created: { type: 'string' }, lastUpdated: { type: 'string' }, lastUsed: { type: ['string', 'null'] }, expiresAt: { type: ['string', 'null'] },
    tokenWindow: { type: 'string' },
    token: { type: 'string' },
    _links: { type: 'object', additionalProperties: { type: 'object', properties: { href: { type: 'string' } } } },
  },
};

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } };

function toPublicToken(t: ApiTokenRow, base: string) {
  return {
    id: t.id,
    name: t.name,
    userId: t.userId,
    clientName: 'Bulwark API',
    created: t.created.toISOString(),
    lastUpdated: t.lastUpdated.toISOString(),
    lastUsed: t.lastUsed?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    _links: { self: { href: `${base}/api/v1/api-tokens/${t.id}` }, user: { href: `${base}/api/v1/users/${t.userId}` } },
  };
}

/** /api/v1/api-tokens: SSWS tokens. Only a super admin lists, creates or revokes them. */
export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', {
    config: { permission: 'tokens.manage' },
    schema: { response: { 200: { type: 'array', items: tokenResponse } } },
  }, async (request) => (await listApiTokens(serviceContextOf(request))).map((t) => toPublicToken(t, baseUrlOf(request))));

  app.get<{ Params: { id: string } }>('/:id', {
    config: { permission: 'tokens.manage' },
    schema: { params: idParams, response: { 200: tokenResponse } },
  }, async (request) => toPublicToken(await getApiToken(serviceContextOf(request), request.params.id), baseUrlOf(request)));

  /** Creates a token acting as the caller; its value is in this response and nowhere else, ever. */
  app.post<{ Body: { name: string } }>('/', {
    config: { permission: 'tokens.manage', protectedAction: 'creating an API token' },
    schema: {
      body: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 100 } } },
      response: { 201: tokenResponse },
    },
  }, async (request, reply) => {
    const ctx = serviceContextOf(request);
    const owner = await getUser(ctx, 'me');
    const created = await createApiToken(ctx, userTarget(owner), request.body.name);
    return reply.code(201).send({ ...toPublicToken(created.token, baseUrlOf(request)), token: created.value });
  });

  app.delete<{ Params: { id: string } }>('/:id', {
    config: { permission: 'tokens.manage' },
    schema: { params: idParams },
  }, async (request, reply) => {
    await revokeApiToken(serviceContextOf(request), request.params.id);
    return reply.code(204).send();
  });
}
