import type { RemovalKind } from './redactions.ts';

/**
 * Which names (of headers, query and form parameters, JSON fields, HTML form fields) carry secrets. Names are
 * compared lower-cased with `-`, `_`, `.` and spaces removed, so `X-API-Key`, `x_api_key` and `xApiKey` agree.
 */

/**
 * `param`: a URL query or fragment, a form body, a name/value pair. `field`: a JSON member or a `name: value`
 * in free text. OAuth's `code` and `state` are everyday words in JSON (`"code": "E0000011"`, `"state": "CA"`),
 * so as fields they count only inside an OAuth message.
 */
export type NameContext = 'param' | 'field';

const EXACT = new Map<string, RemovalKind>([
  ['cookie', 'cookie'],
  ['setcookie', 'set_cookie'],
  ['authorization', 'authorization_header'],
  ['proxyauthorization', 'authorization_header'],
  ...(['apikey', 'xapikey', 'apitoken', 'xapitoken', 'subscriptionkey', 'ocpapimsubscriptionkey', 'xfunctionskey', 'xamzsecuritytoken', 'privatetoken'] as const)
    .map((n) => [n, 'api_key'] as const),
  ...(['accesstoken', 'idtoken', 'refreshtoken', 'idtokenhint', 'codeverifier', 'clientsecret', 'clientassertion', 'assertion', 'devicecode',
    'subjecttoken', 'actortoken', 'authcode', 'authorizationcode', 'oauthtoken', 'oauthverifier', 'oauthtokensecret'] as const)
    .map((n) => [n, 'oauth_parameter'] as const),
  ...(['samlresponse', 'samlrequest', 'relaystate', 'samlart', 'wresult'] as const).map((n) => [n, 'saml'] as const),
  ...(['password', 'passwd', 'pwd', 'pass', 'passcode', 'passphrase', 'otp', 'totp', 'pin', 'recoveryquestion'] as const)
    .map((n) => [n, 'password'] as const),
  ...(['sid', 'sessionid', 'sessid', 'jsessionid', 'phpsessid', 'aspnetsessionid', 'sessiontoken', 'statetoken', 'sessionkey', 'session', 'connectsid'] as const)
    .map((n) => [n, 'session_id'] as const),
  ['privatekey', 'private_key'],
  ...(['secret', 'token', 'authtoken', 'xauthtoken'] as const).map((n) => [n, 'secret_field'] as const),
]);

/** Secrets only where a URL or form carries them: signed-URL signatures, CAS tickets, OAuth's code and state. */
const PARAM_ONLY = new Map<string, RemovalKind>([
  ['code', 'oauth_parameter'],
  ['state', 'oauth_parameter'],
  ...(['sig', 'signature', 'xamzsignature', 'xgoogsignature', 'ticket', 'auth'] as const).map((n) => [n, 'secret_field'] as const),
]);

/**
 * Every name this module calls sensitive contains one of these words (as written, any case): it answers
 * undefined first thing otherwise. The scanners of free text and of JSON look for names by these words.
 */
export const NAME_WORDS = '(?:pass|pwd|secret|token|key|sid|sess|saml|relay|assert|verifier|hint|code|state|otp|pin|auth|cookie|csrf|xsrf|sig|ticket|private|wresult|recovery)';
const ATOMS = new RegExp(NAME_WORDS, 'i');

/** Metadata about a secret rather than the secret (`client_secret_expires_at`, `apiKeyType`, `x-…-secret-outcome`). */
const ABOUT_A_SECRET = /(?:expiresat|expiresin|expiry|expires|expiration|type|policy|changed|url|uri|endpoint|length|count|enabled|required|id|outcome|status)$/;

/**
 * Okta's System Log `externalSessionId` is a stand-in that identifies a session without granting it, and it is
 * what an investigator correlates events by.
 */
const NOT_SECRET = new Set(['externalsessionid']);

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]/g, '');
}

/** The kind of secret a value under this name is, or undefined when the name says nothing secret. */
export function classifyName(name: string, context: NameContext, oauthMessage = false): RemovalKind | undefined {
  if (name.length > 64 || !ATOMS.test(name)) return undefined;
  const n = normalize(name);
  if (NOT_SECRET.has(n)) return undefined;
  const exact = EXACT.get(n);
  if (exact) return exact;
  if (context === 'param' || oauthMessage) {
    const oauth = PARAM_ONLY.get(n);
    if (oauth && (context === 'param' || oauth === 'oauth_parameter')) return oauth;
  }
  if (/(?:accesstoken|idtoken|refreshtoken)$/.test(n)) return 'oauth_parameter';
  if (/(?:sessionid|sessid|sessiontoken|sessionkey)$/.test(n)) return 'session_id';
  if (/(?:password|passwd|passphrase|passwordhash)$/.test(n)) return 'password';
  if (n.endsWith('token')) return /csrf|xsrf/.test(n) ? 'csrf_token' : /apitoken$/.test(n) ? 'api_key' : 'secret_field';
  if (ABOUT_A_SECRET.test(n)) return undefined;
  if (/csrf|xsrf/.test(n)) return 'csrf_token';
  if (n.includes('apikey')) return 'api_key';
  if (n.includes('privatekey')) return 'private_key';
  if (n.includes('secret')) return 'secret_field';
  return undefined;
}

/** JSON members that make an object an OAuth message, in which `code` and `state` are secrets. */
const OAUTH_MARKERS = ['client_id', 'redirect_uri', 'grant_type', 'response_type', 'code_verifier', 'code_challenge'];

export function isOAuthMessage(obj: Record<string, unknown>): boolean {
  for (const marker of OAUTH_MARKERS) if (Object.hasOwn(obj, marker)) return true;
  return false;
}
