/**
 * One support visit to a tenant, as docs/support-access.md describes it and support-access/service.ts logs it:
 * a customer's case, the staff member's request, the tenant's decision, a token, the reads and writes done with
 * it, and the end. Grant events go to the tenant's log and the support plane's (logBoth); what is done under
 * the token goes to the tenant's log only.
 */
import { caseTarget } from '#src/cases/service.ts';
import { derivedId } from '#src/lib/ids.ts';
import { base62, between, chance, pick, weighted, type Rand } from '#src/lib/random.ts';
import { appTarget } from '#src/policy/sign-on.ts';
import { policyActor } from '#src/support-access/policy-service.ts';
import type { SupportScope } from '#src/support-access/scopes.ts';
import { details, grantTarget, type GrantRow } from '#src/support-access/service.ts';
import type { EventInput, LogActor, LogTarget } from '#src/syslog/log-event.ts';
import { clearSessionsEvent, resetFactorsEvent, resetPasswordEvent, signInEvents, userActor, webContext, type Timeline } from './simulate-events.ts';
import { adminOf, memberOf, workTime, type Network, type Person, type SimTenant, type Staff } from './simulate-world.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The cell's support plane: its tenant id, its cell, and its case counter. */
export type Plane = { id: string; cell: string; nextCaseNumber(): string };

export function makeSupportPlane(id: string, cell: string): Plane {
  // Case numbers run on from a fixed start, as the support system's counter does.
  let n = 1_040_000;
  return { id, cell, nextCaseNumber: () => String(++n) };
}

export type Visit = {
  tenant: SimTenant;
  staff: Staff;
  /** Where the staff member works from (the intruder's addresses, for the hijacked account in the window). */
  network: Network;
  userAgent: string;
  requestAt: number;
  scopes: SupportScope[];
  reads: number;
  resetPasswords: Person[];
  resetFactors: Person[];
  clearSessions: Person[];
  /** STAFF ends the grant; EXPIRE lets it run out; OPEN leaves the token live (the takeover's last tenants). */
  end: 'STAFF' | 'EXPIRE' | 'OPEN';
  /** The tenant's admin turns the request down. */
  deny?: boolean;
  /** How soon the tenant's admin decides, in minutes (4 to 150 unless said). */
  decideWithin?: readonly [number, number];
  /** Nothing is done with the token from this time on (the takeover's end). */
  actUntil?: number;
  /** Events before this time (the simulated period's start) are left out: they happened before it. */
  notBefore: number;
};

export type VisitOutcome = { grant: GrantRow; tokenId: string | null };

const READ_ROUTES: readonly (readonly [{ route: string; uri: (p: Person) => string; query?: string }, number])[] = [
  [{ route: '/api/v1/users', uri: () => '/api/v1/users', query: 'limit=200' }, 4],
  [{ route: '/api/v1/users/:id', uri: (p) => `/api/v1/users/${p.id}` }, 5],
  [{ route: '/api/v1/users/:id/factors', uri: (p) => `/api/v1/users/${p.id}/factors` }, 3],
  [{ route: '/api/v1/users/:id/groups', uri: (p) => `/api/v1/users/${p.id}/groups` }, 2],
  [{ route: '/api/v1/groups', uri: () => '/api/v1/groups' }, 1],
  [{ route: '/api/v1/logs', uri: () => '/api/v1/logs', query: 'since=2022-01-01T00%3A00%3A00Z&limit=100' }, 1],
];

const CASE_TITLES = [
  'Users cannot sign in to Salesforce', 'MFA prompt loops after password change', 'New hires not receiving activation email',
  'Locked out after factor reset', 'SSO to Zoom fails with invalid_client', 'System Log export missing events', 'Admin cannot remove a factor',
  'Password policy not applied to a group', 'Help with sign-on rule for contractors', 'API token stopped working',
] as const;
const PRODUCT_AREAS = ['SIGN_IN', 'MFA', 'DIRECTORY', 'SSO', 'SYSTEM_LOG', 'API', 'ADMIN_CONSOLE'] as const;
const READ_ONLY_RULE = { name: 'Read-only help on low-severity cases', scopes: ['okta.users.read', 'okta.logs.read'] as SupportScope[], severities: ['SEV3', 'SEV4'] as ('SEV3' | 'SEV4')[], maxDurationMinutes: 240 };

