import { raiseAlert } from '#src/alerts/service.ts';
import type { Db } from '#src/db/database.ts';
import { AppError } from '#src/http/errors.ts';
import type { Clock } from '#src/lib/clock.ts';
import { auditNetwork, type NetworkInfo } from '#src/network/resolver.ts';
import { clearSessionsOfUser, hasSignedIn, knownNetworks, type SessionRow } from '#src/sessions/service.ts';
import type { AuditContext, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';

export type EnrollmentCheck = {
  db: Db;
  clock: Clock;
  tenantId: string;
  user: LogTarget;
  /** The session the factor is added in, or null when a sign-in sets up the factor its rule asks for (MFA_ENROLL). */
  session: Pick<SessionRow, 'id'> | null;
  network: NetworkInfo;
  days: number;
  audit: AuditContext;
  factorType: string;
};

const refused = (days: number) => new AppError(403, 'E0000006', 'You do not have permission to perform the requested action', [
  `factor: a factor cannot be added from a network this account has not signed in from in the last ${days} days; every session of the account was ended. Ask an administrator for an enrollment link.`,
]);

/**
 * The rule that would have stopped the 2022 support-tool intrusion (CONTEXT.md, incident 1): adding a factor,
 * inside a session or during a sign-in that a sign-on rule sends to MFA_ENROLL, from an AS or country the
 * user had not signed in from in the last `days` days (the session's own sign-in does not count: an
 * attacker's fresh sign-in must not vouch for itself) is refused.
 * All of the user's sessions end, `user.mfa.factor.activate` is logged with outcome DENY together with
 * `security.threat.detected`, and the tenant's admins get an alert. All of that in one transaction; then the
 * caller gets the error. An address with no known AS counts as AS 0, so a private network is one network.
 */
export async function assertEnrollmentFromKnownNetwork(c: EnrollmentCheck): Promise<void> {
  // A user who has never signed in sets up a first factor at their first sign-in, from wherever that is.
  if (c.session === null && !(await hasSignedIn(c.db, c.tenantId, c.user.id))) return;
  const known = await knownNetworks(c.db, c.clock, c.tenantId, { id: c.session?.id ?? null, userId: c.user.id }, c.days);
  const asn = c.network.asn ?? 0;
  const newAsn = !known.asns.has(asn);
  const newCountry = c.network.country !== null && !known.countries.has(c.network.country);
  if (!newAsn && !newCountry) return;
  const details = {
    factorType: c.factorType,
    ipAddress: c.network.ip,
    asn: c.network.asn,
    asOrg: c.network.asOrg,
    country: c.network.country,
    knownAsns: [...known.asns].sort((a, b) => a - b),
    knownCountries: [...known.countries].sort(),
    days: c.days,
    sessionId: c.session?.id ?? null,
  };
  const audit: AuditContext = { ...c.audit, network: auditNetwork(c.network) };
  await c.db.transaction().execute(async (tx) => {
    const ended = await clearSessionsOfUser(tx, c.clock, c.tenantId, audit, c.user, 'lifecycle');
    await recordEvents(tx, c.clock, c.tenantId, audit, [
      {
        eventType: 'user.mfa.factor.activate',
        displayMessage: 'User set up MFA factor',
        outcome: { result: 'DENY', reason: 'New factor from a new location' },
        target: [c.user],
        debugData: { factorType: c.factorType, asn: c.network.asn, country: c.network.country },
      },
      {
        eventType: 'security.threat.detected',
        displayMessage: 'Security threat detected',
        severity: 'WARN',
        outcome: { result: 'DENY', reason: 'NEW_FACTOR_FROM_NEW_LOCATION' },
        target: [c.user],
        debugData: { threatDetections: 'new factor from a new location', ...details, endedSessionIds: ended.join(',') },
      },
    ]);
    await raiseAlert(tx, c.tenantId, { type: 'NEW_FACTOR_FROM_NEW_LOCATION', severity: 'HIGH', userId: c.user.id, created: c.clock.now(), details: { ...details, endedSessionIds: ended } });
  });
  throw refused(c.days);
}
