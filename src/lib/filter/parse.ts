import { isCompareOp, type FilterNode, type FilterValue } from './ast.ts';
import { lex, type Token } from './lex.ts';

export const MAX_FILTER_LENGTH = 4096;
export const MAX_FILTER_DEPTH = 64;

export type ParseError = { message: string; position: number };
export type ParseResult = { ok: true; value: FilterNode } | { ok: false; error: ParseError };

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_$-]*)*$/;
// Okta's own message lists only these, even though it also accepts ne and ew.
const OKTA_EXPECTED_OPERATORS = 'eq,co,sw,pr,gt,ge,lt,le';

type State = { tokens: Token[]; i: number; depth: number; end: number };

function fail(what: string, position: number): ParseResult {
  return { ok: false, error: { message: `${what} at position ${position}`, position } };
}

function peek(s: State, ahead = 0): Token {
  return s.tokens[s.i + ahead] ?? { t: 'end', pos: s.end };
}

function isWord(tok: Token, word: string): boolean {
  return tok.t === 'word' && tok.text.toLowerCase() === word;
}

function isOperatorWord(tok: Token): boolean {
  if (tok.t !== 'word') return false;
  const word = tok.text.toLowerCase();
  return word === 'pr' || isCompareOp(word);
}

function tokenValue(tok: Token): { value: FilterValue } | null {
  if (tok.t === 'string' || tok.t === 'number') return { value: tok.value };
  // JSON literals are case-sensitive, so `TRUE` is not a value.
  if (tok.t === 'word' && tok.text === 'true') return { value: true };
  if (tok.t === 'word' && tok.text === 'false') return { value: false };
  if (tok.t === 'word' && tok.text === 'null') return { value: null };
  return null;
}

function parseComparison(s: State, pathTok: Token & { t: 'word' }): ParseResult {
  if (!PATH.test(pathTok.text)) return fail(`Invalid attribute path '${pathTok.text}'`, pathTok.pos);
  const path = pathTok.text;
  const position = pathTok.pos;
  s.i += 1;
  const opTok = peek(s);
  if (opTok.t === 'end') return fail('Unexpected end of expression', opTok.pos);
  if (opTok.t !== 'word') return fail('Expected an operator', opTok.pos);
  const op = opTok.text.toLowerCase();
  s.i += 1;
  if (op === 'pr') return { ok: true, value: { kind: 'present', path, position } };
  if (!isCompareOp(op)) {
    const message = `Unrecognized attribute operator '${opTok.text}' at position ${opTok.pos}. ` +
      `Expected: ${OKTA_EXPECTED_OPERATORS}`;
    return { ok: false, error: { message, position: opTok.pos } };
  }
  const valueTok = peek(s);
  const value = tokenValue(valueTok);
  if (value === null) return fail('Expected a value', valueTok.pos);
  s.i += 1;
  return { ok: true, value: { kind: 'compare', path, op, value: value.value, position } };
}

/** Runs `inner` one nesting level deeper, refusing to go past MAX_FILTER_DEPTH. */
function nested(s: State, at: number, inner: () => ParseResult): ParseResult {
  if (s.depth >= MAX_FILTER_DEPTH) {
    return fail(`Expression is nested more than ${MAX_FILTER_DEPTH} levels deep`, at);
  }
  s.depth += 1;
  const result = inner();
  s.depth -= 1;
  return result;
}

function parseGroup(s: State, open: Token): ParseResult {
  s.i += 1;
  const inner = parseOr(s);
  if (!inner.ok) return inner;
  const close = peek(s);
  if (close.t === 'rparen') {
    s.i += 1;
    return inner;
  }
  if (close.t === 'end') return fail('Unbalanced parenthesis', open.pos);
  return fail("Expected 'and', 'or' or ')'", close.pos);
}

function parseUnary(s: State): ParseResult {
  const tok = peek(s);
  if (tok.t === 'lparen') return nested(s, tok.pos, () => parseGroup(s, tok));
  // `not` followed by an operator is an attribute that happens to be called "not".
  if (isWord(tok, 'not') && !isOperatorWord(peek(s, 1))) {
    return nested(s, tok.pos, () => {
      s.i += 1;
      const inner = parseUnary(s);
      return inner.ok ? { ok: true, value: { kind: 'not', expr: inner.value } } : inner;
    });
  }
  if (tok.t === 'word') return parseComparison(s, tok);
  if (tok.t === 'end') return fail('Unexpected end of expression', tok.pos);
  return fail("Expected an attribute path, '(' or 'not'", tok.pos);
}

function parseBinary(s: State, kind: 'and' | 'or', operand: (s: State) => ParseResult): ParseResult {
  let left = operand(s);
  while (left.ok && isWord(peek(s), kind)) {
    s.i += 1;
    const right = operand(s);
    if (!right.ok) return right;
    left = { ok: true, value: { kind, left: left.value, right: right.value } };
  }
  return left;
}

function parseAnd(s: State): ParseResult {
  return parseBinary(s, 'and', parseUnary);
}

function parseOr(s: State): ParseResult {
  return parseBinary(s, 'or', parseAnd);
}

export function parseFilter(input: string): ParseResult {
  if (input.length > MAX_FILTER_LENGTH) {
    return fail(`Filter expression is longer than ${MAX_FILTER_LENGTH} characters`, MAX_FILTER_LENGTH);
  }
  const lexed = lex(input);
  if (!lexed.ok) return lexed;
  const s: State = { tokens: lexed.tokens, i: 0, depth: 0, end: input.length };
  if (peek(s).t === 'end') return fail('Empty filter expression', 0);
  const result = parseOr(s);
  if (!result.ok) return result;
  const rest = peek(s);
  if (rest.t === 'end') return result;
  if (rest.t === 'rparen') return fail('Unbalanced parenthesis', rest.pos);
  return fail("Expected 'and' or 'or'", rest.pos);
}
