import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { baseUrlOf } from '#src/http/request-context.ts';
import { authenticationResponse } from '#src/factors/webauthn-schemas.ts';
import { toAuthnTransaction } from './dto.ts';
import { openRecoveryToken, RECOVERY_FACTOR_TYPES, startSelfServiceRecovery } from './recovery.ts';
import { toRecoveryTransaction } from './recovery-dto.ts';
import { resetRecoveredPassword } from './recovery-password.ts';
import { verifyRecoveryFactor } from './recovery-verify.ts';
import type { SignInContext } from './transaction.ts';

const stateToken = { type: 'string', minLength: 1, maxLength: 128 } as const;
const relayState = { type: 'string', maxLength: 2048 } as const;
const factorType = { type: 'string', enum: RECOVERY_FACTOR_TYPES } as const;

const tokenBody = {
  type: 'object',
  properties: { recoveryToken: { type: 'string', minLength: 1, maxLength: 128 }, relayState },
  required: ['recoveryToken'],
  additionalProperties: false,
} as const;

/** Okta's forgot-password request: a username, and the kind of factor the user will answer with (any, if left out). */
const passwordBody = {
  type: 'object',
  properties: { username: { type: 'string', minLength: 1, maxLength: 256 }, factorType, relayState },
  required: ['username'],
  additionalProperties: false,
} as const;

const verifyParams = { type: 'object', properties: { factorType }, required: ['factorType'] } as const;

/** A TOTP or recovery code (`xxxxx-xxxxx-xxxxx`, with room for spaces), or a passkey's answer; the stateToken alone asks for a passkey challenge. */
const verifyBody = {
  type: 'object',
  properties: { stateToken, passCode: { type: 'string', minLength: 1, maxLength: 32 }, credential: authenticationResponse },
  required: ['stateToken'],
  additionalProperties: false,
  not: { required: ['passCode', 'credential'] },
} as const;

const resetBody = {
  type: 'object',
  properties: { stateToken, newPassword: { type: 'string', minLength: 1, maxLength: 256 } },
  required: ['stateToken', 'newPassword'],
  additionalProperties: false,
} as const;

type VerifyBody = { stateToken: string; passCode?: string; credential?: AuthenticationResponseJSON };

/**
 * Password recovery in Okta's Classic Authentication API, under /api/v1/authn: an admin's recovery token
 * (`/recovery/token`), self-service (`/recovery/password`), a factor's answer (`/recovery/factors/{type}/verify`)
 * and the new password (`/credentials/reset_password`). Public, like the rest of /api/v1/authn.
 */
export function recoveryRoutes(app: FastifyInstance, contextOf: (request: FastifyRequest) => Promise<SignInContext>): void {
  app.post<{ Body: { recoveryToken: string; relayState?: string } }>('/recovery/token', { config: { auth: 'public' }, schema: { body: tokenBody } }, async (request) => {
    const outcome = await openRecoveryToken(await contextOf(request), request.body.recoveryToken);
    return toRecoveryTransaction(outcome, baseUrlOf(request), request.body.relayState);
  });

  app.post<{ Body: { username: string; factorType?: string; relayState?: string } }>('/recovery/password', { config: { auth: 'public' }, schema: { body: passwordBody } }, async (request) => {
    const outcome = await startSelfServiceRecovery(await contextOf(request), request.body.username, request.body.factorType ?? null);
    return toRecoveryTransaction(outcome, baseUrlOf(request), request.body.relayState);
  });

  app.post<{ Params: { factorType: string }; Body: VerifyBody }>('/recovery/factors/:factorType/verify', {
    config: { auth: 'public' },
    schema: { params: verifyParams, body: verifyBody },
  }, async (request) => {
    const { stateToken: token, passCode, credential } = request.body;
    const answer = { ...(passCode === undefined ? {} : { passCode }), ...(credential === undefined ? {} : { credential }) };
    return toRecoveryTransaction(await verifyRecoveryFactor(await contextOf(request), request.params.factorType, token, answer), baseUrlOf(request), undefined);
  });

  app.post<{ Body: { stateToken: string; newPassword: string } }>('/credentials/reset_password', { config: { auth: 'public' }, schema: { body: resetBody } }, async (request) => {
    const outcome = await resetRecoveredPassword(await contextOf(request), request.body.stateToken, request.body.newPassword);
    return toAuthnTransaction(outcome, baseUrlOf(request), undefined);
  });
}
