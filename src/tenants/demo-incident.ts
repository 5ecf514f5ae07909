/**
 * The demo's incident (README, "Demo"): at first start, a support staff member's account in the demo support
 * plane is used from an intruder's network, as in 2022, and `demo` ships with the investigation of it saved,
 * ready to open in the admin console. Everything goes through the services a real request would reach, so its
 * System Log events are the ones Bulwark writes: a customer's case, a request for access, the admin's approval,
 * a support token and what was done under it, the revocation, and the investigation.
 */
import { openCase } from '#src/cases/service.ts';
import { readCase, type StaffContext } from '#src/cases/staff-service.ts';
import type { Config } from '#src/config.ts';
import type { Db } from '#src/db/database.ts';
import { resetAllFactors } from '#src/factors/service.ts';
import { createInvestigation, listInvestigations } from '#src/forensics/investigations.ts';
import { customerActor, newDeviceThumbprint, signInWithoutBrowser, type HelpCenterUser, type Identity } from '#src/helpcenter/sessions.ts';
import { principalActor, principalDetail, type Principal } from '#src/http/principal.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newRequestId } from '#src/lib/ids.ts';
import { newSecret } from '#src/lib/secrets.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { recordSupportRead } from '#src/support-access/activity.ts';
import { authenticateSupport } from '#src/support-access/authenticate.ts';
import { decide, issueAccessToken, requestAccess, revokeAccess } from '#src/support-access/service.ts';
import type { AuditContext, LogActor } from '#src/syslog/log-event.ts';
import { changeLifecycle, createUser, lockUserForChange, lookupUser, userTarget, type UserRow } from '#src/users/service.ts';
import { authorizeReset } from '#src/verification/gate.ts';
import type { DemoSupportPlane } from './bootstrap.ts';
import { DEMO_DOMAIN, demoUsers } from './demo-data.ts';
import { operatorServiceContext, type CreatedTenant } from './service.ts';

export const DEMO_INVESTIGATION = 'Support account takeover (demo)';

type Client = { ip: string; userAgent: string };

