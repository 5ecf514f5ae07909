import type { FastifyInstance } from 'fastify';
import { baseUrlOf, principalOf, serviceContextOf } from '#src/http/request-context.ts';
import { MAX_PASSWORD_LENGTH } from './password-rules.ts';
import { getPasswordPolicy, passwordPolicyOf, replacePasswordPolicy, type PasswordPolicy, type PasswordSettings } from './service.ts';

const bit = { type: 'integer', enum: [0, 1] } as const;
const strict = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({ type: 'object', properties, required, additionalProperties: false });

/** What a PUT may set: every field Bulwark enforces, within floors it will not go below (8 characters, 1 attempt). */
const passwordSettings = strict({
  complexity: strict({
    minLength: { type: 'integer', minimum: 8, maximum: MAX_PASSWORD_LENGTH },
    minLowerCase: bit,
    minUpperCase: bit,
    minNumber: bit,
    minSymbol: bit,
    excludeUsername: { type: 'boolean' },
    dictionary: strict({ common: strict({ exclude: { type: 'boolean' } }) }),
  }),
  age: strict({ historyCount: { type: 'integer', minimum: 0, maximum: 24 } }),
  lockout: strict({ maxAttempts: { type: 'integer', minimum: 1, maximum: 100 }, autoUnlockMinutes: { type: 'integer', minimum: 0, maximum: 10080 }, showLockoutFailures: { type: 'boolean', const: false } }),
});

const replaceBody = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    type: { type: 'string', const: 'PASSWORD' },
    name: { type: 'string', maxLength: 255 },
    status: { type: 'string', const: 'ACTIVE' },
    priority: { type: 'integer' },
    system: { type: 'boolean' },
    description: { type: ['string', 'null'], maxLength: 1024 },
    conditions: { type: ['object', 'null'] },
    settings: strict({ password: passwordSettings }),
    // Read-only fields a client sends back after GET, edit, PUT: accepted and ignored.
    created: { type: ['string', 'null'] },
    lastUpdated: { type: ['string', 'null'] },
    _links: { type: 'object' },
  },
  required: ['type', 'settings'],
  additionalProperties: false,
} as const;

const listQuery = strict({ type: { type: 'string', const: 'PASSWORD' } }, ['type']);
const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9A-Za-z]{20}$' } }, required: ['id'] } as const;

function toOktaPolicy(p: PasswordPolicy, base: string) {
  return {
    id: p.id,
    type: 'PASSWORD',
    name: 'Default Policy',
    description: 'The tenant\'s password rules, common-password check, history and lockout.',
    status: 'ACTIVE',
    priority: 1,
    system: true,
    created: p.created?.toISOString() ?? null,
    lastUpdated: p.lastUpdated?.toISOString() ?? null,
    conditions: null,
    settings: { password: p.settings },
    _links: { self: { href: `${base}/api/v1/policies/${p.id}`, hints: { allow: ['GET', 'PUT'] } } },
  };
}

/** /api/v1/policies: Okta's Policy API, for the one PASSWORD policy each tenant has. */
export async function policyRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { permission: 'policies.read' }, schema: { querystring: listQuery } }, async (request) => {
    const tenantId = principalOf(request).tenant.id;
    return [toOktaPolicy(await passwordPolicyOf(request.server.deps.db, tenantId), baseUrlOf(request))];
  });

  app.get<{ Params: { id: string } }>('/:id', { config: { permission: 'policies.read' }, schema: { params: idParams } }, async (request) => {
    return toOktaPolicy(await getPasswordPolicy(request.server.deps.db, principalOf(request).tenant.id, request.params.id), baseUrlOf(request));
  });

  app.put<{ Params: { id: string }; Body: { settings: { password: PasswordSettings } } }>('/:id', {
    config: { permission: 'policies.manage' },
    schema: { params: idParams, body: replaceBody },
  }, async (request) => {
    const ctx = serviceContextOf(request);
    return toOktaPolicy(await replacePasswordPolicy(ctx, request.params.id, request.body.settings.password), baseUrlOf(request));
  });
}
