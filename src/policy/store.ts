import type { Executor, Tx } from '#src/db/database.ts';

export type PasswordPolicyRow = { id: string; settings: Record<string, unknown>; created: Date; lastUpdated: Date };

export async function findPasswordPolicy(db: Executor, tenantId: string): Promise<PasswordPolicyRow | undefined> {
  const r = await db.selectFrom('password_policies').select(['id', 'settings', 'created', 'last_updated']).where('tenant_id', '=', tenantId).executeTakeFirst();
  return r && { id: r.id, settings: r.settings, created: r.created, lastUpdated: r.last_updated };
}

export async function savePasswordPolicy(tx: Tx, tenantId: string, p: PasswordPolicyRow): Promise<void> {
  await tx.insertInto('password_policies')
    .values({ tenant_id: tenantId, id: p.id, settings: JSON.stringify(p.settings), created: p.created, last_updated: p.lastUpdated })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ settings: JSON.stringify(p.settings), last_updated: p.lastUpdated }))
    .execute();
}