/** A commercial VPN host's address (M247, AS9009, the range the simulator's 2022 intruder uses) and its own browser. */
const INTRUDER: Client = { ip: '146.70.117.23', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:96.0) Gecko/20100101 Firefox/96.0' };
/** The demo admin at the office (RFC 5737 documentation range). */
const OFFICE: Client = { ip: '198.51.100.24', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36' };

const CELL = 'commercial';
const CONTACT = { username: null, timeZone: null, phone: null, address: null };
const MINUTE = 60_000;

/** What publicAuditContext records for a request of `client` to `requestUri`. */
function webAudit(actor: LogActor, client: Client, requestUri: string): AuditContext {
  return { actor, ipAddress: client.ip, userAgent: client.userAgent, transaction: { detail: {}, id: newRequestId(), type: 'WEB' }, requestUri };
}

/**
 * The service context of one request made with a support token, as serviceContextOf and auditContextOf
 * (src/http/request-context.ts) build it for a support principal, from the intruder's address.
 */
function underGrant(db: Db, clock: Clock, p: Principal, requestUri: string): ServiceContext {
  if (p.via.kind !== 'support') throw new Error('demo incident: not a support principal');
  return {
    db, clock, tenantId: p.tenant.id,
    audit: { actor: principalActor(p), ipAddress: INTRUDER.ip, userAgent: INTRUDER.userAgent, transaction: { detail: principalDetail(p), id: newRequestId(), type: 'WEB' }, requestUri },
    actor: { userId: p.user.id, roles: p.roles, support: true },
    authChanged: () => {},
  };
}

/** Signs someone in to the cell's Help Center through the services (no browser): their Help Center record. */
function helpCenterUser(db: Db, clock: Clock, config: Config, tenantId: string, identity: Omit<Identity, 'contact'>, client: Client, deviceJkt?: string): Promise<HelpCenterUser> {
  return signInWithoutBrowser(db, clock, config.helpCenterSession, {
    cell: CELL, tenantId, identity: { ...identity, contact: CONTACT }, network: { ip: client.ip, asn: null, asOrg: null, country: null },
    ...(deviceJkt === undefined ? {} : { deviceJkt }), audit: (actor) => webAudit(actor, client, '/help/signin/callback'),
  });
}

/**
 * Plays the incident on the demo tenant and saves its investigation; does nothing when `demo` already has it.
 * `tenantOrigin` is the demo tenant's own origin, which a password reset's recovery link points to.
 */
export async function bootstrapDemoIncident(db: Db, clock: Clock, config: Config, demo: CreatedTenant, support: DemoSupportPlane, tenantOrigin: string): Promise<string | undefined> {
  const tenantId = demo.tenant.id;
  const adminRow = await lookupUser(db, tenantId, demo.adminId);
  if (!adminRow) throw new Error('demo incident: the demo admin is missing');
  const admin = userTarget(adminRow);
  const adminName = admin.displayName ?? demo.adminLogin;
  const adminAt = (requestUri: string): ServiceContext => ({
    db, clock, tenantId, audit: webAudit(admin, OFFICE, requestUri), actor: { userId: admin.id, roles: new Set(['SUPER_ADMIN']) }, authChanged: () => {},
  });
  if ((await listInvestigations(adminAt('/api/v1/investigations'), 200)).some((i) => i.name === DEMO_INVESTIGATION)) return undefined;
  const since = clock.now();

  // A contractor on the support team: the account the intruder holds. It is made ACTIVE with a password nobody
  // knows (a passkey needs an authenticator to be made); the intruder drives the contractor's own laptop, whose
  // synced passkey signs in to the Help Center, as the 2022 intruder drove a support engineer's machine remotely.
  const domain = config.baseDomain.replace(/:\d+$/, '');
  const login = `evelyn.berezin@staff-commercial.${domain}`;
  const planeCtx = operatorServiceContext(db, clock, support.plane.tenant.id, `seed-${support.plane.tenant.id}`);
  const staffRow = await createUser(planeCtx, {
    profile: { login, email: login, firstName: 'Evelyn', lastName: 'Berezin', userType: 'Contractor', title: 'Support Engineer' },
    password: `${newSecret(18)}Aa1`, activate: true, expirePassword: false, groupIds: [support.groups.get('Support agents') as string],
  });
  const staffUser = await helpCenterUser(db, clock, config, support.plane.tenant.id,
    { subject: staffRow.id, name: 'Evelyn Berezin', email: login, adminRoles: [], staffRoles: ['AGENT'], amr: ['swk'] }, INTRUDER, await newDeviceThumbprint());
  const staffAt = (requestUri: string): StaffContext => ({ db, clock, cell: CELL, planeId: support.plane.tenant.id, user: staffUser, audit: (actor) => webAudit(actor, INTRUDER, requestUri) });

  // The demo admin's case in the Help Center, which the intruder picks to ask for access against.
  const customer = await helpCenterUser(db, clock, config, tenantId,
    { subject: admin.id, name: adminName, email: demo.adminLogin, adminRoles: ['SUPER_ADMIN'], staffRoles: [], amr: ['pwd'] }, OFFICE);
  const kase = await openCase({ db, clock, cell: CELL, user: customer, audit: webAudit(customerActor(customer), OFFICE, '/help/v1/cases') }, {
    title: 'Sales team cannot sign in after the SSO change', description: 'Since this morning nobody in Sales can sign in; they get "invalid password".', severity: 'SEV2', productArea: 'SIGN_IN',
  });
  await readCase(staffAt(`/help/v1/staff/cases/${kase.id}`), kase.id);
  const asked = await requestAccess(staffAt(`/help/v1/staff/cases/${kase.id}/access-requests`), kase.id, {
    scopes: ['okta.users.read', 'okta.users.passwords.reset', 'okta.users.factors.reset'], durationMinutes: 240,
    justification: 'Users locked out after the SSO change; I need to reset their passwords and MFA to get them back in.',
  });
  await decide(adminAt(`/api/v1/support-access/grants/${asked.id}/approve`), asked.id, { id: admin.id, name: adminName }, 'APPROVED', { note: 'Please help Sales get back in.' });
  const { token } = await issueAccessToken(staffAt(`/help/v1/staff/access-grants/${asked.id}/token`), asked.id);
  const principal = await authenticateSupport(db, clock, `Support ${token}`);
  if (!principal) throw new Error('demo incident: the support token was refused');

  // Under the grant, from the intruder's network: read the users, reset passwords, then one user's factors.
  const users = underGrant(db, clock, principal, '/api/v1/users');
  await recordSupportRead(db, clock, tenantId, users.audit, { method: 'GET', route: '/api/v1/users', query: 'limit=200' });
  const victims: UserRow[] = [];
  for (const u of demoUsers(DEMO_DOMAIN).filter((d) => d.password)) {
    const found = await lookupUser(db, tenantId, u.profile['login'] as string);
    if (found) victims.push(found);
  }
  const factorVictim = victims.pop();
  for (const v of victims) await changeLifecycle(underGrant(db, clock, principal, `/api/v1/users/${v.id}/lifecycle/reset_password`), v.id, 'reset_password', { tenantOrigin });
  if (factorVictim) {
    const read = underGrant(db, clock, principal, `/api/v1/users/${factorVictim.id}/factors`);
    await recordSupportRead(db, clock, tenantId, read.audit, { method: 'GET', route: '/api/v1/users/:id/factors', query: '' });
    const reset = underGrant(db, clock, principal, `/api/v1/users/${factorVictim.id}/lifecycle/reset_factors`);
    await db.transaction().execute(async (tx) => {
      const target = userTarget(await lockUserForChange(tx, reset, factorVictim.id));
      await resetAllFactors(tx, clock, tenantId, reset.audit, target, await authorizeReset(tx, reset, target, 'RESET_FACTORS'));
    });
  }

  // The admin notices, takes the grant back and opens the investigation of it.
  await revokeAccess(adminAt(`/api/v1/support-access/grants/${asked.id}/revoke`), asked.id, { id: admin.id, name: adminName });
  const until = Math.ceil((clock.now().getTime() + 1) / MINUTE) * MINUTE + MINUTE;
  const window = { since: new Date(Math.floor(since.getTime() / MINUTE) * MINUTE - MINUTE).toISOString(), until: new Date(until).toISOString() };
  const saved = await createInvestigation(adminAt('/api/v1/investigations'), { name: DEMO_INVESTIGATION, window, suspects: { actorIds: [staffRow.id], ips: [INTRUDER.ip] } }, adminName);
  return saved.id;
}
