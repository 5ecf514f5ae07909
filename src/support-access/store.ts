import type { Selectable } from 'kysely';
import { prepare, runPrepared, type Executor, type Tx } from '#src/db/database.ts';
import type { SupportAccessExtensionsTable, SupportAccessGrantsTable } from '#src/db/schema.ts';
import type { SupportScope } from './scopes.ts';

export type GrantStatus = 'PENDING' | 'APPROVED' | 'DENIED' | 'REVOKED';

/** Who decided: one of the tenant's admins, or (approvals only) a pre-approval rule the admins set in advance. */
export type GrantDecision =
  | { kind: 'ADMIN'; by: string; byName: string; at: Date; note: string | null }
  | { kind: 'POLICY'; rule: string; at: Date; note: null };

export type GrantRow = {
  tenantId: string;
  id: string;
  caseId: string;
  cell: string;
  planeId: string;
  staff: { id: string; subject: string; name: string; email: string | null };
  justification: string;
  scopes: SupportScope[];
  durationMinutes: number;
  status: GrantStatus;
  requested: Date;
  decideBy: Date;
  decision: GrantDecision | null;
  expires: Date | null;
  revocation: { by: string; byName: string; kind: 'ADMIN' | 'STAFF'; at: Date } | null;
};

const toGrant = (r: Selectable<SupportAccessGrantsTable>): GrantRow => ({
  tenantId: r.tenant_id, id: r.id, caseId: r.case_id, cell: r.cell, planeId: r.plane_id,
  staff: { id: r.staff_id, subject: r.staff_subject, name: r.staff_name, email: r.staff_email },
  justification: r.justification, scopes: r.scopes as SupportScope[], durationMinutes: r.duration_minutes, status: r.status as GrantStatus,
  requested: r.requested, decideBy: r.decide_by,
  decision: r.decided === null ? null
    : r.decided_by_rule !== null ? { kind: 'POLICY', rule: r.decided_by_rule, at: r.decided, note: null }
      : { kind: 'ADMIN', by: r.decided_by ?? '', byName: r.decided_by_name ?? '', at: r.decided, note: r.decision_note },
  expires: r.expires,
  revocation: r.revoked_by === null || r.revoked === null ? null : { by: r.revoked_by, byName: r.revoked_by_name ?? '', kind: r.revoked_by_kind as 'ADMIN' | 'STAFF', at: r.revoked },
});

export async function insertGrant(tx: Tx, g: GrantRow): Promise<void> {
  await tx.insertInto('support_access_grants').values({
    tenant_id: g.tenantId, id: g.id, case_id: g.caseId, cell: g.cell, plane_id: g.planeId, staff_id: g.staff.id, staff_subject: g.staff.subject,
    staff_name: g.staff.name, staff_email: g.staff.email, justification: g.justification, scopes: g.scopes, duration_minutes: g.durationMinutes,
    status: g.status, requested: g.requested, decide_by: g.decideBy,
  }).execute();
}

export async function findGrant(db: Executor, tenantId: string, id: string, lock = false): Promise<GrantRow | undefined> {
  let q = db.selectFrom('support_access_grants').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toGrant(row);
}

/** A staff member's grant by its id alone (staff work across tenants), locked when `lock`. */
export async function findStaffGrant(db: Executor, planeId: string, staffId: string, id: string, lock = false): Promise<GrantRow | undefined> {
  let q = db.selectFrom('support_access_grants').selectAll().where('plane_id', '=', planeId).where('staff_id', '=', staffId).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toGrant(row);
}

/** The organizations a staff member asked for access to since `since`, the one asked for now included. */
export async function tenantsAskedSince(db: Executor, planeId: string, staffId: string, since: Date, now: string): Promise<number> {
  const rows = await db.selectFrom('support_access_grants').select('tenant_id').distinct()
    .where('plane_id', '=', planeId).where('staff_id', '=', staffId).where('requested', '>=', since).execute();
  return new Set([...rows.map((r) => r.tenant_id), now]).size;
}

