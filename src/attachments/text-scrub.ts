import { isRedactable, PLACEHOLDER, type Redactions, type RemovalKind } from './redactions.ts';
import { classifyName } from './sensitive-names.ts';
import { PAIR_START, scrubNamedPairs, scrubPairs } from './text-pairs.ts';

/**
 * Secrets in free text: log lines, HTML and script bodies, header values, any JSON string. The text may also be
 * a body still JSON-escaped (long-bodies.ts), so quotes may come as `\"`, slashes as `\/` and line breaks as
 * `\n`; every rule allows for that, and a replacement never splits an escape. Each rule is gated by a cheap
 * test, because most strings hold nothing and bodies are most of a HAR's bytes. The order matters: a value
 * removed under its name (`access_token=eyJ…`) is counted by that name, not as a bare JWT.
 */
export function scrubText(s: string, r: Redactions): string {
  if (s.length < 5) return s;
  if (s.length < SHORT) {
    const gates = shortGates(s);
    return gates ? applyRules(s, r, gates) : s;
  }
  const schemes = SCHEME_GATE.test(s);
  return applyRules(s, r, {
    pem: s.includes('PRIVATE KEY'), saml: s.includes('Assertion'), html: HTML_FIELD_GATE.test(s), pairs: true, link: LINK_GATE.test(s),
    credentials: s.includes('@'), bearer: schemes && BEARER_GATE.test(s), jwt: s.includes('eyJ'), prefixed: PREFIXED_GATE.test(s), okta: true,
    basic: schemes && BASIC_GATE.test(s), jwk: s.includes('"kty'), multipart: s.includes('form-data'), named: s.includes('"value') && NAMED_GATE.test(s),
  });
}

/**
 * Which rules a large body gets. `text`: all of them. `code` (large scripts and stylesheets, built once and
 * served alike to every user, so public by construction): only JWTs and bearer and SSWS tokens, the
 * credentials a response made for this user could carry; `name: value` in code is an identifier far more
 * often than a field, and a key or address compiled into a bundle is published to every visitor.
 */
export type RuleSet = 'text' | 'code';

/**
 * A body still JSON-escaped, as bytes. Its scrubbed text (one character per byte) when something was removed,
 * undefined when nothing was; under `code` rules the bytes are read as text only when a gate fires, since
 * a large string is the costliest garbage there is.
 */
export function scrubRawBody(bytes: Buffer, rules: RuleSet, r: Redactions): string | undefined {
  const text = rules === 'text';
  const jwt = bytes.indexOf(NEEDLES.jwt) >= 0;
  if (!text && !jwt && !NEEDLES.bearer.some((n) => bytes.indexOf(n) >= 0)) return undefined;
  const s = bytes.toString('latin1');
  const schemes = text ? SCHEME_GATE.test(s) : true;
  const before = r.replaced;
  const out = applyRules(s, r, {
    pem: text && bytes.indexOf(NEEDLES.privateKey) >= 0,
    saml: text && bytes.indexOf(NEEDLES.assertion) >= 0,
    html: text && HTML_FIELD_GATE.test(s),
    pairs: text,
    link: text && LINK_GATE.test(s),
    credentials: text && bytes.indexOf(0x40) >= 0,
    bearer: schemes && BEARER_GATE.test(s),
    jwt,
    prefixed: text && PREFIXED_GATE.test(s),
    okta: text,
    basic: text && schemes && BASIC_GATE.test(s),
    jwk: text && bytes.indexOf(NEEDLES.kty) >= 0,
    multipart: text && bytes.indexOf(NEEDLES.formData) >= 0,
    named: text && bytes.indexOf(NEEDLES.value) >= 0 && NAMED_GATE.test(s),
  });
  return r.replaced === before ? undefined : out;
}

