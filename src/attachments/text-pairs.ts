import { redactNamedValue } from './named-values.ts';
import { isRedactable, type Redactions, type RemovalKind } from './redactions.ts';
import { classifyName, NAME_WORDS, type NameContext } from './sensitive-names.ts';

/**
 * `name=value`, `name: value`, `"name": "value"` and `name="value"` in free text, wherever a sensitive name
 * appears: query strings and fragments in URLs, header lines in logs, JSON inside a string, a JSON-escaped
 * body (`\"name\":\"value\"`). The pattern anchors on a word every sensitive name contains; the full name is
 * then read backwards and judged by `classifyName`.
 */
const PAIR = new RegExp(`(${NAME_WORDS}[\\w.-]*)(?:\\]|%5[Dd])?(\\\\*["']?)[ \\t]*([:=])[ \\t]*`, 'gi');

/** What every match of the pair rule starts with, for a one-test gate over short strings. */
export const PAIR_START = new RegExp(`${NAME_WORDS}[\\w.-]*(?:\\]|%5[Dd])?\\\\*["']?[ \\t]*[:=]`);
/** What a parameter follows: a query string, a fragment, a form field, a path parameter, or `user[password]=`. */
const URL_LEAD = '?&#;[';
const LITERALS = new Set(['null', 'true', 'false', 'undefined']);

/** Letters, digits, `_`, `-` and `.`: what a name is read back over (`api.key`, `spring.datasource.password`). */
export function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d || c === 0x2e;
}

export function scrubPairs(s: string, r: Redactions): string {
  let out = '';
  let from = 0;
  PAIR.lastIndex = 0;
  for (let m = PAIR.exec(s); m !== null; m = PAIR.exec(s)) {
    const at = m.index + m[0].length;
    const sep = m[3] as string;
    // `a:hover`, `.fa-user-secret:before`, `user:pass@`: an unquoted name glued to a colon and an unquoted value
    // is markup or an address, not a field.
    if (sep === ':' && !m[2] && s.charCodeAt(at - 1) === 0x3a && !QUOTES.includes(s[at] ?? '-')) continue;
    let start = m.index;
    while (start > 0 && isNameChar(s.charCodeAt(start - 1))) start--;
    const lead = s[start - 1];
    const context: NameContext = sep === '=' && lead !== undefined && URL_LEAD.includes(lead) ? 'param' : 'field';
    const name = s.slice(start, m.index + (m[1] as string).length);
    let kind = classifyName(name, context);
    // `code=…&state=…` opening a form body or a log line is a query string all the same.
    if (!kind && sep === '=' && context === 'field' && s[valueSpan(s, at, sep, 'secret_field')[1]] === '&') kind = classifyName(name, 'param');
    // `"code": "…"` is OAuth's only in an OAuth message, as in JSON: here, on a line that names one of its markers.
    if (!kind && OAUTH_WORDS.test(name) && inOAuthLine(s, m.index)) kind = classifyName(name, 'field', true);
    if (!kind) continue;
    if ((s[at] === '{' || s[at] === '[') && !HEADER_LIKE.has(kind)) {
      // `"credentials": {"password": {"value": "…"}}`: under a sensitive name every string inside goes.
      const nested = scrubNested(s, at, m[2] as string, kind, r);
      PAIR.lastIndex = Math.max(PAIR.lastIndex, nested.end);
      if (nested.text === undefined) continue;
      out += s.slice(from, at) + nested.text;
      from = nested.end;
      continue;
    }
    const [valueStart, valueEnd] = valueSpan(s, at, sep, kind);
    PAIR.lastIndex = Math.max(PAIR.lastIndex, valueEnd);
    const value = s.slice(valueStart, valueEnd);
    if (!isRedactable(value) || LITERALS.has(value)) continue;
    const replaced = redactNamedValue(kind, value, r);
    if (replaced === value) continue;
    out += s.slice(from, valueStart) + replaced;
    from = valueEnd;
  }
  return from === 0 ? s : out + s.slice(from);
}

/**
 * `{"name": "X-Api-Key", "value": "…"}` and `{"key": "client_secret", "value": "…"}` written in text (a HAR's
 * headers or a Postman environment quoted in a log or a JSON-escaped body): judged by the name they carry,
 * as the JSON rules judge them. The first capture is the quote as written (`"` or `\"`).
 */
const NAMED_PAIR = /(\\*")(?:name|key)\1[ \t]*:[ \t]*\1([^"\\\n]{1,64})\1[ \t]*,[ \t]*\1value\1[ \t]*:[ \t]*\1/g;

export function scrubNamedPairs(s: string, r: Redactions): string {
  let out = '';
  let from = 0;
  NAMED_PAIR.lastIndex = 0;
  for (let m = NAMED_PAIR.exec(s); m !== null; m = NAMED_PAIR.exec(s)) {
    const kind = classifyName(m[2] as string, 'param');
    if (!kind) continue;
    const start = m.index + m[0].length;
    const end = closingQuote(s, start, '"', (m[1] as string).length - 1);
    NAMED_PAIR.lastIndex = Math.max(NAMED_PAIR.lastIndex, end);
    const value = s.slice(start, end);
    if (!isRedactable(value)) continue;
    out += s.slice(from, start) + redactNamedValue(kind, value, r);
    from = end;
  }
  return from === 0 ? s : out + s.slice(from);
}

