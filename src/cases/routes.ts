import type { FastifyInstance, FastifyRequest } from 'fastify';
import { helpCenterGate } from '#src/helpcenter/customer.ts';
import { customerActor } from '#src/helpcenter/sessions.ts';
import { publicAuditContext } from '#src/http/request-context.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { assertSameOrigin } from '#src/http/same-origin.ts';
import { attachToCase, customerAttachment } from './attachments.ts';
import { attachmentHeaders, toPublicAttachment, toPublicCase, toPublicComment } from './dto.ts';
import { attachmentParams, attachmentQuery, caseListQuery, caseIdParams, commentBody, newCaseBody } from './schemas.ts';
import { caseFor, casesFor, closeCase, commentOnCase, openCase, type CaseStatus, type CustomerContext, type NewCase } from './service.ts';

type CaseParams = { Params: { caseId: string } };

/**
 * Support cases in the Help Center, for the customers signed in to it: open, list, read, comment, close. Only on
 * a Help Center's host; each change is logged in the customer's tenant's System Log with it.
 */
export async function caseRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  const { customerOf, onHelpCenterHostOnly } = helpCenterGate(app);
  app.addHook('onRequest', onHelpCenterHostOnly);

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
    const { row, comments, attachments } = await caseFor(ctx, request.params.caseId);
    reply.header('cache-control', 'no-store');
    return { ...toPublicCase(row), comments: comments.map(toPublicComment), attachments: attachments.map(toPublicAttachment) };
  });

  app.post<CaseParams & { Body: { body: string } }>('/help/v1/cases/:caseId/comments', { schema: { params: caseIdParams, body: commentBody } }, async (request, reply) => {
    const ctx = await contextOf(request, true);
    const comment = await commentOnCase(ctx, request.params.caseId, request.body.body);
    return reply.code(201).send(toPublicComment(comment));
  });

  // Attachments arrive as the file's own bytes, streamed to the sanitizer unread: nothing buffers the original.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.post<CaseParams & { Querystring: { name: string }; Body: AsyncIterable<Uint8Array> }>('/help/v1/cases/:caseId/attachments', {
    schema: { params: caseIdParams, querystring: attachmentQuery },
  }, async (request, reply) => {
    const ctx = await contextOf(request, true);
    if (!request.headers['content-type']?.startsWith('application/octet-stream')) throw OktaErrors.validation('attachment', ['attachment: send the file itself as application/octet-stream']);
    const attached = await attachToCase(ctx, request.params.caseId, request.query.name, request.body);
    return reply.code(201).send(toPublicAttachment(attached));
  });

  app.get<{ Params: { caseId: string; attachmentId: string } }>('/help/v1/cases/:caseId/attachments/:attachmentId', { schema: { params: attachmentParams } }, async (request, reply) => {
    const ctx = await contextOf(request, false);
    const { row, content } = await customerAttachment(ctx, request.params.caseId, request.params.attachmentId);
    return reply.headers(attachmentHeaders(row)).send(content);
  });

  app.post<CaseParams>('/help/v1/cases/:caseId/lifecycle/close', { schema: { params: caseIdParams } }, async (request) => {
    const ctx = await contextOf(request, true);
    return toPublicCase(await closeCase(ctx, request.params.caseId));
  });
}
