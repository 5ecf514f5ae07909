import type { Db, Tx } from '#src/db/database.ts';
import type { HelpCenterUser } from '#src/helpcenter/sessions.ts';
import { OktaErrors } from '#src/http/errors.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newId } from '#src/lib/ids.ts';
import type { AuditContext, EventInput, LogActor, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { CaseErrors } from './errors.ts';
import { caseTarget } from './service.ts';
import { attachmentContent, attachmentsOf, commentsOf, findQueuedCase, insertComment, queueOf, setCaseStatus, type AttachmentRow, type CaseStatus, type CommentRow, type QueuedCase } from './store.ts';

export type { CaseStatus, QueuedCase };

/**
 * A member of the cell's support staff at work. `planeId` is the cell's support plane, whose System Log is the
 * support plane's audit log: every read and every write of a staff member is in it. `audit(actor)` builds the
 * request's audit context for an actor.
 */
export type StaffContext = { db: Db; clock: Clock; cell: string; planeId: string; user: HelpCenterUser; audit: (actor: LogActor) => AuditContext };

/** A staff member as a log names them: their support plane says who they are, in their own cell. */
export function staffActor(ctx: Pick<StaffContext, 'user' | 'cell'>): LogActor {
  return { alternateId: ctx.user.email ?? 'unknown', detailEntry: { supportPlane: ctx.cell }, displayName: ctx.user.name, id: ctx.user.subject, type: 'SupportStaff' };
}

function orgTarget(row: QueuedCase): LogTarget {
  return { id: row.tenantId, type: 'Org', alternateId: row.orgSlug, displayName: row.orgName, detailEntry: null };
}

/** An event of a staff member's in the support plane's audit log. */
export async function logInPlane(tx: Tx, ctx: StaffContext, eventType: string, displayMessage: string, target: LogTarget[], debugData: Record<string, unknown>, outcome?: EventInput['outcome']): Promise<void> {
  await recordEvent(tx, ctx.clock, ctx.planeId, ctx.audit(staffActor(ctx)), { eventType, displayMessage, target, debugData, ...(outcome ? { outcome } : {}) });
}

/** The cell's queue, as filtered; the reading itself is logged in the support plane with what was asked and how much came back. */
export async function readQueue(ctx: StaffContext, filter: { status?: CaseStatus; q?: string; limit: number }): Promise<QueuedCase[]> {
  return ctx.db.transaction().execute(async (tx) => {
    const rows = await queueOf(tx, ctx.cell, filter);
    await logInPlane(tx, ctx, 'bulwark.support.queue.read', 'Support staff read the case queue', [], {
      status: filter.status ?? null, query: filter.q ?? null, limit: filter.limit, rows: rows.length,
    });
    return rows;
  });
}

/** A case of the cell and its conversation; the read is logged in the support plane. */
export async function readCase(ctx: StaffContext, id: string): Promise<{ row: QueuedCase; comments: CommentRow[]; attachments: AttachmentRow[] }> {
  return ctx.db.transaction().execute(async (tx) => {
    const row = await findQueuedCase(tx, ctx.cell, id);
    if (!row) throw OktaErrors.notFound(`${id} (Case)`);
    const comments = await commentsOf(tx, row.tenantId, row.id);
    const attachments = await attachmentsOf(tx, row.tenantId, row.id);
    await logInPlane(tx, ctx, 'bulwark.support.case.read', 'Support staff read a case', [caseTarget(row), orgTarget(row)], { comments: comments.length, attachments: attachments.length });
    return { row, comments, attachments };
  });
}

/** An attachment of a case of the cell, as stored (sanitized); the download is logged in the support plane with its size and hash. */
export async function readAttachment(ctx: StaffContext, caseId: string, id: string): Promise<{ row: AttachmentRow; content: Buffer }> {
  return ctx.db.transaction().execute(async (tx) => {
    const found = await findQueuedCase(tx, ctx.cell, caseId);
    const attachment = found && await attachmentContent(tx, found.tenantId, found.id, id);
    if (!found || !attachment) throw OktaErrors.notFound(`${id} (Attachment)`);
    await logInPlane(tx, ctx, 'bulwark.support.attachment.read', 'Support staff downloaded a case attachment', [caseTarget(found), orgTarget(found)], {
      attachmentId: id, kind: attachment.row.kind, size: attachment.row.size, sha256: attachment.row.sha256,
    });
    return attachment;
  });
}

/**
 * A reply from support: the case now waits on the customer. Logged in the support plane and, since it concerns
 * the tenant, in the tenant's own System Log too, in the same transaction.
 */
export async function replyToCase(ctx: StaffContext, id: string, body: string): Promise<CommentRow> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await findQueuedCase(tx, ctx.cell, id, true);
    if (!row) throw OktaErrors.notFound(`${id} (Case)`);
    if (row.status === 'CLOSED') throw CaseErrors.closed();
    const comment: CommentRow = { id: newId('ccm'), caseId: row.id, authorKind: 'STAFF', authorId: ctx.user.id, authorName: ctx.user.name, body, created: now };
    await insertComment(tx, row.tenantId, comment);
    await setCaseStatus(tx, row.tenantId, row.id, 'WAITING_ON_CUSTOMER', now);
    const debugData = { commentId: comment.id, authorKind: 'STAFF' };
    await logInPlane(tx, ctx, 'bulwark.support.case.comment', 'Comment added to a support case', [caseTarget(row), orgTarget(row)], debugData);
    await recordEvent(tx, ctx.clock, row.tenantId, ctx.audit(staffActor(ctx)), {
      eventType: 'bulwark.support.case.comment', displayMessage: 'Comment added to a support case', target: [caseTarget(row)], debugData,
    });
    return comment;
  });
}
