import type { Executor, Tx } from '#src/db/database.ts';
import type { Severity } from '#src/cases/service.ts';
import type { SupportScope } from './scopes.ts';

/** A rule of a tenant's pre-approval policy: requests within it are approved as they arrive. */
export type PreApprovalRule = { name: string; scopes: SupportScope[]; severities: Severity[]; maxDurationMinutes: number };

export type PolicyRow = { rules: PreApprovalRule[]; lastUpdated: Date };

export async function findPolicy(db: Executor, tenantId: string, lock = false): Promise<PolicyRow | undefined> {
  const q = db.selectFrom('support_access_policies').select(['rules', 'last_updated']).where('tenant_id', '=', tenantId);
  const row = await (lock ? q.forUpdate() : q).executeTakeFirst();
  return row && { rules: row.rules as PreApprovalRule[], lastUpdated: row.last_updated };
}

export async function savePolicy(tx: Tx, tenantId: string, policy: PolicyRow): Promise<void> {
  const values = { rules: JSON.stringify(policy.rules), last_updated: policy.lastUpdated };
  await tx.insertInto('support_access_policies').values({ tenant_id: tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values)).execute();
}
