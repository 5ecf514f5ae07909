import type { Selectable } from 'kysely';
import type { Executor, Tx } from '#src/db/database.ts';
import type { PrivilegedVerificationsTable } from '#src/db/schema.ts';

export type VerifiedAction = 'RESET_PASSWORD' | 'RESET_FACTORS';
export type VerificationMethod = 'TARGET_PASSKEY' | 'ADMIN_ATTESTATION';
export type StoredStatus = 'PENDING' | 'VERIFIED' | 'DENIED' | 'USED';
/** A status as of a moment: EXPIRED is a PENDING or VERIFIED row past its time, never stored. */
export type StatusNow = StoredStatus | 'EXPIRED';

export type VerificationRow = {
  id: string;
  userId: string;
  requestedBy: { id: string; name: string };
  action: VerifiedAction;
  method: VerificationMethod;
  status: StoredStatus;
  created: Date;
  verifyBy: Date;
  /** Who verified (the user, or the attesting admin) or denied it, when, and what they said. */
  decision: { by: { id: string; name: string }; at: Date; statement: string | null } | null;
  useBy: Date | null;
  challenge: string | null;
  used: Date | null;
};

const toRow = (r: Selectable<PrivilegedVerificationsTable>): VerificationRow => ({
  id: r.id, userId: r.user_id, requestedBy: { id: r.requested_by, name: r.requested_by_name }, action: r.action as VerifiedAction, method: r.method as VerificationMethod,
  status: r.status as StoredStatus, created: r.created, verifyBy: r.verify_by,
  decision: r.decided === null ? null : { by: { id: r.verifier_id ?? '', name: r.verifier_name ?? '' }, at: r.decided, statement: r.statement },
  useBy: r.use_by, challenge: r.challenge, used: r.used,
});

export async function insertVerification(tx: Tx, tenantId: string, v: VerificationRow, linkTokenHash: string | null): Promise<void> {
  await tx.insertInto('privileged_verifications').values({
    tenant_id: tenantId, id: v.id, user_id: v.userId, requested_by: v.requestedBy.id, requested_by_name: v.requestedBy.name, action: v.action, method: v.method,
    status: v.status, created: v.created, verify_by: v.verifyBy, link_token_hash: linkTokenHash,
  }).execute();
}

/** A verification of one user, by id; locked when `lock`. */
export async function findVerification(db: Executor, tenantId: string, userId: string, id: string, lock = false): Promise<VerificationRow | undefined> {
  const q = db.selectFrom('privileged_verifications').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('id', '=', id);
  const row = await (lock ? q.forUpdate() : q).executeTakeFirst();
  return row && toRow(row);
}

export type VerificationFilter = { userId?: string; status?: StatusNow; method?: VerificationMethod };

/** The newest `limit` verifications that match `filter`, the status taken as of `now`, newest first. */
export async function queryVerifications(db: Executor, tenantId: string, filter: VerificationFilter, now: Date, limit: number): Promise<VerificationRow[]> {
  let q = db.selectFrom('privileged_verifications').selectAll().where('tenant_id', '=', tenantId);
  if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
  if (filter.method !== undefined) q = q.where('method', '=', filter.method);
  const status = filter.status;
  if (status === 'PENDING') q = q.where('status', '=', 'PENDING').where('verify_by', '>', now);
  else if (status === 'VERIFIED') q = q.where('status', '=', 'VERIFIED').where('use_by', '>', now);
  else if (status === 'EXPIRED') {
    q = q.where((eb) => eb.or([
      eb.and([eb('status', '=', 'PENDING'), eb('verify_by', '<=', now)]),
      eb.and([eb('status', '=', 'VERIFIED'), eb('use_by', '<=', now)]),
    ]));
  } else if (status !== undefined) q = q.where('status', '=', status);
  const rows = await q.orderBy('created', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRow);
}

/** The verification a link token stands for, by the token's SHA-256; locked when `lock`. */
export async function findByLink(db: Executor, tenantId: string, tokenHash: string, lock = false): Promise<VerificationRow | undefined> {
  const q = db.selectFrom('privileged_verifications').selectAll().where('tenant_id', '=', tenantId).where('link_token_hash', '=', tokenHash);
  const row = await (lock ? q.forUpdate() : q).executeTakeFirst();
  return row && toRow(row);
}

export async function setChallenge(tx: Tx, tenantId: string, id: string, challenge: string): Promise<void> {
  await tx.updateTable('privileged_verifications').set({ challenge }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** Records the decision: VERIFIED (usable until `useBy`) or DENIED; a challenge still out is void either way. */
export async function decideVerification(tx: Tx, tenantId: string, id: string, d: { status: 'VERIFIED' | 'DENIED'; by: { id: string; name: string }; at: Date; statement: string | null; useBy: Date | null }): Promise<void> {
  await tx.updateTable('privileged_verifications').set({
    status: d.status, decided: d.at, verifier_id: d.by.id, verifier_name: d.by.name, statement: d.statement, use_by: d.useBy, challenge: null,
  }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/**
 * Uses up the newest VERIFIED verification of `userId` for `action` that `requestedBy` asked for and that is
 * still good at `now`, inside the reset's transaction; undefined when there is none. The row is locked first,
 * so two resets at once cannot both use it.
 */
export async function takeVerified(tx: Tx, tenantId: string, key: { userId: string; requestedBy: string; action: VerifiedAction }, now: Date): Promise<VerificationRow | undefined> {
  const row = await tx.selectFrom('privileged_verifications').selectAll()
    .where('tenant_id', '=', tenantId).where('user_id', '=', key.userId).where('requested_by', '=', key.requestedBy).where('action', '=', key.action)
    .where('status', '=', 'VERIFIED').where('use_by', '>', now)
    .orderBy('decided', 'desc').limit(1).forUpdate().executeTakeFirst();
  if (!row) return undefined;
  await tx.updateTable('privileged_verifications').set({ status: 'USED', used: now }).where('tenant_id', '=', tenantId).where('id', '=', row.id).execute();
  return { ...toRow(row), status: 'USED', used: now };
}
