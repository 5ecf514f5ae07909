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

export async function factorsOfUser(db: Executor, tenantId: string, userId: string): Promise<FactorRow[]> {
  const rows = await db.selectFrom('factors').select(columns).where('tenant_id', '=', tenantId).where('user_id', '=', userId).orderBy('created').orderBy('id').execute();
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
