/** What the HAR/JSON and the log sanitizers share: bytes in (UTF-8, checked), text out, a refusal as a value. */

export type AttachmentKind = 'har' | 'json' | 'text';

/**
 * Sanitized output: text, or bytes that are already UTF-8 (a body passed through or scrubbed as bytes). `owned`
 * bytes are the sanitizer's own and never change, so they may go to the sink as they are; any other bytes may
 * be a view of the source's chunk, which the source may reuse, and are copied.
 */
export type Emit = (piece: string | Buffer, owned?: boolean) => void;

export type Refusal = { reason: 'too_large' | 'unsupported_content' | 'malformed'; message: string };

export type Processor = {
  push(chunk: Buffer): Refusal | undefined;
  end(): Refusal | undefined;
  kind(): AttachmentKind;
};
