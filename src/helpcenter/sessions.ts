import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { Db, Tx } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newId } from '#src/lib/ids.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import { auditNetwork, type NetworkInfo } from '#src/network/resolver.ts';
import { appTarget } from '#src/policy/sign-on.ts';
import type { AuditContext, LogActor, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { HELP_CENTER_CLIENT_ID } from '#src/oidc/clients.ts';
import { isSupportPlane } from '#src/tenants/service.ts';
import {
  endSessionRow, endSessionsOfSubject, insertSession, sessionByTokenHash, touchSession, upsertUser, type ContactFields, type HelpCenterSessionRow, type HelpCenterUser,
} from './store.ts';

export type { HelpCenterSessionRow, HelpCenterUser };
/** The staff of a support plane by role, for the services that work with them (cases are assigned to them). */
export { staffOfPlane } from './store.ts';

/** Idle and maximum lifetimes; support staff's idle lifetime is shorter than customers'. */
export type Lifetimes = { idleMinutes: number; maxHours: number; staffIdleMinutes: number };

/** What the tenant's provider vouched for, reduced to what the Help Center keeps (identityOf in relying-party.ts). */
export type Identity = { subject: string; name: string; email: string | null; adminRoles: string[]; staffRoles: string[]; amr: string[]; contact: ContactFields };

/** `last_active` is written at most once a minute: a page load must not cost a write. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Why a session ended: its lifetimes, the user signing out, the user's sessions cleared in their tenant
 * (clearSessionsOfUser), or a staff request from another network.
 */
export type SessionEnd = 'IDLE' | 'MAX_LIFETIME' | 'SIGNED_OUT' | 'CLEARED' | 'ASN_CHANGED';

/** `staff`: the session was started through the cell's support plane, by a member of its support staff. */
export type CurrentSession =
  | { kind: 'live'; session: HelpCenterSessionRow; user: HelpCenterUser; idleExpires: Date; staff: boolean }
  | { kind: 'ended'; reason: SessionEnd; staff: boolean }
  | { kind: 'none' };

/** The customer as their tenant's System Log names them; the Help Center keeps no login, so the email stands in. */
export function customerActor(user: Pick<Identity, 'subject' | 'name' | 'email'>): LogActor {
  return { alternateId: user.email ?? 'unknown', detailEntry: null, displayName: user.name, id: user.subject, type: 'User' };
}

/**
 * A Help Center session for a customer whom their tenant's provider just signed in: the customer's record is
 * made or brought up to date, and the tenant's System Log says that its user signed in to the Help Center, in
 * the same transaction. A staff session is bound to the thumbprint of its browser's device key (`deviceJkt`).
 * Returns the cookie's value, which is stored only as its SHA-256.
 */
export async function startHelpCenterSession(
  db: Db, clock: Clock, lifetimes: Lifetimes,
  input: { cell: string; tenantId: string; identity: Identity; network: NetworkInfo; deviceJkt?: string; audit(actor: LogActor): AuditContext },
): Promise<{ token: string; session: HelpCenterSessionRow }> {
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
      ipAddress: input.network.ip, asn: input.network.asn, asOrg: input.network.asOrg, deviceJkt: input.deviceJkt ?? null,
    };
    await insertSession(tx, row, sha256Hex(token));
    await recordEvent(tx, clock, input.tenantId, { ...input.audit(customerActor(identity)), network: auditNetwork(input.network) }, {
      eventType: 'bulwark.help_center.session.start',
      displayMessage: 'User signed in to the Help Center',
      target: [appTarget(HELP_CENTER_CLIENT_ID)],
      debugData: { helpCenterSessionId: row.id, cell: input.cell, amr: identity.amr.join(' '), ...(input.deviceJkt === undefined ? {} : { deviceKeyThumbprint: input.deviceJkt }) },
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
  const staff = isSupportPlane(found.tenant) && found.tenant.cell === cell;
  if (session.ended) return { kind: 'ended', reason: session.endReason === 'CLEARED' || session.endReason === 'ASN_CHANGED' ? session.endReason : 'SIGNED_OUT', staff };
  const now = clock.now();
  if (now >= session.expires) return { kind: 'ended', reason: 'MAX_LIFETIME', staff };
  const idleLimit = (staff ? lifetimes.staffIdleMinutes : lifetimes.idleMinutes) * 60_000;
  if (now.getTime() - session.lastActive.getTime() >= idleLimit) return { kind: 'ended', reason: 'IDLE', staff };
  if (now.getTime() - session.lastActive.getTime() >= TOUCH_EVERY_MS) {
    await touchSession(db, session, now);
    session.lastActive = now;
  }
  const idleExpires = new Date(Math.min(session.lastActive.getTime() + idleLimit, session.expires.getTime()));
  return { kind: 'live', session, user, idleExpires, staff };
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

/**
 * Ends the live Help Center sessions of the tenant's user `subject` (the id the tenant knows them by), inside
 * the caller's transaction: part of clearing the user's sessions in their tenant, whose `user.session.clear`
 * event names the sessions ended here. Returns their ids.
 */
export function endHelpCenterSessionsOfUser(tx: Tx, clock: Clock, tenantId: string, subject: string): Promise<string[]> {
  return endSessionsOfSubject(tx, tenantId, subject, clock.now(), 'CLEARED');
}

const sessionTarget = (session: Pick<HelpCenterSessionRow, 'id'>): LogTarget => ({ alternateId: 'unknown', detailEntry: null, displayName: 'Help Center session', id: session.id, type: 'Session' });

/**
 * A staff session presented from another AS than the one it started in (docs/help-center.md, "Staff
 * sessions"): the session ends, and `user.session.context.change` (DENY, `ASN_CHANGED`, both networks in
 * `debugData`) goes to the support plane's log, in one transaction. False when the session had ended already.
 */
export async function endForNetworkChange(db: Db, clock: Clock, live: { session: HelpCenterSessionRow; user: HelpCenterUser }, network: NetworkInfo, audit: AuditContext): Promise<boolean> {
  const { session, user } = live;
  return db.transaction().execute(async (tx) => {
    if (!(await endSessionRow(tx, session, clock.now(), 'ASN_CHANGED'))) return false;
    await recordEvent(tx, clock, session.tenantId, { ...audit, network: auditNetwork(network) }, {
      eventType: 'user.session.context.change',
      displayMessage: 'User session context changed',
      outcome: { result: 'DENY', reason: 'ASN_CHANGED' },
      target: [customerActor(user), sessionTarget(session)],
      authenticationContext: { externalSessionId: session.id, rootSessionId: session.id },
      debugData: {
        helpCenterSessionId: session.id, sessionAsNumber: session.asn, sessionIpAddress: session.ipAddress, requestAsNumber: network.asn, requestIpAddress: network.ip, sessionEnded: true,
      },
    });
    return true;
  });
}

/**
 * A staff request that did not prove the session's device key (docs/help-center.md, "Staff sessions"):
 * `user.session.context.change` (DENY, `DEVICE_PROOF_INVALID`, why in `debugData`) in the support plane's log.
 * The session is kept: the request may be an attacker's with a copied cookie, and its owner still holds the key.
 */
export async function logDeviceProofRefused(db: Db, clock: Clock, live: { session: HelpCenterSessionRow; user: HelpCenterUser }, refusal: string, audit: AuditContext): Promise<void> {
  const { session, user } = live;
  await db.transaction().execute(async (tx) => {
    await recordEvent(tx, clock, session.tenantId, audit, {
      eventType: 'user.session.context.change',
      displayMessage: 'User session context changed',
      outcome: { result: 'DENY', reason: 'DEVICE_PROOF_INVALID' },
      target: [customerActor(user), sessionTarget(session)],
      authenticationContext: { externalSessionId: session.id, rootSessionId: session.id },
      debugData: { helpCenterSessionId: session.id, refusal, deviceKeyThumbprint: session.deviceJkt, sessionEnded: false },
    });
  });
}

/**
 * Signs someone in to a cell's Help Center through the services alone, as the OpenID Connect callback does after
 * a browser's sign-in: for the demo's incident and the live simulator, which play people without browsers.
 */
export async function signInWithoutBrowser(db: Db, clock: Clock, lifetimes: Lifetimes, input: Parameters<typeof startHelpCenterSession>[3]): Promise<HelpCenterUser> {
  const { token } = await startHelpCenterSession(db, clock, lifetimes, input);
  const live = await currentHelpCenterSession(db, clock, lifetimes, input.cell, token);
  if (live.kind !== 'live') throw new Error('the Help Center session did not start');
  return live.user;
}

/** A new device key's RFC 7638 thumbprint, as a staff sign-in binds its session to its browser's key. */
export async function newDeviceThumbprint(): Promise<string> {
  const { publicKey } = await generateKeyPair('ES256');
  return calculateJwkThumbprint(await exportJWK(publicKey), 'sha256');
}
