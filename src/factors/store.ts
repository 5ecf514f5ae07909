import type { Executor, Tx } from '#src/db/database.ts';

export type FactorStatus = 'PENDING_ACTIVATION' | 'ACTIVE';

export type FactorRow = {
  id: string;
  userId: string;
  factorType: string;
  provider: string;
  status: FactorStatus;
  /** Sealed; opened only to check a code. */
  secret: string | null;
  lastTimeStep: number | null;
  created: Date;
  lastUpdated: Date;
};

const columns = ['id', 'user_id', 'factor_type', 'provider', 'status', 'secret', 'last_time_step', 'created', 'last_updated'] as const;

type Selected = {
  id: string; user_id: string; factor_type: string; provider: string; status: string; secret: string | null; last_time_step: string | null; created: Date; last_updated: Date;
};

function toRow(r: Selected): FactorRow {
  return {
    id: r.id,
    userId: r.user_id,
    factorType: r.factor_type,
    provider: r.provider,
    status: r.status as FactorStatus,
    secret: r.secret,
    lastTimeStep: r.last_time_step === null ? null : Number(r.last_time_step),
    created: r.created,
    lastUpdated: r.last_updated,
  };
}

export async function factorsOfUser(db: Executor, tenantId: string, userId: string, lock = false): Promise<FactorRow[]> {
  const q = db.selectFrom('factors').select(columns).where('tenant_id', '=', tenantId).where('user_id', '=', userId).orderBy('created').orderBy('id');
  const rows = await (lock ? q.forUpdate() : q).execute();
  return rows.map(toRow);
}

export async function findFactor(db: Executor, tenantId: string, userId: string, id: string, lock = false): Promise<FactorRow | undefined> {
  const q = db.selectFrom('factors').select(columns).where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('id', '=', id);
  const row = await (lock ? q.forUpdate() : q).executeTakeFirst();
  return row && toRow(row);
}

export async function insertFactor(tx: Tx, tenantId: string, f: FactorRow): Promise<void> {
  await tx.insertInto('factors').values({
    tenant_id: tenantId,
    id: f.id,
    user_id: f.userId,
    factor_type: f.factorType,
    provider: f.provider,
    status: f.status,
    secret: f.secret,
    last_time_step: f.lastTimeStep,
    created: f.created,
    last_updated: f.lastUpdated,
  }).execute();
}

export async function updateFactor(tx: Tx, tenantId: string, f: FactorRow): Promise<void> {
  await tx.updateTable('factors').set({ status: f.status, last_time_step: f.lastTimeStep, last_updated: f.lastUpdated })
    .where('tenant_id', '=', tenantId).where('id', '=', f.id).execute();
}