/** Literal gates searched in bytes (Boyer-Moore-Horspool, many times faster than a regular expression scan). */
const NEEDLES = {
  privateKey: Buffer.from('PRIVATE KEY'),
  assertion: Buffer.from('Assertion'),
  // The spellings in use; text bodies get the case-insensitive test, this one only gates code bundles.
  bearer: ['Bearer', 'bearer', 'SSWS'].map((n) => Buffer.from(n)),
  jwt: Buffer.from('eyJ'),
  kty: Buffer.from('"kty'),
  formData: Buffer.from('form-data'),
  value: Buffer.from('"value'),
};

type Gates = {
  pem: boolean; saml: boolean; html: boolean; pairs: boolean; link: boolean; credentials: boolean; bearer: boolean; jwt: boolean; prefixed: boolean; okta: boolean;
  basic: boolean; jwk: boolean; multipart: boolean; named: boolean;
};

function applyRules(s: string, r: Redactions, gates: Gates): string {
  let out = s;
  if (gates.pem) out = out.replace(PEM, (m) => r.redact('private_key', m));
  if (gates.saml) out = out.replace(SAML_ASSERTION, (m) => r.redact('saml', m));
  if (gates.jwk) out = out.replace(JWK_OBJECT, (jwk) => scrubJwk(jwk, r));
  if (gates.multipart) out = scrubMultipartText(out, r);
  if (gates.html) out = out.replace(HTML_FIELD, (tag) => scrubHtmlField(tag, r));
  if (gates.named) out = scrubNamedPairs(out, r);
  if (gates.pairs) out = scrubPairs(out, r);
  if (gates.link) out = out.replace(LINK_TOKEN, (_m, head: string, token: string) => `${head}${redactIf('secret_field', token, r)}`);
  if (gates.credentials) out = scrubUrlCredentials(out, r);
  if (gates.bearer) out = out.replace(BEARER, (m, scheme: string, gap: string, token: string) => scrubBearer(m, scheme, gap, token, r));
  if (gates.basic) out = out.replace(BASIC, (m, head: string, token: string) => (isBasicCredentials(token) ? `${head}${r.redact('authorization_header', token)}` : m));
  if (gates.jwt) out = out.replace(JWT, (m) => r.redact('jwt', m));
  if (gates.prefixed) out = out.replace(PREFIXED_TOKEN, (m) => r.redact(m.startsWith('PHNhbWw') ? 'saml' : 'api_key', m));
  return gates.okta ? out.replace(OKTA_TOKEN, (m) => r.redact('api_key', m)) : out;
}

