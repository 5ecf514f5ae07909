import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { staffActor } from '#src/cases/staff-service.ts';
import { AppError } from '#src/http/errors.ts';
import { publicAuditContext } from '#src/http/request-context.ts';
import { assertSameOrigin } from '#src/http/same-origin.ts';
import { readCookie, writeCookie } from '#src/sessions/cookie.ts';
import { findTenant, findTenantOfId, isSupportPlane, supportPlaneSlug, type TenantRow } from '#src/tenants/service.ts';
import { documentPage } from '#src/web/routes.ts';
import { tenantOriginFor } from './hosts.ts';
import { openLoginState, sealLoginState } from './login-state.ts';
import { helpCenterRelyingParty, type SignInKind } from './relying-party.ts';
import { helpCenterGate } from './customer.ts';
import { issueDownloadTicket } from './download-tickets.ts';
import { endHelpCenterSession, startHelpCenterSession, type Lifetimes } from './sessions.ts';

/** Why the Help Center's page was sent back to the organisation form; the page says it in its own words. */
type SignInProblem = 'unknown_org' | 'wrong_cell' | 'expired' | 'access_denied' | 'failed' | 'no_staff' | 'no_device_key';

const orgQuery = {
  type: 'object',
  properties: { org: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' } },
  required: ['org'],
  additionalProperties: false,
} as const;

/** A staff sign-in names the RFC 7638 thumbprint (SHA-256, base64url) of the device key the session is bound to. */
const staffSignInQuery = {
  type: 'object',
  properties: { jkt: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } },
  additionalProperties: false,
} as const;

/** The staff downloads a ticket may open: a case's attachment, or a report run's file in one format. */
const DOWNLOAD_PATH = '^/help/v1/staff/(cases/cas[0-9A-Za-z]{17}/attachments/cat[0-9A-Za-z]{17}|reports/runs/rrn[0-9A-Za-z]{17}/download\\?format=(csv|xlsx))$';
const ticketBody = {
  type: 'object',
  properties: { path: { type: 'string', maxLength: 200, pattern: DOWNLOAD_PATH } },
  required: ['path'],
  additionalProperties: false,
} as const;

/** Every staff role: a ticket opens nothing by itself, the download route still checks the staff member's roles. */
const STAFF_ROLES = ['AGENT', 'SENIOR_AGENT', 'SECURITY', 'REPORT_ADMIN'] as const;

/** An authorization response (RFC 6749 4.1.2, 4.1.2.1; RFC 9207 `iss`): openid-client judges it; this only bounds it. */
const callbackQuery = {
  type: 'object',
  properties: Object.fromEntries(['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state'].map((k) => [k, { type: 'string', maxLength: 2048 }])),
  additionalProperties: false,
} as const;

/**
 * The Help Center of each cell, on its own host (hosts.ts), with its own session. A customer names their
 * organisation, is sent to sign in at that tenant's OpenID Connect provider as the Help Center's client (the
 * tenant's sign-on rule for `help_center` decides the factors), and comes back signed in to the Help Center.
 * A tenant of another cell is refused here, and its provider would refuse this Help Center's redirect too.
 */