/** staffActor (cases/staff-service.ts): the staff member in the support console. */
function consoleActor(staff: Staff, cell: string): LogActor {
  return { alternateId: staff.login, detailEntry: { supportPlane: cell }, displayName: staff.displayName, id: staff.id, type: 'SupportStaff' };
}

/** A support token's principal (http/request-context.ts): the staff member, naming the grant and the case. */
function tokenActor(staff: Staff, grant: GrantRow): LogActor {
  return { alternateId: staff.login, detailEntry: { caseId: grant.caseId, supportAccessGrantId: grant.id, supportPlane: grant.cell }, displayName: staff.displayName, id: staff.id, type: 'SupportStaff' };
}

/** Plans one visit and returns its grant (for the ground truth) and the token it left, if any. */
export function planVisit(tl: Timeline, rand: Rand, plane: Plane, v: Visit): VisitOutcome {
  const { tenant, staff } = v;
  const both = (at: number, ctx: Parameters<Timeline['add']>[2], input: EventInput) => {
    if (at < v.notBefore) return;
    tl.add(tenant.id, at, ctx, [input]);
    tl.add(plane.id, at, ctx, [input]);
  };
  const customer = memberOf(tenant, rand);
  const severity = weighted(rand, [['SEV2', 2], ['SEV3', 5], ['SEV4', 3]] as const);
  const row = { id: `cas${base62(rand, 17)}`, number: plane.nextCaseNumber(), title: pick(rand, CASE_TITLES), severity, productArea: pick(rand, PRODUCT_AREAS) };
  const openedAt = v.requestAt - between(rand, 10, 36 * 60) * MINUTE;
  if (openedAt >= v.notBefore) {
    tl.add(tenant.id, openedAt, webContext(rand, userActor(customer), customer.network, customer.userAgent, '/help/v1/cases'), [{
      eventType: 'bulwark.support.case.open', displayMessage: 'Support case opened', target: [caseTarget(row)], debugData: { cell: plane.cell, status: 'OPEN' },
    }]);
  }
  const caseT: LogTarget = caseTarget(row);
  const staffCtx = (uri: string) => webContext(rand, consoleActor(staff, plane.cell), v.network, v.userAgent, uri);
  // Staff read the case before asking for access (cases/staff-service.ts readCase, in the plane's log only).
  const readAt = v.requestAt - between(rand, 1, 8) * MINUTE;
  if (readAt >= v.notBefore) {
    tl.add(plane.id, readAt, staffCtx(`/help/v1/staff/cases/${row.id}`), [{
      eventType: 'bulwark.support.case.read', displayMessage: 'Support staff read a case',
      target: [caseT, { id: tenant.id, type: 'Org', alternateId: tenant.slug, displayName: tenant.name, detailEntry: null }], debugData: { comments: between(rand, 0, 4), attachments: between(rand, 0, 1) },
    }]);
  }

  const durationMinutes = pick(rand, [60, 120, 240, 240, 480]);
  let grant: GrantRow = {
    tenantId: tenant.id, id: `sag${base62(rand, 17)}`, caseId: row.id, cell: plane.cell, planeId: plane.id,
    staff: { id: derivedId('hcu', staff.id), subject: staff.id, name: staff.displayName, email: staff.login },
    justification: `Case #${row.number}: ${row.title.toLowerCase()}; need to look at the affected users`, scopes: v.scopes, durationMinutes,
    status: 'PENDING', requested: new Date(v.requestAt), decideBy: new Date(v.requestAt + 12 * 60 * MINUTE), decision: null, expires: null, revocation: null,
  };
  const requestCtx = staffCtx(`/help/v1/staff/cases/${row.id}/access-requests`);
  both(v.requestAt, requestCtx, {
    eventType: 'bulwark.support.access.request', displayMessage: 'Support staff asked for access to the organization', target: [grantTarget(grant), caseT],
    debugData: { ...details(grant), justification: grant.justification, decideBy: grant.decideBy.toISOString() },
  });

  const readOnly = v.scopes.every((s) => READ_ONLY_RULE.scopes.includes(s));
  let decidedAt: number;
  if (tenant.preApproval && readOnly && severity !== 'SEV2' && !v.deny) {
    decidedAt = v.requestAt;
    grant = { ...grant, status: 'APPROVED', decision: { kind: 'POLICY', rule: READ_ONLY_RULE.name, at: new Date(decidedAt), note: null }, expires: new Date(decidedAt + durationMinutes * MINUTE) };
    // The rule approves in the request's own transaction (support-access/service.ts requestAccess).
    both(decidedAt, { ...requestCtx, actor: policyActor(READ_ONLY_RULE) }, {
      eventType: 'user.session.impersonation.grant', legacyEventType: 'core.user.impersonation.grant.enabled', displayMessage: 'Enable impersonation grant',
      target: [grantTarget(grant), caseT], debugData: { ...details(grant), rule: READ_ONLY_RULE, caseSeverity: severity },
    });
  } else {
    const admin = adminOf(tenant, rand);
    const sessionId = `102${base62(rand, 17)}`;
    const [soonest, latest] = v.decideWithin ?? [4, 150];
    decidedAt = v.requestAt + between(rand, soonest, latest) * MINUTE;
    tl.add(tenant.id, decidedAt - between(rand, 1, 3) * MINUTE, webContext(rand, userActor(admin), admin.network, admin.userAgent, '/api/v1/authn'),
      signInEvents(tenant.id, admin, sessionId, { admin: true }));
    const adminCtx = webContext(rand, userActor(admin), admin.network, admin.userAgent, `/api/v1/support-access/grants/${grant.id}/${v.deny ? 'deny' : 'approve'}`, { sessionId });
    if (v.deny) {
      both(decidedAt, adminCtx, {
        eventType: 'bulwark.support.access.deny', displayMessage: 'Support access request denied', outcome: { result: 'DENY', reason: null }, target: [grantTarget(grant)],
        debugData: { ...details(grant), asked: { scopes: grant.scopes, durationMinutes }, note: null },
      });
      return { grant: { ...grant, status: 'DENIED' }, tokenId: null };
    }
    grant = { ...grant, status: 'APPROVED', decision: { kind: 'ADMIN', by: admin.id, byName: admin.displayName, at: new Date(decidedAt), note: null }, expires: new Date(decidedAt + durationMinutes * MINUTE) };
    both(decidedAt, adminCtx, {
      eventType: 'user.session.impersonation.grant', legacyEventType: 'core.user.impersonation.grant.enabled', displayMessage: 'Enable impersonation grant',
      target: [grantTarget(grant)], debugData: { ...details(grant), asked: { scopes: grant.scopes, durationMinutes }, note: null },
    });
  }

  let at = decidedAt + between(rand, 1, 20) * MINUTE;
  const tokenId = `sat${base62(rand, 17)}`;
  const actEnd = Math.min(at + 60 * MINUTE, (grant.expires as Date).getTime(), v.actUntil ?? Infinity);
  both(at, staffCtx(`/help/v1/staff/access-grants/${grant.id}/token`), {
    eventType: 'user.session.impersonation.initiate', displayMessage: 'Initiate impersonation session', target: [grantTarget(grant)],
    debugData: { ...details(grant), tokenExpires: new Date(at + 60 * MINUTE).toISOString() },
  });

  // Everything done with the token happens within its hour.
  const step = () => {
    at = Math.min(at + between(rand, 5, 240) * 1000, actEnd - 1000);
    return at;
  };
  const detail = { caseId: grant.caseId, supportAccessGrantId: grant.id };
  const asToken = (uri: string) => webContext(rand, tokenActor(staff, grant), v.network, v.userAgent, uri, { detail });
  for (let i = 0; i < v.reads; i++) {
    const read = weighted(rand, READ_ROUTES);
    const uri = read.uri(memberOf(tenant, rand));
    tl.add(tenant.id, step(), asToken(uri), [{
      eventType: 'bulwark.support.api.read', displayMessage: 'Support staff read data of the organization',
      debugData: { method: 'GET', route: read.route, ...(read.query === undefined ? {} : { query: read.query }) },
    }]);
  }
  const sessionsOf = () => Array.from({ length: between(rand, 0, 2) }, () => `102${base62(rand, 17)}`);
  for (const p of v.resetPasswords) {
    const ended = sessionsOf();
    tl.add(tenant.id, step(), asToken(`/api/v1/users/${p.id}/lifecycle/reset_password`), [resetPasswordEvent(p), ...(ended.length > 0 ? [clearSessionsEvent(p, 'lifecycle', ended)] : [])]);
  }
  for (const p of v.resetFactors) tl.add(tenant.id, step(), asToken(`/api/v1/users/${p.id}/lifecycle/reset_factors`), [resetFactorsEvent(p)]);
  for (const p of v.clearSessions) tl.add(tenant.id, step(), asToken(`/api/v1/users/${p.id}/sessions`), [clearSessionsEvent(p, 'admin', sessionsOf().concat(`102${base62(rand, 17)}`))]);

  if (v.end === 'STAFF') {
    at += between(rand, 1, 10) * MINUTE;
    both(at, staffCtx(`/help/v1/staff/access-grants/${grant.id}/end`), {
      eventType: 'user.session.impersonation.end', displayMessage: 'End impersonation session', target: [grantTarget(grant)],
      debugData: { ...details(grant), endedBy: 'STAFF', was: 'APPROVED', extensionEnded: null },
    });
  }
  return { grant, tokenId: v.end === 'OPEN' ? tokenId : null };
}