/** `//user:pass@`, as written or JSON-escaped (`\/\/user:pass@`). */
const CREDENTIALS_GATE = /(?:\\?\/){2}[^\s/?#@"'<>\\]+:[^\s/?#@"'<>\\]+@/;

/** `"value":` after a `"name"` or `"key"` member: a name/value pair written as JSON in text. */
const NAMED_GATE_PATTERN = '"value\\\\*"[ \\t]*:';
const NAMED_GATE = new RegExp(NAMED_GATE_PATTERN);

/** What each rule needs to see before it can apply, `name=value` apart, whose start is PAIR_START. */
const TRIGGER_PATTERNS: readonly (readonly [Exclude<keyof Gates, 'pairs'>, string])[] = [
  ['credentials', CREDENTIALS_GATE.source], ['jwt', 'eyJ'], ['bearer', 'bearer|ssws'], ['pem', 'PRIVATE KEY'],
  ['saml', 'Assertion'], ['html', '<input|<meta'], ['link', 'reset|activat|unlock|magic|welcome'], ['okta', '00[\\w-]{40}'],
  ['prefixed', 'gh[pousr]_|github_pat_|xox[abprs]-|_live_|AIza|glpat-|npm_|PHNhbWw|AKIA|ASIA'],
  ['basic', 'basic(?:\\s+|%20|\\+)[A-Za-z0-9+/]{6}'], ['jwk', 'kty'], ['multipart', 'form-data'], ['named', NAMED_GATE_PATTERN],
];

/**
 * Whether long text holds any rule's trigger, `name=value` apart. One alternation of everything, or any
 * case-insensitive one, makes the engine try a match at nearly every letter; short literal alternations in
 * the spellings in use let it skip ahead, several times faster even as several scans.
 */
export function holdsTrigger(s: string): boolean {
  return LITERAL_GATE.test(s) || SCHEME_GATE.test(s) || HTML_FIELD_GATE.test(s) || LINK_GATE.test(s) || OKTA_GATE.test(s)
    || (s.includes('@') && CREDENTIALS_GATE.test(s));
}

const LITERAL_GATE = /eyJ|PRIVATE KEY|Assertion|PHNhbWw|AIza|gh[pousr]_|github_pat_|xox[abprs]-|_live_|glpat-|npm_|AKIA|ASIA/;

/**
 * Each rule's gate as a named group, so that one scan of a short string (most strings are: header values,
 * JSON leaves) says which rules to run, instead of one scan per rule.
 */
const SHORT = 512;
const RULE_TRIGGERS = new RegExp([`(?<pairs>${PAIR_START.source})`, ...TRIGGER_PATTERNS.map(([rule, pattern]) => `(?<${rule}>${pattern})`)].join('|'), 'gi');

function shortGates(s: string): Gates | undefined {
  let gates: Gates | undefined;
  RULE_TRIGGERS.lastIndex = 0;
  for (let m = RULE_TRIGGERS.exec(s); m !== null; m = RULE_TRIGGERS.exec(s)) {
    gates ??= {
      pem: false, saml: false, html: false, pairs: false, link: false, credentials: false, bearer: false, jwt: false, prefixed: false, okta: false,
      basic: false, jwk: false, multipart: false, named: false,
    };
    for (const [rule, hit] of Object.entries(m.groups ?? {})) if (hit !== undefined) gates[rule as keyof Gates] = true;
    // Triggers may overlap (a token inside a name): the next search starts one character on, not past the match.
    RULE_TRIGGERS.lastIndex = m.index + 1;
  }
  return gates;
}

/** PEM private keys (RFC 7468) and PGP secret keys (RFC 4880 §6.2), to the end of the text when the END line is missing. */
const PEM = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|$)/g;

/**
 * A JSON Web Key's private members (RFC 7518 §6.2.2, §6.3.2, §6.4.1: `d`, the RSA primes and CRT values, an
 * octet key's `k`), in a JWK written as text, JSON-escaped or not. The public members (`kty`, `kid`, `n`, `e`,
 * `x`, `y`) stay: they are what a support engineer compares with the published key set.
 */
const JWK_OBJECT = /\{[^{}]*?\\*"kty\\*"[^{}]*\}/g;
const JWK_PRIVATE_MEMBER = /(\\*"(?:d|p|q|dp|dq|qi|k)\\*"\s*:\s*\\*")([^"\\]+)(?=\\*")/g;

function scrubJwk(jwk: string, r: Redactions): string {
  return jwk.replace(JWK_PRIVATE_MEMBER, (m, head: string, value: string) => (isRedactable(value) ? `${head}${r.redact('private_key', value)}` : m));
}

/**
 * A `multipart/form-data` body (RFC 7578) in text, as a proxy or a debug log prints it: each part judged by
 * the name in its Content-Disposition, the way a HAR's multipart `postData` is.
 */
const MULTIPART_PART = /(content-disposition:[^\r\n]*?\bname="([^"]*)"[^\r\n]*(?:\r?\n[^\r\n]+)*\r?\n\r?\n)([\s\S]*?)(?=\r?\n--)/gi;

/** Each part of a multipart body: a part with a sensitive name loses its value, any other is read as text. */
export function scrubMultipartText(s: string, r: Redactions): string {
  return s.replace(MULTIPART_PART, (_m, head: string, name: string, value: string) => {
    const kind = classifyName(name, 'param');
    if (!kind) return head + scrubText(value, r);
    return head + (isRedactable(value) ? r.redact(kind, value) : value);
  });
}