export async function helpCenterRoutes(app: FastifyInstance, opts: { secretsKey: Buffer }): Promise<void> {
  const { db, clock, config } = app.deps;
  const lifetimes: Lifetimes = config.helpCenterSession;
  const rp = helpCenterRelyingParty(app, opts.secretsKey);
  const page = documentPage('helpcenter.html');

  const { cellOf, sessionOf, signedIn, staffOf } = helpCenterGate(app);

  const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
  const backWith = (reply: FastifyReply, problem: SignInProblem, detail?: string) =>
    reply.redirect(`/?${new URLSearchParams({ error: problem, ...(detail === undefined ? {} : { error_description: detail.slice(0, 300) }) })}`, 303);

  app.get('/', (request, reply) => {
    cellOf(request);
    return page(request, reply);
  });

  /** Off to the tenant's provider, with the checks the callback needs sealed in a cookie. */
  async function signInAt(request: FastifyRequest, reply: FastifyReply, cell: string, tenant: TenantRow, kind: SignInKind, jkt?: string) {
    const issuer = tenantOriginFor(originOf(request), tenant.slug);
    const { url, checks } = await rp.start(issuer, tenant.id, `${originOf(request)}/help/callback`, kind);
    writeCookie(request, reply, 'help_login', sealLoginState(app.secrets, {
      ...checks, cell, tenantId: tenant.id, slug: tenant.slug, issuer, started: clock.now().getTime(), kind, ...(jkt === undefined ? {} : { jkt }),
    }));
    return reply.redirect(url.href, 303);
  }

  /** The organisation form's target. A cell's support plane is no customer's organisation. */
  app.get<{ Querystring: { org: string } }>('/help/signin', { schema: { querystring: orgQuery } }, async (request, reply) => {
    const cell = cellOf(request);
    const tenant = await findTenant(db, request.query.org);
    if (!tenant || isSupportPlane(tenant)) return backWith(reply, 'unknown_org');
    if (tenant.cell !== cell) return backWith(reply, 'wrong_cell');
    return signInAt(request, reply, cell, tenant, 'customer');
  });

  /**
   * Support staff sign in through their cell's support plane, whose policy asks for a passkey, from the Help
   * Center's page, which names its device key (`jkt`): the session is bound to it from its first moment, and a
   * sign-in without one is refused, never made a session that a copied cookie would open.
   */
  app.get<{ Querystring: { jkt?: string } }>('/help/staff/signin', { schema: { querystring: staffSignInQuery } }, async (request, reply) => {
    const cell = cellOf(request);
    if (request.query.jkt === undefined) return backWith(reply, 'no_device_key');
    const plane = await findTenant(db, supportPlaneSlug(cell));
    if (!plane || plane.cell !== cell) return backWith(reply, 'no_staff');
    return signInAt(request, reply, cell, plane, 'staff', request.query.jkt);
  });

  /** The tenant's answer: a code to exchange, or the OAuth error it refused the sign-in with. */
  app.get('/help/callback', { schema: { querystring: callbackQuery } }, async (request, reply) => {
    const cell = cellOf(request);
    const state = openLoginState(app.secrets, readCookie(request, 'help_login'), cell, clock.now().getTime());
    writeCookie(request, reply, 'help_login', '', new Date(0));
    if (!state) return backWith(reply, 'expired');
    // The tenant may have moved to another cell while the customer was signing in.
    const tenant = await findTenant(db, state.slug);
    if (tenant?.id !== state.tenantId || tenant.cell !== cell) return backWith(reply, 'wrong_cell');
    const result = await rp.finish(state.issuer, state.tenantId, new URL(request.url, originOf(request)), state);
    if (!result.ok) return backWith(reply, result.failure.error === 'access_denied' ? 'access_denied' : 'failed', result.failure.description);
    // Staff roles come from the support plane alone, whatever groups a customer's tenant may have.
    const staff = state.kind === 'staff' && isSupportPlane(tenant);
    const identity = staff ? result.identity : { ...result.identity, staffRoles: [] };
    if (staff && state.jkt === undefined) return backWith(reply, 'no_device_key');
    const { token } = await startHelpCenterSession(db, clock, lifetimes, {
      cell, tenantId: tenant.id, identity, network: await app.networkOf(request.ip), audit: (actor) => publicAuditContext(request, actor),
      ...(staff && state.jkt !== undefined ? { deviceJkt: state.jkt } : {}),
    });
    writeCookie(request, reply, 'help_sid', token);
    return reply.redirect('/', 303);
  });

  /** Who is signed in to this Help Center, from which organisation, until when. */
  app.get('/help/v1/session', async (request, reply) => {
    reply.header('dpop-nonce', app.proofs.nonce());
    const current = await signedIn(request);
    const { session, user, cell, fromPlane } = current;
    const tenant = await findTenantOfId(db, session.tenantId);
    if (!tenant) throw new AppError(401, 'E0000005', 'Invalid session', ['The organisation no longer exists.']);
    reply.header('cache-control', 'no-store');
    return {
      id: session.id,
      cell,
      kind: fromPlane ? 'STAFF' : 'CUSTOMER',
      organization: { id: tenant.id, slug: tenant.slug, name: tenant.name },
      user: { id: user.id, subject: user.subject, name: user.name, email: user.email, adminRoles: user.adminRoles, staffRoles: user.staffRoles },
      amr: session.amr,
      createdAt: session.created.toISOString(),
      expiresAt: current.idleExpires.toISOString(),
      maxExpiresAt: session.expires.toISOString(),
    };
  });

  /** Sign out of the Help Center; the customer stays signed in to their own tenant. */
  app.delete('/help/v1/session', async (request, reply) => {
    const cell = cellOf(request);
    assertSameOrigin(request);
    reply.header('dpop-nonce', app.proofs.nonce());
    // Signing a staff session out takes its key too: a copied cookie must not sign its owner out.
    const current = await sessionOf(request, cell);
    if (current.kind === 'live' && current.staff) await signedIn(request);
    writeCookie(request, reply, 'help_sid', '', new Date(0));
    if (current.kind === 'live') await endHelpCenterSession(db, clock, current, (actor) => publicAuditContext(request, actor));
    return reply.code(204).send();
  });

  /**
   * A download ticket for the staff console (docs/help-center.md, "Staff sessions"): a proved request gets a
   * URL that opens one download once within 60 seconds, for a navigation that cannot carry a proof.
   */
  app.post<{ Body: { path: string } }>('/help/v1/staff/download-tickets', { schema: { body: ticketBody } }, async (request, reply) => {
    const member = await staffOf(request, STAFF_ROLES);
    assertSameOrigin(request);
    const { path } = request.body;
    const { token, expires } = await issueDownloadTicket(db, clock, member, path, publicAuditContext(request, staffActor(member)));
    reply.header('cache-control', 'no-store');
    return reply.code(201).send({ url: `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams({ ticket: token })}`, expiresAt: expires.toISOString() });
  });
}
