/**
 * Sigma's `condition` expressions (Sigma rules specification 2.0, "Condition"): search identifiers joined by
 * `and`, `or`, `not` and parentheses, and the selectors `1 of PATTERN`, `any of PATTERN`, `all of PATTERN`
 * and `… of them`. Precedence, least to most binding: or, and, not, `x of`, parentheses; `and`/`or` are
 * left-associative. Keywords are lower case, as in pySigma's grammar: `AND` is an identifier.
 */

export type ConditionNode =
  | { kind: 'id'; name: string }
  | { kind: 'of'; quantifier: 'one' | 'all'; pattern: string }
  | { kind: 'not'; arg: ConditionNode }
  | { kind: 'and' | 'or'; args: ConditionNode[] };

export type ConditionResult = { ok: true; value: ConditionNode } | { ok: false; reason: string };

type Token = { text: string; at: number };

/** Identifiers as pySigma reads them (letters, digits, `_`, `-`); selector patterns may add `*`. */
const WORD = /[A-Za-z0-9_*-]+/y;
const IDENTIFIER = /^[A-Za-z0-9_-]+$/;
const PATTERN = /^[A-Za-z0-9_*]+$/;
const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them']);
/** Rules nest a few levels at most; this keeps a hostile condition from exhausting the stack. */
const MAX_DEPTH = 64;

function tokenize(text: string): { ok: true; tokens: Token[] } | { ok: false; reason: string } {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const c = text[at] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      at += 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ text: c, at });
      at += 1;
    } else {
      WORD.lastIndex = at;
      const m = WORD.exec(text);
      if (!m) {
        const reason = c === '|'
          ? 'aggregation expressions (`| count() …`) are deprecated in favour of Sigma correlations, which are not supported'
          : `unexpected character '${c}' at position ${at}`;
        return { ok: false, reason };
      }
      tokens.push({ text: m[0], at });
      at += m[0].length;
    }
  }
  return { ok: true, tokens };
}

type State = { tokens: Token[]; i: number; depth: number };

function peek(s: State): Token | undefined {
  return s.tokens[s.i];
}

function fail(s: State, what: string): ConditionResult {
  const tok = peek(s);
  return { ok: false, reason: tok ? `${what}, found '${tok.text}' at position ${tok.at}` : `${what}, found the end of the condition` };
}

function parseOr(s: State): ConditionResult {
  return parseChain(s, 'or', parseAnd);
}

function parseAnd(s: State): ConditionResult {
  return parseChain(s, 'and', parseNot);
}

function parseChain(s: State, op: 'and' | 'or', operand: (s: State) => ConditionResult): ConditionResult {
  const first = operand(s);
  if (!first.ok) return first;
  const args = [first.value];
  while (peek(s)?.text === op) {
    s.i += 1;
    const next = operand(s);
    if (!next.ok) return next;
    args.push(next.value);
  }
  return { ok: true, value: args.length === 1 ? first.value : { kind: op, args } };
}

function parseNot(s: State): ConditionResult {
  if (peek(s)?.text !== 'not') return parsePrimary(s);
  s.i += 1;
  if (++s.depth > MAX_DEPTH) return { ok: false, reason: `condition nests deeper than ${MAX_DEPTH} levels` };
  const arg = parseNot(s);
  s.depth -= 1;
  return arg.ok ? { ok: true, value: { kind: 'not', arg: arg.value } } : arg;
}

function parsePrimary(s: State): ConditionResult {
  const tok = peek(s);
  if (tok === undefined) return fail(s, 'expected a search identifier');
  if (tok.text === '(') {
    s.i += 1;
    if (++s.depth > MAX_DEPTH) return { ok: false, reason: `condition nests deeper than ${MAX_DEPTH} levels` };
    const inner = parseOr(s);
    s.depth -= 1;
    if (!inner.ok) return inner;
    if (peek(s)?.text !== ')') return fail(s, "expected ')'");
    s.i += 1;
    return inner;
  }
  const next = s.tokens[s.i + 1];
  if ((tok.text === '1' || tok.text === 'any' || tok.text === 'all') && next?.text === 'of') {
    s.i += 2;
    const target = peek(s);
    if (target === undefined || !(target.text === 'them' || PATTERN.test(target.text))) {
      return fail(s, "expected 'them' or a search identifier pattern after 'of'");
    }
    s.i += 1;
    return { ok: true, value: { kind: 'of', quantifier: tok.text === 'all' ? 'all' : 'one', pattern: target.text } };
  }
  if (KEYWORDS.has(tok.text) || !IDENTIFIER.test(tok.text)) return fail(s, 'expected a search identifier');
  s.i += 1;
  return { ok: true, value: { kind: 'id', name: tok.text } };
}

/** Parses one condition string into a tree; the reason names the position of the first fault. */
export function parseCondition(text: string): ConditionResult {
  const lexed = tokenize(text);
  if (!lexed.ok) return lexed;
  const s: State = { tokens: lexed.tokens, i: 0, depth: 0 };
  const tree = parseOr(s);
  if (!tree.ok) return tree;
  if (s.i < s.tokens.length) return fail(s, 'expected and/or or the end of the condition');
  return tree;
}

/**
 * The search identifiers a selector names, in their declared order. `them` is every identifier; a pattern
 * matches whole names with `*` for any run of characters. Identifiers starting with `_` are left out of both,
 * as the specification and pySigma do.
 */
export function selectIdentifiers(pattern: string, identifiers: readonly string[]): string[] {
  const candidates = identifiers.filter((name) => !name.startsWith('_'));
  if (pattern === 'them') return candidates;
  // PATTERN admits no regular-expression syntax besides the `*` this turns into `.*`.
  const re = new RegExp(`^${pattern.replaceAll('*', '.*')}$`);
  return candidates.filter((name) => re.test(name));
}
