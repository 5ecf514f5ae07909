import type { AttachmentRow, CaseRow, CommentRow } from './store.ts';

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


/** An attachment as listed with its case: what it is, how big, its SHA-256, and what the sanitizer removed. */
export function toPublicAttachment(a: AttachmentRow) {
  return {
    id: a.id, name: a.fileName, kind: a.kind, size: a.size, sha256: a.sha256, removed: a.removed,
    uploadedBy: { kind: a.uploadedByKind, name: a.uploadedByName }, created: a.created.toISOString(),
  };
}

const MEDIA_TYPES = { har: 'application/json', json: 'application/json', text: 'text/plain; charset=utf-8' } as const;

/** The headers a stored attachment is sent back with: a download, never rendered in the page's origin. */
export function attachmentHeaders(a: AttachmentRow): Record<string, string> {
  const ascii = a.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return {
    'content-type': MEDIA_TYPES[a.kind],
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.fileName)}`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; sandbox",
    'digest': `sha-256=${Buffer.from(a.sha256, 'hex').toString('base64')}`,
  };
}
