import { isJsonSpace, scanContainer, scanLiteral, scanString, type ScanState, type Span } from './json-scan.ts';
import type { Emit, Refusal } from './processor.ts';

/**
 * Cuts a stream of JSON bytes into units small enough to parse natively, without ever holding the document:
 * the elements of a top-level array, each entry of a HAR's `log.entries`, the other members of `log` and of
 * the top-level object, and each value of a JSON Lines file. Anything else (a top-level object that does not
 * start with `log`) is one unit. Only the few bytes between units are read here (brackets, commas, member
 * names); inside a unit the scan only follows string and nesting state, jumping from quote to quote with the
 * native `indexOf`, which is what keeps it fast on bodies of escaped text.
 */

/**
 * `spans`: where the bodies of a HAR entry lie in `bytes` (json-scan.ts). `owned`: `bytes` were gathered from
 * several chunks into a buffer of the splitter's own, rather than being a view of the source's chunk.
 */
export type Unit = { role: 'entry' | 'value'; key: string | undefined; bytes: Buffer; owned: boolean; offset: number; spans: Span[] };

/** Callbacks: `emit` writes structure between units, `unit` handles one complete unit and writes it. */
export type SplitterSink = {
  emit: Emit;
  unit(unit: Unit): Refusal | undefined;
};

/** What the structure was, once the input ended: a HAR is one top-level object whose `log` has `entries`. */
export type Shape = { roots: number; logObject: boolean; entriesArray: boolean };

type Frame = {
  type: 'object' | 'array';
  role: 'root' | 'log' | 'entries' | 'list';
  /** `value` and `key` may not be followed by a closing bracket: they come after a comma. */
  expect: 'first' | 'key' | 'colon' | 'value' | 'next';
  key: string | undefined;
};

type Capture = ScanState & {
  parts: Buffer[];
  start: number;
  shape: 'container' | 'string' | 'literal' | 'key';
  role: Unit['role'];
  key: string | undefined;
};

const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPENING_BRACE = Buffer.from('{');

export class JsonSplitter {
  readonly shape: Shape = { roots: 0, logObject: false, entriesArray: false };
  #sink: SplitterSink;
  #maxUnitBytes: number;
  #frames: Frame[] = [];
  #capture: Capture | undefined;
  /** The first member name of a top-level object decides whether it is a HAR, so it is read before anything is written. */
  #pendingRoot = false;
  #offset = 0;

  constructor(sink: SplitterSink, maxUnitBytes: number) {
    this.#sink = sink;
    this.#maxUnitBytes = maxUnitBytes;
  }

  push(chunk: Buffer): Refusal | undefined {
    let i = 0;
    while (i < chunk.length) {
      const capture = this.#capture;
      if (capture) {
        const end = this.#scan(chunk, i, capture);
        const failure = this.#grow(capture, chunk.subarray(i, end < 0 ? chunk.length : end));
        if (failure) return failure;
        if (end < 0) break;
        i = end;
        this.#capture = undefined;
        const done = this.#captured(capture);
        if (done) return done;
        continue;
      }
      const b = chunk[i] as number;
      if (isJsonSpace(b)) {
        i++;
        continue;
      }
      const failure = this.#structure(b, this.#offset + i);
      if (failure) return failure;
      // A new capture starts at this byte; anything else was one byte of structure.
      if (!this.#capture) i++;
    }
    // The source may reuse its buffer: the part of an unfinished unit that lies in this chunk is copied.
    const capture = this.#capture;
    if (capture && capture.parts.length > 0) {
      const last = capture.parts.length - 1;
      capture.parts[last] = Buffer.from(capture.parts[last] as Buffer);
    }
    this.#offset += chunk.length;
    return undefined;
  }

  end(): Refusal | undefined {
    const capture = this.#capture;
    if (capture?.shape === 'literal') {
      this.#capture = undefined;
      const done = this.#captured(capture);
      if (done) return done;
    }
    if (this.#capture || this.#frames.length > 0 || this.#pendingRoot) return malformed(this.#offset, 'the JSON ends before it is complete');
    return undefined;
  }

  /** One byte outside any unit: top-level values, the brackets, commas, colons and names of descended containers. */
  #structure(b: number, at: number): Refusal | undefined {
    if (this.#pendingRoot) {
      if (b === QUOTE) return this.#begin(at, 'key', 'value', undefined);
      if (b !== CLOSE_BRACE) return malformed(at, 'expected a member name');
      this.#pendingRoot = false;
      this.#sink.emit('{}');
      return undefined;
    }
    const frame = this.#frames.at(-1);
    if (!frame) return this.#root(b, at);
    if (frame.expect === 'colon') {
      if (b !== COLON) return malformed(at, 'expected a colon after a member name');
      this.#sink.emit(':');
      frame.expect = 'value';
      return undefined;
    }
    if (frame.expect === 'next') {
      if (b === COMMA) {
        this.#sink.emit(',');
        frame.expect = frame.type === 'object' ? 'key' : 'value';
        return undefined;
      }
      return this.#close(frame, b, at);
    }
    if (frame.type === 'object' && frame.expect !== 'value') {
      if (b === QUOTE) return this.#begin(at, 'key', 'value', undefined);
      if (frame.expect === 'first') return this.#close(frame, b, at);
      return malformed(at, 'expected a member name');
    }
    if (frame.type === 'array' && frame.expect === 'first' && b === CLOSE_BRACKET) return this.#close(frame, b, at);
    return this.#value(frame, b, at);
  }

  #root(b: number, at: number): Refusal | undefined {
    if (b !== OPEN_BRACE && b !== OPEN_BRACKET) return malformed(at, 'expected a JSON object or array');
    if (this.shape.roots > 0) this.#sink.emit('\n');
    this.shape.roots++;
    if (b === OPEN_BRACKET) {
      this.#sink.emit('[');
      this.#frames.push({ type: 'array', role: 'list', expect: 'first', key: undefined });
      return undefined;
    }
    this.#pendingRoot = true;
    return undefined;
  }

