import type { Executor, Tx } from '#src/db/database.ts';

export type SettingsRow = {
  idleMinutes: number;
  maxMinutes: number;
  protectedActionMinutes: number;
  asnBinding: boolean;
  allowedAsns: number[];
  allowedRanges: string[];
  lastUpdated: Date | null;
};

export async function findSettings(db: Executor, tenantId: string, lock = false): Promise<SettingsRow | undefined> {
  const q = db.selectFrom('admin_session_settings').selectAll().where('tenant_id', '=', tenantId);
  const r = await (lock ? q.forUpdate() : q).executeTakeFirst();
  return r && {
    idleMinutes: r.idle_minutes,
    maxMinutes: r.max_minutes,
    protectedActionMinutes: r.protected_action_minutes,
    asnBinding: r.asn_binding,
    allowedAsns: r.allowed_asns.map(Number),
    allowedRanges: r.allowed_ranges,
    lastUpdated: r.last_updated,
  };
}

export async function saveSettings(tx: Tx, tenantId: string, s: SettingsRow & { lastUpdated: Date }): Promise<void> {
  const values = {
    idle_minutes: s.idleMinutes,
    max_minutes: s.maxMinutes,
    protected_action_minutes: s.protectedActionMinutes,
    asn_binding: s.asnBinding,
    allowed_asns: s.allowedAsns,
    allowed_ranges: s.allowedRanges,
    last_updated: s.lastUpdated,
  };
  await tx.insertInto('admin_session_settings').values({ tenant_id: tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values)).execute();
}
