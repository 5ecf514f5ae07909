import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newId } from '#src/lib/ids.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import { appTarget } from '#src/policy/sign-on.ts';
import type { AuditContext, LogActor } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { HELP_CENTER_CLIENT_ID } from '#src/oidc/clients.ts';
import { endSessionRow, insertSession, sessionByTokenHash, touchSession, upsertUser, type ContactFields, type HelpCenterSessionRow, type HelpCenterUser } from './store.ts';

export type { HelpCenterSessionRow, HelpCenterUser };
/** The staff of a support plane by role, for the services that work with them (cases are assigned to them). */
export { staffOfPlane } from './store.ts';

export type Lifetimes = { idleMinutes: number; maxHours: number };

/** What the tenant's provider vouched for, reduced to what the Help Center keeps (identityOf in relying-party.ts). */
export type Identity = { subject: string; name: string; email: string | null; adminRoles: string[]; staffRoles: string[]; amr: string[]; contact: ContactFields };

/** `last_active` is written at most once a minute: a page load must not cost a write. */
const TOUCH_EVERY_MS = 60_000;

export type SessionEnd = 'IDLE' | 'MAX_LIFETIME' | 'SIGNED_OUT';

export type CurrentSession =
  | { kind: 'live'; session: HelpCenterSessionRow; user: HelpCenterUser; idleExpires: Date }
  | { kind: 'ended'; reason: SessionEnd }
  | { kind: 'none' };

/** The customer as their tenant's System Log names them; the Help Center keeps no login, so the email stands in. */
export function customerActor(user: Pick<Identity, 'subject' | 'name' | 'email'>): LogActor {
  return { alternateId: user.email ?? 'unknown', detailEntry: null, displayName: user.name, id: user.subject, type: 'User' };
}

/**
 * A Help Center session for a customer whom their tenant's provider just signed in: the customer's record is
 * made or brought up to date, and the tenant's System Log says that its user signed in to the Help Center, in
 * the same transaction. Returns the cookie's value, which is stored only as its SHA-256.
 */
export async function startHelpCenterSession(db: Db, clock: Clock, lifetimes: Lifetimes, input: { cell: string; tenantId: string; identity: Identity; audit(actor: LogActor): AuditContext }): Promise<{ token: string; session: HelpCenterSessionRow }> {
  const now = clock.now();
  const { identity } = input;
  const token = newSecret(32);
  const session = await db.transaction().execute(async (tx) => {
    const user = await upsertUser(tx, {
      id: newId('hcu'), cell: input.cell, tenantId: input.tenantId, subject: identity.subject, name: identity.name, email: identity.email,
      adminRoles: identity.adminRoles, staffRoles: identity.staffRoles, created: now, lastSignIn: now,
    }, identity.contact);
    const row: HelpCenterSessionRow = {
      id: newId('hcs'), cell: input.cell, tenantId: input.tenantId, userId: user.id, amr: identity.amr,
      created: now, lastActive: now, expires: new Date(now.getTime() + lifetimes.maxHours * 3_600_000), ended: null, endReason: null,
    };
    await insertSession(tx, row, sha256Hex(token));
    await recordEvent(tx, clock, input.tenantId, input.audit(customerActor(identity)), {
      eventType: 'bulwark.help_center.session.start',
      displayMessage: 'User signed in to the Help Center',
      target: [appTarget(HELP_CENTER_CLIENT_ID)],
      debugData: { helpCenterSessionId: row.id, cell: input.cell, amr: identity.amr.join(' ') },
    });
    return row;
  });
  return { token, session };
}

/**
 * The live session of a Help Center cookie on the Help Center of `cell`, or why there is none. A session of
 * another cell's Help Center is no session here (cookies are per host, so only a copied one could arrive).
 */
export async function currentHelpCenterSession(db: Db, clock: Clock, lifetimes: Lifetimes, cell: string, token: string | undefined): Promise<CurrentSession> {
  if (token === undefined || token === '') return { kind: 'none' };
  const found = await sessionByTokenHash(db, sha256Hex(token));
  if (!found || found.session.cell !== cell) return { kind: 'none' };
  const { session, user } = found;
  if (session.ended) return { kind: 'ended', reason: 'SIGNED_OUT' };
  const now = clock.now();
  if (now >= session.expires) return { kind: 'ended', reason: 'MAX_LIFETIME' };
  const idleLimit = lifetimes.idleMinutes * 60_000;
  if (now.getTime() - session.lastActive.getTime() >= idleLimit) return { kind: 'ended', reason: 'IDLE' };
  if (now.getTime() - session.lastActive.getTime() >= TOUCH_EVERY_MS) {
    await touchSession(db, session, now);
    session.lastActive = now;
  }
  const idleExpires = new Date(Math.min(session.lastActive.getTime() + idleLimit, session.expires.getTime()));
  return { kind: 'live', session, user, idleExpires };
}

/** Signs the customer out of the Help Center (their tenant's own session is theirs to end), logged in their tenant. */
export async function endHelpCenterSession(db: Db, clock: Clock, live: { session: HelpCenterSessionRow; user: HelpCenterUser }, audit: (actor: LogActor) => AuditContext): Promise<void> {
  const { session, user } = live;
  await db.transaction().execute(async (tx) => {
    if (!(await endSessionRow(tx, session, clock.now(), 'SIGNED_OUT'))) return;
    await recordEvent(tx, clock, session.tenantId, audit(customerActor(user)), {
      eventType: 'bulwark.help_center.session.end',
      displayMessage: 'User signed out of the Help Center',
      target: [appTarget(HELP_CENTER_CLIENT_ID)],
      debugData: { helpCenterSessionId: session.id, cell: session.cell, reason: 'SIGNED_OUT' },
    });
  });
}
