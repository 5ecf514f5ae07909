import type { Db, Executor, Tx } from '#src/db/database.ts';
import type { HelpCenterUser } from '#src/helpcenter/sessions.ts';
import { OktaErrors } from '#src/http/errors.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newId } from '#src/lib/ids.ts';
import type { AuditContext, EventInput, LogActor, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { CaseErrors } from './errors.ts';
import { caseTarget } from './service.ts';
import { staffOfPlane } from '#src/helpcenter/sessions.ts';
import { attachmentContent, attachmentsOf, commentsOf, findQueuedCase, insertComment, queueOf, setAssignee, setCaseStatus, type AttachmentRow, type CaseStatus, type CommentRow, type QueuedCase } from './store.ts';

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
export async function readQueue(ctx: StaffContext, filter: { status?: CaseStatus; q?: string; assignee?: 'me' | 'nobody'; limit: number }): Promise<QueuedCase[]> {
  return ctx.db.transaction().execute(async (tx) => {
    const assignee = filter.assignee === undefined ? undefined : filter.assignee === 'me' ? ctx.user.id : null;
    const rows = await queueOf(tx, ctx.cell, { ...filter, assignee });
    await logInPlane(tx, ctx, 'bulwark.support.queue.read', 'Support staff read the case queue', [], {
      status: filter.status ?? null, query: filter.q ?? null, assignee: filter.assignee ?? null, limit: filter.limit, rows: rows.length,
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
    await logCaseChange(tx, ctx, row, 'bulwark.support.case.comment', 'Comment added to a support case', { commentId: comment.id, authorKind: 'STAFF' });
    return comment;
  });
}

/** Who may work cases: the staff of the cell's plane with a case role (as of their last sign-in). */
const CASE_ROLES = ['AGENT', 'SENIOR_AGENT'];

export function caseWorkers(ctx: StaffContext): Promise<{ id: string; name: string; email: string | null; staffRoles: string[] }[]> {
  return staffOfPlane(ctx.db, ctx.planeId, CASE_ROLES);
}

/** A change to a case by support, in the support plane's log and the customer's tenant's, in one transaction. */
async function logCaseChange(tx: Tx, ctx: StaffContext, row: QueuedCase, eventType: string, displayMessage: string, debugData: Record<string, unknown>): Promise<void> {
  await logInPlane(tx, ctx, eventType, displayMessage, [caseTarget(row), orgTarget(row)], debugData);
  await recordEvent(tx, ctx.clock, row.tenantId, ctx.audit(staffActor(ctx)), { eventType, displayMessage, target: [caseTarget(row)], debugData });
}

/**
 * Gives a case to a staff member of the cell, or to nobody (`assigneeId` null). An agent takes cases for
 * themselves and gives back their own; a senior agent assigns anyone. An OPEN case taken is IN_PROGRESS, and
 * an IN_PROGRESS case given back to nobody is OPEN again.
 */
export async function assignCase(ctx: StaffContext, id: string, assigneeId: string | null): Promise<QueuedCase> {
  const now = ctx.clock.now();
  const senior = ctx.user.staffRoles.includes('SENIOR_AGENT');
  return ctx.db.transaction().execute(async (tx) => {
    const row = await findQueuedCase(tx, ctx.cell, id, true);
    if (!row) throw OktaErrors.notFound(`${id} (Case)`);
    if (row.status === 'CLOSED') throw CaseErrors.closed();
    if (!senior && ![ctx.user.id, null].includes(assigneeId)) throw CaseErrors.assignOthers();
    if (!senior && row.assignee !== null && row.assignee.id !== ctx.user.id) throw CaseErrors.assignOthers();
    const assignee = assigneeId === null ? null : (await staffOfPlane(tx, ctx.planeId, CASE_ROLES, assigneeId))[0];
    if (assignee === undefined) throw CaseErrors.noSuchWorker(assigneeId as string);
    if ((assignee?.id ?? null) === (row.assignee?.id ?? null)) return row;
    const to = assignee && { id: assignee.id, name: assignee.name };
    await setAssignee(tx, row.tenantId, row.id, to, now);
    const status: CaseStatus = to !== null && row.status === 'OPEN' ? 'IN_PROGRESS' : to === null && row.status === 'IN_PROGRESS' ? 'OPEN' : row.status;
    if (status !== row.status) await setCaseStatus(tx, row.tenantId, row.id, status, now);
    await logCaseChange(tx, ctx, row, 'bulwark.support.case.assign', to ? 'Support case assigned' : 'Support case unassigned', {
      assignee: to?.name ?? null, previousAssignee: row.assignee?.name ?? null, status,
    });
    return { ...row, assignee: to, status, lastUpdated: now };
  });
}

/** Moves a case along (or reopens it); setting the status it has changes nothing and logs nothing. */
export async function changeCaseStatus(ctx: StaffContext, id: string, status: CaseStatus): Promise<QueuedCase> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await findQueuedCase(tx, ctx.cell, id, true);
    if (!row) throw OktaErrors.notFound(`${id} (Case)`);
    if (row.status === status) return row;
    await setCaseStatus(tx, row.tenantId, row.id, status, now);
    await logCaseChange(tx, ctx, row, 'bulwark.support.case.status', 'Support case status changed', { from: row.status, to: status });
    return { ...row, status, lastUpdated: now, closed: status === 'CLOSED' ? now : null };
  });
}

/** A case of the cell, unlogged, for a service that logs its own use of it (an access request is against a case). */
export function cellCase(db: Executor, cell: string, id: string, lock = false): Promise<QueuedCase | undefined> {
  return findQueuedCase(db, cell, id, lock);
}
