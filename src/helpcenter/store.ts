import { sql } from 'kysely';
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
  /** The network the session started from (a staff session is bound to its AS). */
  ipAddress: string | null;
  asn: number | null;
  asOrg: string | null;
  /** A staff session's device key, as its RFC 7638 thumbprint: every request proves it; null for customers. */
  deviceJkt: string | null;
};

type UserRecord = { id: string; cell: string; tenant_id: string; subject: string; name: string; email: string | null; admin_roles: string[]; staff_roles: string[]; created: Date; last_sign_in: Date };
type SessionRecord = {
  id: string; cell: string; tenant_id: string; user_id: string; amr: string[]; created: Date; last_active: Date; expires: Date; ended: Date | null; end_reason: string | null;
  ip_address: string | null; asn: number | null; as_org: string | null; device_jkt: string | null;
};

const toUser = (r: UserRecord): HelpCenterUser => ({
  id: r.id, cell: r.cell, tenantId: r.tenant_id, subject: r.subject, name: r.name, email: r.email, adminRoles: [...r.admin_roles], staffRoles: [...r.staff_roles],
  created: r.created, lastSignIn: r.last_sign_in,
});
const toSession = (r: SessionRecord): HelpCenterSessionRow => ({
  id: r.id, cell: r.cell, tenantId: r.tenant_id, userId: r.user_id, amr: [...r.amr], created: r.created, lastActive: r.last_active, expires: r.expires, ended: r.ended, endReason: r.end_reason,
  ipAddress: r.ip_address, asn: r.asn, asOrg: r.as_org, deviceJkt: r.device_jkt,
});

/** Contact fields a customer's provider may send (profile, phone and address claims); most stay empty. */
export type ContactFields = { username: string | null; timeZone: string | null; phone: string | null; address: string | null };

/**
 * The customer's record, made at the first sign-in and brought up to date at each one after, with a new version
 * in `help_center_user_versions` (the one before it closed at the same instant), all in one statement so that no
 * change of a Help Center user escapes the history that reports are re-created from.
 */
export async function upsertUser(tx: Tx, user: HelpCenterUser, contact: ContactFields): Promise<HelpCenterUser> {
  const at = user.lastSignIn;
  const row = await tx
    .with('u', (db) => db.insertInto('help_center_users')
      .values({
        id: user.id, cell: user.cell, tenant_id: user.tenantId, subject: user.subject, name: user.name, email: user.email,
        admin_roles: user.adminRoles, staff_roles: user.staffRoles, created: user.created, last_sign_in: at,
        username: contact.username, time_zone: contact.timeZone, phone: contact.phone, address: contact.address,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'subject']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'), email: eb.ref('excluded.email'), admin_roles: eb.ref('excluded.admin_roles'), staff_roles: eb.ref('excluded.staff_roles'),
        last_sign_in: eb.ref('excluded.last_sign_in'), username: eb.ref('excluded.username'), time_zone: eb.ref('excluded.time_zone'),
        phone: eb.ref('excluded.phone'), address: eb.ref('excluded.address'),
      })))
      .returningAll())
    .with('closed', (db) => db.updateTable('help_center_user_versions as v').from('u')
      .set({ valid_to: at })
      .whereRef('v.tenant_id', '=', 'u.tenant_id').whereRef('v.id', '=', 'u.id').where('v.valid_to', '=', sql<Date>`'infinity'`).where('v.valid_from', '<', at))
    .with('versioned', (db) => db.insertInto('help_center_user_versions')
      .columns(['tenant_id', 'id', 'valid_from', 'cell', 'subject', 'organization_name', 'name', 'email', 'username', 'time_zone', 'phone', 'mobile_phone', 'address',
        'password_changed', 'admin_roles', 'staff_roles', 'created', 'last_sign_in'])
      .expression((eb) => eb.selectFrom('u').innerJoin('tenants as t', 't.id', 'u.tenant_id')
        .select(['u.tenant_id', 'u.id', sql<Date>`${at}::timestamptz`.as('valid_from'), 'u.cell', 'u.subject', 't.name', 'u.name', 'u.email', 'u.username', 'u.time_zone',
          'u.phone', 'u.mobile_phone', 'u.address', 'u.password_changed', 'u.admin_roles', 'u.staff_roles', 'u.created', 'u.last_sign_in']))
      .onConflict((oc) => oc.columns(['tenant_id', 'id', 'valid_from']).doUpdateSet((eb) => ({
        organization_name: eb.ref('excluded.organization_name'), name: eb.ref('excluded.name'), email: eb.ref('excluded.email'),
        username: eb.ref('excluded.username'), time_zone: eb.ref('excluded.time_zone'), phone: eb.ref('excluded.phone'), address: eb.ref('excluded.address'),
        admin_roles: eb.ref('excluded.admin_roles'), staff_roles: eb.ref('excluded.staff_roles'), last_sign_in: eb.ref('excluded.last_sign_in'),
      }))))
    .selectFrom('u').selectAll()
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function insertSession(tx: Tx, session: HelpCenterSessionRow, tokenHash: string): Promise<void> {
  await tx.insertInto('help_center_sessions').values({
    id: session.id, token_hash: tokenHash, cell: session.cell, tenant_id: session.tenantId, user_id: session.userId, amr: session.amr,
    created: session.created, last_active: session.lastActive, expires: session.expires, ended: null, end_reason: null,
    ip_address: session.ipAddress, asn: session.asn, as_org: session.asOrg, device_jkt: session.deviceJkt,
  }).execute();
}

