import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '#src/db/database.ts';
import type { TenantRef } from '#src/http/tenant-host.ts';
import type { Clock } from '#src/lib/clock.ts';
import type { SecretBox } from '#src/lib/secret-box.ts';
import { createHmac } from 'node:crypto';
import { lookupUser } from '#src/users/service.ts';
import { findAccount, SCOPE_CLAIMS } from './account.ts';
import { pgAdapter } from './adapter.ts';
import { clientLookup, type ClientLookup } from './clients.ts';
import { tenantSigningKeys } from './keys.ts';
import { errorPage, logoutPage, PAGE_CSP, signedOutPage } from './pages.ts';
import { oidcRequestScope } from './scope.ts';
import { helpCenterOriginFor } from '#src/helpcenter/hosts.ts';

function htmlPage(ctx: KoaContextWithOIDC, html: string): void {
  ctx.type = 'html';
  ctx.set('content-security-policy', PAGE_CSP);
  ctx.set('cache-control', 'no-store');
  ctx.body = html;
}

/** Okta's paths for the org authorization server, so Okta's SDKs and settings find their way. */
export const OIDC_ROUTES = {
  authorization: '/oauth2/v1/authorize',
  token: '/oauth2/v1/token',
  userinfo: '/oauth2/v1/userinfo',
  jwks: '/oauth2/v1/keys',
  end_session: '/oauth2/v1/logout',
  revocation: '/oauth2/v1/revoke',
  introspection: '/oauth2/v1/introspect',
} as const;

export const INTERACTION_PATH = '/oauth2/v1/interaction';

export type TenantProvider = {
  provider: Provider;
  /** The provider's request handler, composed once (koa composes its middleware on every `callback()`). */
  handle: ReturnType<Provider['callback']>;
  clients: ClientLookup;
  issuer: string;
};

export type ProviderDeps = { db: Db; clock: Clock; secrets: SecretBox; secretsKey: Buffer; trustProxy: boolean };

/**
 * Whether the Bulwark sign-in behind oidc-provider's session still holds for this app (the mount answers it
 * for the request in flight): a provider session alone never signs anyone in again once the Bulwark session
 * ended, the tenant's sign-on rule for the app stopped allowing it, or the user was unassigned.
 */
const signInHolds = new interactionPolicy.Check('bulwark_sign_in', 'the Bulwark sign-in behind this session no longer holds for this app', async (ctx: KoaContextWithOIDC) => {
  const scope = oidcRequestScope.getStore();
  const accountId = ctx.oidc.session?.accountId;
  const clientId = ctx.oidc.client?.clientId;
  if (!scope || !accountId || !clientId) return interactionPolicy.Check.REQUEST_PROMPT;
  return (await scope.signInHolds(accountId, clientId)) ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
});

function policy(): interactionPolicy.DefaultPolicy {
  const p = interactionPolicy.base();
  p.get('login')?.checks.add(signInHolds);
  return p;
}

/** oidc-provider for one tenant: its issuer is the tenant's own origin, its keys and storage are the tenant's. */
export async function buildProvider(deps: ProviderDeps, tenant: TenantRef, issuer: string): Promise<TenantProvider> {
  const { db, clock } = deps;
  const clients = clientLookup(db, clock, tenant.id, deps.secretsKey, helpCenterOriginFor(issuer, tenant.cell));
  const keys = await tenantSigningKeys(db, clock, deps.secrets, tenant.id);
  const cookieKey = createHmac('sha256', deps.secretsKey).update(`oidc-cookies:${tenant.id}`).digest('base64url');

  const configuration: Configuration = {
    adapter: pgAdapter({ db, clock, tenantId: tenant.id, clients }),
    findAccount: (_ctx, sub) => findAccount(db, tenant.id, sub, oidcRequestScope.getStore()?.user ?? ((id) => lookupUser(db, tenant.id, id))),
    claims: SCOPE_CLAIMS as unknown as Configuration['claims'],
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'groups', 'admin_roles'],
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt', 'none'],
    // Public clients prove possession of the code with PKCE; confidential ones may too (openid-client does).
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    routes: OIDC_ROUTES,
    jwks: { keys },
    cookies: {
      keys: [cookieKey],
      names: { session: 'oidc_session', interaction: 'oidc_interaction', resume: 'oidc_resume' },
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}`, policy: policy() },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => htmlPage(ctx, logoutPage(form)),
        postLogoutSuccessSource: (ctx) => htmlPage(ctx, signedOutPage()),
      },
      userinfo: { enabled: true },
    },
    ttl: {
      AuthorizationCode: 60,
      AccessToken: 3600,
      IdToken: 3600,
      Interaction: 600,
      Session: 12 * 3600,
      Grant: 30 * 24 * 3600,
      RefreshToken: 30 * 24 * 3600,
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    allowOmittingSingleRegisteredRedirectUri: false,
    renderError: (ctx, out) => htmlPage(ctx, errorPage(String(out['error'] ?? 'server_error'), typeof out['error_description'] === 'string' ? out['error_description'] : undefined)),
    // A first-party app (consent TRUSTED) is granted what it asks for; any other app's consent is asked.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const clientId = oidc.client?.clientId;
      const accountId = oidc.session?.accountId;
      if (!clientId || !accountId || !oidc.session) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(clientId);
      const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if ((await clients.find(clientId))?.consentMethod !== 'TRUSTED') return existing;
      const requested = [...oidc.requestParamScopes];
      const granted = new Set(existing?.getOIDCScope().split(' ') ?? []);
      if (existing && requested.every((s) => granted.has(s))) return existing;
      const grant = existing ?? new oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope(requested.join(' '));
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.proxy = deps.trustProxy;
  // Runs around every oidc-provider request, before koa sends the response: a sign-out is done when it answers.
  provider.use(async (_ctx, next) => {
    try {
      await next();
    } finally {
      await oidcRequestScope.getStore()?.settle();
    }
  });
  // RP-initiated logout ends the sign-in itself, not only oidc-provider's session: that is the OP's session.
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => oidcRequestScope.getStore()?.endSignIn((name, value) => ctx.append(name, value)));
  return { provider, handle: provider.callback(), clients, issuer };
}
