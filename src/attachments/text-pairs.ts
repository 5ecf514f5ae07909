import { redactNamedValue } from './named-values.ts';
import { isRedactable, type Redactions, type RemovalKind } from './redactions.ts';
import { classifyName, NAME_WORDS, type NameContext } from './sensitive-names.ts';

/**
 * `name=value`, `name: value`, `"name": "value"` and `name="value"` in free text, wherever a sensitive name
 * appears: query strings and fragments in URLs, header lines in logs, JSON inside a string, a JSON-escaped
 * body (`\"name\":\"value\"`). The pattern anchors on a word every sensitive name contains; the full name is
 * then read backwards and judged by `classifyName`.
 */
const PAIR = new RegExp(`(${NAME_WORDS}[\\w.-]*)(\\\\*["']?)[ \\t]*([:=])[ \\t]*`, 'gi');

/** What every match of the pair rule starts with, for a one-test gate over short strings. */
export const PAIR_START = new RegExp(`${NAME_WORDS}[\\w.-]*\\\\*["']?[ \\t]*[:=]`);
const URL_LEAD = '?&#;';
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
    const kind = classifyName(s.slice(start, m.index + (m[1] as string).length), context);
    if (!kind) continue;
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
  if (sep === ':' && HEADER_LIKE.has(kind)) return [at, lineEnd(s, at)];
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
