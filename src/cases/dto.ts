import type { CaseRow, CommentRow } from './store.ts';

/** A case as the Help Center's customers see it; the opener is named, never identified by their tenant's ids. */
export function toPublicCase(row: CaseRow) {
  return {
    id: row.id,
    number: Number(row.number),
    title: row.title,
    description: row.description,
    severity: row.severity,
    productArea: row.productArea,
    status: row.status,
    openedBy: { name: row.openedByName },
    created: row.created.toISOString(),
    lastUpdated: row.lastUpdated.toISOString(),
    closed: row.closed?.toISOString() ?? null,
  };
}

export function toPublicComment(c: CommentRow) {
  return { id: c.id, author: { kind: c.authorKind, name: c.authorName }, body: c.body, created: c.created.toISOString() };
}

