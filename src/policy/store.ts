import { sql } from 'kysely';
import { prepare, runPrepared, type Executor, type Tx } from '#src/db/database.ts';

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

export type Gateway = { type: 'CIDR' | 'RANGE'; value: string };

export type ZoneRow = {
  id: string;
  name: string;
  type: 'IP' | 'DYNAMIC';
  status: 'ACTIVE' | 'INACTIVE';
  gateways: Gateway[];
  asns: string[];
  countries: string[];
  created: Date;
  lastUpdated: Date;
};

const zoneColumns = ['id', 'name', 'type', 'status', 'gateways', 'asns', 'countries', 'created', 'last_updated'] as const;

function toZone(r: { id: string; name: string; type: string; status: string; gateways: Gateway[]; asns: string[]; countries: string[]; created: Date; last_updated: Date }): ZoneRow {
  return { id: r.id, name: r.name, type: r.type as ZoneRow['type'], status: r.status as ZoneRow['status'], gateways: r.gateways, asns: r.asns, countries: r.countries, created: r.created, lastUpdated: r.last_updated };
}

export async function listZoneRows(db: Executor, tenantId: string): Promise<ZoneRow[]> {
  const rows = await db.selectFrom('network_zones').select(zoneColumns).where('tenant_id', '=', tenantId).orderBy('created').orderBy('id').execute();
  return rows.map(toZone);
}

export async function findZone(db: Executor, tenantId: string, id: string, lock = false): Promise<ZoneRow | undefined> {
  const q = db.selectFrom('network_zones').select(zoneColumns).where('tenant_id', '=', tenantId).where('id', '=', id);
  const row = await (lock ? q.forUpdate() : q).executeTakeFirst();
  return row && toZone(row);
}

export async function countZones(db: Executor, tenantId: string): Promise<number> {
  const r = await db.selectFrom('network_zones').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Inserts or replaces a zone; a name another zone of the tenant has violates the unique key (23505). */
export async function saveZone(tx: Tx, tenantId: string, z: ZoneRow): Promise<void> {
  const values = { name: z.name, type: z.type, status: z.status, gateways: JSON.stringify(z.gateways), asns: z.asns, countries: z.countries, last_updated: z.lastUpdated };
  await tx.insertInto('network_zones').values({ tenant_id: tenantId, id: z.id, created: z.created, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'id']).doUpdateSet(values)).execute();
}

export async function deleteZoneRow(tx: Tx, tenantId: string, id: string): Promise<void> {
  await tx.deleteFrom('network_zones').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export type RuleRow = {
  id: string;
  name: string;
  priority: number;
  status: 'ACTIVE' | 'INACTIVE';
  system: 'ADMIN_CONSOLE' | 'DEFAULT' | null;
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>;
  created: Date;
  lastUpdated: Date;
};

const ruleColumns = ['id', 'name', 'priority', 'status', 'system', 'conditions', 'actions', 'created', 'last_updated'] as const;

/** Read on every sign-in and every app authorization: compiled once, on the read pipeline. */
const rulesOf = prepare('sign_on_rules.of-tenant', (db, param: (key: 'tenantId') => string) => db.selectFrom('sign_on_rules').select(ruleColumns)
  .where('tenant_id', '=', param('tenantId')).orderBy('priority'));

/** The tenant's stored sign-on rules in priority order; empty until an admin first changes one. */
export async function listRuleRows(db: Executor, tenantId: string, lock = false): Promise<RuleRow[]> {
  const rows = lock
    ? await db.selectFrom('sign_on_rules').select(ruleColumns).where('tenant_id', '=', tenantId).orderBy('priority').forUpdate().execute()
    : await runPrepared(db, rulesOf, { tenantId });
  return rows.map((r) => ({
    id: r.id, name: r.name, priority: r.priority, status: r.status as RuleRow['status'], system: r.system as RuleRow['system'],
    conditions: r.conditions, actions: r.actions, created: r.created, lastUpdated: r.last_updated,
  }));
}

/**
 * Writes the tenant's whole rule list as given (priorities included). Priorities move together, so the list
 * is written whole: a rule inserted at 1 shifts every other.
 */
export async function replaceRuleRows(tx: Tx, tenantId: string, rules: readonly RuleRow[]): Promise<void> {
  await tx.deleteFrom('sign_on_rules').where('tenant_id', '=', tenantId).execute();
  if (rules.length === 0) return;
  await tx.insertInto('sign_on_rules').values(rules.map((r) => ({
    tenant_id: tenantId, id: r.id, name: r.name, priority: r.priority, status: r.status, system: r.system,
    conditions: JSON.stringify(r.conditions), actions: JSON.stringify(r.actions), created: r.created, last_updated: r.lastUpdated,
  }))).execute();
}

/** Serialises changes to a tenant's rule list: the first write of a list that is still the built-in one has no row to lock. */
export async function lockRuleList(tx: Tx, tenantId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`sign_on_rules/${tenantId}`}, 0))`.execute(tx);
}