/** A SAML assertion in XML is a bearer credential until it expires (SAML 2.0 Core §2.3.3). */
const SAML_ASSERTION = /<((?:[\w-]+:)?(?:Encrypted)?Assertion)\b[\s\S]*?(?:<\\?\/\1>|$)/g;

/** Hidden form fields and meta tags: an IdP's auto-posting SAMLResponse form, OIDC form_post, csrf meta tags. */
const HTML_FIELD_GATE = /<(?:[Ii]nput|INPUT|[Mm]eta|META)\b/;
const HTML_FIELD = /<(?:input|meta)\b[^>]*>/gi;
const HTML_NAME = /\bname\s*=\s*\\*(["']?)([^"'\s>\\]*)/i;
const HTML_VALUE = /(\b(?:value|content)\s*=\s*)(?:(\\*)"([^"]*?)\2"|(\\*)'([^']*?)\4'|([^\s"'>\\]+))/i;

function scrubHtmlField(tag: string, r: Redactions): string {
  const name = HTML_NAME.exec(tag)?.[2];
  const kind = name === undefined ? undefined : classifyName(name, 'param');
  if (!kind) return tag;
  return tag.replace(HTML_VALUE, (m, attr: string, dqEsc?: string, dq?: string, sqEsc?: string, sq?: string, bare?: string) => {
    const value = dq ?? sq ?? bare ?? '';
    if (!isRedactable(value)) return m;
    const placeholder = r.redact(kind, value);
    if (dq !== undefined) return `${attr}${dqEsc}"${placeholder}${dqEsc}"`;
    if (sq !== undefined) return `${attr}${sqEsc}'${placeholder}${sqEsc}'`;
    return `${attr}${placeholder}`;
  });
}

/**
 * One-time link tokens in a path: whoever holds a password reset, activation or unlock link owns the account.
 * Okta's API returns them as `resetPasswordUrl` (`/reset_password/…`) and `activationUrl` (`/welcome/…`).
 */
const LINK_GATE = /[Rr]eset|RESET|[Aa]ctivat|ACTIVAT|[Uu]nlock|UNLOCK|[Mm]agic|MAGIC|[Ww]elcome|WELCOME/;
const LINK_TOKEN = /(\\?\/(?:reset[-_]?password|activate|activation|unlock|magic[-_]?link|welcome)\\?\/)([A-Za-z0-9_-]{16,})/gi;

/**
 * `https://user:secret@host`: the password goes, the user name stays (RFC 3986 §3.2.1 deprecates the form).
 * Found from each `@`, which is rare, rather than from every scheme-like word, which is not; an `@` in an
 * email address is dismissed by looking back to the nearest slash.
 */
const USERINFO = /^[^\s/?#@:"'<>\\]+:([^\s/?#@"'<>\\]+)$/;
const SCHEME_END = /[a-z][a-z0-9+.-]*:\\?\/\\?\/$/i;
const CREDENTIALS_REACH = 1024;

function scrubUrlCredentials(s: string, r: Redactions): string {
  let out = '';
  let from = 0;
  for (let at = s.indexOf('@'); at >= 0; at = s.indexOf('@', at + 1)) {
    const slash = s.lastIndexOf('/', at);
    if (slash < from || at - slash > CREDENTIALS_REACH) continue;
    const pass = USERINFO.exec(s.slice(slash + 1, at))?.[1];
    if (pass === undefined || !isRedactable(pass) || !SCHEME_END.test(s.slice(Math.max(0, slash - 40), slash + 1))) continue;
    out += s.slice(from, at - pass.length) + r.redact('url_credentials', pass);
    from = at;
  }
  return from === 0 ? s : out + s.slice(from);
}

function redactIf(kind: RemovalKind, value: string, r: Redactions): string {
  return isRedactable(value) ? r.redact(kind, value) : value;
}

/** `Bearer <token>` (RFC 6750) and Okta's `SSWS <token>`, also URL-encoded (`Bearer%20…`). */
const BEARER_GATE = /[Bb]earer|BEARER|[Ss]sws|SSWS/;
const BEARER = /\b(bearer|ssws)(\s+|%20|\+)((?:[A-Za-z0-9._~+=-]|\\?\/){8,})/gi;

function scrubBearer(m: string, scheme: string, gap: string, token: string, r: Redactions): string {
  const isSsws = scheme.toLowerCase() === 'ssws';
  // Prose says "bearer authentication"; a credential has digits or is long and mixed.
  if (!isSsws && !looksGenerated(token)) return m;
  return `${scheme}${gap}${r.redact(isSsws ? 'api_key' : 'bearer_token', token)}`;
}

/**
 * `Basic <base64 of user:password>` (RFC 7617) outside an Authorization header: in a log line, a script, a
 * copied curl command. Only what decodes to printable text with a colon is taken, so prose ("Basic plan",
 * "basic authentication") is left alone.
 */
const BASIC_GATE = /(?:[Bb]asic|BASIC)(?:\s+|%20|\+)[A-Za-z0-9+/\\]{6}/;
/** Bearer, SSWS and Basic in one scan of a long text, which most bodies need only once. */
const SCHEME_GATE = /[Bb]earer|BEARER|[Ss]sws|SSWS|[Bb]asic[\s+%]|BASIC[\s+%]/;
const BASIC = /\b(basic(?:\s+|%20|\+))((?:[A-Za-z0-9+=]|\\?\/){6,})/gi;

function isBasicCredentials(token: string): boolean {
  const decoded = Buffer.from(token.replaceAll('\\', ''), 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded);
}

function looksGenerated(token: string): boolean {
  if (token === PLACEHOLDER) return false;
  const classes = Number(/[a-z]/.test(token)) + Number(/[A-Z]/.test(token)) + Number(/\d/.test(token));
  return token.length >= 12 && (classes >= 2 || token.length >= 24);
}

/** Compact JWS (three segments) and JWE (five), RFC 7515 §7.1 and RFC 7516 §7.1: the header is `{"…` in base64url. */
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)?/g;

/**
 * Credentials with a recognisable prefix: GitHub, Slack, Stripe, Google and GitLab keys, npm tokens, AWS
 * access key IDs (long-term `AKIA`, temporary `ASIA`: not the secret half, but they name the key and no
 * support case needs them), and a base64 SAML message (`<saml` encodes to `PHNhbWw`).
 */
const PREFIXED_GATE = /gh[pousr]_|github_pat_|xox[abprs]-|_live_|AIza|glpat-|npm_|PHNhbWw|AKIA|ASIA/;
const PREFIXED_TOKEN = new RegExp([
  '(?<![A-Za-z0-9_-])(?:',
  ['gh[pousr]_[A-Za-z0-9]{36,}', 'github_pat_[A-Za-z0-9_]{22,}', 'xox[abprs]-[A-Za-z0-9-]{10,}', '[rs]k_live_[A-Za-z0-9]{16,}',
    'AIza[0-9A-Za-z_-]{35}', 'glpat-[A-Za-z0-9_-]{20,}', 'npm_[A-Za-z0-9]{36}', '(?:AKIA|ASIA)[A-Z0-9]{16}'].join('|'),
  ')(?![A-Za-z0-9_-])|PHNhbWw[A-Za-z0-9+/=%]{16,}',
].join(''), 'g');

/** Okta's API tokens, and Bulwark's, which take their shape (src/tokens/token-secret.ts): `00` + 40 base64url. */
const OKTA_TOKEN = /(?<![A-Za-z0-9_-])00[A-Za-z0-9_-]{40}(?![A-Za-z0-9_-])/g;
/** Without the lookarounds, which keep the engine from skipping ahead: a gate may say yes too often. */
const OKTA_GATE = /00[\w-]{40}/;
