import type { Executor, Tx } from '#src/db/database.ts';

/**
 * The states an unfinished sign-in can wait in. MFA_CHALLENGE: a WebAuthn challenge is out (for a passkey
 * factor after the password, or for a passkey sign-in, whose user is not known until the passkey answers).
 */
export type PendingStatus = 'PASSWORD_EXPIRED' | 'MFA_REQUIRED' | 'MFA_CHALLENGE' | 'MFA_ENROLL_ACTIVATE';

/** `amr`: the methods (RFC 8176) the sign-in has passed so far, carried into the session it ends in. */
export type AuthnTransactionRow = { userId: string | null; status: PendingStatus; amr: string[]; challenge: string | null; factorId: string | null; created: Date; expiresAt: Date };

export async function insertTransaction(tx: Tx, tenantId: string, tokenHash: string, t: AuthnTransactionRow): Promise<void> {
  await tx.insertInto('authn_transactions').values({
    tenant_id: tenantId, token_hash: tokenHash, user_id: t.userId, status: t.status, amr: t.amr, challenge: t.challenge, factor_id: t.factorId, created: t.created, expires_at: t.expiresAt,
  }).execute();
}

export async function findTransaction(db: Executor, tenantId: string, tokenHash: string, lock = false): Promise<AuthnTransactionRow | undefined> {
  const q = db.selectFrom('authn_transactions').select(['user_id', 'status', 'amr', 'challenge', 'factor_id', 'created', 'expires_at']).where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash);
  const row = await (lock ? q.forUpdate() : q).executeTakeFirst();
  return row && { userId: row.user_id, status: row.status as PendingStatus, amr: row.amr, challenge: row.challenge, factorId: row.factor_id, created: row.created, expiresAt: row.expires_at };
}

/** Moves a transaction to another state (a WebAuthn challenge issued for it, for the passkey factor `factorId`). */
export async function setTransactionState(tx: Tx, tenantId: string, tokenHash: string, status: PendingStatus, challenge: string | null, factorId: string | null): Promise<void> {
  await tx.updateTable('authn_transactions').set({ status, challenge, factor_id: factorId }).where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).execute();
}

export async function deleteTransaction(tx: Tx, tenantId: string, tokenHash: string): Promise<boolean> {
  const result = await tx.deleteFrom('authn_transactions').where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function insertEnrollmentLink(tx: Tx, tenantId: string, tokenHash: string, link: { userId: string; created: Date; expiresAt: Date }): Promise<void> {
  await tx.insertInto('enrollment_links').values({ tenant_id: tenantId, token_hash: tokenHash, user_id: link.userId, created: link.created, expires_at: link.expiresAt }).execute();
}

/** Deletes the link and returns what it stood for: a second opener gets nothing. */
export async function takeEnrollmentLink(tx: Tx, tenantId: string, tokenHash: string): Promise<{ userId: string; expiresAt: Date } | undefined> {
  const row = await tx.deleteFrom('enrollment_links').where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).returning(['user_id', 'expires_at']).executeTakeFirst();
  return row && { userId: row.user_id, expiresAt: row.expires_at };
}

/** A user's earlier links stop working when a new one is issued. */
export async function deleteEnrollmentLinksOf(tx: Tx, tenantId: string, userId: string): Promise<void> {
  await tx.deleteFrom('enrollment_links').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
}
