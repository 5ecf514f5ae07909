import type { TestServer } from '../helpers.ts';
import { newSession, newUser, ok, type Fixture, type SessionRef } from './fixtures.ts';
import { hostClient, type HostClient, type HostResponse } from './host-client.ts';

/** A browser's cookie jar at the Help Center of `cell`. */
export function helpCenterClient(server: TestServer, cell = 'commercial'): HostClient {
  return hostClient(server.url, cell === 'commercial' ? 'support' : `support-${cell}`);
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
