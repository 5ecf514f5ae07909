import { sql, type RawBuilder } from 'kysely';
import { prepare, runPrepared, type Executor } from '#src/db/database.ts';

/** One instance of an oidc-provider model (a code, a token, a grant, an interaction, a session). */
export type ModelRow = { payload: Record<string, unknown>; expiresAt: Date | null; consumedAt: Date | null };

export type ModelKey = { tenantId: string; model: string; id: string };

/** The write of one model instance, created or replaced, returning its id: for a statement that also logs it. */
export function upsertModelQuery(db: Executor, key: ModelKey, payload: Record<string, unknown>, expiresAt: Date | null) {
  const { grantId, uid, text } = columnsOf(payload);
  return db.insertInto('oidc_models')
    .values({ tenant_id: key.tenantId, model: key.model, id: key.id, payload: text, grant_id: grantId, uid, expires_at: expiresAt, consumed_at: null })
    .onConflict((oc) => oc.columns(['tenant_id', 'model', 'id']).doUpdateSet({ payload: text, grant_id: grantId, uid, expires_at: expiresAt }))
    .returning('id');
}

function columnsOf(payload: Record<string, unknown>): { grantId: string | null; uid: string | null; text: string } {
  return {
    grantId: typeof payload['grantId'] === 'string' ? payload['grantId'] : null,
    uid: typeof payload['uid'] === 'string' ? payload['uid'] : null,
    text: JSON.stringify(payload),
  };
}

/** Marks a one-time model (a code) used, returning its id only if it was not used yet. */
export function consumeModelQuery(key: ModelKey, at: Date): RawBuilder<{ id: string }> {
  return sql<{ id: string }>`update oidc_models set consumed_at = ${at}, payload = payload || jsonb_build_object('consumed', ${Math.floor(at.getTime() / 1000)}::bigint)
    where tenant_id = ${key.tenantId} and model = ${key.model} and id = ${key.id} and consumed_at is null returning id`;
}

/**
 * The write of `key` only if the statement's part named `consumed` (consumeModelQuery) returned a row: what a
 * code is exchanged for is stored in the statement that uses the code up, or not at all.
 */
export function upsertIfConsumedQuery(key: ModelKey, payload: Record<string, unknown>, expiresAt: Date | null, consumed: string): RawBuilder<{ id: string }> {
  const { grantId, uid, text } = columnsOf(payload);
  return sql<{ id: string }>`insert into oidc_models (tenant_id, model, id, payload, grant_id, uid, expires_at, consumed_at)
    select ${key.tenantId}, ${key.model}, ${key.id}, ${text}::jsonb, ${grantId}, ${uid}, ${expiresAt}::timestamptz, null where exists (select 1 from ${sql.id(consumed)})
    on conflict (tenant_id, model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id, uid = excluded.uid, expires_at = excluded.expires_at
    returning id`;
}

function rowOf(r: { payload: Record<string, unknown>; expires_at: Date | null; consumed_at: Date | null }): ModelRow {
  return { payload: r.payload, expiresAt: r.expires_at, consumedAt: r.consumed_at };
}

/** Point reads on the hot path of every authorization and token request: compiled once, prepared per connection. */
const byId = prepare('oidc_models.by-id', (db, param: (key: 'tenantId' | 'model' | 'id') => string) => db.selectFrom('oidc_models')
  .select(['payload', 'expires_at', 'consumed_at']).where('tenant_id', '=', param('tenantId')).where('model', '=', param('model')).where('id', '=', param('id')));
const byUid = prepare('oidc_models.by-uid', (db, param: (key: 'tenantId' | 'model' | 'uid') => string) => db.selectFrom('oidc_models')
  .select(['payload', 'expires_at', 'consumed_at']).where('tenant_id', '=', param('tenantId')).where('model', '=', param('model')).where('uid', '=', param('uid')));

export async function findModel(db: Executor, key: ModelKey): Promise<ModelRow | undefined> {
  const [r] = await runPrepared(db, byId, key);
  return r && rowOf(r);
}

export async function findModelByUid(db: Executor, tenantId: string, model: string, uid: string): Promise<ModelRow | undefined> {
  const [r] = await runPrepared(db, byUid, { tenantId, model, uid });
  return r && rowOf(r);
}

/**
 * Marks a one-time model (a code) used. True only for the one call that used it: of two concurrent exchanges of
 * the same code, the second learns it came too late.
 */
export async function consumeModel(db: Executor, key: ModelKey, at: Date): Promise<boolean> {
  return (await consumeModelQuery(key, at).execute(db)).rows.length === 1;
}

export async function deleteModel(db: Executor, key: ModelKey): Promise<void> {
  await db.deleteFrom('oidc_models').where('tenant_id', '=', key.tenantId).where('model', '=', key.model).where('id', '=', key.id).execute();
}

/** Everything issued under a grant (its codes and tokens), when the grant is revoked or a code replayed. */
export async function deleteByGrant(db: Executor, tenantId: string, grantId: string): Promise<number> {
  const rows = await db.deleteFrom('oidc_models').where('tenant_id', '=', tenantId).where('grant_id', '=', grantId).returning('id').execute();
  return rows.length;
}

/**
 * Everything stored for one account (a user): its grants and sessions, and every code and token that names the
 * account or is issued under one of its grants. Returns what was removed, by model.
 */
export async function deleteModelsOfAccount(db: Executor, tenantId: string, accountId: string): Promise<{ model: string; id: string }[]> {
  const result = await sql<{ model: string; id: string }>`delete from oidc_models where tenant_id = ${tenantId} and (payload->>'accountId' = ${accountId}
    or grant_id in (select id from oidc_models where tenant_id = ${tenantId} and model = 'Grant' and payload->>'accountId' = ${accountId}))
    returning model, id`.execute(db);
  return result.rows;
}

export type SigningKeyRow = { kid: string; alg: string; publicJwk: Record<string, unknown>; privateJwkSealed: string; created: Date; retireAfter: Date | null };

export async function signingKeys(db: Executor, tenantId: string): Promise<SigningKeyRow[]> {
  const rows = await db.selectFrom('oidc_signing_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('created', 'desc').execute();
  return rows.map((r) => ({ kid: r.kid, alg: r.alg, publicJwk: r.public_jwk, privateJwkSealed: r.private_jwk_sealed, created: r.created, retireAfter: r.retire_after }));
}

export async function insertSigningKey(db: Executor, tenantId: string, k: SigningKeyRow): Promise<void> {
  await db.insertInto('oidc_signing_keys').values({
    tenant_id: tenantId, kid: k.kid, alg: k.alg, public_jwk: JSON.stringify(k.publicJwk), private_jwk_sealed: k.privateJwkSealed, created: k.created, retire_after: k.retireAfter,
  }).execute();
}

export async function retireSigningKeys(db: Executor, tenantId: string, after: Date): Promise<void> {
  await db.updateTable('oidc_signing_keys').set({ retire_after: after }).where('tenant_id', '=', tenantId).where('retire_after', 'is', null).execute();
}

export async function dropRetiredKeys(db: Executor, tenantId: string, now: Date): Promise<void> {
  await db.deleteFrom('oidc_signing_keys').where('tenant_id', '=', tenantId).where('retire_after', '<=', now).execute();
}
