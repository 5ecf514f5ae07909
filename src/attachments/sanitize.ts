import { binaryFormat, SNIFF_BYTES, sniff } from './content-sniff.ts';
import { jsonProcessor } from './json-attachment.ts';
import { Output } from './output.ts';
import type { AttachmentKind, Processor, Refusal } from './processor.ts';
import { Redactions, type RemovalKind } from './redactions.ts';
import { textProcessor } from './text-attachment.ts';
import { Utf8Check } from './utf8-check.ts';

export type { AttachmentKind } from './processor.ts';
export { PLACEHOLDER, REMOVAL_KINDS, type RemovalKind } from './redactions.ts';

export type SanitizeOutcome =
  | { ok: true; kind: AttachmentKind; bytesIn: number; bytesOut: number; removed: Partial<Record<RemovalKind, number>> }
  | { ok: false; reason: Refusal['reason']; message: string };

export type SanitizeOptions = {
  /** Input larger than this is refused as too_large (default 250 MB: a long browser session's HAR). */
  maxBytes?: number;
  /** The largest single HAR entry, JSON value or log line held at once (default 32 MB); bounds memory. */
  maxUnitBytes?: number;
};

export const DEFAULT_MAX_BYTES = 250 * 1024 * 1024;
export const DEFAULT_MAX_UNIT_BYTES = 32 * 1024 * 1024;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const MAGIC_BYTES = 16;

/**
 * Reads `source` once, writes only sanitized bytes to `sink` as it goes (never the original), and says what it
 * removed. The kind is decided from the content (first bytes / structure), never from a file name or a declared
 * content type. Over `maxBytes` of input it stops reading and answers too_large; the caller discards what it wrote.
 * A refusal's message describes the problem and never quotes the input.
 */
export async function sanitizeAttachment(
  source: AsyncIterable<Uint8Array>,
  sink: (chunk: Buffer) => Promise<void> | void,
  opts: SanitizeOptions = {},
): Promise<SanitizeOutcome> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxUnitBytes = Math.min(opts.maxUnitBytes ?? DEFAULT_MAX_UNIT_BYTES, maxBytes);
  const utf8 = new Utf8Check();
  const output = new Output(sink);
  let bytesIn = 0;

  /** Kept to name a binary format when the bytes that refuse it come after the sniffing window. */
  let firstBytes = Buffer.alloc(0);
  let head: Buffer[] = [];
  let headBytes = 0;
  let processor: Processor | undefined;
  let redactions: Redactions | undefined;
  /** Picks the processor once the first bytes say what the upload is; feeds it what was held back meanwhile. */
  const decide = (final: boolean): Refusal | undefined => {
    let first = Buffer.concat(head, headBytes);
    if (first.subarray(0, 3).equals(UTF8_BOM)) first = first.subarray(3);
    const sniffed = sniff(first, final);
    if (sniffed.kind === 'undecided') return undefined;
    if (sniffed.kind === 'binary') return unsupported(sniffed.format);
    redactions = new Redactions({ perOccurrence: sniffed.kind === 'text' });
    processor = sniffed.kind === 'json' ? jsonProcessor(output.emit, redactions, maxUnitBytes) : textProcessor(output.emit, redactions, maxUnitBytes);
    head = [];
    return first.length > 0 ? processor.push(first) : undefined;
  };

  for await (const piece of source) {
    const chunk = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    bytesIn += chunk.length;
    // Returning from inside `for await` calls the source's return(): the rest of the upload is never read.
    if (bytesIn > maxBytes) return { ok: false, reason: 'too_large', message: `the file is larger than the ${maxBytes} bytes a support case accepts` };
    if (firstBytes.length < MAGIC_BYTES) firstBytes = Buffer.concat([firstBytes, chunk.subarray(0, MAGIC_BYTES - firstBytes.length)]);
    if (chunk.includes(0)) return unsupported(binaryFormat(firstBytes) ?? 'it contains NUL bytes, which text never does');
    if (!utf8.push(chunk)) return unsupported(binaryFormat(firstBytes) ?? 'it is not UTF-8 text');
    let refusal: Refusal | undefined;
    if (processor) {
      refusal = processor.push(chunk);
    } else {
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes >= SNIFF_BYTES + UTF8_BOM.length) refusal = decide(false);
      else head[head.length - 1] = Buffer.from(chunk);
    }
    if (refusal) return { ok: false, ...refusal };
    await output.flush();
  }
  if (!utf8.end()) return unsupported('it is not UTF-8 text');
  if (!processor) {
    const refusal = decide(true);
    if (refusal) return { ok: false, ...refusal };
  }
  const refusal = (processor as Processor).end();
  if (refusal) return { ok: false, ...refusal };
  await output.flush();
  return { ok: true, kind: (processor as Processor).kind(), bytesIn, bytesOut: output.bytesOut, removed: { ...(redactions as Redactions).counts } };
}

function unsupported(what: string): SanitizeOutcome & { ok: false } {
  const why = what.startsWith('it ') ? what : `this file looks like ${what}`;
  return { ok: false, reason: 'unsupported_content', message: `a support case takes HAR files, JSON and text logs; ${why}` };
}
