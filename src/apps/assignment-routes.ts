import type { FastifyInstance } from 'fastify';
import { setPageLinks } from '#src/http/links.ts';
import { baseUrlOf, serviceContextOf } from '#src/http/request-context.ts';
import {
  assignGroup, assignUser, getAppGroup, getAppUser, listAppGroups, listAppUsers, unassignGroup, unassignUser, type PageQuery,
} from './assignments.ts';
import { toPublicAppGroup, toPublicAppUser } from './dto.ts';
import {
  appGroupParams, appGroupResponse, appGroupsResponse, appParams, appUserParams, appUserResponse, appUsersResponse, assignGroupBody, assignUserBody, emptyBodyAsObject, pageQuery,
} from './schemas.ts';

type AppParams = { appId: string };
type AppUserParams = { appId: string; userId: string };
type AppGroupParams = { appId: string; groupId: string };

/** Who may sign in to an app: Okta's app users (direct assignments) and app groups. */
export async function assignmentRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: AppParams; Querystring: PageQuery }>('/:appId/users', {
    config: { permission: 'apps.read' },
    schema: { params: appParams, querystring: pageQuery, response: { 200: appUsersResponse } },
  }, async (request, reply) => {
    const page = await listAppUsers(serviceContextOf(request), request.params.appId, request.query);
    setPageLinks(request, reply, page.next === null ? null : { after: page.next });
    const base = baseUrlOf(request);
    return page.users.map((u) => toPublicAppUser(request.params.appId, u, base));
  });

  app.post<{ Params: AppParams; Body: { id: string } }>('/:appId/users', {
    config: { permission: 'apps.manage' },
    schema: { params: appParams, body: assignUserBody, response: { 200: appUserResponse } },
  }, async (request) => {
    const assigned = await assignUser(serviceContextOf(request), request.params.appId, request.body.id);
    return toPublicAppUser(request.params.appId, assigned, baseUrlOf(request));
  });

  app.get<{ Params: AppUserParams }>('/:appId/users/:userId', {
    config: { permission: 'apps.read' },
    schema: { params: appUserParams, response: { 200: appUserResponse } },
  }, async (request) => {
    const found = await getAppUser(serviceContextOf(request), request.params.appId, request.params.userId);
    return toPublicAppUser(request.params.appId, found, baseUrlOf(request));
  });

  app.delete<{ Params: AppUserParams }>('/:appId/users/:userId', {
    config: { permission: 'apps.manage' },
    schema: { params: appUserParams },
  }, async (request, reply) => {
    await unassignUser(serviceContextOf(request), request.params.appId, request.params.userId);
    return reply.code(204).send();
  });

  app.get<{ Params: AppParams; Querystring: PageQuery }>('/:appId/groups', {
    config: { permission: 'apps.read' },
    schema: { params: appParams, querystring: pageQuery, response: { 200: appGroupsResponse } },
  }, async (request, reply) => {
    const page = await listAppGroups(serviceContextOf(request), request.params.appId, request.query);
    setPageLinks(request, reply, page.next === null ? null : { after: page.next });
    const base = baseUrlOf(request);
    return page.groups.map((g) => toPublicAppGroup(request.params.appId, g, base));
  });

  app.put<{ Params: AppGroupParams; Body: { priority?: number } }>('/:appId/groups/:groupId', {
    config: { permission: 'apps.manage' },
    preValidation: emptyBodyAsObject,
    schema: { params: appGroupParams, body: assignGroupBody, response: { 200: appGroupResponse } },
  }, async (request) => {
    const ctx = serviceContextOf(request);
    const assigned = await assignGroup(ctx, request.params.appId, request.params.groupId, request.body.priority ?? 0);
    return toPublicAppGroup(request.params.appId, assigned, baseUrlOf(request));
  });

  app.get<{ Params: AppGroupParams }>('/:appId/groups/:groupId', {
    config: { permission: 'apps.read' },
    schema: { params: appGroupParams, response: { 200: appGroupResponse } },
  }, async (request) => {
    const found = await getAppGroup(serviceContextOf(request), request.params.appId, request.params.groupId);
    return toPublicAppGroup(request.params.appId, found, baseUrlOf(request));
  });

  app.delete<{ Params: AppGroupParams }>('/:appId/groups/:groupId', {
    config: { permission: 'apps.manage' },
    schema: { params: appGroupParams },
  }, async (request, reply) => {
    await unassignGroup(serviceContextOf(request), request.params.appId, request.params.groupId);
    return reply.code(204).send();
  });
}
