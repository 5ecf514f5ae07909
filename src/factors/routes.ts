import { assertProtectedIfAdmin } from '#src/admin/protected-actions.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import { baseUrlOf, publicAuditContext, serviceContextOf } from '#src/http/request-context.ts';
import { assertSameOrigin } from '#src/http/same-origin.ts';
import { clearSessionCookie } from '#src/sessions/cookie.ts';
import { dashboardSession } from '#src/sessions/cookie-session.ts';
import type { SessionRow } from '#src/sessions/service.ts';
import type { LogTarget } from '#src/syslog/log-event.ts';
import { lookupUser, userTarget } from '#src/users/service.ts';
import { authorizeReset, refusalsLogged, type ResetContext } from '#src/verification/gate.ts';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { toPublicFactor } from './dto.ts';
import { registrationResponse } from './webauthn-schemas.ts';
import { activatePasskey, enrollPasskey, relyingParty, WEBAUTHN } from './webauthn-http.ts';
import { assertEnrollmentFromKnownNetwork } from './new-location.ts';
import { RECOVERY_CODE, RECOVERY_CODE_PROVIDER } from './recovery-codes.ts';
import {
  activateTotp, enrollRecoveryCodes, enrollTotp, getFactor, listFactors, removeFactor, resetAllFactors, TOTP, TOTP_PROVIDERS, type FactorContext, type TotpProvider,
} from './service.ts';

type FactorParams = { factorId: string };
type UserParams = { id: string };

const oktaId = { type: 'string', pattern: '^[0-9A-Za-z]{20}$' } as const;
const factorParams = { type: 'object', properties: { factorId: oktaId }, required: ['factorId'] } as const;
const userParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['id'] } as const;
const userFactorParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 100 }, factorId: oktaId }, required: ['id', 'factorId'] } as const;
const enrollBody = {
  type: 'object',
  properties: { factorType: { type: 'string', enum: [TOTP, WEBAUTHN, RECOVERY_CODE] }, provider: { type: 'string', enum: [...TOTP_PROVIDERS, 'FIDO', RECOVERY_CODE_PROVIDER] } },
  required: ['factorType', 'provider'],
  additionalProperties: false,
  oneOf: [
    { properties: { factorType: { const: TOTP }, provider: { enum: [...TOTP_PROVIDERS] } } },
    { properties: { factorType: { const: WEBAUTHN }, provider: { const: 'FIDO' } } },
    { properties: { factorType: { const: RECOVERY_CODE }, provider: { const: RECOVERY_CODE_PROVIDER } } },
  ],
} as const;
const activateBody = {
  type: 'object',
  properties: { passCode: { type: 'string', minLength: 1, maxLength: 16 }, credential: registrationResponse },
  additionalProperties: false,
  oneOf: [{ required: ['passCode'] }, { required: ['credential'] }],
} as const;

type Me = { ctx: FactorContext; user: LogTarget; session: SessionRow; base: string; issuer: string };

/** The signed-in user (by session cookie) and what their factor operations run with. */
async function me(request: FastifyRequest): Promise<Me> {
  const { tenant, session, user } = await dashboardSession(request);
  const { db, clock } = request.server.deps;
  const ctx = { db, clock, tenantId: tenant.id, secrets: request.server.secrets, audit: publicAuditContext(request, user) };
  return { ctx, user, session, base: `${baseUrlOf(request)}/api/v1/users/me/factors`, issuer: tenant.slug };
}

/** Adding a factor is allowed only from a network the user is known to sign in from (new-location.ts). */
async function assertKnownNetwork(request: FastifyRequest, reply: FastifyReply, m: Me, factorType: string): Promise<void> {
  const network = await request.server.networkOf(request.ip);
  try {
    await assertEnrollmentFromKnownNetwork({ ...m.ctx, user: m.user, session: m.session, network, days: request.server.deps.config.newLocationDays, factorType });
  } catch (err) {
    clearSessionCookie(request, reply);
    throw err;
  }
}

/**
 * An admin's view of another user's factors, and who the admin is (`gate`): a reset is allowed or refused inside
 * its own transaction (verification/gate.ts), where a verification of the person it needs is used up with it.
 */
async function theirs(request: FastifyRequest<{ Params: UserParams }>): Promise<{ ctx: FactorContext; gate: ResetContext; user: LogTarget; base: string }> {
  const gate = serviceContextOf(request);
  const { db, clock } = request.server.deps;
  const owner = await lookupUser(db, gate.tenantId, request.params.id);
  if (!owner) throw OktaErrors.notFound(`${request.params.id} (User)`);
  const ctx = { db, clock, tenantId: gate.tenantId, secrets: request.server.secrets, audit: gate.audit };
  return { ctx, gate, user: userTarget(owner), base: `${baseUrlOf(request)}/api/v1/users/${owner.id}/factors` };
}

/**
 * Factors are enrolled only by their user, signed in. An admin (or a support tool acting as one) who could
 * enroll a TOTP factor would hold the user's second factor: the 2022 support-tool intrusion did exactly
 * that. Admins list and reset factors; they never create one.
 */
const adminEnrollRefused = () => new AppError(403, 'E0000006', 'You do not have permission to perform the requested action', [
  'factor: factors are enrolled by their user, signed in (/api/v1/users/me/factors) or through an enrollment link, never by an admin',
]);

