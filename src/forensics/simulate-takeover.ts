/**
 * The January 2022 incident (CONTEXT.md), replayed on Bulwark: a support engineer's account is taken over. Before
 * the window its owner does ordinary work on a few tenants; in the window the intruder, from a VPN network of
 * its own, asks for access to one tenant after another against their open cases and, once each tenant's admin
 * has approved, reads users and resets passwords and factors. It ends as it ended then: adding a factor from a
 * new location is refused and every session of the account, support tokens included, is ended.
 * Near misses are planted beside it, for an investigation to leave out.
 */
import { base62, between, chance, sample, type Rand } from '#src/lib/random.ts';
import { details, grantTarget } from '#src/support-access/service.ts';
import type { AuditContext } from '#src/syslog/log-event.ts';
import type { Period } from './simulate-background.ts';
import { clearSessionsEvent, signInEvents, userActor, userTarget, webContext, type Timeline } from './simulate-events.ts';
import { planStaffDays, planVisit, queueRead, READ_SCOPES, staffOffset, WRITE_SCOPES, type Plane, type VisitOutcome } from './simulate-support.ts';
import { addressIn, ATTACKER_AGENT, memberOf, personOf, VPN_ISP, workTime, type Network, type SimTenant, type Staff } from './simulate-world.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export type TakeoverPlan = {
  window: { since: number; until: number };
  /** Customer tenants the owner of the account worked on before the window (two of them are touched later too). */
  beforeWindow: string[];
  /** Tenants whose token was still live when the sessions were ended: they get a token revocation. */
  liveTokens: string[];
  /** Tenants where a user whose login starts as the suspect's signed in and changed a password in the window. */
  similarLogin: { tenant: string; userId: string; login: string }[];
  /** Tenants where a user signed in from the intruder's AS (a commercial VPN), but not from its addresses. */
  sameAsn: { tenant: string; userId: string; ip: string }[];
};

/**
 * Plans the takeover over `touched` (the tenants the intruder acts on, in that order) with near misses drawn
 * from `others` (tenants it never touches).
 */
