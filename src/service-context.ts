import type { Db } from './db/database.ts';
import type { Clock } from './lib/clock.ts';
import type { RoleType } from './roles/permissions.ts';
import type { AuditContext } from './syslog/log-event.ts';

/**
 * What a service call needs: the database, the clock, the one tenant it may touch, and who is acting (for
 * the System Log and for rules such as "a help-desk admin cannot act on an admin"). Built once per request
 * by the HTTP layer, or once per command by the CLI; services never read a tenant id from anywhere else.
 */
export type ServiceContext = {
  db: Db;
  clock: Clock;
  tenantId: string;
  audit: AuditContext;
  /**
   * `support`: support staff under a grant (docs/support-access.md), who act as the help desk does but never on a
   * user who holds an admin role, verified or not.
   */
  actor: { userId: string | null; roles: ReadonlySet<RoleType>; support?: true };
  /** Called after a change that can alter what a token may do (tokens, roles, an admin's status). */
  authChanged(): void;
};
