import { findOidcClient } from '#src/apps/service.ts';
import { OktaErrors } from '#src/http/errors.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { baseUrlOf, publicAuditContext } from '#src/http/request-context.ts';
import type { LogActor } from '#src/syslog/log-event.ts';
import { toAuthnTransaction } from './dto.ts';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { relyingParty } from '#src/factors/webauthn-http.ts';
import { authenticationResponse, registrationResponse } from '#src/factors/webauthn-schemas.ts';
import { enrollFactor, finishEnrollment, openEnrollmentLink, type ActivationAnswer } from './enrollment.ts';
import { TOTP, TOTP_PROVIDERS } from '#src/factors/service.ts';
import { WEBAUTHN } from '#src/factors/webauthn-http.ts';
import { APP_NAMES } from '#src/policy/sign-on-rules.ts';
import { verifyFactor } from './factor-verify.ts';
import { finishPasskeySignIn, startPasskeySignIn } from './passkey.ts';
import { changeExpiredPassword, signInWithPassword } from './password.ts';
import { recoveryState } from './recovery.ts';
import { toRecoveryTransaction } from './recovery-dto.ts';
import { recoveryRoutes } from './recovery-routes.ts';
import { transactionState, type SignInContext } from './transaction.ts';

type AuthnBody = {
  username?: string;
  password?: string;
  stateToken?: string;
  token?: string;
  relayState?: string;
  audience?: string;
};

type ChangePasswordBody = { stateToken: string; oldPassword: string; newPassword: string };
type VerifyBody = { stateToken: string; passCode?: string; credential?: AuthenticationResponseJSON; rememberDevice?: boolean };

const secret = { type: 'string', minLength: 1, maxLength: 256 } as const;
/**
 * The app the sign-in is for (Okta's `audience`), whose sign-on rule applies: a built-in app, or the id of one
 * of the tenant's OpenID Connect apps (the sign-in its provider asked for); the end-user dashboard if left out.
 */
const audience = { anyOf: [{ type: 'string', enum: APP_NAMES }, { type: 'string', pattern: '^0oa[0-9A-Za-z]{17}$' }] } as const;

/** The audience as a sign-on rule names it; an app id must be an active app of the tenant. */
async function appOf(ctx: SignInContext, audience: string | undefined): Promise<string> {
  if (audience === undefined) return 'dashboard';
  if ((APP_NAMES as readonly string[]).includes(audience)) return audience;
  const client = await findOidcClient(ctx.db, ctx.tenant.id, audience);
  if (client?.status !== 'ACTIVE') throw OktaErrors.validation('audience', [`audience: ${audience} is not an active app of this organization`]);
  return client.appId;
}
const stateToken = { type: 'string', minLength: 1, maxLength: 128 } as const;

/** Either username and password, or a stateToken alone; Okta's optional `options` and `context` are accepted. */
const authnBody = {
  type: 'object',
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 256 },
    password: secret,
    stateToken,
    token: { type: 'string', minLength: 1, maxLength: 128 },
    relayState: { type: 'string', maxLength: 2048 },
    audience,
    options: {
      type: 'object',
      properties: { multiOptionalFactorEnroll: { type: 'boolean' }, warnBeforePasswordExpired: { type: 'boolean' } },
      additionalProperties: false,
    },
    context: { type: 'object', properties: { deviceToken: { type: 'string', maxLength: 32 } }, additionalProperties: false },
  },
  additionalProperties: false,
  // Exactly one way in: a password, a stateToken (where a sign-in stands), or an enrollment link's token.
  oneOf: [
    { required: ['username', 'password'], not: { anyOf: [{ required: ['stateToken'] }, { required: ['token'] }] } },
    { required: ['stateToken'], not: { anyOf: [{ required: ['username'] }, { required: ['password'] }, { required: ['token'] }, { required: ['audience'] }] } },
    { required: ['token'], not: { anyOf: [{ required: ['username'] }, { required: ['password'] }, { required: ['stateToken'] }] } },
  ],
} as const;

const changePasswordBody = {
  type: 'object',
  properties: { stateToken, oldPassword: secret, newPassword: secret },
  required: ['stateToken', 'oldPassword', 'newPassword'],
  additionalProperties: false,
} as const;

async function signInContext(request: FastifyRequest): Promise<SignInContext> {
  const { db, clock } = request.server.deps;
  const tenant = await request.server.tenantOf(request);
  return {
    db, clock, tenant, secrets: request.server.secrets, rp: relyingParty(request, tenant.slug), network: await request.server.networkOf(request.ip),
    knownNetworkDays: request.server.deps.config.newLocationDays,
    audit: (actor: LogActor) => publicAuditContext(request, actor),
  };
}

const verifyParams = { type: 'object', properties: { factorId: { type: 'string', pattern: '^[0-9A-Za-z]{20}$' } }, required: ['factorId'] } as const;
const verifyBody = {
  type: 'object',
  // A TOTP code, or a recovery code (`xxxxx-xxxxx-xxxxx`, with room for spaces).
  properties: { stateToken, passCode: { type: 'string', minLength: 1, maxLength: 32 }, credential: authenticationResponse, rememberDevice: { type: 'boolean' } },
  required: ['stateToken'],
  additionalProperties: false,
  not: { required: ['passCode', 'credential'] },
} as const;

