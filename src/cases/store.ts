import { sql } from 'kysely';
import type { Executor, Tx } from '#src/db/database.ts';

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** What a case is about, so the right people pick it up. */
export const PRODUCT_AREAS = ['SIGN_IN', 'MFA', 'DIRECTORY', 'SSO', 'SYSTEM_LOG', 'API', 'ADMIN_CONSOLE', 'OTHER'] as const;
export type ProductArea = (typeof PRODUCT_AREAS)[number];
export const CASE_STATUSES = ['OPEN', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'CLOSED'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export type CaseRow = {
  tenantId: string;
  id: string;
  /** What people quote on the phone; unique across cells. */
  number: string;
  cell: string;
  title: string;
  description: string;
  severity: Severity;
  productArea: ProductArea;
  status: CaseStatus;
  /** The Help Center's record of the customer who opened it (help_center_users.id), and their name. */
  openedBy: string;
  openedByName: string;
  /** The staff member working on it (their record in the cell's support plane), if anyone is. */
  assignee: { id: string; name: string } | null;
  created: Date;
  lastUpdated: Date;
  closed: Date | null;
};

export type CommentRow = { id: string; caseId: string; authorKind: 'CUSTOMER' | 'STAFF'; authorId: string; authorName: string; body: string; created: Date };

const caseColumns = [
  'c.tenant_id', 'c.id', 'c.number', 'c.cell', 'c.title', 'c.description', 'c.severity', 'c.product_area', 'c.status', 'c.opened_by',
  'c.created', 'c.last_updated', 'c.closed', 'u.name as opened_by_name', 'c.assignee_id', 'c.assignee_name',
] as const;

type CaseRecord = {
  tenant_id: string; id: string; number: string; cell: string; title: string; description: string; severity: string; product_area: string;
  status: string; opened_by: string; opened_by_name: string; created: Date; last_updated: Date; closed: Date | null;
  assignee_id: string | null; assignee_name: string | null;
};

function toCase(r: CaseRecord): CaseRow {
  return {
    tenantId: r.tenant_id, id: r.id, number: String(r.number), cell: r.cell, title: r.title, description: r.description,
    severity: r.severity as Severity, productArea: r.product_area as ProductArea, status: r.status as CaseStatus,
    openedBy: r.opened_by, openedByName: r.opened_by_name, created: r.created, lastUpdated: r.last_updated, closed: r.closed,
    assignee: r.assignee_id === null ? null : { id: r.assignee_id, name: r.assignee_name ?? '' },
  };
}

function cases(db: Executor) {
  return db.selectFrom('support_cases as c')
    .innerJoin('help_center_users as u', (j) => j.onRef('u.tenant_id', '=', 'c.tenant_id').onRef('u.id', '=', 'c.opened_by'))
    .select(caseColumns);
}

/** Stores a new case; the database numbers it. */
export async function insertCase(tx: Tx, row: Omit<CaseRow, 'number' | 'openedByName' | 'assignee'>): Promise<string> {
  const { number } = await tx.insertInto('support_cases').values({
    tenant_id: row.tenantId, id: row.id, cell: row.cell, title: row.title, description: row.description, severity: row.severity,
    product_area: row.productArea, status: row.status, opened_by: row.openedBy, created: row.created, last_updated: row.lastUpdated, closed: row.closed,
  }).returning('number').executeTakeFirstOrThrow();
  return String(number);
}

/** A case of the tenant, locked until the transaction ends when `lock` (a change to it). */
export async function findCase(db: Executor, tenantId: string, id: string, lock = false): Promise<CaseRow | undefined> {
  const q = cases(db).where('c.tenant_id', '=', tenantId).where('c.id', '=', id);
  const row = await (lock ? q.forUpdate('c') : q).executeTakeFirst();
  return row && toCase(row);
}

/** The tenant's cases, most recently changed first; `openedBy` keeps to one customer's. */
export async function listCases(db: Executor, tenantId: string, filter: { openedBy?: string; status?: CaseStatus; limit: number }): Promise<CaseRow[]> {
  let q = cases(db).where('c.tenant_id', '=', tenantId);
  if (filter.openedBy !== undefined) q = q.where('c.opened_by', '=', filter.openedBy);
  if (filter.status !== undefined) q = q.where('c.status', '=', filter.status);
  const rows = await q.orderBy('c.last_updated', 'desc').orderBy('c.id').limit(filter.limit).execute();
  return rows.map(toCase);
}

export async function setCaseStatus(tx: Tx, tenantId: string, id: string, status: CaseStatus, at: Date): Promise<void> {
  await tx.updateTable('support_cases').set({ status, last_updated: at, closed: status === 'CLOSED' ? at : null })
    .where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function setAssignee(tx: Tx, tenantId: string, id: string, assignee: { id: string; name: string } | null, at: Date): Promise<void> {
  await tx.updateTable('support_cases').set({ assignee_id: assignee?.id ?? null, assignee_name: assignee?.name ?? null, last_updated: at })
    .where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function insertComment(tx: Tx, tenantId: string, c: CommentRow): Promise<void> {
  await tx.insertInto('support_case_comments').values({
    tenant_id: tenantId, case_id: c.caseId, id: c.id, author_kind: c.authorKind, author_id: c.authorId, author_name: c.authorName, body: c.body, created: c.created,
  }).execute();
}

export async function commentsOf(db: Executor, tenantId: string, caseId: string): Promise<CommentRow[]> {
  const rows = await db.selectFrom('support_case_comments').selectAll().where('tenant_id', '=', tenantId).where('case_id', '=', caseId).orderBy('created').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, caseId: r.case_id, authorKind: r.author_kind as CommentRow['authorKind'], authorId: r.author_id, authorName: r.author_name, body: r.body, created: r.created }));
}