export function planTakeover(tl: Timeline, rand: Rand, plane: Plane, suspect: Staff, attacker: Network[], touched: readonly SimTenant[], others: readonly SimTenant[], period: Period): TakeoverPlan {
  const span = period.end - period.start;
  // Whole seconds, so that the window an investigator types holds exactly the intruder's events.
  const second = (t: number) => Math.floor(t / 1000) * 1000;
  const since = second(period.start + Math.max(0.18 * span, 8 * HOUR) + between(rand, 0, 90) * MINUTE);
  const termination = second(period.end - 0.04 * span - between(rand, 0, 60) * MINUTE);
  const via = () => attacker[Math.floor(rand() * attacker.length)] as Network;

  // The owner's own days and work, all of it ending hours before the window opens.
  planStaffDays(tl, rand, plane, suspect, period.start, since - 5 * HOUR);
  const earlier = [...sample(rand, others, 6), ...touched.slice(0, Math.min(2, touched.length))];
  for (const tenant of earlier) {
    planVisit(tl, rand, plane, {
      tenant, staff: suspect, network: suspect.network, userAgent: suspect.userAgent, notBefore: period.start,
      requestAt: workTime(rand, staffOffset(suspect), period.start + 30 * MINUTE, since - 5 * HOUR),
      scopes: chance(rand, 0.5) ? WRITE_SCOPES : READ_SCOPES, reads: between(rand, 1, 4), resetPasswords: [], resetFactors: [], clearSessions: [], end: 'STAFF',
    });
  }

  // The intruder's first step: a look at the case queue, from its own network.
  const net0 = via();
  tl.add(plane.id, since, webContext(rand, { alternateId: suspect.login, detailEntry: { supportPlane: plane.cell }, displayName: suspect.displayName, id: suspect.id, type: 'SupportStaff' }, net0, ATTACKER_AGENT, '/help/v1/staff/cases'), [queueRead(rand)]);

  const live = touched.length >= 3 ? 2 : 0;
  const outcomes: VisitOutcome[] = [];
  touched.forEach((tenant, i) => {
    const last = i >= touched.length - live;
    const writes = chance(rand, 0.7);
    const pickUsers = (p: number, max: number) => (writes && chance(rand, p) ? Array.from({ length: between(rand, 1, max) }, () => memberOf(tenant, rand)) : []);
    const network = via();
    outcomes.push(planVisit(tl, rand, plane, {
      tenant, staff: suspect, network, userAgent: ATTACKER_AGENT, notBefore: period.start,
      // A visit takes at most about four hours from request to end: the last ones are started early enough to finish.
      requestAt: last ? termination - between(rand, 35, 45) * MINUTE : since + 15 * MINUTE + rand() * Math.max(0, termination - 4.5 * HOUR - since - 15 * MINUTE),
      scopes: writes ? [...WRITE_SCOPES, 'okta.logs.read'] : READ_SCOPES, reads: between(rand, 2, 8),
      resetPasswords: pickUsers(0.6, 3), resetFactors: pickUsers(0.45, 2), clearSessions: pickUsers(0.25, 1),
      end: last ? 'OPEN' : chance(rand, 0.75) ? 'STAFF' : 'EXPIRE',
      deny: !last && chance(rand, 0.03),
      ...(last ? { decideWithin: [3, 8] as const, actUntil: termination - 1000 } : {}),
    }));
  });

  // The end (factors/new-location.ts): a factor added to the account from a network it never signed in from is
  // refused; every session of the account ends, and with them the support tokens it holds (sessions/service.ts).
  const net = via();
  const planeSession = `102${suspect.id.slice(3)}`;
  const ctx: AuditContext = webContext(rand, userActor(suspect), net, ATTACKER_AGENT, '/api/v1/users/me/factors/webauthn', { sessionId: planeSession });
  const open = outcomes.filter((o) => o.tokenId !== null);
  for (const o of open) {
    const input = {
      eventType: 'bulwark.support.access.token.revoke', displayMessage: 'Support access tokens revoked: the staff member\'s sessions were ended',
      target: [grantTarget(o.grant)], debugData: { ...details(o.grant), supportAccessTokenIds: [o.tokenId], reason: 'STAFF_SESSIONS_CLEARED' },
    };
    tl.add(o.grant.tenantId, termination, ctx, [input]);
    tl.add(plane.id, termination, ctx, [input]);
  }
  const known = suspect.network;
  tl.add(plane.id, termination, ctx, [
    clearSessionsEvent(suspect, 'lifecycle', [planeSession], open.map((o) => o.tokenId as string)),
    {
      eventType: 'user.mfa.factor.activate', displayMessage: 'User set up MFA factor', outcome: { result: 'DENY', reason: 'New factor from a new location' },
      target: [userTarget(suspect)], debugData: { factorType: 'webauthn', asn: net.asNumber, country: net.country },
    },
    {
      eventType: 'security.threat.detected', displayMessage: 'Security threat detected', severity: 'WARN', outcome: { result: 'DENY', reason: 'NEW_FACTOR_FROM_NEW_LOCATION' },
      target: [userTarget(suspect)],
      debugData: {
        threatDetections: 'new factor from a new location', factorType: 'webauthn', ipAddress: net.ip, asn: net.asNumber, asOrg: net.asOrg, country: net.country,
        knownAsns: [known.asNumber], knownCountries: [known.country], days: 30, sessionId: planeSession, endedSessionIds: planeSession,
      },
    },
  ]);

  const rest = others.filter((t) => !earlier.includes(t));
  // People whose login begins as the suspect's, signing in and changing their password in the window.
  const local = suspect.login.split('@')[0] as string;
  const similarLogin = sample(rand, rest, 5).map((tenant) => {
    const base = personOf(tenant, tenant.employees + 10_000);
    const p = { ...base, login: `${local}@${tenant.domain}`, firstName: suspect.firstName, lastName: suspect.lastName, displayName: suspect.displayName };
    tenant.people.set(tenant.employees + 10_000, p);
    const at = workTime(rand, tenant.utcOffset, since, termination);
    const sessionId = `102${base62(rand, 17)}`;
    tl.add(tenant.id, at, webContext(rand, userActor(p), p.network, p.userAgent, '/api/v1/authn'), signInEvents(tenant.id, p, sessionId));
    tl.add(tenant.id, at + between(rand, 1, 10) * MINUTE, webContext(rand, userActor(p), p.network, p.userAgent, '/api/v1/users/me/credentials/change_password', { sessionId }), [{
      eventType: 'user.account.update_password', displayMessage: 'User update password for Okta', target: [userTarget(p)],
      authenticationContext: { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' },
    }]);
    return { tenant: tenant.id, userId: p.id, login: p.login };
  });

  // Employees on a commercial VPN that exits from the intruder's AS, from addresses outside its block.
  const sameAsn = sample(rand, rest.filter((t) => !similarLogin.some((s) => s.tenant === t.id)), 5).map((tenant) => {
    const p = memberOf(tenant, rand);
    const network = addressIn(VPN_ISP, between(rand, 0, 20_000));
    for (let i = 0; i < 2; i++) {
      tl.add(tenant.id, workTime(rand, tenant.utcOffset, since, termination), webContext(rand, userActor(p), network, p.userAgent, '/api/v1/authn'), signInEvents(tenant.id, p, `102${base62(rand, 17)}`, { newIp: true }));
    }
    return { tenant: tenant.id, userId: p.id, ip: network.ip };
  });

  return {
    window: { since, until: termination + 1000 },
    beforeWindow: earlier.map((t) => t.id),
    liveTokens: open.map((o) => o.grant.tenantId),
    similarLogin,
    sameAsn,
  };
}
