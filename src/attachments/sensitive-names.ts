import type { RemovalKind } from './redactions.ts';

/**
 * Which names (of headers, query and form parameters, JSON fields, HTML form fields) carry secrets. Names are
 * compared lower-cased with `-`, `_`, `.`, spaces and brackets removed, so `X-API-Key`, `x_api_key` and `xApiKey`
 * agree, and so do Rails' and PHP's `user[password]` and `userPassword`.
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
  ['interactionhandle', 'oauth_parameter'],
  ...(['password', 'passwd', 'pwd', 'pass', 'passcode', 'passphrase', 'otp', 'totp', 'pin', 'recoveryquestion', 'answer'] as const)
    .map((n) => [n, 'password'] as const),
  ...(['sid', 'sessionid', 'sessid', 'jsessionid', 'phpsessid', 'aspnetsessionid', 'sessiontoken', 'statetoken', 'statehandle', 'sessionkey', 'session', 'connectsid'] as const)
    .map((n) => [n, 'session_id'] as const),
  ['privatekey', 'private_key'],
  // A TOTP enrollment's QR code (a data: URL, or Okta's one-time `/qr/…` link) is the shared secret as a picture.
  ...(['secret', 'token', 'authtoken', 'xauthtoken', 'qrcode'] as const).map((n) => [n, 'secret_field'] as const),
]);

/** Secrets only where a URL or form carries them: signed-URL signatures, CAS tickets, OAuth's code and state. */
const PARAM_ONLY = new Map<string, RemovalKind>([
  ['code', 'oauth_parameter'],
  ['state', 'oauth_parameter'],
  ...(['sig', 'signature', 'xamzsignature', 'xgoogsignature', 'ticket', 'auth'] as const).map((n) => [n, 'secret_field'] as const),
  // `?key=` is how Google, Trello, Mailgun and others take an API key in a URL.
  ['key', 'api_key'],
]);

/**
 * Every name this module calls sensitive contains one of these words (as written, any case): it answers
 * undefined first thing otherwise. The scanners of free text and of JSON look for names by these words.
 */
export const NAME_WORDS = '(?:pass|pwd|secret|token|key|sid|sess|saml|relay|assert|verifier|hint|code|state|otp|pin|auth|cookie|csrf|xsrf|sig|ticket|private|wresult|recovery|interact|answer)';
const ATOMS = new RegExp(NAME_WORDS, 'i');

/** Metadata about a secret rather than the secret (`client_secret_expires_at`, `apiKeyType`, `x-…-secret-outcome`). */
const ABOUT_A_SECRET = /(?:expiresat|expiresin|expiry|expires|expiration|type|policy|changed|url|uri|endpoint|length|count|enabled|required|id|outcome|status)$/;

/**
 * Okta's System Log `externalSessionId` is a stand-in that identifies a session without granting it, and it is
 * what an investigator correlates events by.
 */
const NOT_SECRET = new Set(['externalsessionid']);

/**
 * Passwords under other names: a form's second copy (`password_confirmation`, Django's `new_password2`), a
 * security question's answer, one-time codes sent or shown to the user, and recovery codes. Names that end in
 * `code` otherwise are mostly not secrets (`errorCode`, `postalCode`, `countryCode`).
 */
const PASSWORD_LIKE = new RegExp([
  '(?:password|passwd|passphrase)(?:\\d|confirm|confirmation|repeat|again|check|verify|verification|plain|plaintext|cleartext)$',
  'answer$',
  '(?:verification|otp|totp|mfa|sms|email|onetime|security|recovery|backup|confirmation|twofactor|2fa|login|signin|magic)codes?$',
].join('|'));

/** Keys that are secrets by what they are for; `publicKey`, `primaryKey`, `sortKey`, `cacheKey` are not. */
const SECRET_KEY = /(?:signing|hmac|encryption|decryption|master|shared|symmetric|aes|webhook)key$/;
const ACCESS_KEY = /(?:access|account|storage|application|app|integration|license|subscription|client|auth|consumer)key$/;

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_.\s[\]]/g, '');
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
  if (/(?:accesstoken|idtoken|refreshtoken|codeverifier)$/.test(n)) return 'oauth_parameter';
  if (/(?:sessionid|sessid|sessiontoken|sessionkey)$/.test(n)) return 'session_id';
  if (/(?:password|passwd|passphrase|passwordhash)$/.test(n) || PASSWORD_LIKE.test(n)) return 'password';
  if (n.endsWith('token')) return /csrf|xsrf|authenticity/.test(n) ? 'csrf_token' : /apitoken$/.test(n) ? 'api_key' : 'secret_field';
  if (n.endsWith('authorization')) return 'authorization_header';
  if (n.endsWith('key')) {
    if (SECRET_KEY.test(n) || n.includes('secret')) return 'secret_field';
    if (ACCESS_KEY.test(n)) return 'api_key';
  }
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