export async function deleteFactor(tx: Tx, tenantId: string, id: string): Promise<void> {
  await tx.deleteFrom('factors').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function deleteFactorsOfUser(tx: Tx, tenantId: string, userId: string): Promise<FactorRow[]> {
  const rows = await tx.deleteFrom('factors').where('tenant_id', '=', tenantId).where('user_id', '=', userId).returning(columns).execute();
  return rows.map(toRow);
}

export type WebauthnCredentialRow = {
  factorId: string;
  credentialId: string;
  publicKey: Buffer;
  signCount: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
  aaguid: string;
};

export async function insertWebauthnCredential(tx: Tx, tenantId: string, c: WebauthnCredentialRow): Promise<void> {
  await tx.insertInto('webauthn_credentials').values({
    tenant_id: tenantId, factor_id: c.factorId, credential_id: c.credentialId, public_key: c.publicKey, sign_count: c.signCount,
    transports: c.transports, device_type: c.deviceType, backed_up: c.backedUp, aaguid: c.aaguid,
  }).execute();
}

const credentialColumns = ['c.factor_id', 'c.credential_id', 'c.public_key', 'c.sign_count', 'c.transports', 'c.device_type', 'c.backed_up', 'c.aaguid', 'f.user_id', 'f.status'] as const;

type CredentialSelected = {
  factor_id: string; credential_id: string; public_key: Buffer; sign_count: string; transports: string[]; device_type: string; backed_up: boolean; aaguid: string; user_id: string; status: string;
};

function toCredential(r: CredentialSelected): WebauthnCredentialRow & { userId: string; factorStatus: FactorStatus } {
  return {
    factorId: r.factor_id, credentialId: r.credential_id, publicKey: r.public_key, signCount: Number(r.sign_count), transports: r.transports,
    deviceType: r.device_type, backedUp: r.backed_up, aaguid: r.aaguid, userId: r.user_id, factorStatus: r.status as FactorStatus,
  };
}

/** A passkey by the credential id an authenticator answered with, with its factor's user, locked for the counter update. */
export async function lockCredentialById(tx: Tx, tenantId: string, credentialId: string): Promise<(WebauthnCredentialRow & { userId: string; factorStatus: FactorStatus }) | undefined> {
  const row = await tx.selectFrom('webauthn_credentials as c').innerJoin('factors as f', (j) => j.onRef('f.tenant_id', '=', 'c.tenant_id').onRef('f.id', '=', 'c.factor_id'))
    .select(credentialColumns).where('c.tenant_id', '=', tenantId).where('c.credential_id', '=', credentialId).forUpdate().executeTakeFirst();
  return row && toCredential(row);
}

/** Every passkey of a user (to exclude at registration, or to allow at a second-factor challenge). */
export async function credentialsOfUser(db: Executor, tenantId: string, userId: string): Promise<(WebauthnCredentialRow & { userId: string; factorStatus: FactorStatus })[]> {
  const rows = await db.selectFrom('webauthn_credentials as c').innerJoin('factors as f', (j) => j.onRef('f.tenant_id', '=', 'c.tenant_id').onRef('f.id', '=', 'c.factor_id'))
    .select(credentialColumns).where('c.tenant_id', '=', tenantId).where('f.user_id', '=', userId).execute();
  return rows.map(toCredential);
}

export async function setSignCount(tx: Tx, tenantId: string, factorId: string, signCount: number, backedUp: boolean): Promise<void> {
  await tx.updateTable('webauthn_credentials').set({ sign_count: signCount, backed_up: backedUp }).where('tenant_id', '=', tenantId).where('factor_id', '=', factorId).execute();
}

export async function setFactorSecret(tx: Tx, tenantId: string, factorId: string, secret: string | null): Promise<void> {
  await tx.updateTable('factors').set({ secret }).where('tenant_id', '=', tenantId).where('id', '=', factorId).execute();
}

export async function insertRecoveryCodes(tx: Tx, tenantId: string, factorId: string, codeHashes: readonly string[]): Promise<void> {
  await tx.insertInto('recovery_codes').values(codeHashes.map((h) => ({ tenant_id: tenantId, factor_id: factorId, code_hash: h }))).execute();
}

/** Uses up a recovery code: true if it was one of the factor's unused codes, which it no longer is. */
export async function takeRecoveryCode(tx: Tx, tenantId: string, factorId: string, codeHash: string): Promise<boolean> {
  const row = await tx.deleteFrom('recovery_codes').where('tenant_id', '=', tenantId).where('factor_id', '=', factorId).where('code_hash', '=', codeHash)
    .returning('code_hash').executeTakeFirst();
  return row !== undefined;
}

/** How many unused codes each of these recovery-code factors has left (absent: none). */
export async function countRecoveryCodes(db: Executor, tenantId: string, factorIds: readonly string[]): Promise<Map<string, number>> {
  if (factorIds.length === 0) return new Map();
  const rows = await db.selectFrom('recovery_codes').select(['factor_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('tenant_id', '=', tenantId).where('factor_id', 'in', [...factorIds]).groupBy('factor_id').execute();
  return new Map(rows.map((r) => [r.factor_id, Number(r.n)]));
}
