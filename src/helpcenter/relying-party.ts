import type { FastifyInstance } from 'fastify';
import * as oidc from 'openid-client';
import { inProcessFetch } from '#src/http/in-process.ts';
import { HELP_CENTER_CLIENT_ID, internalClientSecret } from '#src/oidc/clients.ts';
import type { Identity } from './sessions.ts';

/** A tenant's discovery document is read again after this long: its keys rotate with a grace period of a day. */
const CONFIG_TTL_MS = 5 * 60_000;
const MAX_CONFIGS = 1_000;

/**
 * What the Help Center asks for: of a customer's tenant, who the customer is and whether they administer it;
 * of the cell's support plane, who the staff member is and their groups there, which are their staff roles.
 * A customer's groups are never asked for.
 */
const SCOPES = { customer: 'openid profile email admin_roles', staff: 'openid profile email groups' } as const;
export type SignInKind = keyof typeof SCOPES;

/** The support plane's groups that make staff roles (docs/help-center.md). */
const STAFF_GROUPS: Record<string, string> = {
  'Support agents': 'AGENT',
  'Senior support agents': 'SENIOR_AGENT',
  'Support security': 'SECURITY',
  'Report admins': 'REPORT_ADMIN',
};

/** The checks a sign-in started with, kept in the browser sealed (login-state.ts) until the callback. */
export type LoginChecks = { state: string; nonce: string; verifier: string };

/** Why the callback did not sign anyone in: the provider's OAuth error, or the answer failing openid-client's checks. */
export type CallbackFailure = { error: string; description: string };

/**
 * The Help Center as an OpenID Connect relying party of each tenant, with openid-client: discovery, code
 * flow with PKCE, state and nonce, the `iss` of the authorization response (RFC 9207) and the ID token's
 * signature and claims all checked by the library. The tenant's provider is reached in process (in-process.ts).
 */
export function helpCenterRelyingParty(app: FastifyInstance, secretsKey: Buffer) {
  const fetch = inProcessFetch(app);
  const { clock } = app.deps;
  const configs = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

  function configurationOf(issuer: string, tenantId: string): Promise<oidc.Configuration> {
    // Keyed by tenant too: the client secret is the tenant's, and a slug may name another tenant later.
    const key = `${tenantId} ${issuer}`;
    const now = clock.now().getTime();
    const hit = configs.get(key);
    // Math.abs: a clock set back (tests do) must not keep a configuration for good.
    if (hit && Math.abs(now - hit.at) < CONFIG_TTL_MS) return hit.config;
    const secret = internalClientSecret(secretsKey, tenantId, HELP_CENTER_CLIENT_ID);
    const config = oidc.discovery(new URL(issuer), HELP_CENTER_CLIENT_ID, undefined, oidc.ClientSecretBasic(secret), {
      [oidc.customFetch]: fetch,
      ...(issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
    if (configs.size >= MAX_CONFIGS) configs.clear();
    configs.set(key, { at: now, config });
    config.catch(() => configs.delete(key));
    return config;
  }

  return {
    /** Where to send the browser to sign in at the tenant, and the checks to keep for the callback. */
    async start(issuer: string, tenantId: string, redirectUri: string, kind: SignInKind): Promise<{ url: URL; checks: LoginChecks }> {
      const config = await configurationOf(issuer, tenantId);
      const checks = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: SCOPES[kind],
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.verifier),
        code_challenge_method: 'S256',
      });
      return { url, checks };
    },

    /** The callback: the code exchanged and the ID token checked, or why not. */
    async finish(issuer: string, tenantId: string, callbackUrl: URL, checks: LoginChecks): Promise<{ ok: true; identity: Identity } | { ok: false; failure: CallbackFailure }> {
      const config = await configurationOf(issuer, tenantId);
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.verifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) return { ok: false, failure: { error: 'invalid_grant', description: 'The provider sent no ID token.' } };
        // The code flow's ID token names the subject; the profile claims come from userinfo, checked against it.
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        return { ok: true, identity: identityOf({ ...info, amr: claims.amr, sub: claims.sub }) };
      } catch (e) {
        if (e instanceof oidc.AuthorizationResponseError || e instanceof oidc.ResponseBodyError) {
          return { ok: false, failure: { error: e.error, description: e.error_description ?? e.error } };
        }
        if (e instanceof oidc.ClientError) return { ok: false, failure: { error: 'invalid_response', description: e.message } };
        throw e;
      }
    },
  };
}

export type HelpCenterRelyingParty = ReturnType<typeof helpCenterRelyingParty>;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The ID token's claims reduced to what the Help Center keeps: the subject, a name, an email, the admin role
 * types, the staff roles the support plane's groups give, and the contact fields a support system holds when
 * the provider sends them (the Help Center asks for no phone or address scope, so those are rarely there).
 * Everything else the token carries (locale, other groups, ...) is dropped here.
 */
export function identityOf(claims: oidc.UserInfoResponse & { amr?: unknown }): Identity {
  const email = text(claims['email']) ?? null;
  const roles = claims['admin_roles'];
  const groups = claims['groups'];
  return {
    subject: claims.sub,
    name: text(claims['name']) ?? email ?? claims.sub,
    email,
    adminRoles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string' && /^[A-Z_]{1,64}$/.test(r)).sort() : [],
    staffRoles: Array.isArray(groups) ? [...new Set(groups.flatMap((g) => (typeof g === 'string' && Object.hasOwn(STAFF_GROUPS, g) ? [STAFF_GROUPS[g] as string] : [])))].sort() : [],
    contact: {
      username: text(claims['preferred_username']) ?? null,
      timeZone: text(claims['zoneinfo']) ?? null,
      phone: text(claims['phone_number']) ?? null,
      address: text((claims['address'] as { formatted?: unknown } | undefined)?.formatted) ?? null,
    },
    amr: Array.isArray(claims.amr) ? claims.amr.filter((a): a is string => typeof a === 'string' && /^[a-z]{1,16}$/.test(a)) : [],
  };
}
