import type { FastifyInstance } from 'fastify';
import { OktaErrors } from '#src/http/errors.ts';
import { baseUrlOf, principalOf, serviceContextOf } from '#src/http/request-context.ts';
import { toOktaPasswordPolicy, toOktaRule, toOktaSignOnPolicy } from './dto.ts';
import { MAX_PASSWORD_LENGTH } from './password-rules.ts';
import { getPasswordPolicy, passwordPolicyId, passwordPolicyOf, replacePasswordPolicy, type PasswordSettings } from './service.ts';
import { ruleBody } from './sign-on-schemas.ts';
import {
  createSignOnRule, deleteSignOnRule, getSignOnRule, listSignOnRules, replaceSignOnRule, setSignOnRuleStatus, signOnPolicyId, type RuleInput,
} from './sign-on.ts';

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

const listQuery = strict({ type: { type: 'string', enum: ['PASSWORD', 'OKTA_SIGN_ON'] } }, ['type']);
const oktaId = { type: 'string', pattern: '^[0-9A-Za-z]{20}$' } as const;
const idParams = { type: 'object', properties: { id: oktaId }, required: ['id'] } as const;
const ruleParams = { type: 'object', properties: { id: oktaId, ruleId: oktaId }, required: ['id', 'ruleId'] } as const;

type IdParams = { id: string };
type RuleParams = { id: string; ruleId: string };

/** Rules exist only under the sign-on policy: the password policy is its settings alone. */
function assertSignOnPolicy(tenantId: string, id: string): void {
  if (id !== signOnPolicyId(tenantId)) throw OktaErrors.notFound(`${id} (Policy)`);
}

/**
 * /api/v1/policies: Okta's Policy API for the two policies each tenant has, PASSWORD (settings) and
 * OKTA_SIGN_ON (ordered rules).
 */
export async function policyRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { type: 'PASSWORD' | 'OKTA_SIGN_ON' } }>('/', { config: { permission: 'policies.read' }, schema: { querystring: listQuery } }, async (request) => {
    const tenantId = principalOf(request).tenant.id;
    const base = baseUrlOf(request);
    if (request.query.type === 'OKTA_SIGN_ON') return [toOktaSignOnPolicy(signOnPolicyId(tenantId), base)];
    return [toOktaPasswordPolicy(await passwordPolicyOf(request.server.deps.db, tenantId), base)];
  });

  app.get<{ Params: IdParams }>('/:id', { config: { permission: 'policies.read' }, schema: { params: idParams } }, async (request) => {
    const tenantId = principalOf(request).tenant.id;
    if (request.params.id === signOnPolicyId(tenantId)) return toOktaSignOnPolicy(request.params.id, baseUrlOf(request));
    return toOktaPasswordPolicy(await getPasswordPolicy(request.server.deps.db, tenantId, request.params.id), baseUrlOf(request));
  });

  app.put<{ Params: IdParams; Body: { settings: { password: PasswordSettings } } }>('/:id', {
    config: { permission: 'policies.manage', protectedAction: 'changing a sign-on, password or network policy' },
    schema: { params: idParams, body: replaceBody },
  }, async (request) => {
    const ctx = serviceContextOf(request);
    if (request.params.id === signOnPolicyId(ctx.tenantId)) {
      throw OktaErrors.validation('policy', ['policy: the sign-on policy is its rules; change them under /rules', `password policy: ${passwordPolicyId(ctx.tenantId)}`]);
    }
    return toOktaPasswordPolicy(await replacePasswordPolicy(ctx, request.params.id, request.body.settings.password), baseUrlOf(request));
  });

  app.get<{ Params: IdParams }>('/:id/rules', { config: { permission: 'policies.read' }, schema: { params: idParams } }, async (request) => {
    const tenantId = principalOf(request).tenant.id;
    assertSignOnPolicy(tenantId, request.params.id);
    return (await listSignOnRules(request.server.deps.db, tenantId)).map((r) => toOktaRule(r, request.params.id, baseUrlOf(request)));
  });

  app.post<{ Params: IdParams; Body: RuleInput }>('/:id/rules', { config: { permission: 'policies.manage', protectedAction: 'changing a sign-on, password or network policy' }, schema: { params: idParams, body: ruleBody } }, async (request) => {
    const ctx = serviceContextOf(request);
    assertSignOnPolicy(ctx.tenantId, request.params.id);
    return toOktaRule(await createSignOnRule(ctx, request.body), request.params.id, baseUrlOf(request));
  });

  app.get<{ Params: RuleParams }>('/:id/rules/:ruleId', { config: { permission: 'policies.read' }, schema: { params: ruleParams } }, async (request) => {
    const tenantId = principalOf(request).tenant.id;
    assertSignOnPolicy(tenantId, request.params.id);
    return toOktaRule(await getSignOnRule(request.server.deps.db, tenantId, request.params.ruleId), request.params.id, baseUrlOf(request));
  });

  app.put<{ Params: RuleParams; Body: RuleInput }>('/:id/rules/:ruleId', { config: { permission: 'policies.manage', protectedAction: 'changing a sign-on, password or network policy' }, schema: { params: ruleParams, body: ruleBody } }, async (request) => {
    const ctx = serviceContextOf(request);
    assertSignOnPolicy(ctx.tenantId, request.params.id);
    return toOktaRule(await replaceSignOnRule(ctx, request.params.ruleId, request.body), request.params.id, baseUrlOf(request));
  });

  app.delete<{ Params: RuleParams }>('/:id/rules/:ruleId', { config: { permission: 'policies.manage', protectedAction: 'changing a sign-on, password or network policy' }, schema: { params: ruleParams } }, async (request, reply) => {
    const ctx = serviceContextOf(request);
    assertSignOnPolicy(ctx.tenantId, request.params.id);
    await deleteSignOnRule(ctx, request.params.ruleId);
    return reply.code(204).send();
  });

  for (const op of ['activate', 'deactivate'] as const) {
    app.post<{ Params: RuleParams }>(`/:id/rules/:ruleId/lifecycle/${op}`, { config: { permission: 'policies.manage', protectedAction: 'changing a sign-on, password or network policy' }, schema: { params: ruleParams } }, async (request, reply) => {
      const ctx = serviceContextOf(request);
      assertSignOnPolicy(ctx.tenantId, request.params.id);
      await setSignOnRuleStatus(ctx, request.params.ruleId, op === 'activate' ? 'ACTIVE' : 'INACTIVE');
      return reply.code(204).send();
    });
  }
}
