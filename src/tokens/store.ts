import { prepare, runPrepared, type Executor } from '#src/db/database.ts';

export type ApiTokenRow = {
  id: string;
  name: string;
  userId: string;
  created: Date;
  lastUpdated: Date;
  lastUsed: Date | null;
  expiresAt: Date | null;
};

/** What authenticating one request needs, in one indexed lookup. */
export type TokenOwner = {
  tenantId: string;
  tenantSlug: string;
  tenantCell: string;
  tokenId: string;
  expiresAt: Date | null;
  userId: string;
  userStatus: string;
  profile: Record<string, unknown>;
  roles: string[];
};

export async function insertToken(db: Executor, tenantId: string, row: ApiTokenRow, tokenHash: string): Promise<void> {
  await db.insertInto('api_tokens').values({
    tenant_id: tenantId,
    id: row.id,
    name: row.name,
    user_id: row.userId,
    token_hash: tokenHash,
    created: row.created,
    last_updated: row.lastUpdated,
    last_used: row.lastUsed,
    expires_at: row.expiresAt,
  }).execute();
}

/** Prepared: every authenticated path runs it on a cache miss (per token and process, at most once in two seconds). */
const tokenOwner = prepare('api_tokens.owner', (db, param: (key: 'tokenHash') => string) => db
  .selectFrom('api_tokens as t')
  .innerJoin('tenants as o', 'o.id', 't.tenant_id')
  .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 't.tenant_id').onRef('u.id', '=', 't.user_id'))
  .select((eb) => [
    't.tenant_id', 'o.slug', 'o.cell', 't.id', 't.expires_at', 'u.id as user_id', 'u.status', 'u.profile',
    eb.selectFrom('admin_roles as r')
      .select((e) => e.fn.coalesce(e.fn<string[]>('array_agg', ['r.type']), e.val<string[]>([])).as('roles'))
      .whereRef('r.tenant_id', '=', 't.tenant_id').whereRef('r.user_id', '=', 't.user_id').as('roles'),
  ])
  .where('t.token_hash', '=', param('tokenHash')));

export async function findTokenOwner(db: Executor, tokenHash: string): Promise<TokenOwner | undefined> {
  const [row] = await runPrepared(db, tokenOwner, { tokenHash });
  if (!row) return undefined;
  return {
    tenantId: row.tenant_id,
    tenantSlug: row.slug,
    tenantCell: row.cell,
    tokenId: row.id,
    expiresAt: row.expires_at,
    userId: row.user_id,
    userStatus: row.status,
    profile: row.profile,
    roles: row.roles ?? [],
  };
}

const columns = ['id', 'name', 'user_id', 'created', 'last_updated', 'last_used', 'expires_at'] as const;

type Selected = { id: string; name: string; user_id: string; created: Date; last_updated: Date; last_used: Date | null; expires_at: Date | null };

function toRow(r: Selected): ApiTokenRow {
  return { id: r.id, name: r.name, userId: r.user_id, created: r.created, lastUpdated: r.last_updated, lastUsed: r.last_used, expiresAt: r.expires_at };
}

export async function listTokens(db: Executor, tenantId: string): Promise<ApiTokenRow[]> {
  const rows = await db.selectFrom('api_tokens').select(columns).where('tenant_id', '=', tenantId).orderBy('created').orderBy('id').execute();
  return rows.map(toRow);
}

export async function getToken(db: Executor, tenantId: string, id: string): Promise<ApiTokenRow | undefined> {
  const row = await db.selectFrom('api_tokens').select(columns).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return row && toRow(row);
}

export async function deleteToken(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('api_tokens').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export async function deleteTokensOfUser(db: Executor, tenantId: string, userId: string): Promise<ApiTokenRow[]> {
  const rows = await db.deleteFrom('api_tokens').where('tenant_id', '=', tenantId).where('user_id', '=', userId).returning(columns).execute();
  return rows.map(toRow);
}

export async function touchLastUsed(db: Executor, uses: ReadonlyMap<string, Date>): Promise<void> {
  for (const [key, when] of uses) {
    const [tenantId, id] = key.split('/') as [string, string];
    await db.updateTable('api_tokens').set({ last_used: when }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }
}
