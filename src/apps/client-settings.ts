import { importJWK } from 'jose';
import { OktaErrors } from '#src/http/errors.ts';
import type { ApplicationType, AuthMethod, ClientSettings, ConsentMethod, PublicJwks } from './store.ts';

/** `credentials.oauthClient` and `settings.oauthClient` as they arrive, already through the JSON schema. */
export type OauthClientCredentialsInput = { client_id?: string; token_endpoint_auth_method?: AuthMethod; autoKeyRotation?: boolean };
export type OauthClientSettingsInput = {
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  response_types?: string[];
  grant_types?: string[];
  application_type: ApplicationType;
  consent_method?: ConsentMethod;
  initiate_login_uri?: string | null;
  jwks?: { keys: Record<string, unknown>[] };
};

const NATIVE_LOOPBACKS = new Set(['localhost', '127.0.0.1', '[::1]']);
const isLoopback = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');

/**
 * A private-use URI scheme in reverse domain name notation (RFC 8252 section 7.1), e.g.
 * `com.example.app:/callback`: how a native app on a phone or desktop receives its code. The dot keeps out
 * the schemes a browser acts on itself (`javascript:`, `data:`, `file:`).
 */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:/i;

/**
 * Why a redirect-style URI is refused, or null. Tokens and codes are sent to these addresses, so they must be
 * exact, absolute and on TLS; plain http is left to loopback hosts, where a developer's machine runs the app
 * (RFC 8252 section 7.3), and a native app may also use a private-use scheme of its own (`nativeApp`). A
 * fragment is refused as OAuth 2.0 requires (RFC 6749 section 3.1.2).
 */
function uriProblem(value: string, nativeApp = false): string | null {
  if (value.includes('#')) return 'must not contain a fragment (#)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URI';
  }
  if (nativeApp && !/^https?:/i.test(value)) {
    return PRIVATE_USE_SCHEME.test(value) ? null : 'must be an https URI or, for a native app, a private-use scheme in reverse domain name notation (e.g. com.example.app:/callback)';
  }
  if (!/^https?:\/\//i.test(value)) return 'must be an https URI (http only for localhost, 127.0.0.1, [::1] or *.localhost, for development)';
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  if (nativeApp) {
    // RFC 8252 7.3 and 8.3: a native app listens on the loopback address itself; https is a claimed domain.
    if (url.protocol === 'http:' && !NATIVE_LOOPBACKS.has(url.hostname)) return 'must use https, or http on localhost, 127.0.0.1 or [::1] for a native app';
    if (url.protocol === 'https:' && isLoopback(url.hostname)) return 'must not be https on a loopback host for a native app (use http there)';
    return null;
  }
  if (url.protocol === 'https:' || isLoopback(url.hostname)) return null;
  return 'must use https (http only for localhost, 127.0.0.1, [::1] or *.localhost, for development)';
}

/** Members that only a private or symmetric JWK has: any of them means a secret was about to be stored. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

function defaultAlg(jwk: Record<string, unknown>): string | undefined {
  if (typeof jwk['alg'] === 'string') return jwk['alg'];
  if (jwk['kty'] === 'RSA') return 'RS256';
  if (jwk['kty'] === 'OKP') return 'EdDSA';
  return ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[String(jwk['crv'])];
}

/** Checks each key is a public signing key that WebCrypto can use; returns the causes of refusal. */
async function jwksProblems(jwks: PublicJwks): Promise<string[]> {
  const causes: string[] = [];
  const kids = new Set<unknown>();
  for (const [i, jwk] of jwks.keys.entries()) {
    const at = `settings.oauthClient.jwks.keys[${i}]`;
    if (PRIVATE_MEMBERS.some((m) => Object.hasOwn(jwk, m))) {
      causes.push(`${at}: must be a public key; a private or symmetric key must never be sent`);
      continue;
    }
    if (jwk['kid'] !== undefined && kids.has(jwk['kid'])) causes.push(`${at}.kid: must be unique`);
    // WebCrypto imports an RSA key without looking at its size; below 2048 bits its signatures can be forged.
    if (jwk['kty'] === 'RSA' && Buffer.from(String(jwk['n'] ?? ''), 'base64url').length < 256) {
      causes.push(`${at}: an RSA key must have at least 2048 bits`);
      continue;
    }
    kids.add(jwk['kid']);
    try {
      await importJWK(jwk, defaultAlg(jwk));
    } catch {
      causes.push(`${at}: is not a usable RSA, EC or OKP public JWK`);
    }
  }
  return causes;
}

/**
 * Turns Okta's OIDC client fields into settings, or refuses them all at once with Okta's validation error
 * and every cause: a public client (`none`) is a browser or native app and must use PKCE, a browser app
 * cannot keep a secret, and `private_key_jwt` needs the public keys its assertions are checked with.
 */
export async function clientSettingsOf(credentials: OauthClientCredentialsInput | undefined, input: OauthClientSettingsInput): Promise<ClientSettings> {
  const settings: ClientSettings = {
    tokenEndpointAuthMethod: credentials?.token_endpoint_auth_method ?? 'client_secret_basic',
    autoKeyRotation: credentials?.autoKeyRotation ?? true,
    applicationType: input.application_type,
    redirectUris: input.redirect_uris,
    postLogoutRedirectUris: input.post_logout_redirect_uris ?? [],
    grantTypes: input.grant_types ?? ['authorization_code'],
    responseTypes: input.response_types ?? ['code'],
    consentMethod: input.consent_method ?? 'REQUIRED',
    initiateLoginUri: input.initiate_login_uri ?? null,
    jwks: input.jwks ?? null,
  };
  const causes: string[] = [];
  const lists = [['redirect_uris', settings.redirectUris], ['post_logout_redirect_uris', settings.postLogoutRedirectUris]] as const;
  for (const [field, uris] of lists) {
    for (const [i, uri] of uris.entries()) {
      const problem = uriProblem(uri, settings.applicationType === 'native');
      if (problem) causes.push(`settings.oauthClient.${field}[${i}]: ${problem}`);
    }
  }
  if (settings.initiateLoginUri !== null) {
    const problem = uriProblem(settings.initiateLoginUri);
    if (problem) causes.push(`settings.oauthClient.initiate_login_uri: ${problem}`);
  }
  if (!settings.grantTypes.includes('authorization_code')) causes.push('settings.oauthClient.grant_types: must include authorization_code');
  const method = settings.tokenEndpointAuthMethod;
  if (method === 'none' && settings.applicationType === 'web') {
    causes.push('settings.oauthClient.application_type: a public client (token_endpoint_auth_method none) must be a browser or native app');
  }
  if (settings.applicationType === 'browser' && method !== 'none') {
    causes.push('credentials.oauthClient.token_endpoint_auth_method: a browser app cannot keep a secret; it must be none');
  }
  if (method === 'private_key_jwt' && settings.jwks === null) causes.push('settings.oauthClient.jwks: private_key_jwt needs the public keys of the client');
  if (method !== 'private_key_jwt' && settings.jwks !== null) causes.push('settings.oauthClient.jwks: only a private_key_jwt client has keys');
  if (settings.jwks !== null) causes.push(...(await jwksProblems(settings.jwks)));
  if (causes.length > 0) throw OktaErrors.validation(causes.map((c) => c.split(':')[0]).join(', '), causes);
  return settings;
}
