import type { Db } from '#src/db/database.ts';
import type { HelpCenterUser } from '#src/helpcenter/sessions.ts';
import { OktaErrors } from '#src/http/errors.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newId } from '#src/lib/ids.ts';
import type { AuditContext, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { CaseErrors } from './errors.ts';
import { attachmentsOf, commentsOf, findCase, insertCase, insertComment, listCases, setCaseStatus, type AttachmentRow, type CaseRow, type CaseStatus, type CommentRow, type ProductArea, type Severity } from './store.ts';

export type { CaseRow, CaseStatus, CommentRow, Severity };
export { SEVERITIES } from './store.ts';

/** A customer signed in to the Help Center of `cell`, acting on their own tenant's cases. */
export type CustomerContext = { db: Db; clock: Clock; cell: string; user: HelpCenterUser; audit: AuditContext };

export type NewCase = { title: string; description: string; severity: Severity; productArea: ProductArea };

/**
 * Whether the customer may see the case: a case of their own tenant, opened in this cell's Help Center, and
 * either theirs or seen by an admin of the tenant (any admin role), who sees all of the tenant's cases.
 */
function visibleTo(ctx: CustomerContext, row: CaseRow): boolean {
  return row.tenantId === ctx.user.tenantId && row.cell === ctx.cell && (ctx.user.adminRoles.length > 0 || row.openedBy === ctx.user.id);
}

/** The case as a System Log names it. */
export function caseTarget(row: Pick<CaseRow, 'id' | 'number' | 'title' | 'severity' | 'productArea'>): LogTarget {
  return { id: row.id, type: 'SupportCase', alternateId: `#${row.number}`, displayName: row.title, detailEntry: { severity: row.severity, productArea: row.productArea } };
}

/** A visible case, or the same 404 whether it is another tenant's, another customer's or none at all. */
export async function visibleCase(ctx: CustomerContext, db: Parameters<typeof findCase>[0], id: string, lock = false): Promise<CaseRow> {
  const row = await findCase(db, ctx.user.tenantId, id, lock);
  if (!row || !visibleTo(ctx, row)) throw OktaErrors.notFound(`${id} (Case)`);
  return row;
}

/** Opens a case for the customer's tenant, logged in the tenant's System Log with it. */
export async function openCase(ctx: CustomerContext, input: NewCase): Promise<CaseRow> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row: Omit<CaseRow, 'number' | 'openedByName' | 'assignee'> = {
      tenantId: ctx.user.tenantId, id: newId('cas'), cell: ctx.cell, title: input.title, description: input.description, severity: input.severity,
      productArea: input.productArea, status: 'OPEN', openedBy: ctx.user.id, created: now, lastUpdated: now, closed: null,
    };
    const number = await insertCase(tx, row);
    const opened: CaseRow = { ...row, number, openedByName: ctx.user.name, assignee: null };
    await recordEvent(tx, ctx.clock, ctx.user.tenantId, ctx.audit, {
      eventType: 'bulwark.support.case.open',
      displayMessage: 'Support case opened',
      target: [caseTarget(opened)],
      debugData: { cell: ctx.cell, status: 'OPEN' },
    });
    return opened;
  });
}

/** The cases the customer may see, most recently changed first. */
export function casesFor(ctx: CustomerContext, filter: { status?: CaseStatus; limit: number }): Promise<CaseRow[]> {
  const own = ctx.user.adminRoles.length > 0 ? {} : { openedBy: ctx.user.id };
  return listCases(ctx.db, ctx.user.tenantId, { ...filter, ...own }).then((rows) => rows.filter((r) => visibleTo(ctx, r)));
}

export async function caseFor(ctx: CustomerContext, id: string): Promise<{ row: CaseRow; comments: CommentRow[]; attachments: AttachmentRow[] }> {
  const row = await visibleCase(ctx, ctx.db, id);
  const [comments, attachments] = await Promise.all([commentsOf(ctx.db, row.tenantId, row.id), attachmentsOf(ctx.db, row.tenantId, row.id)]);
  return { row, comments, attachments };
}

/**
 * Adds the customer's comment; the case is back with support: IN_PROGRESS when someone has taken it, OPEN
 * otherwise. A closed case takes no more.
 */
export async function commentOnCase(ctx: CustomerContext, id: string, body: string): Promise<CommentRow> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await visibleCase(ctx, tx, id, true);
    if (row.status === 'CLOSED') throw CaseErrors.closed();
    const comment: CommentRow = { id: newId('ccm'), caseId: row.id, authorKind: 'CUSTOMER', authorId: ctx.user.id, authorName: ctx.user.name, body, created: now };
    await insertComment(tx, row.tenantId, comment);
    await setCaseStatus(tx, row.tenantId, row.id, row.assignee === null ? 'OPEN' : 'IN_PROGRESS', now);
    await recordEvent(tx, ctx.clock, row.tenantId, ctx.audit, {
      eventType: 'bulwark.support.case.comment',
      displayMessage: 'Comment added to a support case',
      target: [caseTarget(row)],
      debugData: { commentId: comment.id, authorKind: 'CUSTOMER' },
    });
    return comment;
  });
}

/** Closes the case; closing a closed case changes nothing and logs nothing. */
export async function closeCase(ctx: CustomerContext, id: string): Promise<CaseRow> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await visibleCase(ctx, tx, id, true);
    if (row.status === 'CLOSED') return row;
    await setCaseStatus(tx, row.tenantId, row.id, 'CLOSED', now);
    await recordEvent(tx, ctx.clock, row.tenantId, ctx.audit, {
      eventType: 'bulwark.support.case.close',
      displayMessage: 'Support case closed',
      target: [caseTarget(row)],
      debugData: { previousStatus: row.status },
    });
    return { ...row, status: 'CLOSED', lastUpdated: now, closed: now };
  });
}