/** A case as support staff see it in their cell's queue: with the organisation it belongs to. */
export type QueuedCase = CaseRow & { orgSlug: string; orgName: string };

function queued(db: Executor) {
  return cases(db).innerJoin('tenants as t', 't.id', 'c.tenant_id').select(['t.slug as org_slug', 't.name as org_name']);
}

const toQueued = (r: CaseRecord & { org_slug: string; org_name: string }): QueuedCase => ({ ...toCase(r), orgSlug: r.org_slug, orgName: r.org_name });

/**
 * The cell's cases, most recently changed first: every tenant's of the cell and no other cell's. `q` is a
 * full-text search over title and description (web search syntax: words, "phrases", -excluded); `assignee`
 * keeps to one staff member's cases, or (null) to those nobody has taken.
 */
export async function queueOf(db: Executor, cell: string, filter: { status?: CaseStatus; q?: string; assignee?: string | null; limit: number }): Promise<QueuedCase[]> {
  let q = queued(db).where('c.cell', '=', cell);
  if (filter.status !== undefined) q = q.where('c.status', '=', filter.status);
  if (filter.assignee !== undefined) q = filter.assignee === null ? q.where('c.assignee_id', 'is', null) : q.where('c.assignee_id', '=', filter.assignee);
  if (filter.q !== undefined) q = q.where(sql<boolean>`c.search @@ websearch_to_tsquery('simple', ${filter.q})`);
  const rows = await q.orderBy('c.last_updated', 'desc').orderBy('c.id').limit(filter.limit).execute();
  return rows.map(toQueued);
}

/** A case of the cell by its id alone (staff work across the cell's tenants), locked when `lock`. */
export async function findQueuedCase(db: Executor, cell: string, id: string, lock = false): Promise<QueuedCase | undefined> {
  const q = queued(db).where('c.cell', '=', cell).where('c.id', '=', id);
  const row = await (lock ? q.forUpdate('c') : q).executeTakeFirst();
  return row && toQueued(row);
}

export type AttachmentRow = {
  id: string;
  caseId: string;
  fileName: string;
  kind: 'har' | 'json' | 'text';
  size: number;
  sha256: string;
  removed: Record<string, number>;
  uploadedByKind: 'CUSTOMER' | 'STAFF';
  uploadedBy: string;
  uploadedByName: string;
  created: Date;
};

const attachmentColumns = ['id', 'case_id', 'file_name', 'kind', 'size', 'sha256', 'removed', 'uploaded_by_kind', 'uploaded_by', 'uploaded_by_name', 'created'] as const;

type AttachmentRecord = {
  id: string; case_id: string; file_name: string; kind: string; size: string; sha256: string; removed: Record<string, number>;
  uploaded_by_kind: string; uploaded_by: string; uploaded_by_name: string; created: Date;
};

const toAttachment = (r: AttachmentRecord): AttachmentRow => ({
  id: r.id, caseId: r.case_id, fileName: r.file_name, kind: r.kind as AttachmentRow['kind'], size: Number(r.size), sha256: r.sha256, removed: r.removed,
  uploadedByKind: r.uploaded_by_kind as AttachmentRow['uploadedByKind'], uploadedBy: r.uploaded_by, uploadedByName: r.uploaded_by_name, created: r.created,
});

export async function insertAttachment(tx: Tx, tenantId: string, a: AttachmentRow, content: Buffer): Promise<void> {
  await tx.insertInto('support_case_attachments').values({
    tenant_id: tenantId, case_id: a.caseId, id: a.id, file_name: a.fileName, kind: a.kind, size: String(a.size), sha256: a.sha256, removed: JSON.stringify(a.removed),
    content, uploaded_by_kind: a.uploadedByKind, uploaded_by: a.uploadedBy, uploaded_by_name: a.uploadedByName, created: a.created,
  }).execute();
}

/** A case's attachments, without their content. */
export async function attachmentsOf(db: Executor, tenantId: string, caseId: string): Promise<AttachmentRow[]> {
  const rows = await db.selectFrom('support_case_attachments').select(attachmentColumns).where('tenant_id', '=', tenantId).where('case_id', '=', caseId).orderBy('created').orderBy('id').execute();
  return rows.map(toAttachment);
}

/** One attachment of the case with its (sanitized) content. */
export async function attachmentContent(db: Executor, tenantId: string, caseId: string, id: string): Promise<{ row: AttachmentRow; content: Buffer } | undefined> {
  const r = await db.selectFrom('support_case_attachments').select([...attachmentColumns, 'content']).where('tenant_id', '=', tenantId).where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst();
  return r && { row: toAttachment(r), content: r.content };
}
