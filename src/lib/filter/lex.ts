export type Token =
  | { t: 'lparen'; pos: number }
  | { t: 'rparen'; pos: number }
  | { t: 'word'; text: string; pos: number }
  | { t: 'string'; value: string; pos: number }
  | { t: 'number'; value: number; pos: number }
  | { t: 'end'; pos: number };

export type LexError = { message: string; position: number };

export type LexResult = { ok: true; tokens: Token[] } | { ok: false; error: LexError };

const WORD_START = /[A-Za-z_]/;
const WORD_CHARS = /[A-Za-z0-9_$.-]*/y;
// JSON number grammar (RFC 8259 §6), anchored with the sticky flag.
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /^[0-9A-Fa-f]{4}$/;
const SIMPLE_ESCAPES = '"\\/bfnrt';

function err(what: string, position: number): LexError {
  return { message: `${what} at position ${position}`, position };
}

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

/**
 * Finds the end of a JSON string literal starting at `start` (the opening quote) and checks it
 * fully, so that JSON.parse on the slice cannot fail.
 */
function scanString(input: string, start: number): { ok: true; end: number } | { ok: false; error: LexError } {
  let i = start + 1;
  while (i < input.length) {
    const ch = input.charCodeAt(i);
    if (ch === 0x22) return { ok: true, end: i + 1 };
    if (ch < 0x20) {
      return { ok: false, error: err('Control character in string', i) };
    }
    if (ch === 0x5c) {
      const next = input[i + 1];
      if (next === 'u' && HEX4.test(input.slice(i + 2, i + 6))) {
        i += 6;
        continue;
      }
      if (next !== undefined && next !== 'u' && SIMPLE_ESCAPES.includes(next)) {
        i += 2;
        continue;
      }
      if (next === undefined) break;
      return { ok: false, error: err('Invalid escape sequence', i) };
    }
    i += 1;
  }
  return { ok: false, error: err('Unterminated string', start) };
}

/**
 * Postgres text cannot hold U+0000 and re-encodes lone surrogates, so such values could never
 * compare the same way in memory and in SQL; refusing them keeps every back end consistent.
 */
function unrepresentable(value: string): boolean {
  return value.includes('\u0000') || !value.isWellFormed();
}

function lexString(input: string, pos: number, tokens: Token[]): LexError | number {
  const scanned = scanString(input, pos);
  if (!scanned.ok) return scanned.error;
  const value = JSON.parse(input.slice(pos, scanned.end)) as string;
  if (unrepresentable(value)) {
    return err('String contains a NUL or unpaired surrogate character', pos);
  }
  tokens.push({ t: 'string', value, pos });
  return scanned.end;
}

function lexNumber(input: string, pos: number, tokens: Token[]): LexError | number {
  NUMBER.lastIndex = pos;
  const match = NUMBER.exec(input);
  const end = pos + (match?.[0].length ?? 0);
  const after = input[end];
  if (match === null || !(after === undefined || after === ')' || isSpace(after))) {
    return err('Invalid number', pos);
  }
  const value = Number(match[0]);
  if (!Number.isFinite(value)) {
    return err('Number out of range', pos);
  }
  tokens.push({ t: 'number', value, pos });
  return end;
}

function unexpected(input: string, pos: number): LexError {
  const ch = String.fromCodePoint(input.codePointAt(pos) ?? 0);
  if (ch === '[' || ch === ']') {
    return err("Value path filters ('[ ]') are not supported", pos);
  }
  if (ch === "'") {
    return err('String values must be in double quotes', pos);
  }
  return err(`Unexpected character ${JSON.stringify(ch)}`, pos);
}

export function lex(input: string): LexResult {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < input.length) {
    const ch = input[pos] as string;
    if (isSpace(ch)) {
      pos += 1;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ t: ch === '(' ? 'lparen' : 'rparen', pos });
      pos += 1;
    } else if (ch === '"' || ch === '-' || (ch >= '0' && ch <= '9')) {
      const next = ch === '"' ? lexString(input, pos, tokens) : lexNumber(input, pos, tokens);
      if (typeof next !== 'number') return { ok: false, error: next };
      pos = next;
    } else if (WORD_START.test(ch)) {
      WORD_CHARS.lastIndex = pos + 1;
      const rest = WORD_CHARS.exec(input)?.[0] ?? '';
      tokens.push({ t: 'word', text: ch + rest, pos });
      pos += 1 + rest.length;
    } else {
      return { ok: false, error: unexpected(input, pos) };
    }
  }
  tokens.push({ t: 'end', pos: input.length });
  return { ok: true, tokens };
}
