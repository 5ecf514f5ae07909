import type { Application, AuthMethod } from '../types.ts';

/** The kinds of app the console offers, each a token_endpoint_auth_method and an application_type the server accepts together. */
export const APP_KINDS = [
  { value: 'secret', label: 'Web app with a client secret', method: 'client_secret_basic', applicationType: 'web' },
  // A browser app cannot keep a secret (docs/okta-compatibility.md), so it is a public client with PKCE.
  { value: 'public', label: 'Single-page app (public, PKCE)', method: 'none', applicationType: 'browser' },
  // Neither can a native app; it may also take its code at a private-use scheme of its own (RFC 8252).
  { value: 'native', label: 'Native app, desktop or mobile (public, PKCE)', method: 'none', applicationType: 'native' },
  { value: 'jwt', label: 'Web app with private_key_jwt', method: 'private_key_jwt', applicationType: 'web' },
] as const;

export type AppKind = (typeof APP_KINDS)[number]['value'];

const METHOD_WORDS: Record<AuthMethod, string> = {
  client_secret_basic: 'Client secret',
  none: 'PKCE, no secret (public client)',
  private_key_jwt: 'Private key (signed JWT)',
};

/** The app's sign-in method at the token endpoint, in words. */
export function methodWords(app: Application): string {
  return METHOD_WORDS[app.credentials.oauthClient.token_endpoint_auth_method];
}

const APPLICATION_TYPES: Record<Application['settings']['oauthClient']['application_type'], string> = {
  web: 'Web app (runs on a server)',
  browser: 'Single-page app (runs in the browser)',
  native: 'Native app (desktop or mobile)',
};

export function applicationTypeWords(app: Application): string {
  return APPLICATION_TYPES[app.settings.oauthClient.application_type];
}

/** Whether the app authenticates with client secrets, the only kind that has a Client secrets card. */
export function usesSecrets(app: Application): boolean {
  return app.credentials.oauthClient.token_endpoint_auth_method === 'client_secret_basic';
}
