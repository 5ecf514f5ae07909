import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { InteractionResults } from 'oidc-provider';
import { isAssigned, type OidcClient } from '#src/apps/service.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { inProcessProtocol } from '#src/http/in-process.ts';
import { publicAuditContext } from '#src/http/request-context.ts';
import { assertSameOrigin } from '#src/http/same-origin.ts';
import type { TenantRef } from '#src/http/tenant-host.ts';
import { sessionRefusal } from '#src/policy/sign-on.ts';
import { readSessionCookie, sessionCookieClearing } from '#src/sessions/cookie.ts';
import { endSession, sessionForCookie, type SessionRow } from '#src/sessions/service.ts';
import type { LogActor } from '#src/syslog/log-event.ts';
import { lookupUser, userTarget, type UserRow } from '#src/users/service.ts';
import { authenticateClientSecret } from './client-auth.ts';
import { HELP_CENTER_CLIENT_ID } from './clients.ts';
import { consentPage, PAGE_CSP } from './pages.ts';
import { buildProvider, INTERACTION_PATH, OIDC_ROUTES, type ProviderDeps, type TenantProvider } from './provider.ts';
import { oidcRequestScope, type OidcRequestScope } from './scope.ts';

/** Providers are built per tenant on first use and kept for a while: keys and settings are read at build. */
const PROVIDER_TTL_MS = 60_000;
/** Tenants signed in to at once in one process before the cache starts over (each holds its keys and client cache). */
const MAX_PROVIDERS = 1_000;

type Verdict =
  | { kind: 'ok'; session: SessionRow; user: UserRow }
  | { kind: 'sign-in' }
  | { kind: 'refused'; reason: string; user: UserRow }
  | { kind: 'unassigned'; user: UserRow };

const UNASSIGNED = 'User is not assigned to the client application.';

/** The sign-in page, for this app (its sign-on rule decides the factors), coming back to `next`. */
const signInFor = (client: OidcClient, next: string) => `/signin?app=${client.appId}&next=${encodeURIComponent(next)}`;

function appTargetOf(client: OidcClient): LogActor {
  return { id: client.appId, type: 'AppInstance', alternateId: client.label, displayName: client.label, detailEntry: null };
}

/**
 * Each tenant's OpenID Connect provider (oidc-provider), on the tenant's own host, at Okta's org authorization
 * server paths, plus the interaction that signs the user in with Bulwark's own sign-in page and sign-on rules.
 */
