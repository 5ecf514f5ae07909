import assert from 'node:assert/strict';
import { calculateJwkThumbprint } from 'jose';
import { openCase } from '../../src/cases/service.ts';
import { currentHelpCenterSession, startHelpCenterSession, type Identity } from '../../src/helpcenter/sessions.ts';
import { systemClock, type Clock } from '../../src/lib/clock.ts';
import { requestExtension } from '../../src/support-access/extension-service.ts';
import { requestAccess } from '../../src/support-access/service.ts';
import type { SupportScope } from '../../src/support-access/scopes.ts';
import { createSupportPlane, findTenant, findTenantOfId, operatorContext, supportPlaneSlug } from '../../src/tenants/service.ts';
import { apiClient, type Api, type TestServer } from '../helpers.ts';
import { adminBrowser, newDeviceKey, type AdminBrowser, type DeviceKey } from './admin-session.ts';
import { newSession, newUser, ok, profileOf, unique, type Fixture, type SessionRef } from './fixtures.ts';
import { hostClient, type HostClient, type HostResponse } from './host-client.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

/** A browser's cookie jar at the Help Center of `cell`. */
export function helpCenterClient(server: TestServer, cell = 'commercial', opts: { headers?: Record<string, string> } = {}): HostClient {
  return hostClient(server.url, cell === 'commercial' ? 'support' : `support-${cell}`, opts);
}

/**
 * A browser at the Help Center naming `org`: the Help Center's answer, and, when it sent the browser to the
 * tenant, the tenant's redirects followed with the tenant's cookies (`web`) until they lead back to a Help
 * Center; that last request is made by `hc`. Staff start at `/help/staff/signin` instead (`startPath`).
 */
export async function signInThrough(hc: HostClient, web: HostClient, org: string, startPath = `/help/signin?org=${org}`): Promise<{ start: HostResponse; back?: URL; end?: HostResponse }> {
  const start = await hc('GET', startPath, undefined, { accept: 'text/html' });
  const first = start.headers.get('location');
  if (start.status !== 303 || !first || !first.startsWith('http')) return { start };
  let at = new URL(first);
  for (let hops = 0; hops < 10 && at.host === web.host; hops += 1) {
    const res = await web('GET', `${at.pathname}${at.search}`, undefined, { accept: 'text/html' });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return { start, back: at };
    at = new URL(location, at);
  }
  const end = at.host === hc.host ? await hc('GET', `${at.pathname}${at.search}`, undefined, { accept: 'text/html' }) : undefined;
  return { start, back: at, ...(end ? { end } : {}) };
}

/** A new ACTIVE user of the fixture's tenant with a tenant session, an admin (HELP_DESK_ADMIN) when asked. */
export async function tenantUser(fixture: Fixture, opts: { admin?: boolean } = {}): Promise<SessionRef> {
  const user = await newUser(fixture, 'ACTIVE');
  if (opts.admin) ok(await fixture.api('POST', `/api/v1/users/${user.id}/roles`, { type: 'HELP_DESK_ADMIN' }), 'grant role');
  return newSession(fixture, user);
}

/** A user of `slug` signed in to their cell's Help Center through their tenant: the Help Center's cookie jar. */
export async function helpCenterCustomer(server: TestServer, fixture: Fixture, slug: string, opts: { admin?: boolean; cell?: string } = {}): Promise<{ hc: HostClient; tenantSession: SessionRef }> {
  const tenantSession = await tenantUser(fixture, opts);
  const hc = helpCenterClient(server, opts.cell);
  const { end } = await signInThrough(hc, tenantSession.web, slug);
  if (end?.status !== 303 || !hc.cookies.has('help_sid')) throw new Error(`Help Center sign-in failed: ${end?.status} ${end?.text}`);
  return { hc, tenantSession };
}

/** A cell's support plane made for a test, with its API and its staff groups (Support agents, Senior support agents, Support security, Report admins). */
export type SupportPlane = { id: string; slug: string; api: Api; groups: Map<string, string> };

