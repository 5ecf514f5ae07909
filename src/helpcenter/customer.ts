import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { staffActor } from '#src/cases/staff-service.ts';
import { tenantSlugFromHost } from '#src/http/auth.ts';
import { proveDevice } from '#src/http/device-proof.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import { publicAuditContext } from '#src/http/request-context.ts';
import { readCookie } from '#src/sessions/cookie.ts';
import { cellOfHelpCenterHost } from './hosts.ts';
import { useDownloadTicket } from './download-tickets.ts';
import { currentHelpCenterSession, endForNetworkChange, logDeviceProofRefused, type CurrentSession, type Lifetimes, type SessionEnd } from './sessions.ts';

export type Customer = Extract<CurrentSession, { kind: 'live' }> & { cell: string };
/** A member of the cell's support staff, signed in through its support plane (`planeId`). */
export type StaffMember = Customer & { planeId: string };

function endedMessage(reason: SessionEnd, lifetimes: Lifetimes, staff: boolean): string {
  switch (reason) {
    case 'IDLE': return `The Help Center session ended after ${staff ? lifetimes.staffIdleMinutes : lifetimes.idleMinutes} minutes without activity.`;
    case 'MAX_LIFETIME': return `The Help Center session ended after ${lifetimes.maxHours} hours.`;
    case 'SIGNED_OUT': return 'The Help Center session was signed out.';
    case 'CLEARED': return 'The Help Center session ended because your sessions were ended in your organization. Sign in again.';
    case 'ASN_CHANGED': return 'The Help Center session ended because it was used from another network. Sign in again with your passkey.';
  }
}

function asName(asn: number | null, org: string | null): string {
  return asn === null ? 'an unknown network' : `AS${asn}${org ? ` (${org})` : ''}`;
}

/**
 * Who a Help Center request comes from. `cellOf`: the cell whose Help Center the request's host is; on any other
 * host the Help Center's routes do not exist (404). `signedIn`: whoever is signed in to that Help Center, or 401
 * saying why nobody is; a staff request must prove the session's device key, and a staff session used from
 * another AS than it started in ends there (as for admin console sessions). `customerOf` and `staffOf` keep to
 * customers and to the cell's staff (403 otherwise).
 */
export function helpCenterGate(app: FastifyInstance) {
  const { db, clock, config } = app.deps;
  const lifetimes: Lifetimes = config.helpCenterSession;

  function cellOf(request: FastifyRequest): string {
    const label = tenantSlugFromHost(request.headers.host, config.baseDomain);
    const cell = label === undefined ? undefined : cellOfHelpCenterHost(label);
    if (cell === undefined) throw OktaErrors.pathNotFound();
    return cell;
  }

  async function sessionOf(request: FastifyRequest, cell: string): Promise<CurrentSession> {
    return currentHelpCenterSession(db, clock, lifetimes, cell, readCookie(request, 'help_sid'));
  }

  /** `download`: the object a download route serves, which a staff download ticket may open instead of a proof. */
  async function signedIn(request: FastifyRequest, download?: string): Promise<Customer & { fromPlane: boolean }> {
    const cell = cellOf(request);
    const current = await sessionOf(request, cell);
    if (current.kind !== 'live') throw new AppError(401, 'E0000005', 'Invalid session', current.kind === 'ended' ? [endedMessage(current.reason, lifetimes, current.staff)] : []);
    if (current.staff) {
      await assertStaffDevice(request, { ...current, cell }, download);
      await assertStaffNetwork(request, { ...current, cell });
    }
    return { ...current, cell, fromPlane: current.staff };
  }

  /**
   * A staff request proves the device key the session was bound to at sign-in (docs/help-center.md, "Staff
   * sessions"), with the admin console's proof check; a download, a navigation that cannot carry a proof,
   * presents a single-use ticket taken by a proved request instead. A refusal is logged in the plane and the
   * session kept: the cookie may have been copied, and its owner still holds the key.
   */
  async function assertStaffDevice(request: FastifyRequest, live: Customer, download: string | undefined): Promise<void> {
    const { session } = live;
    if (session.deviceJkt === null) {
      throw new AppError(401, 'E0000005', 'Invalid session', ['The Help Center session is not bound to a device key. Sign in again with your passkey.']);
    }
    const refused = (reason: string) => logDeviceProofRefused(db, clock, live, reason, publicAuditContext(request, staffActor(live)));
    const ticket = download === undefined ? undefined : (request.query as { ticket?: string }).ticket;
    if (download !== undefined && ticket !== undefined) {
      const refusal = await useDownloadTicket(db, clock, live, download, ticket);
      if (refusal === null) return;
      await refused(refusal);
      throw new AppError(401, 'E0000011', 'Invalid token provided', [`ticket: ${refusal}`]);
    }
    await proveDevice(request, { id: session.id, device: { jkt: session.deviceJkt, jwk: null } }, refused);
  }

  /**
   * A staff session is good only from the AS it started in: a request from elsewhere, even with the cookie, means
   * the cookie was copied or the device moved, and a new passkey sign-in settles which. Customers are not bound:
   * their own tenant's sign-on policy decides where they may sign in from (docs/help-center.md).
   */
  async function assertStaffNetwork(request: FastifyRequest, live: Customer): Promise<void> {
    const { session } = live;
    const network = await request.server.networkOf(request.ip);
    if (network.asn === session.asn) return;
    await endForNetworkChange(db, clock, live, network, publicAuditContext(request, staffActor(live)));
    throw new AppError(401, 'E0000005', 'Invalid session', [
      `The Help Center session was started from ${asName(session.asn, session.asOrg)} and this request came from ${asName(network.asn, network.asOrg)}, so it has ended. Sign in again with your passkey.`,
    ]);
  }

  /** A customer: staff are not, and have routes of their own. */
  async function customerOf(request: FastifyRequest): Promise<Customer> {
    const { fromPlane, ...customer } = await signedIn(request);
    if (fromPlane) throw OktaErrors.forbidden();
    return customer;
  }

  /** A member of the cell's support staff holding one of `roles`. */
  async function staffOf(request: FastifyRequest, roles: readonly string[], download?: string): Promise<StaffMember> {
    const { fromPlane, ...member } = await signedIn(request, download);
    if (!fromPlane || !member.user.staffRoles.some((r) => roles.includes(r))) throw OktaErrors.forbidden();
    return { ...member, planeId: member.session.tenantId };
  }

  /**
   * An onRequest hook: before the schemas, a route of the Help Center does not exist on any other host, whatever
   * was sent. Every answer carries the current DPoP nonce, so that a staff console's next proof has it.
   */
  function onHelpCenterHostOnly(request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
    try {
      cellOf(request);
      reply.header('dpop-nonce', app.proofs.nonce());
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  return { cellOf, sessionOf, customerOf, staffOf, signedIn, onHelpCenterHostOnly };
}