export async function oidcRoutes(app: FastifyInstance, opts: { secretsKey: Buffer }): Promise<void> {
  const { db, clock, config } = app.deps;
  const deps: ProviderDeps = { db, clock, secrets: app.secrets, secretsKey: opts.secretsKey, trustProxy: config.trustedProxies.length > 0 };
  const providers = new Map<string, { at: number; built: Promise<TenantProvider> }>();

  async function providerOf(request: FastifyRequest): Promise<{ tenant: TenantRef; tp: TenantProvider }> {
    const tenant = await app.tenantOf(request);
    const issuer = `${inProcessProtocol(request) ?? request.protocol}://${request.host}`;
    const key = `${tenant.id} ${issuer}`;
    const now = clock.now().getTime();
    let hit = providers.get(key);
    // Math.abs: a clock set back (tests do) must not keep a provider for good.
    if (!hit || Math.abs(now - hit.at) >= PROVIDER_TTL_MS) {
      hit = { at: now, built: buildProvider(deps, tenant, issuer) };
      if (providers.size >= MAX_PROVIDERS) providers.clear();
      providers.set(key, hit);
      hit.built.catch(() => providers.delete(key));
    }
    return { tenant, tp: await hit.built };
  }

  /** Whether the request's Bulwark session signs `user` in to `client` now, and if not, why. */
  async function verdictFor(request: FastifyRequest, tenant: TenantRef, client: OidcClient, userOf: (id: string) => Promise<UserRow | undefined>): Promise<Verdict> {
    const session = await sessionForCookie(db, clock, tenant.id, readSessionCookie(request));
    if (!session || session.device !== null) return { kind: 'sign-in' };
    // The three reads are independent: asked together, they share one round trip to the database.
    const [user, refusal, assigned] = await Promise.all([
      userOf(session.userId),
      app.networkOf(request.ip).then((network) => sessionRefusal(db, tenant.id, session, client.appId, network, clock.now())),
      // Every user of a tenant may sign in to the Help Center; an app, only those assigned to it.
      client.clientId === HELP_CENTER_CLIENT_ID || isAssigned(db, tenant.id, client.appId, session.userId),
    ]);
    if (!user || user.status !== 'ACTIVE') return { kind: 'sign-in' };
    if (refusal !== null) return { kind: 'refused', reason: refusal.replace(/^[a-z]+: /, ''), user };
    if (!assigned) return { kind: 'unassigned', user };
    return { kind: 'ok', session, user };
  }

  function scopeOf(request: FastifyRequest, tenant: TenantRef, tp: TenantProvider): OidcRequestScope {
    const ending: (() => Promise<void>)[] = [];
    const users = new Map<string, Promise<UserRow | undefined>>();
    const user = (id: string) => {
      let found = users.get(id);
      if (!found) users.set(id, found = lookupUser(db, tenant.id, id).then((u) => (u?.id === id ? u : undefined)));
      return found;
    };
    const verdicts = new Map<string, Promise<Verdict | undefined>>();
    const verdictOf = (clientId: string) => {
      let verdict = verdicts.get(clientId);
      if (!verdict) verdicts.set(clientId, verdict = tp.clients.find(clientId).then((client) => client && verdictFor(request, tenant, client, user)));
      return verdict;
    };
    const named = (request.query as Record<string, unknown> | undefined)?.['client_id'];
    const clientId = typeof named === 'string' ? named : undefined;
    // An authorization request asks for the sign-in verdict: started now, its reads go with oidc-provider's first.
    if (clientId !== undefined && request.routeOptions.url === OIDC_ROUTES.authorization) verdictOf(clientId).catch(() => undefined);
    return {
      clientId,
      user,
      atEnd: (work) => ending.push(work),
      async settle() {
        for (const work of ending.splice(0)) await work();
      },
      audit: (actor) => publicAuditContext(request, actor),
      pending: [],
      endSignIn(header) {
        header('set-cookie', sessionCookieClearing(request));
        ending.push(async () => {
          const session = await sessionForCookie(db, clock, tenant.id, readSessionCookie(request));
          const owner = session && await user(session.userId);
          if (session && owner) await endSession(db, clock, tenant.id, publicAuditContext(request, userTarget(owner)), session, userTarget(owner));
        });
      },
      async signInHolds(accountId, clientId) {
        const verdict = await verdictOf(clientId);
        return verdict?.kind === 'ok' && verdict.user.id === accountId;
      },
    };
  }

  /** Hands the request to the tenant's oidc-provider, in the scope its adapter and checks read. */
  async function forward(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { tenant, tp } = await providerOf(request);
    if (request.method === 'POST') await authenticateClientSecret(request, tp);
    reply.hijack();
    await oidcRequestScope.run(scopeOf(request, tenant, tp), () => tp.handle(request.raw, reply.raw));
  }

  /**
   * `user.authentication.sso` for the interaction's end, written with it: interactionFinished stores the
   * interaction's result, and the adapter writes pending events in that store's transaction.
   */
  function ssoEvent(scope: OidcRequestScope, client: OidcClient, user: UserRow, outcome: { result: 'SUCCESS' | 'FAILURE' | 'DENY'; reason?: string }): void {
    scope.pending.push({
      actor: userTarget(user),
      events: [{
        eventType: 'user.authentication.sso',
        displayMessage: 'User single sign on to app',
        outcome: { result: outcome.result, reason: outcome.reason ?? null },
        target: [appTargetOf(client)],
        debugData: { clientId: client.clientId },
      }],
    });
  }

  // oidc-provider reads its own request bodies (form posts to the token endpoint): they are left unread here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

  const publicRoute = { config: { auth: 'public' as const } };
  app.get('/.well-known/openid-configuration', publicRoute, forward);
  app.get(OIDC_ROUTES.jwks, publicRoute, forward);
  app.get(OIDC_ROUTES.authorization, publicRoute, forward);
  app.post(OIDC_ROUTES.authorization, publicRoute, forward);
  app.get(`${OIDC_ROUTES.authorization}/:uid`, publicRoute, forward);
  app.post(OIDC_ROUTES.token, publicRoute, forward);
  app.get(OIDC_ROUTES.userinfo, publicRoute, forward);
  app.post(OIDC_ROUTES.userinfo, publicRoute, forward);
  app.get(OIDC_ROUTES.end_session, publicRoute, forward);
  app.post(OIDC_ROUTES.end_session, publicRoute, forward);
  app.post(`${OIDC_ROUTES.end_session}/confirm`, publicRoute, forward);
  app.get(`${OIDC_ROUTES.end_session}/success`, publicRoute, forward);
  app.post(OIDC_ROUTES.revocation, publicRoute, forward);
  app.post(OIDC_ROUTES.introspection, publicRoute, forward);

  const uidParams = { type: 'object', properties: { uid: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }, required: ['uid'] } as const;

  /** The interaction in flight for this browser, which must be the one the path names. */
  async function interactionOf(request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply) {
    const { tenant, tp } = await providerOf(request);
    const details = await tp.provider.interactionDetails(request.raw, reply.raw).catch(() => {
      throw OktaErrors.invalidRequest('interaction: this sign-in has expired or was finished; start again from the app');
    });
    if (details.uid !== request.params.uid) throw OktaErrors.invalidRequest('interaction: this sign-in belongs to another browser window; start again from the app');
    const client = await tp.clients.find(String(details.params['client_id']));
    const scope = scopeOf(request, tenant, tp);
    const finish = async (result: InteractionResults, merge = false) => {
      reply.hijack();
      await oidcRequestScope.run(scope, () => tp.provider.interactionFinished(request.raw, reply.raw, result, { mergeWithLastSubmission: merge }));
    };
    return { tenant, tp, details, client, scope, finish };
  }

  /** A consent: the grant of the scopes the app asks for and does not hold yet. */
  async function grantConsent(tp: TenantProvider, details: Awaited<ReturnType<TenantProvider['provider']['interactionDetails']>>, clientId: string): Promise<string> {
    const accountId = details.session?.accountId;
    if (!accountId) throw OktaErrors.invalidRequest('interaction: sign in first');
    const grant = (details.grantId ? await tp.provider.Grant.find(details.grantId) : undefined) ?? new tp.provider.Grant({ accountId, clientId });
    const missing = details.prompt.details['missingOIDCScope'];
    if (Array.isArray(missing)) grant.addOIDCScope(missing.join(' '));
    const claims = details.prompt.details['missingOIDCClaims'];
    if (Array.isArray(claims)) grant.addOIDCClaims(claims as string[]);
    return grant.save();
  }

  /**
   * Where oidc-provider sends the browser to sign in and to consent. Sign-in: with a Bulwark session that the
   * app's sign-on rule accepts, and the user assigned to the app, the authorization goes on; without one, to
   * the sign-in page and back here; refused by the rule even after signing in, or not assigned, the app gets
   * access_denied. Consent: a first-party (TRUSTED) app is granted what it asks; any other gets a consent page.
   */
  app.get<{ Params: { uid: string }; Querystring: { retry?: string } }>(`${INTERACTION_PATH}/:uid`, {
    config: { auth: 'public' },
    schema: { params: uidParams, querystring: { type: 'object', properties: { retry: { type: 'string', enum: ['1'] } }, additionalProperties: false } },
  }, async (request, reply) => {
    const { tenant, tp, details, client, scope, finish } = await interactionOf(request, reply);
    if (!client) return finish({ error: 'access_denied', error_description: 'The application is not active.' });

    const here = `${INTERACTION_PATH}/${details.uid}`;
    const verdict = await verdictFor(request, tenant, client, scope.user);
    switch (verdict.kind) {
      case 'sign-in':
        return reply.redirect(signInFor(client, here), 303);
      case 'refused':
        if (request.query.retry === undefined) return reply.redirect(signInFor(client, `${here}?retry=1`), 303);
        ssoEvent(scope, client, verdict.user, { result: 'DENY', reason: verdict.reason });
        return finish({ error: 'access_denied', error_description: verdict.reason });
      case 'unassigned':
        ssoEvent(scope, client, verdict.user, { result: 'FAILURE', reason: UNASSIGNED });
        return finish({ error: 'access_denied', error_description: UNASSIGNED });
      case 'ok': {
        const { session, user } = verdict;
        if (details.prompt.name === 'login') {
          ssoEvent(scope, client, user, { result: 'SUCCESS' });
          return finish({ login: { accountId: user.id, amr: session.amr, ts: Math.floor((session.lastFactorVerification ?? session.created).getTime() / 1000) } });
        }
        if (details.session?.accountId !== user.id) return reply.redirect(signInFor(client, here), 303);
        if (client.consentMethod === 'TRUSTED') return finish({ consent: { grantId: await grantConsent(tp, details, client.clientId) } }, true);
        const scopes = String(details.params['scope'] ?? 'openid').split(' ');
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', PAGE_CSP)
          .send(consentPage({ appLabel: client.label, login: String(user.profile['login'] ?? ''), scopes, action: `${here}/consent` }));
      }
    }
  });

  /** The consent page's answer: a form post from this origin, within the interaction it was shown for. */
  app.post<{ Params: { uid: string } }>(`${INTERACTION_PATH}/:uid/consent`, { config: { auth: 'public' }, schema: { params: uidParams } }, async (request, reply) => {
    assertSameOrigin(request);
    const decision = new URLSearchParams(await readSmallBody(request)).get('decision');
    if (decision !== 'allow' && decision !== 'deny') throw OktaErrors.validation('decision', ['decision: allow or deny']);
    const { tenant, tp, details, client, scope, finish } = await interactionOf(request, reply);
    if (!client) return finish({ error: 'access_denied', error_description: 'The application is not active.' });
    const verdict = await verdictFor(request, tenant, client, scope.user);
    if (verdict.kind !== 'ok' || details.prompt.name !== 'consent' || details.session?.accountId !== verdict.user.id) {
      throw OktaErrors.invalidRequest('interaction: there is no consent to give here; start again from the app');
    }
    if (decision === 'deny') return finish({ error: 'access_denied', error_description: 'The user did not allow the application.' }, true);
    const scopes = String(details.params['scope'] ?? 'openid');
    const events = { actor: userTarget(verdict.user), events: [{ eventType: 'app.oauth2.consent.grant', displayMessage: 'User granted consent to app', target: [appTargetOf(client)], debugData: { grantedScopes: scopes, clientId: client.clientId } }] };
    scope.pending.push(events);
    const grantId = await oidcRequestScope.run(scope, () => grantConsent(tp, details, client.clientId));
    return finish({ consent: { grantId } }, true);
  });
}

/** A form post's body, which this mount leaves unread for oidc-provider: small, or refused. */
async function readSmallBody(request: FastifyRequest): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > 1024) throw OktaErrors.payloadTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