export async function newSupportPlane(server: TestServer, clock: Clock, cell: string): Promise<SupportPlane> {
  const created = await createSupportPlane(server.db, clock, { cell, adminEmail: `it@staff-${cell}.example.com` });
  const api = apiClient(server.url, created.apiToken);
  const groups = new Map<string, string>();
  for (const name of ['Support agents', 'Senior support agents', 'Support security', 'Report admins']) groups.set(name, ok(await api('POST', '/api/v1/groups', { profile: { name } }), 'group').body.id as string);
  return { id: created.tenant.id, slug: created.tenant.slug, api, groups };
}

/** The RFC 7638 thumbprint of a device key's public key, as a staff sign-in names it (`jkt`). */
export function thumbprintOf(key: DeviceKey): Promise<string> {
  return calculateJwkThumbprint(key.publicJwk, 'sha256');
}

/**
 * A staff browser's Help Center tab, signed in there through the plane (`web`, already signed in to it) with a
 * new device key: the sign-in names the key, and the answer is the admin console's kind of browser (every call
 * carries a proof signed with the key and the latest nonce, retried once on a stale one), whose `web` is the
 * bare cookie jar a copied cookie would be.
 */
export async function staffSignIn(server: TestServer, p: SupportPlane, cell: string, web: HostClient, opts: { headers?: Record<string, string> } = {}): Promise<AdminBrowser> {
  const key = newDeviceKey();
  const raw = helpCenterClient(server, cell, opts);
  const { end } = await signInThrough(raw, web, p.slug, `/help/staff/signin?jkt=${await thumbprintOf(key)}`);
  assert.equal(end?.status, 303, end?.text);
  assert.ok(raw.cookies.has('help_sid'), 'signed in to the Help Center');
  return adminBrowser(raw, key, null);
}

/**
 * A staff member of `p` in `group` (none: no staff role), invited and enrolled with a passkey through the link,
 * signed in to the plane for the Help Center with that passkey and then to the cell's Help Center through it
 * with a device key (staffSignIn): the Help Center's tab (`hc`, proving the key on every call), the plane's
 * cookie jar (`web`), whose requests all send `headers` (a test places the browser on a network with
 * X-Forwarded-For), and the passkey's authenticator.
 */
export async function newStaffMember(
  server: TestServer, p: SupportPlane, cell: string, group?: string | readonly string[], opts: { headers?: Record<string, string> } = {},
): Promise<{ hc: AdminBrowser; web: HostClient; authenticator: SoftAuthenticator; id: string }> {
  const login = `${unique('agent')}@staff.example.com`;
  const created = ok(await p.api('POST', '/api/v1/users?activate=false', { profile: profileOf(login) }), 'invite staff');
  for (const g of typeof group === 'string' ? [group] : group ?? []) ok(await p.api('PUT', `/api/v1/groups/${p.groups.get(g)}/users/${created.body.id}`), 'add to group');
  const token = ok(await p.api('POST', `/api/v1/users/${created.body.id}/lifecycle/activate`), 'activate').body.activationToken as string;
  const web = hostClient(server.url, p.slug, opts);
  const authenticator = new SoftAuthenticator();
  const opened = ok(await web('POST', '/api/v1/authn', { token }), 'open the invitation');
  const factor = opened.body._embedded.factor;
  const enrolled = ok(await web('POST', `/api/v1/authn/factors/${factor.id}/lifecycle/activate`, { stateToken: opened.body.stateToken, credential: authenticator.create(factor._embedded.activation, `http://${web.host}`) }), 'enroll');
  assert.equal(enrolled.body.status, 'SUCCESS', enrolled.text);
  const start = ok(await web('POST', '/api/v1/authn/passkey', { audience: 'help_center' }), 'passkey sign-in');
  const done = ok(await web('POST', '/api/v1/authn/passkey/verify', { stateToken: start.body.stateToken, credential: authenticator.get(start.body._embedded.challenge, `http://${web.host}`) }), 'verify passkey');
  await web('GET', `/login/sessionCookieRedirect?token=${done.body.sessionToken}&redirectUrl=%2F`);
  const hc = await staffSignIn(server, p, cell, web, opts);
  return { hc, web, authenticator, id: created.body.id as string };
}

/** The support plane of the fixture tenant's cell, made if there is none yet. */
async function planeOf(f: Fixture, cell: string): Promise<string> {
  const found = await findTenant(f.db, supportPlaneSlug(cell));
  if (found) return found.id;
  return createSupportPlane(f.db, systemClock, { cell, adminEmail: `it@staff-${cell}.example.com` })
    .then((p) => p.tenant.id, async () => (await findTenant(f.db, supportPlaneSlug(cell)))?.id as string);
}

