import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tenantSlugFromHost } from '#src/http/auth.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import { readCookie } from '#src/sessions/cookie.ts';
import { findTenantOfId, isSupportPlane } from '#src/tenants/service.ts';
import { cellOfHelpCenterHost } from './hosts.ts';
import { currentHelpCenterSession, type CurrentSession, type Lifetimes, type SessionEnd } from './sessions.ts';

export type Customer = Extract<CurrentSession, { kind: 'live' }> & { cell: string };
/** A member of the cell's support staff, signed in through its support plane (`planeId`). */
export type StaffMember = Customer & { planeId: string };

function endedMessage(reason: SessionEnd, lifetimes: Lifetimes): string {
  switch (reason) {
    case 'IDLE': return `The Help Center session ended after ${lifetimes.idleMinutes} minutes without activity.`;
    case 'MAX_LIFETIME': return `The Help Center session ended after ${lifetimes.maxHours} hours.`;
    case 'SIGNED_OUT': return 'The Help Center session was signed out.';
  }
}

/**
 * Who a Help Center request comes from. `cellOf`: the cell whose Help Center the request's host is; on any other
 * host the Help Center's routes do not exist (404). `signedIn`: whoever is signed in to that Help Center, or 401
 * saying why nobody is; `customerOf` and `staffOf` keep to customers and to the cell's staff (403 otherwise).
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

  async function signedIn(request: FastifyRequest): Promise<Customer & { fromPlane: boolean }> {
    const cell = cellOf(request);
    const current = await sessionOf(request, cell);
    if (current.kind !== 'live') throw new AppError(401, 'E0000005', 'Invalid session', current.kind === 'ended' ? [endedMessage(current.reason, lifetimes)] : []);
    const tenant = await findTenantOfId(db, current.session.tenantId);
    return { ...current, cell, fromPlane: tenant !== undefined && tenant.cell === cell && isSupportPlane(tenant) };
  }

  /** A customer: staff are not, and have routes of their own. */
  async function customerOf(request: FastifyRequest): Promise<Customer> {
    const { fromPlane, ...customer } = await signedIn(request);
    if (fromPlane) throw OktaErrors.forbidden();
    return customer;
  }

  /** A member of the cell's support staff holding one of `roles`. */
  async function staffOf(request: FastifyRequest, roles: readonly string[]): Promise<StaffMember> {
    const { fromPlane, ...member } = await signedIn(request);
    if (!fromPlane || !member.user.staffRoles.some((r) => roles.includes(r))) throw OktaErrors.forbidden();
    return { ...member, planeId: member.session.tenantId };
  }

  /** An onRequest hook: before the schemas, a route of the Help Center does not exist on any other host, whatever was sent. */
  function onHelpCenterHostOnly(request: FastifyRequest, _reply: unknown, done: (err?: Error) => void): void {
    try {
      cellOf(request);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  return { cellOf, sessionOf, customerOf, staffOf, signedIn, onHelpCenterHostOnly };
}
