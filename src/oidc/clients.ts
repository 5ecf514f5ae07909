import { createHmac } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import { findOidcClient, type OidcClient } from '#src/apps/service.ts';
import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';

const TTL_MS = 2_000;

export type ClientLookup = {
  /** The tenant's active OIDC app with this client_id (a short cache: the token endpoint reads it each time). */
  find(clientId: string): Promise<OidcClient | undefined>;
  /**
   * The secret oidc-provider compares client_secret_basic against. Apps' secrets are stored only as hashes,
   * so oidc-provider never sees them: the mount checks the presented secret against the hashes and, when it
   * matches, hands oidc-provider this value instead (client-auth.ts). It never leaves the server.
   */
  internalSecret(clientId: string): string;
};

export function clientLookup(db: Db, clock: Clock, tenantId: string, secretsKey: Buffer): ClientLookup {
  const cache = new Map<string, { at: number; client: OidcClient | undefined }>();
  // Derived, never stored: computed once per client and process (oidc-provider asks on every request).
  const internal = new Map<string, string>();
  return {
    async find(clientId) {
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
        secret = createHmac('sha256', secretsKey).update(`oidc-client-secret:${tenantId}:${clientId}`).digest('base64url');
        if (internal.size > 1_000) internal.clear();
        internal.set(clientId, secret);
      }
      return secret;
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
    ...(client.jwks ? { jwks: client.jwks as ClientMetadata['jwks'] } : {}),
    ...(client.initiateLoginUri ? { initiate_login_uri: client.initiateLoginUri } : {}),
  };
}