const FIXTURE_LIFETIMES = { idleMinutes: 30, maxHours: 12, staffIdleMinutes: 15 };
const NO_NETWORK = { ip: null, asn: null, asOrg: null, country: null };
const fixtureAudit = () => operatorContext('fixture-support-access');

/** A Help Center user of `tenantId` signed in through the services (no browser), as the Help Center records them. */
async function helpCenterUserOf(db: Fixture['db'], cell: string, tenantId: string, identity: Omit<Identity, 'amr' | 'contact'>) {
  const { token } = await startHelpCenterSession(db, systemClock, FIXTURE_LIFETIMES, { cell, tenantId, identity: { ...identity, amr: ['pwd'], contact: { username: null, timeZone: null, phone: null, address: null } }, network: NO_NETWORK, audit: fixtureAudit });
  const current = await currentHelpCenterSession(db, systemClock, FIXTURE_LIFETIMES, cell, token);
  if (current.kind !== 'live') throw new Error('fixture: no Help Center session');
  return current.user;
}

/** An open case of the fixture's tenant, opened by a customer of it in its cell's Help Center, through the services. */
export async function newCaseOf(f: Fixture): Promise<{ id: string; cell: string }> {
  const tenant = await findTenantOfId(f.db, f.tenantId);
  if (!tenant) throw new Error('fixture: no tenant');
  const customer = await helpCenterUserOf(f.db, tenant.cell, f.tenantId, { subject: unique('00ucust'), name: 'Fixture Customer', email: `${unique('customer')}@example.com`, adminRoles: [], staffRoles: [] });
  const opened = await openCase({ db: f.db, clock: systemClock, cell: tenant.cell, user: customer, audit: fixtureAudit() }, { title: 'Users cannot sign in', description: 'Since this morning.', severity: 'SEV2', productArea: 'SIGN_IN' });
  return { id: opened.id, cell: tenant.cell };
}

/**
 * A request for support access to the fixture's tenant, waiting for its admins, made as the Help Center makes
 * one: a customer of the tenant signs in to the Help Center and opens a case, an agent of the cell's support
 * plane signs in and asks for `scopes` against it. Through the services, without the browsers' sign-ins.
 */
export async function newAccessRequest(f: Fixture, scopes: SupportScope[] = ['okta.users.read']): Promise<{ id: string; caseId: string; planeId: string }> {
  const { staff, caseId } = await fixtureAgentOnCase(f);
  const grant = await requestAccess(staff, caseId, { scopes, justification: 'The customer cannot sign in; I need to look at their user.' });
  return { id: grant.id, caseId, planeId: staff.planeId };
}

/** A new open case of the fixture's tenant, and an agent of its cell's support plane signed in to work it. */
async function fixtureAgentOnCase(f: Fixture) {
  const opened = await newCaseOf(f);
  const planeId = await planeOf(f, opened.cell);
  const agent = await helpCenterUserOf(f.db, opened.cell, planeId, { subject: unique('00uagent'), name: 'Fixture Agent', email: `${unique('agent')}@staff.example.com`, adminRoles: [], staffRoles: ['AGENT'] });
  return { staff: { db: f.db, clock: systemClock, cell: opened.cell, planeId, user: agent, audit: fixtureAudit }, caseId: opened.id };
}

/**
 * A running grant of the fixture's tenant (approved by its admin through the API) on which the agent asked for
 * `minutes` more, waiting for the admins' decision.
 */
export async function newExtensionRequest(f: Fixture, minutes = 60): Promise<{ id: string; caseId: string }> {
  const { staff, caseId } = await fixtureAgentOnCase(f);
  const grant = await requestAccess(staff, caseId, { scopes: ['okta.users.read'], justification: 'The customer cannot sign in; I need to look at their user.' });
  ok(await f.api('POST', `/api/v1/support-access/grants/${grant.id}/approve`, {}), 'approve the grant');
  await requestExtension(staff, grant.id, { durationMinutes: minutes, justification: 'The customer needs another hour of help.' });
  return { id: grant.id, caseId };
}
