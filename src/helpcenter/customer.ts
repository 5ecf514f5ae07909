import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tenantSlugFromHost } from '#src/http/auth.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import { readCookie } from '#src/sessions/cookie.ts';
import { cellOfHelpCenterHost } from './hosts.ts';
import { currentHelpCenterSession, type CurrentSession, type Lifetimes, type SessionEnd } from './sessions.ts';

export type Customer = Extract<CurrentSession, { kind: 'live' }> & { cell: string };

function endedMessage(reason: SessionEnd, lifetimes: Lifetimes): string {
  switch (reason) {
    case 'IDLE': return `The Help Center session ended after ${lifetimes.idleMinutes} minutes without activity.`;
    case 'MAX_LIFETIME': return `The Help Center session ended after ${lifetimes.maxHours} hours.`;
    case 'SIGNED_OUT': return 'The Help Center session was signed out.';
  }
}

/**
 * Who a Help Center request comes from. `cellOf`: the cell whose Help Center the request's host is; on any other
 * host the Help Center's routes do not exist (404). `customerOf`: the customer signed in to that Help Center,
 * or 401 saying why there is none.
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

  async function customerOf(request: FastifyRequest): Promise<Customer> {
    const cell = cellOf(request);
    const current = await sessionOf(request, cell);
    if (current.kind !== 'live') throw new AppError(401, 'E0000005', 'Invalid session', current.kind === 'ended' ? [endedMessage(current.reason, lifetimes)] : []);
    return { ...current, cell };
  }

  return { cellOf, sessionOf, customerOf };
}
