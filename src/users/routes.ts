import { assertProtectedIfAdmin } from '#src/admin/protected-actions.ts';
import type { FastifyInstance } from 'fastify';
import { setPageLinks } from '#src/http/links.ts';
import { AppError } from '#src/http/errors.ts';
import { baseUrlOf, principalOf, serviceContextOf, tenantOriginOf } from '#src/http/request-context.ts';
import { assertNotNamedByRules } from '#src/policy/sign-on.ts';
import { toPublicUser } from './dto.ts';
import type { LifecycleOp } from './lifecycle.ts';
import {
  createUserBody, createUserQuery, idParams, lifecycleQuery, listUsersQuery, partialUpdateBody, replaceUserBody, userResponse,
} from './schemas.ts';
import { listUsers, type ListUsersQuery } from './search.ts';
import { changeLifecycle, clearUserSessions, createUser, deleteUser, getUser, updateUser, type Profile } from './service.ts';

type IdParams = { id: string };
type Credentials = { password?: { value?: string } };
type CreateBody = { profile: Profile; credentials?: Credentials; groupIds?: string[] };
type UpdateBody = { profile?: Profile; credentials?: Credentials };

const users = { type: 'array', items: userResponse };

/** /api/v1/users: Okta's Users API. HTTP only; the rules live in service.ts. */
export async function userRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ListUsersQuery }>('/', {
    config: { permission: 'users.read' },
    schema: { querystring: listUsersQuery, response: { 200: users } },
  }, async (request, reply) => {
    const ctx = serviceContextOf(request);
    const page = await listUsers(ctx, request.query);
    setPageLinks(request, reply, page.next === null ? null : { after: page.next });
    const base = baseUrlOf(request);
    return page.users.map((u) => toPublicUser(u, ctx.tenantId, base, false));
  });

  app.post<{ Body: CreateBody; Querystring: { activate: boolean; nextLogin?: string } }>('/', {
    config: { permission: 'users.manage' },
    schema: { body: createUserBody, querystring: createUserQuery, response: { 200: userResponse } },
  }, async (request) => {
    const ctx = serviceContextOf(request);
    const { profile, credentials, groupIds } = request.body;
    const user = await createUser(ctx, {
      profile,
      ...(credentials?.password?.value === undefined ? {} : { password: credentials.password.value }),
      ...(groupIds === undefined ? {} : { groupIds }),
      activate: request.query.activate,
      expirePassword: request.query.nextLogin === 'changePassword',
    });
    return toPublicUser(user, ctx.tenantId, baseUrlOf(request), true);
  });

  app.get<{ Params: IdParams }>('/:id', {
    config: { permission: 'users.read' },
    schema: { params: idParams, response: { 200: userResponse } },
  }, async (request) => {
    const ctx = serviceContextOf(request);
    return toPublicUser(await getUser(ctx, request.params.id), ctx.tenantId, baseUrlOf(request), true);
  });

  const update = (replace: boolean) => async (request: { params: IdParams; body: UpdateBody } & Parameters<typeof serviceContextOf>[0]) => {
    const ctx = serviceContextOf(request);
    const password = request.body.credentials?.password?.value;
    const user = await updateUser(ctx, request.params.id, {
      ...(request.body.profile === undefined ? {} : { profile: request.body.profile }),
      ...(password === undefined ? {} : { password }),
      replace,
    });
    return toPublicUser(user, ctx.tenantId, baseUrlOf(request), true);
  };
  app.post<{ Params: IdParams; Body: UpdateBody }>('/:id', {
    config: { permission: 'users.manage' },
    schema: { params: idParams, body: partialUpdateBody, response: { 200: userResponse } },
  }, update(false));
  app.put<{ Params: IdParams; Body: UpdateBody }>('/:id', {
    config: { permission: 'users.manage' },
    schema: { params: idParams, body: replaceUserBody, response: { 200: userResponse } },
  }, update(true));

  app.delete<{ Params: IdParams }>('/:id', {
    config: { permission: 'users.manage' },
    schema: { params: idParams, querystring: { type: 'object', properties: { sendEmail: { type: 'boolean' } }, additionalProperties: false } },
  }, async (request, reply) => {
    const ctx = serviceContextOf(request);
    await deleteUser(ctx, request.params.id, (tx, userId) => assertNotNamedByRules(tx, ctx.tenantId, userId, 'user'));
    return reply.code(204).send();
  });

  app.delete<{ Params: IdParams }>('/:id/sessions', {
    config: { permission: 'users.helpdesk' },
    schema: { params: idParams, querystring: { type: 'object', properties: { oauthTokens: { type: 'boolean' } }, additionalProperties: false } },
  }, async (request, reply) => {
    await clearUserSessions(serviceContextOf(request), request.params.id);
    return reply.code(204).send();
  });

  /** Lifecycle operations that answer with an empty object, as Okta's do. */
  const EMPTY_RESULT: readonly LifecycleOp[] = ['deactivate', 'suspend', 'unsuspend', 'unlock'];
  const HELPDESK: ReadonlySet<LifecycleOp> = new Set(['unlock', 'reset_password', 'expire_password']);
  const lifecycle = (op: LifecycleOp) => ({
    config: { permission: HELPDESK.has(op) ? ('users.helpdesk' as const) : ('users.manage' as const) },
    schema: { params: idParams, querystring: { ...lifecycleQuery, properties: { ...lifecycleQuery.properties, tempPassword: { type: 'boolean' } } } },
  });
  for (const op of EMPTY_RESULT) {
    app.post<{ Params: IdParams }>(`/:id/lifecycle/${op}`, lifecycle(op), async (request) => {
      await changeLifecycle(serviceContextOf(request), request.params.id, op);
      return {};
    });
  }
  // Okta answers activation and reactivation with the activation link (sendEmail=false); here it is the
  // passkey enrollment link of an invited user, or {} for one who was given a password.
  for (const op of ['activate', 'reactivate'] as const) {
    app.post<{ Params: IdParams }>(`/:id/lifecycle/${op}`, lifecycle(op), async (request) => {
      const result = await changeLifecycle(serviceContextOf(request), request.params.id, op, { tenantOrigin: tenantOriginOf(request) });
      return result.enrollment === undefined ? {} : { activationUrl: result.enrollment.url, activationToken: result.enrollment.token };
    });
  }
  /**
   * Support staff never hold a user's credential (docs/support-access.md): in 2022 a support tool that could
   * reset a password and read back what it set was all an intruder needed. A reset under a grant sends the link
   * to the user; asking for it, or for a temporary password, is refused before anything changes.
   */
  const refuseCredentialToSupport = (request: Parameters<typeof principalOf>[0], what: string) => {
    if (principalOf(request).via.kind !== 'support') return;
    throw new AppError(403, 'E0000006', 'You do not have permission to perform the requested action', [`${what}: support staff never receive a user's credential; it goes to the user`]);
  };
  // Okta's reset_password mails the recovery link by default (sendEmail=true) and answers it with
  // sendEmail=false. Bulwark delivers no email yet: the link is made either way, and shown only when asked for.
  const resetPassword = lifecycle('reset_password');
  const resetQuery = { ...resetPassword.schema.querystring, properties: { ...resetPassword.schema.querystring.properties, sendEmail: { type: 'boolean', default: true } } };
  app.post<{ Params: IdParams; Querystring: { sendEmail: boolean } }>('/:id/lifecycle/reset_password', {
    ...resetPassword,
    schema: { ...resetPassword.schema, querystring: resetQuery },
  }, async (request) => {
    if (!request.query.sendEmail) refuseCredentialToSupport(request, 'sendEmail');
    await assertProtectedIfAdmin(request, request.params.id, 'resetting the password');
    const result = await changeLifecycle(serviceContextOf(request), request.params.id, 'reset_password', { tenantOrigin: tenantOriginOf(request) });
    return request.query.sendEmail ? {} : { resetPasswordUrl: result.recovery?.url };
  });
  app.post<{ Params: IdParams; Querystring: { tempPassword?: boolean } }>('/:id/lifecycle/expire_password', lifecycle('expire_password'), async (request) => {
    if (request.query.tempPassword === true) refuseCredentialToSupport(request, 'tempPassword');
    await assertProtectedIfAdmin(request, request.params.id, 'expiring the password');
    const ctx = serviceContextOf(request);
    const result = await changeLifecycle(ctx, request.params.id, 'expire_password', { withTempPassword: request.query.tempPassword === true });
    if (result.tempPassword !== undefined) return { tempPassword: result.tempPassword };
    return toPublicUser(result.user, ctx.tenantId, baseUrlOf(request), true);
  });
  app.post<{ Params: IdParams }>('/:id/lifecycle/expire_password_with_temp_password', lifecycle('expire_password'), async (request) => {
    refuseCredentialToSupport(request, 'tempPassword');
    await assertProtectedIfAdmin(request, request.params.id, 'expiring the password');
    const result = await changeLifecycle(serviceContextOf(request), request.params.id, 'expire_password', { withTempPassword: true });
    return { tempPassword: result.tempPassword };
  });
}
