import type { FastifyInstance } from 'fastify';
import { protectedActionRefusal } from '#src/admin/protected-actions.ts';
import { principalOf, serviceContextOf } from '#src/http/request-context.ts';
import { toPublicGrant, toPublicPolicy } from './dto.ts';
import { decideExtension, type ExtensionDecision } from './extension-service.ts';
import { preApprovalPolicy, updatePreApprovalPolicy, type PreApprovalRule } from './policy-service.ts';
import { decisionBody, denialBody, extensionDecisionBody, grantIdParams, listQuery, policyBody } from './schemas.ts';
import { decide, revokeAccess, tenantGrant, tenantGrants, type Decision } from './service.ts';

type GrantParams = { Params: { grantId: string } };

/**
 * /api/v1/support-access (a Bulwark addition): support's requests for access to the tenant and the grants its
 * admins gave, requests for more time on them, and the rules that approve some requests in advance. Approving
 * and setting the rules are protected actions (a passkey within the tenant's window, in the admin console);
 * denying and revoking are not, so that nothing slows down closing the door.
 */
export async function supportAccessRoutes(app: FastifyInstance): Promise<void> {
  const { clock } = app.deps;
  const adminOf = (request: Parameters<typeof principalOf>[0]) => {
    const { user } = principalOf(request);
    return { id: user.id, name: user.displayName };
  };

  app.get<{ Querystring: { limit: number } }>('/grants', { config: { permission: 'support.read' }, schema: { querystring: listQuery } }, async (request) => {
    const now = clock.now();
    return (await tenantGrants(serviceContextOf(request), request.query.limit)).map((g) => toPublicGrant(g, now));
  });

  app.get<GrantParams>('/grants/:grantId', { config: { permission: 'support.read' }, schema: { params: grantIdParams } }, async (request) =>
    toPublicGrant(await tenantGrant(serviceContextOf(request), request.params.grantId), clock.now()));

  app.post<GrantParams & { Body: Decision }>('/grants/:grantId/approve', { config: { permission: 'support.manage' }, schema: { params: grantIdParams, body: decisionBody } }, async (request) => {
    const refusal = await protectedActionRefusal(request, 'approving support access');
    if (refusal) throw refusal;
    return toPublicGrant(await decide(serviceContextOf(request), request.params.grantId, adminOf(request), 'APPROVED', request.body), clock.now());
  });

  app.post<GrantParams & { Body: { note?: string } }>('/grants/:grantId/deny', { config: { permission: 'support.manage' }, schema: { params: grantIdParams, body: denialBody } }, async (request) =>
    toPublicGrant(await decide(serviceContextOf(request), request.params.grantId, adminOf(request), 'DENIED', { ...(request.body.note === undefined ? {} : { note: request.body.note }) }), clock.now()));

  app.post<GrantParams & { Body: ExtensionDecision }>('/grants/:grantId/extension/approve', { config: { permission: 'support.manage' }, schema: { params: grantIdParams, body: extensionDecisionBody } }, async (request) => {
    const refusal = await protectedActionRefusal(request, 'approving more time for support access');
    if (refusal) throw refusal;
    return toPublicGrant(await decideExtension(serviceContextOf(request), request.params.grantId, adminOf(request), 'APPROVED', request.body), clock.now());
  });

  app.post<GrantParams & { Body: { note?: string } }>('/grants/:grantId/extension/deny', { config: { permission: 'support.manage' }, schema: { params: grantIdParams, body: denialBody } }, async (request) =>
    toPublicGrant(await decideExtension(serviceContextOf(request), request.params.grantId, adminOf(request), 'DENIED', { ...(request.body.note === undefined ? {} : { note: request.body.note }) }), clock.now()));

  app.get('/policy', { config: { permission: 'support.read' } }, async (request) => toPublicPolicy(await preApprovalPolicy(serviceContextOf(request))));

  app.put<{ Body: { rules: PreApprovalRule[] } }>('/policy', { config: { permission: 'support.manage' }, schema: { body: policyBody } }, async (request) => {
    const refusal = await protectedActionRefusal(request, 'changing the support access pre-approval rules');
    if (refusal) throw refusal;
    return toPublicPolicy(await updatePreApprovalPolicy(serviceContextOf(request), request.body.rules));
  });

  app.post<GrantParams>('/grants/:grantId/revoke', { config: { permission: 'support.manage' }, schema: { params: grantIdParams } }, async (request) =>
    toPublicGrant(await revokeAccess(serviceContextOf(request), request.params.grantId, adminOf(request)), clock.now()));
}
