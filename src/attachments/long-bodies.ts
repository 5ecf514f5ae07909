import type { Span } from './json-scan.ts';
import type { Emit } from './processor.ts';

/**
 * The large bodies of one HAR entry, kept as the raw JSON string literals they arrived as. The entry is parsed
 * with each body replaced by a short marker string; a body nothing is removed from goes back out as the very
 * bytes it came in, and text bodies are scrubbed on those bytes directly: JSON string escapes leave every
 * ASCII pattern the scrubber looks for intact (bar `\"`, `\/` and `\n`, which it allows for), and a latin1
 * view maps each byte to one character and back. Decoding, re-escaping and re-encoding a few hundred
 * kilobytes of script per entry is most of what sanitizing would otherwise cost.
 */
export class LongBodies {
  #unit: Buffer;
  #spans: Span[];
  #replaced: (Buffer | undefined)[];
  #seen: boolean[];

  constructor(unit: Buffer, spans: Span[]) {
    this.#unit = unit;
    this.#spans = spans;
    this.#replaced = spans.map(() => undefined);
    this.#seen = spans.map(() => false);
  }

  /**
   * Markers are strings with a NUL, which no HAR string can hold unless it is written `\u0000`; an entry that
   * has one anywhere is parsed whole instead, so that a marker can never be mistaken for a real value.
   */
  static usable(unit: Buffer, spans: Span[]): boolean {
    return spans.length > 0 && unit.indexOf(NUL_ESCAPE) < 0;
  }

  /** The entry's JSON text with each body replaced by its marker. */
  skeleton(): string {
    const parts: Buffer[] = [];
    let from = 0;
    this.#spans.forEach((span, i) => {
      parts.push(this.#unit.subarray(from, span.start), Buffer.from(`"${MARKER_JSON}${i}"`));
      from = span.end;
    });
    parts.push(this.#unit.subarray(from));
    return Buffer.concat(parts).toString('utf8');
  }

  /** The body a parsed value stands for, if it is a marker; the body counts as handled from then on. */
  ref(value: unknown): number | undefined {
    if (typeof value !== 'string' || !value.startsWith(MARKER)) return undefined;
    const i = Number(value.slice(MARKER.length));
    if (!Number.isInteger(i) || i < 0 || i >= this.#spans.length) return undefined;
    this.#seen[i] = true;
    return i;
  }

  /**
   * Whether every body went through a body handler. One that did not (its entry was not the shape the scan
   * assumed) must not go out as it came in: the caller then parses the entry whole instead.
   */
  allHandled(): boolean {
    return this.#seen.every(Boolean);
  }

  #inner(i: number): Buffer {
    const span = this.#spans[i] as Span;
    return this.#unit.subarray(span.start + 1, span.end - 1);
  }

  /** Set when a body is not a well-formed JSON string, which the skeleton's parse could not have noticed. */
  malformed = false;

  /** The body's text, or undefined (and `malformed`) when its literal is not valid JSON. */
  decoded(i: number): string | undefined {
    const span = this.#spans[i] as Span;
    try {
      return JSON.parse(this.#unit.toString('utf8', span.start, span.end)) as string;
    } catch {
      this.malformed = true;
      return undefined;
    }
  }

  /** The body as it is written, JSON-escaped, without its quotes. */
  raw(i: number): Buffer {
    return this.#inner(i);
  }

  /**
   * The body as it is written, one character per byte. Its escapes are not checked here (that would cost as
   * much as decoding it): a body passed through unread goes out exactly as well- or ill-formed as it came.
   */
  rawText(i: number): string {
    return this.#inner(i).toString('latin1');
  }

  /** The first bytes a base64 body decodes to, enough to recognise a media format by its magic number. */
  base64Head(i: number): Buffer {
    return Buffer.from(this.#inner(i).toString('latin1', 0, 24), 'base64');
  }

  /** `\uXXXX` escapes could hide the characters the scrubber looks for (Go writes `<` as `\u003c`). */
  hasUnicodeEscapes(i: number): boolean {
    return this.#inner(i).indexOf(UNICODE_ESCAPE) >= 0;
  }

  /** The first character after any leading white space (raw `\n`, `\r`, `\t` escapes included). */
  firstChar(i: number): string {
    return /^(?:\s|\\[nrt])*(.?)/.exec(this.#inner(i).toString('latin1', 0, 64))?.[1] ?? '';
  }

  /** Puts scrubbed escaped text (one character per byte) in place of the body. */
  replaceRaw(i: number, raw: string): void {
    this.#replaced[i] = Buffer.from(raw, 'latin1');
  }

  /**
   * Writes the serialized entry with each marker replaced by its body's bytes: the entry's own bytes, which
   * are the sanitizer's when `owned`, or the scrubbed replacement, which always is.
   */
  emitAssembled(json: string, emit: Emit, owned: boolean): void {
    let from = 0;
    for (let at = json.indexOf(MARKER_LITERAL); at >= 0; at = json.indexOf(MARKER_LITERAL, from)) {
      const close = json.indexOf('"', at + MARKER_LITERAL.length);
      const i = Number(json.slice(at + MARKER_LITERAL.length, close));
      emit(json.slice(from, at + 1));
      const replaced = this.#replaced[i];
      if (replaced) emit(replaced, true);
      else emit(this.#inner(i), owned);
      from = close;
    }
    emit(json.slice(from));
  }
}

const MARKER = '\u0000bulwark-body:';
/** The marker as it is written inside a JSON string, and as JSON.stringify writes it back, opening quote included. */
const MARKER_JSON = '\\u0000bulwark-body:';
const MARKER_LITERAL = `"${MARKER_JSON}`;
const NUL_ESCAPE = Buffer.from('\\u0000');
const UNICODE_ESCAPE = Buffer.from('\\u');

