import type { FastifyInstance } from 'fastify';
import { setPageLinks } from '#src/http/links.ts';
import { baseUrlOf, serviceContextOf } from '#src/http/request-context.ts';
import { toPublicGroup } from './dto.ts';
import { listGroupsOfUser, type PageQuery } from './membership.ts';
import { groupsResponse, pageQuery, userParams } from './schemas.ts';

/** /api/v1/users/{userId}/groups: the groups a user belongs to, Everyone included. Registered under /api/v1/users. */
export async function userGroupRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { userId: string }; Querystring: PageQuery }>('/:userId/groups', {
    config: { permission: 'groups.read' },
    schema: { params: userParams, querystring: pageQuery, response: { 200: groupsResponse } },
  }, async (request, reply) => {
    const page = await listGroupsOfUser(serviceContextOf(request), request.params.userId, request.query);
    setPageLinks(request, reply, page.next === null ? null : { after: page.next });
    const base = baseUrlOf(request);
    return page.groups.map((g) => toPublicGroup(g, base));
  });
}
