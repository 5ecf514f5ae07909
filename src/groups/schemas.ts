import { listQuerySchema } from '#src/http/list-query.ts';

/** Wire schemas of /api/v1/groups: what Fastify validates on the way in and serializes on the way out. */

const groupProfile = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    // At least one visible character: a blank name would be unfindable in every picker.
    name: { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S' },
    description: { type: ['string', 'null'], maxLength: 1024 },
  },
};

export const createGroupBody = {
  type: 'object',
  additionalProperties: false,
  required: ['profile'],
  properties: { profile: groupProfile },
};

export const replaceGroupBody = {
  type: 'object',
  additionalProperties: false,
  required: ['profile'],
  properties: {
    profile: groupProfile,
    // Clients that GET, edit and PUT a group send back read-only fields; Okta ignores them and so do we.
    id: { type: 'string' }, created: {}, lastUpdated: {}, lastMembershipUpdated: {}, objectClass: { type: 'array' },
    type: { type: 'string' }, _links: { type: 'object' }, _embedded: { type: 'object' },
  },
};

const id = { type: 'string', minLength: 1, maxLength: 100 };

export const groupParams = { type: 'object', required: ['groupId'], properties: { groupId: id } };

export const memberParams = { type: 'object', required: ['groupId', 'userId'], properties: { groupId: id, userId: id } };

export const userParams = { type: 'object', required: ['userId'], properties: { userId: id } };

const limit = { type: 'integer', minimum: 1, maximum: 10000 };
const after = { type: 'string', minLength: 1, maxLength: 100 };

export const listGroupsQuery = listQuerySchema;

export const pageQuery = { type: 'object', additionalProperties: false, properties: { limit, after } };

export const groupResponse = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    created: { type: 'string' },
    lastUpdated: { type: 'string' },
    lastMembershipUpdated: { type: 'string' },
    objectClass: { type: 'array', items: { type: 'string' } },
    type: { type: 'string' },
    profile: { type: 'object', properties: { name: { type: 'string' }, description: { type: ['string', 'null'] } } },
    _links: { type: 'object', additionalProperties: { type: 'object', properties: { href: { type: 'string' } } } },
  },
};

export const groupsResponse = { type: 'array', items: groupResponse };
