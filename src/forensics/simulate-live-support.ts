/**
 * The intruder of `bulwark simulate --live`, as in 2022: a support staff member's account used from a VPN
 * host. It goes the whole real way (docs/support-access.md): the tenant's admin opens a case in the Help Center,
 * the staff account reads it and asks for access with write scopes, the admin approves, the account takes a
 * support token and, under it, resets users' passwords and factors. Each step is the service the route calls,
 * with the audit context that route builds, so the tenant's System Log names a `SupportStaff` actor with the
 * grant and the case, and the intruder's address and network.
 */
import { openCase, type CaseRow } from '#src/cases/service.ts';
import { readCase, type StaffContext } from '#src/cases/staff-service.ts';
import type { Config } from '#src/config.ts';
import { createGroup } from '#src/groups/service.ts';
import { listGroups } from '#src/groups/search.ts';
import { newDeviceThumbprint, signInWithoutBrowser, type HelpCenterUser, type Identity } from '#src/helpcenter/sessions.ts';
import { principalActor, principalDetail, type Principal } from '#src/http/principal.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { recordSupportRead } from '#src/support-access/activity.ts';
import { authenticateSupport } from '#src/support-access/authenticate.ts';
import { decide, issueAccessToken, requestAccess } from '#src/support-access/service.ts';
import type { AuditContext, LogActor } from '#src/syslog/log-event.ts';
import { createSupportPlane, findTenant, operatorServiceContext, supportPlaneSlug, type TenantRow } from '#src/tenants/service.ts';
import { changeLifecycle, createUser, lookupUser, userTarget, type UserRow } from '#src/users/service.ts';
import { webContext } from './simulate-events.ts';
import { adminContext, happened, newPassword, pause, resetFactorsAs, type LiveUser, type LiveWorld } from './simulate-live-people.ts';
import type { Victim } from './simulate-live-plan.ts';
import { makeStaff, type Network, type Staff } from './simulate-world.ts';

type Lifetimes = Config['helpCenterSession'];

/** The cell's support plane and the staff account the intruder holds. */
export type SupportSide = { plane: TenantRow; planeCreated: boolean; staff: UserRow; person: Staff };

/** The plane's group whose members are agents (the Help Center reads staff roles from it, relying-party.ts). */
const AGENTS = { name: 'Support agents', description: 'Work the queue and answer customers (staff role AGENT)' };
const CONTACT = { username: null, timeZone: null, phone: null, address: null };
const SCOPES = ['okta.users.read', 'okta.users.passwords.reset', 'okta.users.factors.reset'] as const;
const GRANT_MINUTES = 240;
/** A support token lasts an hour (support-access/service.ts); the intruder takes a new one a little before. */
const TOKEN_RENEWAL_MS = 50 * 60_000;

/**
 * The support plane of the tenant's cell (made, as `bulwark tenant create-support-plane` makes it, when the cell
 * has none yet) and in it the staff account of the seed's first staff member, an agent (made when missing).
 */
export async function supportSide(w: LiveWorld, seed: number): Promise<SupportSide> {
  const found = await findTenant(w.db, supportPlaneSlug(w.tenant.cell));
  const plane = found ?? (await createSupportPlane(w.db, w.clock, { cell: w.tenant.cell, adminEmail: `it@staff-${w.tenant.cell}.example` })).tenant;
  const person = makeStaff(seed, 1)[0] as Staff;
  const known = await lookupUser(w.db, plane.id, person.login);
  if (known) return { plane, planeCreated: !found, staff: known, person };
  pause(w, 30, 120);
  const ctx = operatorServiceContext(w.db, w.clock, plane.id, `simulate-live-${plane.id}`);
  const agents = (await listGroups(ctx, { q: AGENTS.name })).groups.find((g) => g.name === AGENTS.name) ?? await createGroup(ctx, AGENTS);
  pause(w, 5, 30);
  const staff = await createUser(ctx, {
    profile: { login: person.login, email: person.login, firstName: person.firstName, lastName: person.lastName, userType: 'Contractor', title: 'Support Engineer' },
    password: newPassword(), activate: true, expirePassword: false, groupIds: [agents.id],
  });
  return { plane, planeCreated: !found, staff, person };
}

function browser(actor: LogActor, network: Network, userAgent: string, requestUri: string): AuditContext {
  return webContext(Math.random, actor, network, userAgent, requestUri);
}

/** Signs someone in to the cell's Help Center through the services, as its OpenID Connect callback does. */
function helpCenterUser(w: LiveWorld, lifetimes: Lifetimes, tenantId: string, identity: Omit<Identity, 'contact'>, network: Network, userAgent: string, deviceJkt?: string): Promise<HelpCenterUser> {
  return signInWithoutBrowser(w.db, w.clock, lifetimes, {
    cell: w.tenant.cell, tenantId, identity: { ...identity, contact: CONTACT }, network: { ip: network.ip, asn: network.asNumber, asOrg: network.asOrg, country: network.country },
    ...(deviceJkt === undefined ? {} : { deviceJkt }), audit: (actor) => browser(actor, network, userAgent, '/help/signin/callback'),
  });
}

