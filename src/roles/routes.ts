import type { FastifyInstance } from 'fastify';
import { baseUrlOf, serviceContextOf } from '#src/http/request-context.ts';
import { assignRole, rolesOfUser, unassignRole } from './assignments.ts';
import { ROLE_TYPES, type RoleType } from './permissions.ts';
import { roleLabel, type RoleRow } from './service.ts';

const roleResponse = {
  type: 'object',
  properties: {
    id: { type: 'string' }, label: { type: 'string' }, type: { type: 'string' }, status: { type: 'string' },
    created: { type: 'string' }, lastUpdated: { type: 'string' }, assignmentType: { type: 'string' },
    _links: { type: 'object', additionalProperties: { type: 'object', properties: { href: { type: 'string' } } } },
  },
};

const userParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } };

function toPublicRole(role: RoleRow, base: string) {
  return {
    id: role.id,
    label: roleLabel(role.type),
    type: role.type,
    status: 'ACTIVE',
    created: role.created.toISOString(),
    lastUpdated: role.lastUpdated.toISOString(),
    assignmentType: 'USER',
    _links: { assignee: { href: `${base}/api/v1/users/${role.userId}` } },
  };
}

/** /api/v1/users/{id}/roles: standard admin roles assigned to a user. Only a super admin changes them. */
export async function roleRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { id: string } }>('/:id/roles', {
    config: { permission: 'roles.read' },
    schema: { params: userParams, response: { 200: { type: 'array', items: roleResponse } } },
  }, async (request) => {
    const roles = await rolesOfUser(serviceContextOf(request), request.params.id);
    return roles.map((r) => toPublicRole(r, baseUrlOf(request)));
  });

  app.post<{ Params: { id: string }; Body: { type: RoleType } }>('/:id/roles', {
    config: { permission: 'roles.manage', protectedAction: 'changing admin roles' },
    schema: {
      params: userParams,
      body: { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { type: 'string', enum: ROLE_TYPES } } },
      response: { 201: roleResponse },
    },
  }, async (request, reply) => {
    const role = await assignRole(serviceContextOf(request), request.params.id, request.body.type);
    return reply.code(201).send(toPublicRole(role, baseUrlOf(request)));
  });

  app.delete<{ Params: { id: string; roleId: string } }>('/:id/roles/:roleId', {
    config: { permission: 'roles.manage', protectedAction: 'changing admin roles' },
    schema: { params: { ...userParams, required: ['id', 'roleId'], properties: { ...userParams.properties, roleId: { type: 'string', minLength: 1, maxLength: 100 } } } },
  }, async (request, reply) => {
    await unassignRole(serviceContextOf(request), request.params.id, request.params.roleId);
    return reply.code(204).send();
  });
}