/** A session by its cookie's digest, with its user and the tenant it was started with (whether that is a support plane decides the rules). */
export async function sessionByTokenHash(db: Executor, tokenHash: string): Promise<{ session: HelpCenterSessionRow; user: HelpCenterUser; tenant: { slug: string; cell: string } } | undefined> {
  const row = await db.selectFrom('help_center_sessions as s')
    .innerJoin('help_center_users as u', (join) => join.onRef('u.tenant_id', '=', 's.tenant_id').onRef('u.id', '=', 's.user_id'))
    .innerJoin('tenants as t', 't.id', 's.tenant_id')
    .select([
      's.id', 's.cell', 's.tenant_id', 's.user_id', 's.amr', 's.created', 's.last_active', 's.expires', 's.ended', 's.end_reason', 's.ip_address', 's.asn', 's.as_org', 's.device_jkt',
      'u.id as u_id', 'u.cell as u_cell', 'u.subject', 'u.name', 'u.email', 'u.admin_roles', 'u.staff_roles', 'u.created as u_created', 'u.last_sign_in',
      't.slug as tenant_slug', 't.cell as tenant_cell',
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
    tenant: { slug: row.tenant_slug, cell: row.tenant_cell },
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

/** Ends the sessions of the tenant's user `subject` that have not ended nor passed their maximum; their ids. */
export async function endSessionsOfSubject(tx: Tx, tenantId: string, subject: string, at: Date, reason: string): Promise<string[]> {
  const rows = await tx.updateTable('help_center_sessions').set({ ended: at, end_reason: reason })
    .where('tenant_id', '=', tenantId).where('ended', 'is', null).where('expires', '>', at)
    .where('user_id', 'in', (eb) => eb.selectFrom('help_center_users').select('id').where('tenant_id', '=', tenantId).where('subject', '=', subject))
    .returning('id').execute();
  return rows.map((r) => r.id).sort();
}

/** The staff of a support plane who hold one of `roles` (as of their last sign-in), or the one of them `id` names. */
export async function staffOfPlane(db: Executor, planeId: string, roles: readonly string[], id?: string): Promise<{ id: string; name: string; email: string | null; staffRoles: string[] }[]> {
  let q = db.selectFrom('help_center_users').select(['id', 'name', 'email', 'staff_roles']).where('tenant_id', '=', planeId)
    .where(sql<boolean>`staff_roles && ${sql.val(roles)}::text[]`);
  if (id !== undefined) q = q.where('id', '=', id);
  return (await q.orderBy('name').orderBy('id').limit(500).execute()).map((r) => ({ id: r.id, name: r.name, email: r.email, staffRoles: [...r.staff_roles] }));
}

/** A staff session's download ticket (docs/help-center.md, "Staff sessions"): one object, once, briefly. */
export type DownloadTicketRow = { id: string; planeId: string; sessionId: string; userId: string; object: string; created: Date; expires: Date };

/** Stores a ticket by its token's digest, and forgets the session's tickets that can no longer be used. */
export async function insertDownloadTicket(tx: Tx, ticket: DownloadTicketRow, tokenHash: string): Promise<void> {
  await tx.deleteFrom('help_center_download_tickets').where('tenant_id', '=', ticket.planeId).where('session_id', '=', ticket.sessionId).where('expires', '<=', ticket.created).execute();
  await tx.insertInto('help_center_download_tickets').values({
    tenant_id: ticket.planeId, id: ticket.id, token_hash: tokenHash, session_id: ticket.sessionId, user_id: ticket.userId, object: ticket.object, created: ticket.created, expires: ticket.expires,
  }).execute();
}

/** Takes (deletes) the ticket of a token's digest, whatever it is for: a ticket presented is used up. */
export async function takeDownloadTicket(db: Executor, tokenHash: string): Promise<DownloadTicketRow | undefined> {
  const row = await db.deleteFrom('help_center_download_tickets').where('token_hash', '=', tokenHash).returningAll().executeTakeFirst();
  return row && { id: row.id, planeId: row.tenant_id, sessionId: row.session_id, userId: row.user_id, object: row.object, created: row.created, expires: row.expires };
}