export const WRITE_SCOPES: SupportScope[] = ['okta.users.read', 'okta.users.passwords.reset', 'okta.users.factors.reset'];
export const READ_SCOPES: SupportScope[] = ['okta.users.read', 'okta.logs.read'];

/** The UTC offset of a staff member's office, for their working hours. */
export const staffOffset = (s: Staff): number => (s.network.country === 'US' ? -6 : 1);

/**
 * A staff member's working days in the plane's log between `from` and `to`: a passkey sign-in to the support
 * plane and the Help Center each weekday morning, and a few looks at the case queue.
 */
export function planStaffDays(tl: Timeline, rand: Rand, plane: Plane, s: Staff, from: number, to: number): void {
  for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) {
    const at = workTime(rand, staffOffset(s), Math.max(day, from), Math.min(day + DAY, to));
    if (at >= to || at < from) continue;
    const sessionId = `102${base62(rand, 17)}`;
    tl.add(plane.id, at, webContext(rand, userActor(s), s.network, s.userAgent, '/api/v1/authn'), signInEvents(plane.id, s, sessionId));
    tl.add(plane.id, at + between(rand, 5, 60) * 1000, webContext(rand, userActor(s), s.network, s.userAgent, '/help/v1/login/callback', { sessionId }), [{
      eventType: 'bulwark.help_center.session.start', displayMessage: 'User signed in to the Help Center', target: [appTarget('help_center')],
      debugData: { helpCenterSessionId: `hcs${base62(rand, 17)}`, cell: plane.cell, amr: 'pwd hwk' },
    }]);
    for (let i = between(rand, 1, 3); i > 0; i--) {
      const readAt = Math.min(at + between(rand, 2, 480) * MINUTE, to - 1);
      tl.add(plane.id, readAt, webContext(rand, consoleActor(s, plane.cell), s.network, s.userAgent, '/help/v1/staff/cases'), [queueRead(rand)]);
    }
  }
}

