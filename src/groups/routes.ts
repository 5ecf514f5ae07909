import type { FastifyInstance } from 'fastify';
import { setPageLinks } from '#src/http/links.ts';
import { baseUrlOf, serviceContextOf } from '#src/http/request-context.ts';
import { toPublicUser } from '#src/users/dto.ts';
import { userResponse } from '#src/users/schemas.ts';
import { toPublicGroup } from './dto.ts';
import { addMember, listMembers, removeMember, type PageQuery } from './membership.ts';
import {
  createGroupBody, groupParams, groupResponse, groupsResponse, listGroupsQuery, memberParams, pageQuery, replaceGroupBody,
} from './schemas.ts';
import { listGroups, type ListGroupsQuery } from './search.ts';
import { assertNotNamedByRules } from '#src/policy/sign-on.ts';
import { createGroup, deleteGroup, getGroup, updateGroup } from './service.ts';

type GroupParams = { groupId: string };
type MemberParams = { groupId: string; userId: string };
type GroupBody = { profile: { name: string; description?: string | null } };

const inputOf = (body: GroupBody) => ({ name: body.profile.name, description: body.profile.description ?? null });

/** /api/v1/groups: Okta's Groups API. HTTP only; the rules live in service.ts and membership.ts. */
export async function groupRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ListGroupsQuery }>('/', {
    config: { permission: 'groups.read' },
    schema: { querystring: listGroupsQuery, response: { 200: groupsResponse } },
  }, async (request, reply) => {
    const page = await listGroups(serviceContextOf(request), request.query);
    setPageLinks(request, reply, page.next === null ? null : { after: page.next });
    const base = baseUrlOf(request);
    return page.groups.map((g) => toPublicGroup(g, base));
  });

  app.post<{ Body: GroupBody }>('/', {
    config: { permission: 'groups.manage' },
    schema: { body: createGroupBody, response: { 200: groupResponse } },
  }, async (request) => toPublicGroup(await createGroup(serviceContextOf(request), inputOf(request.body)), baseUrlOf(request)));

  app.get<{ Params: GroupParams }>('/:groupId', {
    config: { permission: 'groups.read' },
    schema: { params: groupParams, response: { 200: groupResponse } },
  }, async (request) => toPublicGroup(await getGroup(serviceContextOf(request), request.params.groupId), baseUrlOf(request)));

  app.put<{ Params: GroupParams; Body: GroupBody }>('/:groupId', {
    config: { permission: 'groups.manage' },
    schema: { params: groupParams, body: replaceGroupBody, response: { 200: groupResponse } },
  }, async (request) => {
    const group = await updateGroup(serviceContextOf(request), request.params.groupId, inputOf(request.body));
    return toPublicGroup(group, baseUrlOf(request));
  });

  app.delete<{ Params: GroupParams }>('/:groupId', {
    config: { permission: 'groups.manage' },
    schema: { params: groupParams },
  }, async (request, reply) => {
    const ctx = serviceContextOf(request);
    await deleteGroup(ctx, request.params.groupId, (tx, id) => assertNotNamedByRules(tx, ctx.tenantId, id, 'group'));
    return reply.code(204).send();
  });

  app.get<{ Params: GroupParams; Querystring: PageQuery }>('/:groupId/users', {
    config: { permission: 'groups.read' },
    schema: { params: groupParams, querystring: pageQuery, response: { 200: { type: 'array', items: userResponse } } },
  }, async (request, reply) => {
    const ctx = serviceContextOf(request);
    const page = await listMembers(ctx, request.params.groupId, request.query);
    setPageLinks(request, reply, page.next === null ? null : { after: page.next });
    const base = baseUrlOf(request);
    return page.users.map((u) => toPublicUser(u, ctx.tenantId, base, false));
  });

  app.put<{ Params: MemberParams }>('/:groupId/users/:userId', {
    config: { permission: 'groups.manage' },
    schema: { params: memberParams },
  }, async (request, reply) => {
    await addMember(serviceContextOf(request), request.params.groupId, request.params.userId);
    return reply.code(204).send();
  });

  app.delete<{ Params: MemberParams }>('/:groupId/users/:userId', {
    config: { permission: 'groups.manage' },
    schema: { params: memberParams },
  }, async (request, reply) => {
    await removeMember(serviceContextOf(request), request.params.groupId, request.params.userId);
    return reply.code(204).send();
  });
}
