import type { Executor, Tx } from '#src/db/database.ts';

/** A customer as the Help Center knows them: what a support case needs, and nothing more. */
export type HelpCenterUser = {
  id: string;
  cell: string;
  tenantId: string;
  /** The user's id in their tenant (the ID token's `sub`). */
  subject: string;
  name: string;
  email: string | null;
  adminRoles: string[];
  /** Support staff only (a user of the cell's support plane): their roles there; empty for customers. */
  staffRoles: string[];
  created: Date;
  lastSignIn: Date;
};

export type HelpCenterSessionRow = {
  id: string;
  cell: string;
  tenantId: string;
  userId: string;
  amr: string[];
  created: Date;
  lastActive: Date;
  expires: Date;
  ended: Date | null;
  endReason: string | null;
};

type UserRecord = { id: string; cell: string; tenant_id: string; subject: string; name: string; email: string | null; admin_roles: string[]; staff_roles: string[]; created: Date; last_sign_in: Date };
type SessionRecord = { id: string; cell: string; tenant_id: string; user_id: string; amr: string[]; created: Date; last_active: Date; expires: Date; ended: Date | null; end_reason: string | null };

const toUser = (r: UserRecord): HelpCenterUser => ({
  id: r.id, cell: r.cell, tenantId: r.tenant_id, subject: r.subject, name: r.name, email: r.email, adminRoles: [...r.admin_roles], staffRoles: [...r.staff_roles],
  created: r.created, lastSignIn: r.last_sign_in,
});
const toSession = (r: SessionRecord): HelpCenterSessionRow => ({
  id: r.id, cell: r.cell, tenantId: r.tenant_id, userId: r.user_id, amr: [...r.amr], created: r.created, lastActive: r.last_active, expires: r.expires, ended: r.ended, endReason: r.end_reason,
});

/** The customer's record, made at the first sign-in and brought up to date at each one after. */
export async function upsertUser(tx: Tx, user: HelpCenterUser): Promise<HelpCenterUser> {
  const row = await tx.insertInto('help_center_users')
    .values({
      id: user.id, cell: user.cell, tenant_id: user.tenantId, subject: user.subject, name: user.name, email: user.email,
      admin_roles: user.adminRoles, staff_roles: user.staffRoles, created: user.created, last_sign_in: user.lastSignIn,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'subject']).doUpdateSet((eb) => ({
      name: eb.ref('excluded.name'), email: eb.ref('excluded.email'), admin_roles: eb.ref('excluded.admin_roles'), staff_roles: eb.ref('excluded.staff_roles'),
      last_sign_in: eb.ref('excluded.last_sign_in'),
    })))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function insertSession(tx: Tx, session: HelpCenterSessionRow, tokenHash: string): Promise<void> {
  await tx.insertInto('help_center_sessions').values({
    id: session.id, token_hash: tokenHash, cell: session.cell, tenant_id: session.tenantId, user_id: session.userId, amr: session.amr,
    created: session.created, last_active: session.lastActive, expires: session.expires, ended: null, end_reason: null,
  }).execute();
}

export async function sessionByTokenHash(db: Executor, tokenHash: string): Promise<{ session: HelpCenterSessionRow; user: HelpCenterUser } | undefined> {
  const row = await db.selectFrom('help_center_sessions as s')
    .innerJoin('help_center_users as u', (join) => join.onRef('u.tenant_id', '=', 's.tenant_id').onRef('u.id', '=', 's.user_id'))
    .select([
      's.id', 's.cell', 's.tenant_id', 's.user_id', 's.amr', 's.created', 's.last_active', 's.expires', 's.ended', 's.end_reason',
      'u.id as u_id', 'u.cell as u_cell', 'u.subject', 'u.name', 'u.email', 'u.admin_roles', 'u.staff_roles', 'u.created as u_created', 'u.last_sign_in',
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    session: toSession(row),
    user: toUser({
      id: row.u_id, cell: row.u_cell, tenant_id: row.tenant_id, subject: row.subject, name: row.name, email: row.email, admin_roles: row.admin_roles,
      staff_roles: row.staff_roles, created: row.u_created, last_sign_in: row.last_sign_in,
    }),
  };
}

export async function touchSession(db: Executor, session: Pick<HelpCenterSessionRow, 'tenantId' | 'id'>, at: Date): Promise<void> {
  await db.updateTable('help_center_sessions').set({ last_active: at }).where('tenant_id', '=', session.tenantId).where('id', '=', session.id).where('ended', 'is', null).execute();
}

/** Ends a live session; false when it had already ended (a second sign-out changes nothing). */
export async function endSessionRow(tx: Tx, session: Pick<HelpCenterSessionRow, 'tenantId' | 'id'>, at: Date, reason: string): Promise<boolean> {
  const result = await tx.updateTable('help_center_sessions').set({ ended: at, end_reason: reason })
    .where('tenant_id', '=', session.tenantId).where('id', '=', session.id).where('ended', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