const passkeyVerifyBody = {
  type: 'object',
  properties: { stateToken, credential: authenticationResponse },
  required: ['stateToken', 'credential'],
  additionalProperties: false,
} as const;

const enrollActivateBody = {
  type: 'object',
  properties: { stateToken, credential: registrationResponse, passCode: { type: 'string', minLength: 1, maxLength: 16 } },
  required: ['stateToken'],
  additionalProperties: false,
  oneOf: [{ required: ['credential'] }, { required: ['passCode'] }],
} as const;

const enrollBody = {
  type: 'object',
  properties: {
    stateToken,
    factorType: { type: 'string', enum: [TOTP, WEBAUTHN] },
    provider: { type: 'string', enum: [...TOTP_PROVIDERS, 'FIDO'] },
  },
  required: ['stateToken', 'factorType', 'provider'],
  additionalProperties: false,
  oneOf: [
    { properties: { factorType: { const: TOTP }, provider: { enum: [...TOTP_PROVIDERS] } } },
    { properties: { factorType: { const: WEBAUTHN }, provider: { const: 'FIDO' } } },
  ],
} as const;

const passkeyStartBody = { type: 'object', properties: { relayState: { type: 'string', maxLength: 2048 }, audience }, additionalProperties: false } as const;

/**
 * /api/v1/authn: Okta's Classic Authentication API. Public (no API token): the tenant is the one the Host
 * header names, and every answer is a transaction object or Okta's error.
 */
export async function authnRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: AuthnBody }>('/', { config: { auth: 'public' }, schema: { body: authnBody } }, async (request) => {
    const ctx = await signInContext(request);
    const { username, password, stateToken: state, token, relayState } = request.body;
    const app = state === undefined ? await appOf(ctx, request.body.audience) : 'dashboard';
    let outcome;
    if (token !== undefined) outcome = await openEnrollmentLink(ctx, token, app);
    else if (state !== undefined) {
      // A stateToken names a sign-in or a password recovery; each has its own states.
      const recovery = await recoveryState(ctx, state);
      if (recovery) return toRecoveryTransaction(recovery, baseUrlOf(request), relayState);
      outcome = await transactionState(ctx, state);
    }
    else outcome = await signInWithPassword(ctx, username as string, password as string, app);
    return toAuthnTransaction(outcome, baseUrlOf(request), relayState);
  });

  app.post<{ Body: ChangePasswordBody }>('/credentials/change_password', { config: { auth: 'public' }, schema: { body: changePasswordBody } }, async (request) => {
    const ctx = await signInContext(request);
    const { stateToken: token, oldPassword, newPassword } = request.body;
    return toAuthnTransaction(await changeExpiredPassword(ctx, token, oldPassword, newPassword), baseUrlOf(request), undefined);
  });

  app.post<{ Params: { factorId: string }; Body: VerifyBody }>('/factors/:factorId/verify', { config: { auth: 'public' }, schema: { params: verifyParams, body: verifyBody } }, async (request) => {
    const ctx = await signInContext(request);
    const { stateToken: token, passCode, credential } = request.body;
    const answer = { ...(passCode === undefined ? {} : { passCode }), ...(credential === undefined ? {} : { credential }) };
    return toAuthnTransaction(await verifyFactor(ctx, request.params.factorId, token, answer), baseUrlOf(request), undefined);
  });

  app.post<{ Body: { stateToken: string; factorType: string; provider: string } }>('/factors', { config: { auth: 'public' }, schema: { body: enrollBody } }, async (request) => {
    const ctx = await signInContext(request);
    const { stateToken: token, factorType, provider } = request.body;
    return toAuthnTransaction(await enrollFactor(ctx, token, factorType, provider), baseUrlOf(request), undefined);
  });

  app.post<{ Params: { factorId: string }; Body: { stateToken: string } & ActivationAnswer }>('/factors/:factorId/lifecycle/activate', {
    config: { auth: 'public' },
    schema: { params: verifyParams, body: enrollActivateBody },
  }, async (request) => {
    const ctx = await signInContext(request);
    const { stateToken: token, ...answer } = request.body;
    return toAuthnTransaction(await finishEnrollment(ctx, token, request.params.factorId, answer), baseUrlOf(request), undefined);
  });

  // Passkey sign-in (Bulwark's addition to the Classic API, which has no passwordless flow): a challenge, then
  // the authenticator's answer.
  app.post<{ Body: { relayState?: string; audience?: string } }>('/passkey', { config: { auth: 'public' }, schema: { body: passkeyStartBody } }, async (request) => {
    const ctx = await signInContext(request);
    return toAuthnTransaction(await startPasskeySignIn(ctx, await appOf(ctx, request.body?.audience)), baseUrlOf(request), request.body?.relayState);
  });

  app.post<{ Body: { stateToken: string; credential: AuthenticationResponseJSON } }>('/passkey/verify', { config: { auth: 'public' }, schema: { body: passkeyVerifyBody } }, async (request) => {
    const ctx = await signInContext(request);
    return toAuthnTransaction(await finishPasskeySignIn(ctx, request.body.stateToken, request.body.credential), baseUrlOf(request), undefined);
  });

  recoveryRoutes(app, signInContext);
}
