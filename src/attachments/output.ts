import type { Emit } from './processor.ts';

/**
 * What goes to the sink, in order: runs of text and of borrowed bytes (views of the source's chunks, which the
 * source may reuse) copied into one fresh buffer each, and the sanitizer's own buffers as they are, since
 * copying the large bodies again would only double the garbage.
 */
export class Output {
  bytesOut = 0;
  #sink: (chunk: Buffer) => Promise<void> | void;
  #ready: Buffer[] = [];
  #run: (string | Buffer)[] = [];

  constructor(sink: (chunk: Buffer) => Promise<void> | void) {
    this.#sink = sink;
  }

  readonly emit: Emit = (piece, owned = false) => {
    if (!owned || typeof piece === 'string') {
      this.#run.push(piece);
      return;
    }
    this.#closeRun();
    if (piece.length > 0) this.#ready.push(piece);
  };

  /** Hands everything emitted so far to the sink, waiting for it before the next chunk is read. */
  async flush(): Promise<void> {
    this.#closeRun();
    const ready = this.#ready;
    this.#ready = [];
    for (const bytes of ready) {
      this.bytesOut += bytes.length;
      await this.#sink(bytes);
    }
  }

  #closeRun(): void {
    let size = 0;
    for (const piece of this.#run) size += typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.length;
    if (size > 0) {
      const bytes = Buffer.allocUnsafe(size);
      let at = 0;
      for (const piece of this.#run) at += typeof piece === 'string' ? bytes.write(piece, at, 'utf8') : piece.copy(bytes, at);
      this.#ready.push(bytes);
    }
    this.#run = [];
  }
}
