import type { Emit, Processor, Refusal } from './processor.ts';
import type { Redactions } from './redactions.ts';
import { scrubText } from './text-scrub.ts';

/** Lines are scrubbed a batch at a time; a batch ends at the first newline past this many bytes. */
const BATCH_BYTES = 256 * 1024;

/**
 * Text logs, scrubbed in batches of whole lines. Batches end where the content says (the first newline past
 * each BATCH_BYTES), never where the network happened to cut a chunk, so the output does not depend on
 * chunking. A private key or a SAML assertion spans lines: a batch that ends inside one is cut before it and
 * the rest waits for the next batch, so a secret is never scrubbed in two halves. The bytes are read as latin1
 * (one character per byte; every pattern is ASCII), so what is not removed goes out byte for byte.
 */
export function textProcessor(emit: Emit, r: Redactions, maxLineBytes: number): Processor {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let held = '';
  let offset = 0;
  let nextCut = BATCH_BYTES;
  /** Bytes since the last line break: a line, not a batch, is what the limit is about. */
  let lineBytes = 0;

  const scrubBatch = (text: string, final: boolean): void => {
    const all = held + text;
    const cut = final ? all.length : openConstructStart(all);
    held = all.slice(cut);
    if (cut > 0) emit(Buffer.from(scrubText(all.slice(0, cut), r), 'latin1'), true);
  };

  return {
    push(chunk) {
      const base = offset;
      offset += chunk.length;
      let from = 0;
      for (;;) {
        const at = Math.max(from, nextCut - base);
        if (at >= chunk.length) break;
        const nl = chunk.indexOf(0x0a, at);
        if (nl < 0) break;
        pending.push(chunk.subarray(from, nl + 1));
        scrubBatch(Buffer.concat(pending).toString('latin1'), false);
        pending = [];
        pendingBytes = 0;
        from = nl + 1;
        nextCut = base + from + BATCH_BYTES;
      }
      if (from < chunk.length) {
        pending.push(Buffer.from(chunk.subarray(from)));
        pendingBytes += chunk.length - from;
      }
      const lastBreak = chunk.lastIndexOf(0x0a);
      lineBytes = lastBreak < 0 ? lineBytes + chunk.length : chunk.length - lastBreak - 1;
      return lineBytes > maxLineBytes || held.length > maxLineBytes ? tooLong(maxLineBytes) : undefined;
    },
    end() {
      scrubBatch(Buffer.concat(pending).toString('latin1'), true);
      pending = [];
      return undefined;
    },
    kind: () => 'text',
  };
}

function tooLong(maxLineBytes: number): Refusal {
  return { reason: 'too_large', message: `a line (or a private key or SAML assertion) is longer than ${maxLineBytes} bytes` };
}

const OPENERS = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|<(?:[\w-]+:)?(?:Encrypted)?Assertion\b/g;

/** Where the unfinished multi-line secret begins (the start of its line), or the text's length when none is open. */
function openConstructStart(text: string): number {
  let open = -1;
  OPENERS.lastIndex = 0;
  for (let m = OPENERS.exec(text); m !== null; m = OPENERS.exec(text)) {
    const closer = m[0].startsWith('-----') ? m[0].replace('BEGIN', 'END') : `</${m[0].slice(1)}`;
    const closed = text.indexOf(closer, m.index + m[0].length);
    if (closed < 0) {
      open = m.index;
      break;
    }
    OPENERS.lastIndex = closed + closer.length;
  }
  if (open < 0) return text.length;
  return text.lastIndexOf('\n', open) + 1;
}