/** cases/staff-service.ts readQueue */
export const queueRead = (rand: Rand): EventInput => ({
  eventType: 'bulwark.support.queue.read', displayMessage: 'Support staff read the case queue', target: [],
  debugData: { status: pick(rand, ['OPEN', 'IN_PROGRESS', null]), query: null, assignee: pick(rand, ['me', 'nobody', null]), limit: 50, rows: between(rand, 3, 50) },
});

/** `count` ordinary visits by `staff` to tenants across the period: mostly reads, some resets for a user who asked. */
export function planRoutineSupport(tl: Timeline, rand: Rand, plane: Plane, staff: readonly Staff[], tenants: readonly SimTenant[], period: { start: number; end: number }, count: number): void {
  for (let i = 0; i < count; i++) {
    const tenant = pick(rand, tenants);
    const s = pick(rand, staff);
    const writes = chance(rand, 0.35);
    const user = memberOf(tenant, rand);
    planVisit(tl, rand, plane, {
      tenant, staff: s, network: s.network, userAgent: s.userAgent, notBefore: period.start,
      requestAt: workTime(rand, staffOffset(s), period.start + 15 * MINUTE, period.end - 6 * 60 * MINUTE),
      scopes: writes ? WRITE_SCOPES : READ_SCOPES, reads: between(rand, 1, 6),
      resetPasswords: writes && chance(rand, 0.6) ? [user] : [], resetFactors: writes && chance(rand, 0.4) ? [user] : [], clearSessions: [],
      end: chance(rand, 0.6) ? 'STAFF' : 'EXPIRE', deny: chance(rand, 0.05),
    });
  }
}
