import type { FastifyInstance, FastifyRequest } from 'fastify';
import { helpCenterGate } from '#src/helpcenter/customer.ts';
import { customerActor } from '#src/helpcenter/sessions.ts';
import { publicAuditContext } from '#src/http/request-context.ts';
import { assertSameOrigin } from '#src/http/same-origin.ts';
import { toPublicCase, toPublicComment } from './dto.ts';
import { caseListQuery, caseIdParams, commentBody, newCaseBody } from './schemas.ts';
import { caseFor, casesFor, closeCase, commentOnCase, openCase, type CaseStatus, type CustomerContext, type NewCase } from './service.ts';

type CaseParams = { Params: { caseId: string } };

/**
 * Support cases in the Help Center, for the customers signed in to it: open, list, read, comment, close. Only on
 * a Help Center's host; each change is logged in the customer's tenant's System Log with it.
 */
export async function caseRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  const { cellOf, customerOf } = helpCenterGate(app);
  // Before the schemas: on a host that is not a Help Center these routes do not exist, whatever was sent.
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      cellOf(request);
      done();
    } catch (err) {
      done(err as Error);
    }
  });

  async function contextOf(request: FastifyRequest, change: boolean): Promise<CustomerContext> {
    const customer = await customerOf(request);
    // A cookie session: a change must come from the Help Center's own pages.
    if (change) assertSameOrigin(request);
    return { db, clock, cell: customer.cell, user: customer.user, audit: publicAuditContext(request, customerActor(customer.user)) };
  }

  app.get<{ Querystring: { status?: CaseStatus; limit: number } }>('/help/v1/cases', { schema: { querystring: caseListQuery } }, async (request, reply) => {
    const ctx = await contextOf(request, false);
    reply.header('cache-control', 'no-store');
    return (await casesFor(ctx, request.query)).map(toPublicCase);
  });

  app.post<{ Body: NewCase }>('/help/v1/cases', { schema: { body: newCaseBody } }, async (request, reply) => {
    const ctx = await contextOf(request, true);
    const { title, description, severity, productArea } = request.body;
    const opened = await openCase(ctx, { title: title.trim(), description, severity, productArea });
    return reply.code(201).send(toPublicCase(opened));
  });

  app.get<CaseParams>('/help/v1/cases/:caseId', { schema: { params: caseIdParams } }, async (request, reply) => {
    const ctx = await contextOf(request, false);
    const { row, comments } = await caseFor(ctx, request.params.caseId);
    reply.header('cache-control', 'no-store');
    return { ...toPublicCase(row), comments: comments.map(toPublicComment) };
  });

  app.post<CaseParams & { Body: { body: string } }>('/help/v1/cases/:caseId/comments', { schema: { params: caseIdParams, body: commentBody } }, async (request, reply) => {
    const ctx = await contextOf(request, true);
    const comment = await commentOnCase(ctx, request.params.caseId, request.body.body);
    return reply.code(201).send(toPublicComment(comment));
  });

  app.post<CaseParams>('/help/v1/cases/:caseId/lifecycle/close', { schema: { params: caseIdParams } }, async (request) => {
    const ctx = await contextOf(request, true);
    return toPublicCase(await closeCase(ctx, request.params.caseId));
  });
}
