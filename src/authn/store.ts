import type { Executor, Tx } from '#src/db/database.ts';

/** The states an unfinished sign-in can wait in; more come with factors (MFA_REQUIRED, MFA_ENROLL, …). */
export type PendingStatus = 'PASSWORD_EXPIRED';

export type AuthnTransactionRow = { userId: string; status: PendingStatus; created: Date; expiresAt: Date };

export async function insertTransaction(tx: Tx, tenantId: string, tokenHash: string, t: AuthnTransactionRow): Promise<void> {
  await tx.insertInto('authn_transactions').values({ tenant_id: tenantId, token_hash: tokenHash, user_id: t.userId, status: t.status, created: t.created, expires_at: t.expiresAt }).execute();
}

export async function findTransaction(db: Executor, tenantId: string, tokenHash: string, lock = false): Promise<AuthnTransactionRow | undefined> {
  const q = db.selectFrom('authn_transactions').select(['user_id', 'status', 'created', 'expires_at']).where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash);
  const row = await (lock ? q.forUpdate() : q).executeTakeFirst();
  return row && { userId: row.user_id, status: row.status as PendingStatus, created: row.created, expiresAt: row.expires_at };
}

export async function deleteTransaction(tx: Tx, tenantId: string, tokenHash: string): Promise<boolean> {
  const result = await tx.deleteFrom('authn_transactions').where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
