import { isRedactable, type Redactions, type RemovalKind } from './redactions.ts';

/**
 * Replaces the secret parts of a value whose name already said it is secret, keeping what helps a support
 * engineer read the capture: cookie names and Set-Cookie attributes (SameSite, Domain and Path are what most
 * cookie bugs are about), and the authorization scheme (Basic, Bearer, SSWS).
 */
export function redactNamedValue(kind: RemovalKind, value: string, r: Redactions): string {
  switch (kind) {
    case 'cookie':
      return redactCookieHeader(value, r);
    case 'set_cookie':
      return value.split('\n').map((line) => redactSetCookie(line, r)).join('\n');
    case 'authorization_header':
      return redactAuthorization(value, r);
    default:
      return isRedactable(value) ? r.redact(kind, value) : value;
  }
}

/** `a=1; b=2` → `a=[redacted]; b=[redacted]` (RFC 6265 §4.2.1). */
function redactCookieHeader(value: string, r: Redactions): string {
  return value.split(';').map((pair) => {
    const eq = pair.indexOf('=');
    const cookie = eq < 0 ? pair.trim() : pair.slice(eq + 1).trim();
    if (!isRedactable(cookie)) return pair;
    const placeholder = r.redact('cookie', cookie);
    return eq < 0 ? pair.replace(cookie, placeholder) : `${pair.slice(0, eq + 1)}${placeholder}`;
  }).join(';');
}

/** `sid=abc; Path=/; HttpOnly` → `sid=[redacted]; Path=/; HttpOnly` (RFC 6265 §4.1.1). */
function redactSetCookie(line: string, r: Redactions): string {
  const semi = line.indexOf(';');
  const pair = semi < 0 ? line : line.slice(0, semi);
  const eq = pair.indexOf('=');
  const cookie = pair.slice(eq + 1).trim();
  if (!isRedactable(cookie)) return line;
  return `${pair.slice(0, eq + 1)}${r.redact('set_cookie', cookie)}${semi < 0 ? '' : line.slice(semi)}`;
}

/** `Bearer abc` → `Bearer [redacted]` (RFC 9110 §11.4); a bare credential loses everything. */
function redactAuthorization(value: string, r: Redactions): string {
  const m = /^(\s*[A-Za-z][\w-]*\s+)(\S[\s\S]*)$/.exec(value);
  if (m) return isRedactable(m[2] as string) ? `${m[1]}${r.redact('authorization_header', m[2] as string)}` : value;
  return isRedactable(value.trim()) ? r.redact('authorization_header', value) : value;
}
