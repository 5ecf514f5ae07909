/**
 * Finds where a JSON value ends in a stream of bytes, resumable across chunks, without parsing it: only string
 * and nesting state are followed. Inside strings the scan jumps from quote to quote with the native `indexOf`,
 * since most of a HAR's bytes are long strings. For a HAR entry it also notes where the entry's bodies
 * (`request.postData.text`, `response.content.text`) lie, so that a large body need not be decoded and
 * re-encoded along with the rest of the entry (see long-bodies.ts).
 */

/** Bodies shorter than this are parsed with the rest of their entry. */
export const LONG_BODY_BYTES = 2048;

export type Span = { start: number; end: number };

export type ScanState = {
  /** Bytes of this value already scanned in earlier chunks: positions in `spans` count from its first byte. */
  size: number;
  depth: number;
  inString: boolean;
  escaped: boolean;
  /** Only for HAR entries: the member names on the path, the last short string, and the body spans found. */
  track?: { keys: (string | undefined)[]; afterColon: boolean; pendingKey: string | undefined; stringStart: number; spans: Span[] };
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

export function isJsonSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Resumes inside a string at `from`: the index after its closing quote, or -1 (with the escape state kept). */
export function scanString(buf: Buffer, from: number, s: ScanState): number {
  const n = buf.length;
  let i = from;
  if (s.escaped) {
    if (i >= n) return -1;
    i++;
    s.escaped = false;
  }
  for (;;) {
    const q = buf.indexOf(QUOTE, i);
    if (q < 0) {
      let k = n - 1;
      while (k >= i && buf[k] === BACKSLASH) k--;
      s.escaped = ((n - 1 - k) & 1) === 1;
      return -1;
    }
    // The quote ends the string unless an odd run of backslashes escapes it; the run cannot begin before
    // `i`, where no escape is pending.
    let k = q - 1;
    while (k >= i && buf[k] === BACKSLASH) k--;
    if (((q - 1 - k) & 1) === 0) {
      s.inString = false;
      return q + 1;
    }
    i = q + 1;
  }
}

/** The index of the byte that ends a literal (number, true, false, null), or -1. */
export function scanLiteral(buf: Buffer, from: number): number {
  for (let i = from; i < buf.length; i++) {
    const b = buf[i] as number;
    if (b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || isJsonSpace(b)) return i;
  }
  return -1;
}

/**
 * Resumes inside an object or array at `i` (its opening bracket already counted in `depth`; this chunk's part
 * of the value starts at `from`): the index after its closing bracket, or -1 when it goes on past this chunk.
 */
export function scanContainer(buf: Buffer, from: number, i: number, s: ScanState): number {
  if (s.track) return scanTracked(buf, from, i, s, s.track);
  if (s.inString) {
    i = scanString(buf, i, s);
    if (i < 0) return -1;
  }
  const n = buf.length;
  let depth = s.depth;
  while (i < n) {
    const b = buf[i++] as number;
    if (b === QUOTE) {
      s.inString = true;
      i = scanString(buf, i, s);
      if (i < 0) break;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      depth++;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      if (--depth === 0) {
        s.depth = 0;
        return i;
      }
    }
  }
  s.depth = depth;
  return -1;
}

type Track = NonNullable<ScanState['track']>;

/** `scanContainer` that also follows member names, for a HAR entry. */
function scanTracked(buf: Buffer, from: number, start: number, s: ScanState, t: Track): number {
  // Position in the value of the byte at buffer index `i`.
  const at = (i: number): number => s.size + i - from;
  let i = start;
  if (s.inString) {
    i = scanString(buf, i, s);
    if (i < 0) return -1;
    stringEnded(buf, i, at(i), s.depth, t, from);
  }
  const n = buf.length;
  let depth = s.depth;
  while (i < n) {
    const b = buf[i++] as number;
    if (b === QUOTE) {
      t.stringStart = at(i - 1);
      s.inString = true;
      i = scanString(buf, i, s);
      if (i < 0) break;
      stringEnded(buf, i, at(i), depth, t, from);
    } else if (b === COLON) {
      if (t.pendingKey !== undefined) t.keys[depth] = t.pendingKey;
      t.pendingKey = undefined;
      t.afterColon = true;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      depth++;
      t.keys[depth] = undefined;
      t.afterColon = false;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      t.afterColon = false;
      t.pendingKey = undefined;
      if (--depth === 0) {
        s.depth = 0;
        return i;
      }
    } else if (b === COMMA) {
      t.afterColon = false;
      t.pendingKey = undefined;
    }
  }
  s.depth = depth;
  return -1;
}

const KEY_BYTES = 16;

/**
 * A string just closed at buffer index `end` (value position `endAt`). After a colon it is a member's value,
 * and a body when its path is request|response → postData|content → text; otherwise it may be a member name,
 * remembered if short and wholly in this chunk (a name split across chunks is simply not recognised).
 */
function stringEnded(buf: Buffer, end: number, endAt: number, depth: number, t: Track, from: number): void {
  const length = endAt - t.stringStart;
  if (t.afterColon) {
    t.afterColon = false;
    if (length >= LONG_BODY_BYTES && depth === 3 && t.keys[3] === 'text'
      && ((t.keys[1] === 'request' && t.keys[2] === 'postData') || (t.keys[1] === 'response' && t.keys[2] === 'content'))) {
      t.spans.push({ start: t.stringStart, end: endAt });
    }
    return;
  }
  const startIndex = end - length;
  t.pendingKey = length <= KEY_BYTES + 2 && startIndex >= from ? buf.toString('latin1', startIndex + 1, end - 1) : '';
}
