import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditContext, EventInput, LogActor } from '#src/syslog/log-event.ts';
import type { UserRow } from '#src/users/service.ts';

/**
 * The Bulwark request an oidc-provider call runs in. oidc-provider calls its adapter and account functions
 * without the request, so the mount (routes.ts) runs it inside this scope and the adapter reads who is asking
 * from here to write the System Log events of what it stores, in the same transaction.
 */
export type OidcRequestScope = {
  audit(actor: LogActor): AuditContext;
  /** The client_id the request names in its query (an authorization request), for reading its grant early. */
  clientId: string | undefined;
  /** The tenant's user by id, read once per request however many parts of it ask. */
  user(id: string): Promise<UserRow | undefined>;
  /**
   * Events of a change oidc-provider is about to store (a consent becomes a saved grant): the adapter writes
   * them in the transaction of its next write, and empties the list.
   */
  pending: { actor: LogActor; events: EventInput[] }[];
  /**
   * Ends the request's Bulwark session (RP-initiated logout): `header` adds the cookie-clearing header to the
   * response oidc-provider is writing; the session row is ended at the request's end.
   */
  endSignIn(header: (name: string, value: string) => void): void;
  /** Work for the end of the request, done by `settle` (a logout's session end, a code's use not yet written). */
  atEnd(work: () => Promise<void>): void;
  /** Does the request's work for its end, before its response is sent. */
  settle(): Promise<void>;
  /** Whether the request's Bulwark session is `accountId`'s and may be used for the app of `clientId` now. */
  signInHolds(accountId: string, clientId: string): Promise<boolean>;
};

export const oidcRequestScope = new AsyncLocalStorage<OidcRequestScope>();
