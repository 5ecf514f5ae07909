import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { relyingParty } from '#src/factors/webauthn-http.ts';
import { baseUrlOf, principalOf, publicAuditContext, serviceContextOf, tenantOriginOf } from '#src/http/request-context.ts';
import type { Permission } from '#src/roles/permissions.ts';
import type { LogActor } from '#src/syslog/log-event.ts';
import { toLinkChallenge, toPublicVerification } from './dto.ts';
import { VerificationErrors } from './errors.ts';
import { answerLink, challengeLink, type LinkContext } from './link.ts';
import { answerBody, attestBody, challengeBody, denyBody, listQuery, requestBody, userListQuery, userParams, verificationParams } from './schemas.ts';
import {
  attestVerification, choicesFor, denyVerification, getVerification, listUserVerifications, listVerifications, requestVerification,
  type VerificationLink, type VerificationMethod, type VerificationRow, type VerificationStatus, type VerifiedAction,
} from './service.ts';

type UserParams = { Params: { id: string } };
type VerificationParams = { Params: { id: string; verificationId: string } };

/** Asking to verify the person before a reset takes the right to do that reset. */
const PERMISSION_OF: Record<VerifiedAction, Permission> = { RESET_PASSWORD: 'users.helpdesk', RESET_FACTORS: 'users.factors.reset' };

/** Whether the caller's permissions let them attest and deny verifications at all (the rest is the service's). */
const decides = (request: FastifyRequest) => principalOf(request).permissions.has('users.manage');

const NOTHING = { attest: false, deny: false } as const;

/** Verifications as the caller sees them, with what they may do with each now (`_links`). */
async function present(request: FastifyRequest, rows: readonly VerificationRow[]) {
  const choices = await choicesFor(serviceContextOf(request), rows, decides(request));
  const now = request.server.deps.clock.now();
  return rows.map((v, i) => toPublicVerification(v, now, baseUrlOf(request), choices[i] ?? NOTHING));
}

/** One verification as the caller sees it; `link`: the passkey link, in the answer to the request only. */
async function presentOne(request: FastifyRequest, v: VerificationRow, link?: VerificationLink | null) {
  const [may = NOTHING] = await choicesFor(serviceContextOf(request), [v], decides(request));
  return toPublicVerification(v, request.server.deps.clock.now(), baseUrlOf(request), may, link);
}

/**
 * /api/v1/users/{id}/verifications (a Bulwark addition, docs/privileged-verification.md): verification of the
 * person before a help-desk reset of a user who holds an admin role. Asked for by the admin who will reset,
 * attested (a protected action) or denied by a second admin, or withdrawn by the one who asked.
 */
export async function verificationRoutes(app: FastifyInstance): Promise<void> {
  // users.read lets the caller in; the action's own permission is checked below, before anything is read.
  app.post<UserParams & { Body: { action: VerifiedAction; method: VerificationMethod } }>('/:id/verifications', {
    config: { permission: 'users.read' },
    schema: { params: userParams, body: requestBody },
  }, async (request, reply) => {
    if (!principalOf(request).permissions.has(PERMISSION_OF[request.body.action])) throw VerificationErrors.refused(`action: you may not do ${request.body.action} at all`);
    const { verification, link } = await requestVerification(serviceContextOf(request), request.params.id, request.body, tenantOriginOf(request));
    reply.header('cache-control', 'no-store');
    return reply.code(201).send(await presentOne(request, verification, link));
  });

  app.get<UserParams & { Querystring: { limit: number } }>('/:id/verifications', {
    config: { permission: 'users.read' },
    schema: { params: userParams, querystring: userListQuery },
  }, async (request) => present(request, await listUserVerifications(serviceContextOf(request), request.params.id, request.query.limit)));

  app.get<VerificationParams>('/:id/verifications/:verificationId', { config: { permission: 'users.read' }, schema: { params: verificationParams } }, async (request) =>
    presentOne(request, await getVerification(serviceContextOf(request), request.params.id, request.params.verificationId)));

  app.post<VerificationParams & { Body: { statement: string } }>('/:id/verifications/:verificationId/attest', {
    config: { permission: 'users.manage', protectedAction: 'attesting the verification of a person' },
    schema: { params: verificationParams, body: attestBody },
  }, async (request) =>
    presentOne(request, await attestVerification(serviceContextOf(request), request.params.id, request.params.verificationId, request.body.statement)));

  // users.read lets the caller in: users.manage denies, and the admin who asked withdraws their own (the service decides).
  app.post<VerificationParams & { Body: { note?: string } }>('/:id/verifications/:verificationId/deny', {
    config: { permission: 'users.read' },
    schema: { params: verificationParams, body: denyBody },
  }, async (request) =>
    presentOne(request, await denyVerification(serviceContextOf(request), request.params.id, request.params.verificationId, request.body.note, decides(request))));
}

/**
 * /api/v1/verifications (a Bulwark addition): the organization's verifications, e.g. `?status=PENDING&
 * method=ADMIN_ATTESTATION`, those waiting for a second admin; `_links.attest` marks those the caller may attest.
 */
export async function verificationListRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { status?: VerificationStatus; method?: VerificationMethod; limit: number } }>('/', {
    config: { permission: 'users.read' },
    schema: { querystring: listQuery },
  }, async (request) => {
    const { limit, ...filter } = request.query;
    return present(request, await listVerifications(serviceContextOf(request), filter, limit));
  });
}

async function linkContext(request: FastifyRequest): Promise<LinkContext> {
  const { db, clock } = request.server.deps;
  const tenant = await request.server.tenantOf(request);
  return { db, clock, tenant, rp: relyingParty(request, tenant.slug), audit: (actor: LogActor) => publicAuditContext(request, actor) };
}

/**
 * /api/v1/verifications (public): the user's page behind a verification link (/verify#token=…), on the
 * tenant's host. The link's token is all it goes on: a challenge for the user's passkeys, then the answer.
 */
export async function verificationLinkRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { token: string } }>('/challenge', { config: { auth: 'public' }, schema: { body: challengeBody } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return toLinkChallenge(await challengeLink(await linkContext(request), request.body.token));
  });

  app.post<{ Body: { token: string; credential: AuthenticationResponseJSON } }>('/verify', { config: { auth: 'public' }, schema: { body: answerBody } }, async (request) => {
    const verified = await answerLink(await linkContext(request), request.body.token, request.body.credential);
    return { id: verified.id, status: verified.status, action: verified.action };
  });
}