/** /api/v1/users/me/factors (the signed-in user, by session cookie) and /api/v1/users/{id}/factors (admins). */
export async function factorRoutes(app: FastifyInstance): Promise<void> {
  app.get('/me/factors', { config: { auth: 'public' } }, async (request) => {
    const { ctx, user, base } = await me(request);
    return (await listFactors(ctx.db, ctx.tenantId, user.id)).map((f) => toPublicFactor(f, base, user.alternateId ?? ''));
  });

  app.post<{ Body: { factorType: string; provider: string } }>('/me/factors', { config: { auth: 'public' }, schema: { body: enrollBody } }, async (request, reply) => {
    assertSameOrigin(request);
    const m = await me(request);
    await assertKnownNetwork(request, reply, m, request.body.factorType);
    const { ctx, user, base, issuer } = m;
    if (request.body.factorType === WEBAUTHN) {
      const enrollment = await enrollPasskey(ctx, user, relyingParty(request, issuer));
      return toPublicFactor(enrollment.factor, base, user.alternateId ?? '', { passkey: enrollment.options });
    }
    if (request.body.factorType === RECOVERY_CODE) {
      const set = await enrollRecoveryCodes(ctx, user);
      return toPublicFactor(set.factor, base, user.alternateId ?? '', { recoveryCodes: set.codes });
    }
    const enrollment = await enrollTotp(ctx, user, request.body.provider as TotpProvider, issuer);
    return toPublicFactor(enrollment.factor, base, user.alternateId ?? '', { totp: enrollment });
  });

  app.get<{ Params: FactorParams }>('/me/factors/:factorId', { config: { auth: 'public' }, schema: { params: factorParams } }, async (request) => {
    const { ctx, user, base } = await me(request);
    return toPublicFactor(await getFactor(ctx.db, ctx.tenantId, user.id, request.params.factorId), base, user.alternateId ?? '');
  });

  app.post<{ Params: FactorParams; Body: { passCode?: string; credential?: RegistrationResponseJSON } }>('/me/factors/:factorId/lifecycle/activate', {
    config: { auth: 'public' },
    schema: { params: factorParams, body: activateBody },
  }, async (request, reply) => {
    assertSameOrigin(request);
    const m = await me(request);
    const factor = await getFactor(m.ctx.db, m.ctx.tenantId, m.user.id, request.params.factorId);
    await assertKnownNetwork(request, reply, m, factor.factorType);
    const { ctx, user, base, issuer } = m;
    const { passCode, credential } = request.body;
    // A set of recovery codes is active from the start; the others say so themselves once activated.
    if (factor.factorType === RECOVERY_CODE) throw OktaErrors.wrongTransition('The factor is already active');
    if (factor.factorType === WEBAUTHN && credential !== undefined) {
      return toPublicFactor(await activatePasskey(ctx, user, factor.id, credential, relyingParty(request, issuer)), base, user.alternateId ?? '');
    }
    if (factor.factorType === TOTP && passCode !== undefined) return toPublicFactor(await activateTotp(ctx, user, factor.id, passCode), base, user.alternateId ?? '');
    const needed = factor.factorType === WEBAUTHN ? 'credential' : 'passCode';
    throw OktaErrors.validation(needed, [`${needed}: required to activate this factor`]);
  });

  app.delete<{ Params: FactorParams }>('/me/factors/:factorId', { config: { auth: 'public' }, schema: { params: factorParams } }, async (request, reply) => {
    assertSameOrigin(request);
    const { ctx, user } = await me(request);
    await removeFactor(ctx, user, request.params.factorId, 'self');
    return reply.code(204).send();
  });

  app.get<{ Params: UserParams }>('/:id/factors', { config: { permission: 'users.read' }, schema: { params: userParams } }, async (request) => {
    const { ctx, user, base } = await theirs(request);
    return (await listFactors(ctx.db, ctx.tenantId, user.id)).map((f) => toPublicFactor(f, base, user.alternateId ?? ''));
  });

  app.post<{ Params: UserParams }>('/:id/factors', { config: { permission: 'users.read' }, schema: { params: userParams } }, async (request) => {
    await theirs(request);
    throw adminEnrollRefused();
  });

  app.get<{ Params: UserParams & FactorParams }>('/:id/factors/:factorId', { config: { permission: 'users.read' }, schema: { params: userFactorParams } }, async (request) => {
    const { ctx, user, base } = await theirs(request);
    return toPublicFactor(await getFactor(ctx.db, ctx.tenantId, user.id, request.params.factorId), base, user.alternateId ?? '');
  });

  app.post<{ Params: UserParams }>('/:id/lifecycle/reset_factors', { config: { permission: 'users.factors.reset' }, schema: { params: userParams } }, async (request) => {
    await assertProtectedIfAdmin(request, request.params.id, 'resetting the factors');
    const { ctx, gate, user } = await theirs(request);
    await refusalsLogged(ctx.db, gate, () => ctx.db.transaction().execute(async (tx) => {
      await resetAllFactors(tx, ctx.clock, ctx.tenantId, ctx.audit, user, await authorizeReset(tx, gate, user, 'RESET_FACTORS'));
    }));
    return {};
  });

  app.delete<{ Params: UserParams & FactorParams }>('/:id/factors/:factorId', { config: { permission: 'users.factors.reset' }, schema: { params: userFactorParams } }, async (request, reply) => {
    await assertProtectedIfAdmin(request, request.params.id, 'resetting a factor');
    const { ctx, gate, user } = await theirs(request);
    await refusalsLogged(ctx.db, gate, () => removeFactor(ctx, user, request.params.factorId, (tx) => authorizeReset(tx, gate, user, 'RESET_FACTORS')));
    return reply.code(204).send();
  });
}
