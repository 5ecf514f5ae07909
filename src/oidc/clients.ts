import { createHmac } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import { clientSecretHashes, findOidcClient, type OidcClient } from '#src/apps/service.ts';
import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';

const TTL_MS = 2_000;

/**
 * The Help Center's client in every tenant (src/helpcenter): built in, not an app of the tenant's, with the
 * client_id that sign-on rules name it by. Its one redirect URI is the Help Center of the tenant's own cell,
 * so a tenant's provider never sends a code to another cell's Help Center.
 */
export const HELP_CENTER_CLIENT_ID = 'help_center';

/**
 * What an app may ask for; `admin_roles` is released to the Help Center alone, which needs it to scope cases. The
 * Help Center asks for `groups` only of a cell's support plane, whose groups are the staff's roles.
 */
const APP_SCOPES = 'openid offline_access profile email phone groups';
const HELP_CENTER_SCOPES = 'openid profile email admin_roles groups';

export type ClientLookup = {
  /** The tenant's active OIDC app with this client_id (a short cache: the token endpoint reads it each time). */
  find(clientId: string): Promise<OidcClient | undefined>;
  /**
   * The secret oidc-provider compares client_secret_basic against. Apps' secrets are stored only as hashes,
   * so oidc-provider never sees them: the mount checks the presented secret against the hashes and, when it
   * matches, hands oidc-provider this value instead (client-auth.ts). It never leaves the server.
   */
  internalSecret(clientId: string): string;
  /**
   * The SHA-256 hashes of the app's active client secrets, cached as `find` is: a secret revoked through the
   * API stops authenticating within TTL_MS, as a deactivated app stops being a client.
   */
  secretHashes(clientId: string): Promise<readonly string[]>;
};

/** Derived from the installation's key, never stored; the Help Center's client secret is this too. */
export function internalClientSecret(secretsKey: Buffer, tenantId: string, clientId: string): string {
  return createHmac('sha256', secretsKey).update(`oidc-client-secret:${tenantId}:${clientId}`).digest('base64url');
}

/** The Help Center as a client of one tenant, whose cell's Help Center is at `helpCenterOrigin`. */
function helpCenterClient(helpCenterOrigin: string): OidcClient {
  return {
    appId: HELP_CENTER_CLIENT_ID,
    clientId: HELP_CENTER_CLIENT_ID,
    status: 'ACTIVE',
    label: 'Bulwark Help Center',
    tokenEndpointAuthMethod: 'client_secret_basic',
    applicationType: 'web',
    redirectUris: [`${helpCenterOrigin}/help/callback`],
    postLogoutRedirectUris: [`${helpCenterOrigin}/`],
    grantTypes: ['authorization_code'],
    responseTypes: ['code'],
    consentMethod: 'TRUSTED',
    jwks: null,
    initiateLoginUri: null,
  };
}

export function clientLookup(db: Db, clock: Clock, tenantId: string, secretsKey: Buffer, helpCenterOrigin: string): ClientLookup {
  const cache = new Map<string, { at: number; client: OidcClient | undefined }>();
  const helpCenter = helpCenterClient(helpCenterOrigin);
  // Derived, never stored: computed once per client and process (oidc-provider asks on every request).
  const internal = new Map<string, string>();
  const hashes = new Map<string, { at: number; hashes: readonly string[] }>();
  return {
    async find(clientId) {
      if (clientId === HELP_CENTER_CLIENT_ID) return helpCenter;
      const now = clock.now().getTime();
      const hit = cache.get(clientId);
      if (hit && Math.abs(now - hit.at) < TTL_MS) return hit.client;
      const found = await findOidcClient(db, tenantId, clientId);
      const client = found?.status === 'ACTIVE' ? found : undefined;
      if (cache.size > 1_000) cache.clear();
      cache.set(clientId, { at: now, client });
      return client;
    },
    internalSecret(clientId) {
      let secret = internal.get(clientId);
      if (secret === undefined) {
        secret = internalClientSecret(secretsKey, tenantId, clientId);
        if (internal.size > 1_000) internal.clear();
        internal.set(clientId, secret);
      }
      return secret;
    },
    async secretHashes(clientId) {
      const now = clock.now().getTime();
      const hit = hashes.get(clientId);
      if (hit && Math.abs(now - hit.at) < TTL_MS) return hit.hashes;
      const found = await clientSecretHashes(db, tenantId, clientId);
      if (hashes.size > 1_000) hashes.clear();
      hashes.set(clientId, { at: now, hashes: found });
      return found;
    },
  };
}

/** An app as oidc-provider's client metadata; an inactive or unknown app is no client at all. */
export function clientMetadataOf(client: OidcClient | undefined, internalSecret: string): ClientMetadata | undefined {
  if (!client) return undefined;
  return {
    client_id: client.clientId,
    client_name: client.label,
    ...(client.tokenEndpointAuthMethod === 'client_secret_basic' ? { client_secret: internalSecret } : {}),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    // oidc-provider knows web and native; a browser app (SPA) is a web client without a secret.
    application_type: client.applicationType === 'native' ? 'native' : 'web',
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: client.grantTypes,
    response_types: client.responseTypes as ClientMetadata['response_types'],
    scope: client.clientId === HELP_CENTER_CLIENT_ID ? HELP_CENTER_SCOPES : APP_SCOPES,
    ...(client.jwks ? { jwks: client.jwks as ClientMetadata['jwks'] } : {}),
    ...(client.initiateLoginUri ? { initiate_login_uri: client.initiateLoginUri } : {}),
  };
}
