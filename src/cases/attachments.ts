import { createHash } from 'node:crypto';
import { sanitizeAttachment } from '#src/attachments/sanitize.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { CaseErrors } from './errors.ts';
import { caseTarget, visibleCase, type CustomerContext } from './service.ts';
import { attachmentContent, insertAttachment, type AttachmentRow } from './store.ts';

export type { AttachmentRow };

/**
 * The most a case takes in one file, before sanitizing: a HAR file of a long sign-in session fits. The sanitized
 * file is held in memory until it is stored, so this also bounds what one upload costs the server.
 */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;

/**
 * Attaches a customer's file to a case. The upload streams through the sanitizer (src/attachments), which decides
 * by content whether it is a HAR, JSON or a text log and removes cookies, tokens, passwords and keys as it goes;
 * only the sanitized bytes are kept, and the original is never written anywhere. The tenant's System Log says
 * what was attached: kind, size, SHA-256 and what was removed, by kind.
 */
export async function attachToCase(ctx: CustomerContext, caseId: string, fileName: string, source: AsyncIterable<Uint8Array>): Promise<AttachmentRow> {
  const found = await visibleCase(ctx, ctx.db, caseId);
  if (found.status === 'CLOSED') throw CaseErrors.closed();
  const parts: Buffer[] = [];
  const hash = createHash('sha256');
  const outcome = await sanitizeAttachment(source, (chunk) => {
    parts.push(chunk);
    hash.update(chunk);
  }, { maxBytes: MAX_ATTACHMENT_BYTES });
  if (!outcome.ok) {
    if (outcome.reason === 'too_large') throw new AppError(413, 'E0000001', 'Api validation failed: attachment', [`attachment: larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`]);
    if (outcome.reason === 'unsupported_content') throw new AppError(415, 'E0000001', 'Api validation failed: attachment', [`attachment: ${outcome.message}`]);
    throw OktaErrors.validation('attachment', [`attachment: ${outcome.message}`]);
  }
  const content = Buffer.concat(parts);
  const row: AttachmentRow = {
    id: newId('cat'), caseId, fileName, kind: outcome.kind, size: content.length, sha256: hash.digest('hex'), removed: outcome.removed as Record<string, number>,
    uploadedByKind: 'CUSTOMER', uploadedBy: ctx.user.id, uploadedByName: ctx.user.name, created: ctx.clock.now(),
  };
  await ctx.db.transaction().execute(async (tx) => {
    const current = await visibleCase(ctx, tx, caseId, true);
    if (current.status === 'CLOSED') throw CaseErrors.closed();
    await insertAttachment(tx, current.tenantId, row, content);
    await recordEvent(tx, ctx.clock, current.tenantId, ctx.audit, {
      eventType: 'bulwark.support.case.attachment.add',
      displayMessage: 'File attached to a support case',
      target: [caseTarget(current)],
      debugData: { attachmentId: row.id, fileName, kind: row.kind, size: row.size, sha256: row.sha256, removed: row.removed },
    });
  });
  return row;
}

/** A case's attachment, sanitized as it was stored, for a customer who may see the case. */
export async function customerAttachment(ctx: CustomerContext, caseId: string, id: string): Promise<{ row: AttachmentRow; content: Buffer }> {
  const found = await visibleCase(ctx, ctx.db, caseId);
  const attachment = await attachmentContent(ctx.db, found.tenantId, found.id, id);
  if (!attachment) throw OktaErrors.notFound(`${id} (Attachment)`);
  return attachment;
}
