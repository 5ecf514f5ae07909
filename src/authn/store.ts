import type { Executor, Tx } from '#src/db/database.ts';

/**
 * The states an unfinished sign-in can wait in. MFA_ENROLL: the sign-on rule wants a factor the user has
 * none of; MFA_ENROLL_ACTIVATE: one is being set up (`factor_id`). MFA_CHALLENGE: a WebAuthn challenge is out (for a passkey
 * factor after the password, or for a passkey sign-in, whose user is not known until the passkey answers).
 */
export type PendingStatus = 'PASSWORD_EXPIRED' | 'MFA_REQUIRED' | 'MFA_CHALLENGE' | 'MFA_ENROLL' | 'MFA_ENROLL_ACTIVATE';

/** `amr`: the methods (RFC 8176) the sign-in has passed so far, carried into the session it ends in. */
export type AuthnTransactionRow = { userId: string | null; status: PendingStatus; amr: string[]; challenge: string | null; factorId: string | null; app: string; created: Date; expiresAt: Date };

export async function insertTransaction(tx: Tx, tenantId: string, tokenHash: string, t: AuthnTransactionRow): Promise<void> {
  await tx.insertInto('authn_transactions').values({
    tenant_id: tenantId, token_hash: tokenHash, user_id: t.userId, status: t.status, amr: t.amr, challenge: t.challenge, factor_id: t.factorId, app: t.app, created: t.created, expires_at: t.expiresAt,
  }).execute();
}

export async function findTransaction(db: Executor, tenantId: string, tokenHash: string, lock = false): Promise<AuthnTransactionRow | undefined> {
  const q = db.selectFrom('authn_transactions').select(['user_id', 'status', 'amr', 'challenge', 'factor_id', 'app', 'created', 'expires_at']).where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash);
  const row = await (lock ? q.forUpdate() : q).executeTakeFirst();
  return row && { userId: row.user_id, status: row.status as PendingStatus, amr: row.amr, challenge: row.challenge, factorId: row.factor_id, app: row.app, created: row.created, expiresAt: row.expires_at };
}

/** Moves a transaction to another state (a WebAuthn challenge issued for it, for the passkey factor `factorId`). */
export async function setTransactionState(tx: Tx, tenantId: string, tokenHash: string, status: PendingStatus, challenge: string | null, factorId: string | null): Promise<void> {
  await tx.updateTable('authn_transactions').set({ status, challenge, factor_id: factorId }).where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).execute();
}

export async function deleteTransaction(tx: Tx, tenantId: string, tokenHash: string): Promise<boolean> {
  const result = await tx.deleteFrom('authn_transactions').where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The tables of one-time links a user is given: the same columns, for different ends (enrollment, recovery). */
export type LinkTable = 'enrollment_links' | 'recovery_tokens';

export async function insertLink(tx: Tx, table: LinkTable, tenantId: string, tokenHash: string, link: { userId: string; created: Date; expiresAt: Date }): Promise<void> {
  await tx.insertInto(table).values({ tenant_id: tenantId, token_hash: tokenHash, user_id: link.userId, created: link.created, expires_at: link.expiresAt }).execute();
}

/** Deletes the link and returns what it stood for: a second opener gets nothing. */
export async function takeLink(tx: Tx, table: LinkTable, tenantId: string, tokenHash: string): Promise<{ userId: string; expiresAt: Date } | undefined> {
  const row = await tx.deleteFrom(table).where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).returning(['user_id', 'expires_at']).executeTakeFirst();
  return row && { userId: row.user_id, expiresAt: row.expires_at };
}

/** What a link stands for, locked, without using it up: for an opener who may yet be refused. */
export async function lockLink(tx: Tx, table: LinkTable, tenantId: string, tokenHash: string): Promise<{ userId: string; expiresAt: Date } | undefined> {
  const row = await tx.selectFrom(table).select(['user_id', 'expires_at']).where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
  return row && { userId: row.user_id, expiresAt: row.expires_at };
}

/** A user's earlier links stop working when a new one is issued, or when one of them has been used. */
export async function deleteLinksOf(tx: Tx, table: LinkTable, tenantId: string, userId: string): Promise<void> {
  await tx.deleteFrom(table).where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
}

export type RecoveryStatus = 'RECOVERY_CHALLENGE' | 'RECOVERY';

/**
 * An unfinished password recovery. `userId` is null when a self-service recovery named nobody who exists;
 * `selfService` tells it from one opened by an admin's recovery token; `factorType` is the kind of factor
 * the requester said they would answer with (null: any); `amr` the methods passed so far.
 */
export type RecoveryTransactionRow = {
  userId: string | null; status: RecoveryStatus; selfService: boolean; factorType: string | null; amr: string[]; challenge: string | null; created: Date; expiresAt: Date;
};

export async function insertRecoveryTransaction(tx: Tx, tenantId: string, tokenHash: string, t: RecoveryTransactionRow): Promise<void> {
  await tx.insertInto('recovery_transactions').values({
    tenant_id: tenantId, token_hash: tokenHash, user_id: t.userId, status: t.status, self_service: t.selfService, factor_type: t.factorType, amr: t.amr,
    challenge: t.challenge, created: t.created, expires_at: t.expiresAt,
  }).execute();
}

export async function findRecoveryTransaction(db: Executor, tenantId: string, tokenHash: string, lock = false): Promise<RecoveryTransactionRow | undefined> {
  const q = db.selectFrom('recovery_transactions').select(['user_id', 'status', 'self_service', 'factor_type', 'amr', 'challenge', 'created', 'expires_at'])
    .where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash);
  const r = await (lock ? q.forUpdate() : q).executeTakeFirst();
  return r && {
    userId: r.user_id, status: r.status as RecoveryStatus, selfService: r.self_service, factorType: r.factor_type, amr: r.amr, challenge: r.challenge, created: r.created, expiresAt: r.expires_at,
  };
}

/** Moves a recovery on: a WebAuthn challenge issued for it, or a factor passed (status, methods, a new expiry). */
export async function updateRecoveryTransaction(tx: Tx, tenantId: string, tokenHash: string, t: Pick<RecoveryTransactionRow, 'status' | 'amr' | 'challenge' | 'expiresAt'>): Promise<void> {
  await tx.updateTable('recovery_transactions').set({ status: t.status, amr: t.amr, challenge: t.challenge, expires_at: t.expiresAt })
    .where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).execute();
}

export async function deleteRecoveryTransaction(tx: Tx, tenantId: string, tokenHash: string): Promise<void> {
  await tx.deleteFrom('recovery_transactions').where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).execute();
}
