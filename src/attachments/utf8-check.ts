import { isUtf8 } from 'node:buffer';

/**
 * Checks that a stream of chunks is UTF-8 (RFC 3629) as it passes: each chunk up to its last complete
 * character, the split character at a chunk boundary with the start of the next chunk.
 */
export class Utf8Check {
  #tail: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): boolean {
    let body = chunk;
    if (this.#tail.length > 0) {
      // A character is at most 4 bytes, so at most 3 more complete the one that was split.
      const need = Math.min(sequenceLength(this.#tail[0] as number) - this.#tail.length, chunk.length);
      const joined = Buffer.concat([this.#tail, chunk.subarray(0, need)]);
      body = chunk.subarray(need);
      if (joined.length < sequenceLength(joined[0] as number)) {
        this.#tail = joined;
        return true;
      }
      if (!isUtf8(joined)) return false;
    }
    const cut = completeUpTo(body);
    this.#tail = Buffer.from(body.subarray(cut));
    return isUtf8(body.subarray(0, cut));
  }

  /** True when the stream did not stop in the middle of a character. */
  end(): boolean {
    return this.#tail.length === 0;
  }
}

/** How many bytes the sequence a lead byte starts is meant to have (an invalid lead counts as one, and fails). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/** The length of `buf` without a trailing incomplete sequence. */
function completeUpTo(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back] as number;
    if (b < 0x80) return buf.length;
    if (b >= 0xc0) return back < sequenceLength(b) ? buf.length - back : buf.length;
  }
  return buf.length;
}