/** The tenant's admin signs in to the Help Center and opens the case the intruder will ask for access against. */
export async function openAdminCase(w: LiveWorld, lifetimes: Lifetimes, admin: LiveUser): Promise<CaseRow> {
  const { person } = admin;
  const user = await helpCenterUser(w, lifetimes, w.tenant.id,
    { subject: admin.row.id, name: person.displayName, email: person.login, adminRoles: ['SUPER_ADMIN'], staffRoles: [], amr: ['pwd'] }, person.network, person.userAgent);
  pause(w, 60, 300);
  return openCase({ db: w.db, clock: w.clock, cell: w.tenant.cell, user, audit: browser(userTarget(admin.row), person.network, person.userAgent, '/help/v1/cases') }, {
    title: 'Several people locked out after the password policy change', severity: 'SEV2', productArea: 'SIGN_IN',
    description: 'Since this morning a few of our people cannot sign in; their passwords and authenticator codes are refused.',
  });
}

/**
 * The service context of one request made with a support token, as serviceContextOf and auditContextOf build it
 * for a support principal (acting as support: never on a user who holds an admin role), from `network`.
 */
function underGrant(w: LiveWorld, p: Principal, network: Network, userAgent: string, requestUri: string): ServiceContext {
  if (p.via.kind !== 'support') throw new Error('simulate --live: not a support principal');
  return {
    db: w.db, clock: w.clock, tenantId: p.tenant.id,
    audit: webContext(Math.random, principalActor(p), network, userAgent, requestUri, { detail: principalDetail(p) }),
    actor: { userId: p.user.id, roles: p.roles, support: true }, authChanged: () => {},
  };
}

export type IntrusionFacts = { grantId: string; caseId: string };

/**
 * The intruder's visit, from `network` in its own browser: it signs in to the Help Center as the staff member,
 * reads the case, asks for access, is approved by the admin, and works down the victims with a support token,
 * taking a new one before each runs out. What it did goes into each victim's log.
 */
export async function intrude(
  w: LiveWorld, lifetimes: Lifetimes, side: SupportSide, kase: CaseRow, admin: LiveUser,
  victims: readonly (Victim & { target: LiveUser })[], network: Network, userAgent: string,
): Promise<IntrusionFacts> {
  const { person } = side;
  const staffUser = await helpCenterUser(w, lifetimes, side.plane.id,
    { subject: side.staff.id, name: person.displayName, email: person.login, adminRoles: [], staffRoles: ['AGENT'], amr: ['pwd'] }, network, userAgent, await newDeviceThumbprint());
  const staffAt = (requestUri: string): StaffContext => ({
    db: w.db, clock: w.clock, cell: w.tenant.cell, planeId: side.plane.id, user: staffUser, audit: (actor) => browser(actor, network, userAgent, requestUri),
  });
  pause(w, 30, 180);
  await readCase(staffAt(`/help/v1/staff/cases/${kase.id}`), kase.id);
  pause(w, 60, 240);
  const asked = await requestAccess(staffAt(`/help/v1/staff/cases/${kase.id}/access-requests`), kase.id, {
    scopes: [...SCOPES], durationMinutes: GRANT_MINUTES,
    justification: 'Users locked out after the policy change; I need to reset their passwords and MFA to get them back in.',
  });
  pause(w, 120, 1200);
  await decide(adminContext(w, admin, `/api/v1/support-access/grants/${asked.id}/approve`), asked.id, { id: admin.row.id, name: admin.person.displayName }, 'APPROVED', { note: 'Please get them back in.' });

  let renewAt = 0;
  let principal: Principal | null = null;
  const grantContext = async (requestUri: string): Promise<ServiceContext> => {
    if (principal === null || w.clock.now().getTime() >= renewAt) {
      pause(w, 20, 90);
      const { token } = await issueAccessToken(staffAt(`/help/v1/staff/access-grants/${asked.id}/token`), asked.id);
      renewAt = w.clock.now().getTime() + TOKEN_RENEWAL_MS;
      principal = await authenticateSupport(w.db, w.clock, `Support ${token}`);
      if (!principal) throw new Error('simulate --live: the support token was refused');
    }
    return underGrant(w, principal, network, userAgent, requestUri);
  };
  const list = await grantContext('/api/v1/users');
  await recordSupportRead(w.db, w.clock, w.tenant.id, list.audit, { method: 'GET', route: '/api/v1/users', query: 'limit=200' });

  for (const v of victims) {
    if (v.factors) {
      pause(w, 20, 90);
      const read = await grantContext(`/api/v1/users/${v.target.row.id}/factors`);
      await recordSupportRead(w.db, w.clock, w.tenant.id, read.audit, { method: 'GET', route: '/api/v1/users/:id/factors', query: '' });
      pause(w, 10, 60);
      await resetFactorsAs(await grantContext(`/api/v1/users/${v.target.row.id}/lifecycle/reset_factors`), v.target.row);
      v.target.log.push(happened(w, 'resetFactors', 'intruder', ['user.mfa.factor.reset_all']));
    }
    if (v.password) {
      pause(w, 20, 120);
      await changeLifecycle(await grantContext(`/api/v1/users/${v.target.row.id}/lifecycle/reset_password`), v.target.row.id, 'reset_password', { tenantOrigin: w.tenantOrigin });
      v.target.log.push(happened(w, 'resetPassword', 'intruder', ['user.account.reset_password']));
    }
  }
  return { grantId: asked.id, caseId: kase.id };
}