export async function grantsOfTenant(db: Executor, tenantId: string, limit: number): Promise<GrantRow[]> {
  return (await db.selectFrom('support_access_grants').selectAll().where('tenant_id', '=', tenantId).orderBy('requested', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toGrant);
}

export async function grantsOfStaff(db: Executor, planeId: string, staffId: string, limit: number): Promise<GrantRow[]> {
  return (await db.selectFrom('support_access_grants').selectAll().where('plane_id', '=', planeId).where('staff_id', '=', staffId)
    .orderBy('requested', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toGrant);
}

export async function decideGrant(tx: Tx, tenantId: string, id: string, d: { status: 'APPROVED' | 'DENIED'; by: string; byName: string; at: Date; note: string | null; scopes: readonly string[]; durationMinutes: number; expires: Date | null }): Promise<void> {
  await tx.updateTable('support_access_grants').set({
    status: d.status, decided_by: d.by, decided_by_name: d.byName, decided: d.at, decision_note: d.note, scopes: [...d.scopes], duration_minutes: d.durationMinutes, expires: d.expires,
  }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** A pre-approval rule approves a request as it arrives: as asked, from now. */
export async function preApproveGrant(tx: Tx, tenantId: string, id: string, d: { rule: string; at: Date; expires: Date }): Promise<void> {
  await tx.updateTable('support_access_grants').set({ status: 'APPROVED', decided_by_rule: d.rule, decided: d.at, expires: d.expires })
    .where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** An approved extension moves the grant's end; the grant's tokens are judged by it at their next request. */
export async function extendGrant(tx: Tx, tenantId: string, id: string, expires: Date): Promise<void> {
  await tx.updateTable('support_access_grants').set({ expires }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function revokeGrant(tx: Tx, tenantId: string, id: string, r: { by: string; byName: string; kind: 'ADMIN' | 'STAFF'; at: Date }): Promise<void> {
  await tx.updateTable('support_access_grants').set({ status: 'REVOKED', revoked_by: r.by, revoked_by_name: r.byName, revoked_by_kind: r.kind, revoked: r.at })
    .where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function insertAccessToken(tx: Tx, t: { tenantId: string; id: string; grantId: string; tokenHash: string; created: Date; expires: Date }): Promise<void> {
  await tx.insertInto('support_access_tokens').values({ tenant_id: t.tenantId, id: t.id, grant_id: t.grantId, token_hash: t.tokenHash, created: t.created, expires: t.expires }).execute();
}

/**
 * Revokes the live tokens (not revoked, not past their time, under a grant still approved and running) of the
 * grants that the user `staffSubject` of support plane `planeId` holds, in every tenant; each with its grant.
 */
export async function revokeTokensOfStaff(tx: Tx, planeId: string, staffSubject: string, at: Date): Promise<{ tokenId: string; grant: GrantRow }[]> {
  const rows = await tx.updateTable('support_access_tokens as t')
    .from('support_access_grants as g')
    .set({ revoked: at })
    .whereRef('g.tenant_id', '=', 't.tenant_id').whereRef('g.id', '=', 't.grant_id')
    .where('g.plane_id', '=', planeId).where('g.staff_subject', '=', staffSubject).where('g.status', '=', 'APPROVED').where('g.expires', '>', at)
    .where('t.revoked', 'is', null).where('t.expires', '>', at)
    .returningAll('g')
    .returning('t.id as token_id')
    .execute();
  return rows.map((r) => ({ tokenId: r.token_id, grant: toGrant(r) })).sort((a, b) => a.tokenId.localeCompare(b.tokenId));
}

/**
 * What a support token stands for, checked whole at every request: its grant and that grant's case, the
 * organization, and the staff member's own account in the support plane.
 */
export type TokenFacts = {
  tokenId: string;
  tokenExpires: Date;
  tokenRevoked: Date | null;
  grant: GrantRow;
  tenant: { id: string; slug: string; cell: string };
  caseStatus: string;
  staffStatus: string | null;
};

/** Prepared: every support request runs it (docs/support-access.md); planning it anew would cost more than running it. */
const tokenFactsQuery = prepare('support_access_tokens.facts', (db, param: (key: 'tokenHash') => string) => db
  .selectFrom('support_access_tokens as t')
  .innerJoin('support_access_grants as g', (j) => j.onRef('g.tenant_id', '=', 't.tenant_id').onRef('g.id', '=', 't.grant_id'))
  .innerJoin('support_cases as c', (j) => j.onRef('c.tenant_id', '=', 'g.tenant_id').onRef('c.id', '=', 'g.case_id'))
  .innerJoin('tenants as tn', 'tn.id', 'g.tenant_id')
  .leftJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'g.plane_id').onRef('u.id', '=', 'g.staff_subject'))
  .selectAll('g')
  .select(['t.id as token_id', 't.expires as token_expires', 't.revoked as token_revoked', 'tn.slug as tenant_slug', 'tn.cell as tenant_cell', 'c.status as case_status', 'u.status as staff_status'])
  .where('t.token_hash', '=', param('tokenHash')));

export async function tokenFacts(db: Executor, tokenHash: string): Promise<TokenFacts | undefined> {
  const [row] = await runPrepared(db, tokenFactsQuery, { tokenHash });
  if (!row) return undefined;
  return {
    tokenId: row.token_id, tokenExpires: row.token_expires, tokenRevoked: row.token_revoked, grant: toGrant(row), tenant: { id: row.tenant_id, slug: row.tenant_slug, cell: row.tenant_cell },
    caseStatus: row.case_status, staffStatus: row.staff_status,
  };
}

export type ExtensionStatus = 'PENDING' | 'APPROVED' | 'DENIED' | 'REVOKED';

/** A staff member's request for more time on a running grant, and what the tenant's admins made of it. */
export type ExtensionRow = {
  id: string;
  grantId: string;
  justification: string;
  durationMinutes: number;
  status: ExtensionStatus;
  requested: Date;
  decision: { by: string; byName: string; at: Date; note: string | null } | null;
  /** The grant's end before the approval, and after it. */
  extendedFrom: Date | null;
  expires: Date | null;
};

const toExtension = (r: Selectable<SupportAccessExtensionsTable>): ExtensionRow => ({
  id: r.id, grantId: r.grant_id, justification: r.justification, durationMinutes: r.duration_minutes, status: r.status as ExtensionStatus, requested: r.requested,
  decision: r.decided_by === null || r.decided === null ? null : { by: r.decided_by, byName: r.decided_by_name ?? '', at: r.decided, note: r.decision_note },
  extendedFrom: r.extended_from, expires: r.expires,
});

export async function insertExtension(tx: Tx, tenantId: string, x: ExtensionRow): Promise<void> {
  await tx.insertInto('support_access_extensions').values({
    tenant_id: tenantId, id: x.id, grant_id: x.grantId, justification: x.justification, duration_minutes: x.durationMinutes, status: x.status, requested: x.requested,
  }).execute();
}

/** The latest extension of each grant that has one, by grant id (grants of several tenants at once: staff see theirs). */
export async function latestExtensions(db: Executor, grants: readonly { tenantId: string; id: string }[]): Promise<Map<string, ExtensionRow>> {
  if (grants.length === 0) return new Map();
  const rows = await db.selectFrom('support_access_extensions').selectAll()
    .where((eb) => eb(eb.refTuple('tenant_id', 'grant_id'), 'in', grants.map((g) => eb.tuple(g.tenantId, g.id))))
    .distinctOn(['tenant_id', 'grant_id']).orderBy('tenant_id').orderBy('grant_id').orderBy('requested', 'desc').orderBy('id', 'desc').execute();
  return new Map(rows.map((r) => [r.grant_id, toExtension(r)]));
}

export async function settleExtension(tx: Tx, tenantId: string, id: string, d: { status: 'APPROVED' | 'DENIED'; by: string; byName: string; at: Date; note: string | null; durationMinutes: number; extendedFrom: Date | null; expires: Date | null }): Promise<void> {
  await tx.updateTable('support_access_extensions').set({
    status: d.status, decided_by: d.by, decided_by_name: d.byName, decided: d.at, decision_note: d.note, duration_minutes: d.durationMinutes, extended_from: d.extendedFrom, expires: d.expires,
  }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** Ends the grant's extension still waiting, if any (the grant itself ends): its id, or undefined. */
export async function revokePendingExtension(tx: Tx, tenantId: string, grantId: string): Promise<string | undefined> {
  const row = await tx.updateTable('support_access_extensions').set({ status: 'REVOKED' })
    .where('tenant_id', '=', tenantId).where('grant_id', '=', grantId).where('status', '=', 'PENDING').returning('id').executeTakeFirst();
  return row?.id;
}