/** The names JSON takes as secrets only inside an OAuth message (sensitive-names.ts), and the members that make one. */
const OAUTH_WORDS = /^(?:code|state)$/i;
const OAUTH_MARKERS = /client_id|redirect_uri|grant_type|response_type|code_verifier|code_challenge/;
const OAUTH_REACH = 2048;

function inOAuthLine(s: string, at: number): boolean {
  const start = Math.max(s.lastIndexOf('\n', at) + 1, at - OAUTH_REACH);
  let end = s.indexOf('\n', at);
  if (end < 0 || end > at + OAUTH_REACH) end = Math.min(s.length, at + OAUTH_REACH);
  return OAUTH_MARKERS.test(s.slice(start, end));
}

const QUOTES = '"\'\\';
const HEADER_LIKE = new Set<RemovalKind>(['cookie', 'set_cookie', 'authorization_header']);

/** Where the value after `name=` or `name:` starts and ends: quoted, to the end of a header line, or a word. */
function valueSpan(s: string, at: number, sep: string, kind: RemovalKind): [number, number] {
  let slashes = 0;
  while (s[at + slashes] === '\\') slashes++;
  const quote = s[at + slashes];
  if (quote === '"' || quote === "'") {
    const start = at + slashes + 1;
    return [start, closingQuote(s, start, quote, slashes)];
  }
  const c = s[at];
  if (c === '{' || c === '[') return [at, at];
  if (sep === ':' && HEADER_LIKE.has(kind)) return [at, DIGEST.test(s.slice(at, at + 7)) ? digestEnd(s, at) : lineEnd(s, at)];
  const stops = sep === '=' ? VALUE_STOPS_PARAM : VALUE_STOPS_FIELD;
  let end = at;
  for (;;) {
    const ch = s[end];
    if (ch === undefined) break;
    if (ch === '\\') {
      // `\/` is an escaped slash inside the value; any other escape ends it.
      if (s[end + 1] !== '/') break;
      end += 2;
      continue;
    }
    if (stops.includes(ch)) break;
    end++;
  }
  return [at, end];
}

/** How far an object or array under a sensitive name is followed in text; a line break also ends it. */
const NESTED_REACH = 64 * 1024;

/**
 * The strings of a JSON object or array written in text under a sensitive name (`at` is its `{` or `[`),
 * replaced, member names kept. Strings are quoted the way the name was (`"` or, in a JSON-escaped body, `\"`).
 * It ends where the object closes, at a line break, or after NESTED_REACH characters; what was read up to there
 * is scrubbed either way. `text` is undefined when nothing was replaced.
 */
function scrubNested(s: string, at: number, nameQuote: string, kind: RemovalKind, r: Redactions): { end: number; text: string | undefined } {
  const quote = nameQuote.endsWith("'") ? "'" : '"';
  const slashes = nameQuote.length > 1 ? nameQuote.length - 1 : 0;
  const token = '\\'.repeat(slashes) + quote;
  const limit = Math.min(s.length, at + NESTED_REACH);
  let out = '';
  let from = at;
  let depth = 0;
  let i = at;
  while (i < limit) {
    const c = s[i] as string;
    if (c === '\n') break;
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        i++;
        break;
      }
    } else if (c === token[0] && s.startsWith(token, i)) {
      const start = i + token.length;
      const close = closingQuote(s, start, quote, slashes);
      if (!s.startsWith(token, close)) {
        i = close;
        break;
      }
      let next = close + token.length;
      while (s[next] === ' ' || s[next] === '\t') next++;
      const value = s.slice(start, close);
      if (s[next] !== ':' && isRedactable(value)) {
        out += s.slice(from, start) + redactNamedValue(kind, value, r);
        from = close;
      }
      i = close + token.length;
      continue;
    }
    i++;
  }
  return { end: i, text: from === at ? undefined : out + s.slice(from, i) };
}

const VALUE_STOPS_PARAM = ' \t\r\n&"\'<>;,#?)]}';
const VALUE_STOPS_FIELD = ' \t\r\n"\'<>;,)]}';

/**
 * The quote that closes a value opened by `slashes` backslashes and `quote`: the same quote after exactly as
 * many backslashes (more would be a quote escaped inside the value), or the end of the line or text.
 */
function closingQuote(s: string, from: number, quote: string, slashes: number): number {
  const newline = s.indexOf('\n', from);
  for (let q = s.indexOf(quote, from); q >= 0 && (newline < 0 || q < newline); q = s.indexOf(quote, q + 1)) {
    let run = 0;
    while (s[q - 1 - run] === '\\') run++;
    if (run === slashes) return q - slashes;
  }
  return newline < 0 ? s.length : newline;
}

/**
 * The end of a header line: a line break, a backslash (an escaped `\r\n` in JSON-escaped text), or a quote or
 * `<` (the line was quoted, or sits in markup); none of them is part of a cookie or a credential.
 */
function lineEnd(s: string, from: number): number {
  let end = from;
  while (end < s.length && !LINE_STOPS.includes(s[end] as string)) end++;
  return end;
}

const LINE_STOPS = '\n\r\\"<';

/**
 * Digest credentials (RFC 7616 §3.4) quote their parameters, so their header line ends only at a line break,
 * a JSON-escaped one included, or at markup.
 */
const DIGEST = /^digest /i;

function digestEnd(s: string, from: number): number {
  let end = from;
  for (; end < s.length; end++) {
    const c = s[end];
    if (c === '\n' || c === '\r' || c === '<' || (c === '\\' && (s[end + 1] === 'r' || s[end + 1] === 'n'))) break;
  }
  return end;
}
