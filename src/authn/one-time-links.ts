import type { Tx } from '#src/db/database.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import { deleteLinksOf, insertLink, type LinkTable } from './store.ts';

/**
 * A new one-time token for `userId`, valid `ttlMs`, inside the caller's transaction: 256 random bits, stored
 * only as its SHA-256, and the user's earlier tokens of the same kind stop working. Enrollment links and
 * recovery tokens differ only in what opening one leads to.
 */
export async function newOneTimeLink(tx: Tx, table: LinkTable, tenantId: string, userId: string, now: Date, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret(32);
  const expiresAt = new Date(now.getTime() + ttlMs);
  await deleteLinksOf(tx, table, tenantId, userId);
  await insertLink(tx, table, tenantId, sha256Hex(token), { userId, created: now, expiresAt });
  return { token, expiresAt };
}