  /** A value inside a descended container: descended into itself, or captured as one unit. */
  #value(frame: Frame, b: number, at: number): Refusal | undefined {
    if (frame.role === 'root' && frame.key === 'log' && b === OPEN_BRACE && this.shape.roots === 1 && !this.shape.logObject) {
      this.shape.logObject = true;
      return this.#open(frame, { type: 'object', role: 'log', expect: 'first', key: undefined }, '{');
    }
    if (frame.role === 'log' && frame.key === 'entries' && b === OPEN_BRACKET && !this.shape.entriesArray) {
      this.shape.entriesArray = true;
      return this.#open(frame, { type: 'array', role: 'entries', expect: 'first', key: undefined }, '[');
    }
    if (b === COMMA || b === COLON || b === CLOSE_BRACE || b === CLOSE_BRACKET) return malformed(at, 'expected a value');
    frame.expect = 'next';
    return this.#begin(at, b === QUOTE ? 'string' : b === OPEN_BRACE || b === OPEN_BRACKET ? 'container' : 'literal',
      frame.role === 'entries' ? 'entry' : 'value', frame.type === 'object' ? frame.key : undefined);
  }

  #open(parent: Frame, child: Frame, text: string): undefined {
    parent.expect = 'next';
    this.#frames.push(child);
    this.#sink.emit(text);
    return undefined;
  }

  #close(frame: Frame, b: number, at: number): Refusal | undefined {
    const closer = frame.type === 'object' ? CLOSE_BRACE : CLOSE_BRACKET;
    if (b !== closer) return malformed(at, frame.type === 'object' ? 'expected a comma or }' : 'expected a comma or ]');
    this.#sink.emit(frame.type === 'object' ? '}' : ']');
    this.#frames.pop();
    return undefined;
  }

  #begin(at: number, shape: Capture['shape'], role: Unit['role'], key: string | undefined): undefined {
    this.#capture = {
      parts: [], size: 0, start: at, shape, role, key, depth: 0, inString: false, escaped: false,
      ...(role === 'entry' && shape === 'container' ? { track: { keys: [], afterColon: false, pendingKey: undefined, stringStart: 0, spans: [] } } : {}),
    };
    return undefined;
  }

  #grow(capture: Capture, part: Buffer): Refusal | undefined {
    if (part.length === 0) return undefined;
    capture.parts.push(part);
    capture.size += part.length;
    if (capture.size > this.#maxUnitBytes) {
      return { reason: 'too_large', message: `one entry or JSON value is larger than the ${this.#maxUnitBytes} bytes that can be sanitized at once` };
    }
    return undefined;
  }

  /** Where the capture ends in `buf` (the index after its last byte), or -1 when it goes on past this chunk. */
  #scan(buf: Buffer, from: number, c: Capture): number {
    if (c.shape === 'literal') return scanLiteral(buf, c.parts.length === 0 ? from + 1 : from);
    let i = from;
    if (c.parts.length === 0) {
      // The first byte opens the capture: a bracket, or the quote of a string or member name.
      i++;
      if (c.shape === 'container') c.depth = 1;
      else c.inString = true;
    }
    if (c.shape === 'container') return scanContainer(buf, from, i, c);
    return scanString(buf, i, c);
  }

  #captured(c: Capture): Refusal | undefined {
    const owned = c.parts.length > 1;
    const bytes = owned ? Buffer.concat(c.parts, c.size) : (c.parts[0] as Buffer);
    if (c.shape === 'key') return this.#named(bytes, c.start);
    if (this.#pendingRoot) {
      this.#pendingRoot = false;
      return this.#sink.unit({ role: 'value', key: undefined, bytes: Buffer.concat([OPENING_BRACE, bytes]), owned: true, offset: c.start - 1, spans: [] });
    }
    return this.#sink.unit({ role: c.role, key: c.key, bytes, owned, offset: c.start, spans: c.track?.spans ?? [] });
  }

  /** A member name has been read: the first one of a top-level object, or one in a descended object. */
  #named(bytes: Buffer, at: number): Refusal | undefined {
    let key: unknown;
    try {
      key = JSON.parse(bytes.toString('utf8'));
    } catch {
      return malformed(at, 'a member name is not a valid JSON string');
    }
    if (this.#pendingRoot) {
      if (key !== 'log' || this.shape.roots > 1) {
        // Not a HAR: the whole object is one unit, read on from its first name (copied: the chunk may be reused).
        this.#capture = {
          parts: [Buffer.from(bytes)], size: bytes.length, start: at, shape: 'container', role: 'value', key: undefined,
          depth: 1, inString: false, escaped: false,
        };
        return undefined;
      }
      this.#pendingRoot = false;
      this.#sink.emit('{');
      this.#frames.push({ type: 'object', role: 'root', expect: 'first', key: undefined });
    }
    const frame = this.#frames.at(-1) as Frame;
    frame.key = key as string;
    frame.expect = 'colon';
    this.#sink.emit(JSON.stringify(key));
    return undefined;
  }
}

function malformed(at: number, what: string): Refusal {
  return { reason: 'malformed', message: `not valid JSON at byte ${at}: ${what}` };
}
