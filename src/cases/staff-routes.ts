import type { FastifyInstance, FastifyRequest } from 'fastify';
import { helpCenterGate } from '#src/helpcenter/customer.ts';
import { publicAuditContext } from '#src/http/request-context.ts';
import { assertSameOrigin } from '#src/http/same-origin.ts';
import { attachmentHeaders, toPublicAttachment, toPublicCase, toPublicComment } from './dto.ts';
import { assigneeBody, attachmentParams, caseIdParams, commentBody, queueQuery, staffAttachmentQuery, statusBody } from './schemas.ts';
import { assignCase, caseWorkers, changeCaseStatus, readAttachment, readCase, readQueue, replyToCase, type CaseStatus, type QueuedCase, type StaffContext } from './staff-service.ts';

/** Who may read the queue and cases, and who may answer customers. */
const READERS = ['AGENT', 'SENIOR_AGENT', 'SECURITY'] as const;
const RESPONDERS = ['AGENT', 'SENIOR_AGENT'] as const;

const toStaffCase = (row: QueuedCase) => ({ ...toPublicCase(row), organization: { id: row.tenantId, slug: row.orgSlug, name: row.orgName }, assignee: row.assignee });

/**
 * Staff routes' gate, on the Help Center's host only: the staff member at work if they have one of `roles`, and
 * for a change (`change`) only from the Help Center's own pages. A download route names what it serves
 * (`download`, the path a download ticket is taken for), which a ticket may open instead of a device proof.
 */
export function staffContexts(app: FastifyInstance): (request: FastifyRequest, roles: readonly string[], change: boolean, download?: string) => Promise<StaffContext> {
  const { db, clock } = app.deps;
  const { staffOf, onHelpCenterHostOnly } = helpCenterGate(app);
  app.addHook('onRequest', onHelpCenterHostOnly);
  return async (request, roles, change, download) => {
    const member = await staffOf(request, roles, download);
    if (change) assertSameOrigin(request);
    return { db, clock, cell: member.cell, planeId: member.planeId, user: member.user, audit: (actor) => publicAuditContext(request, actor) };
  };
}

/**
 * The support console's routes on a cell's Help Center: the queue of the cell's cases, a case and its
 * conversation, and replies. Only staff of that cell (signed in through its support plane) with a staff role;
 * every read and write is in the support plane's log, and replies in the customer's tenant's log too.
 */
export async function staffCaseRoutes(app: FastifyInstance): Promise<void> {
  const contextOf = staffContexts(app);

  app.get<{ Querystring: { status?: CaseStatus; q?: string; assignee?: 'me' | 'nobody'; limit: number } }>('/help/v1/staff/cases', { schema: { querystring: queueQuery } }, async (request, reply) => {
    const ctx = await contextOf(request, READERS, false);
    reply.header('cache-control', 'no-store');
    return (await readQueue(ctx, request.query)).map(toStaffCase);
  });

  app.get<{ Params: { caseId: string } }>('/help/v1/staff/cases/:caseId', { schema: { params: caseIdParams } }, async (request, reply) => {
    const ctx = await contextOf(request, READERS, false);
    const { row, comments, attachments } = await readCase(ctx, request.params.caseId);
    reply.header('cache-control', 'no-store');
    return { ...toStaffCase(row), comments: comments.map(toPublicComment), attachments: attachments.map(toPublicAttachment) };
  });

  app.get<{ Params: { caseId: string; attachmentId: string }; Querystring: { ticket?: string } }>('/help/v1/staff/cases/:caseId/attachments/:attachmentId', {
    schema: { params: attachmentParams, querystring: staffAttachmentQuery },
  }, async (request, reply) => {
    const { caseId, attachmentId } = request.params;
    const ctx = await contextOf(request, READERS, false, `/help/v1/staff/cases/${caseId}/attachments/${attachmentId}`);
    const { row, content } = await readAttachment(ctx, request.params.caseId, request.params.attachmentId);
    return reply.headers(attachmentHeaders(row)).send(content);
  });

  app.post<{ Params: { caseId: string }; Body: { body: string } }>('/help/v1/staff/cases/:caseId/comments', { schema: { params: caseIdParams, body: commentBody } }, async (request, reply) => {
    const ctx = await contextOf(request, RESPONDERS, true);
    return reply.code(201).send(toPublicComment(await replyToCase(ctx, request.params.caseId, request.body.body)));
  });

  app.get('/help/v1/staff/members', async (request, reply) => {
    const ctx = await contextOf(request, READERS, false);
    reply.header('cache-control', 'no-store');
    return caseWorkers(ctx);
  });

  app.post<{ Params: { caseId: string }; Body: { assigneeId: string | null } }>('/help/v1/staff/cases/:caseId/assignee', { schema: { params: caseIdParams, body: assigneeBody } }, async (request) => {
    const ctx = await contextOf(request, RESPONDERS, true);
    return toStaffCase(await assignCase(ctx, request.params.caseId, request.body.assigneeId));
  });

  app.post<{ Params: { caseId: string }; Body: { status: CaseStatus } }>('/help/v1/staff/cases/:caseId/status', { schema: { params: caseIdParams, body: statusBody } }, async (request) => {
    const ctx = await contextOf(request, RESPONDERS, true);
    return toStaffCase(await changeCaseStatus(ctx, request.params.caseId, request.body.status));
  });
}
