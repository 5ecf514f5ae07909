/**
 * What an upload is, from its first bytes only: a file name or a declared Content-Type is the uploader's
 * claim, the bytes are the fact. Binary formats are known by their magic numbers; JSON by its first tokens;
 * anything else that is UTF-8 text is a log. `[2024-01-01 12:00:00] INFO …` starts like a JSON array, so a
 * `[` counts as JSON only when what follows it is a JSON value followed by `,` or `]`.
 */

export type Sniffed = { kind: 'json' | 'text' } | { kind: 'binary'; format: string } | { kind: 'undecided' };

/** Enough to see past the magic numbers and the first JSON token of any reasonable file. */
export const SNIFF_BYTES = 1024;

const MAGIC: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a ZIP archive (or an Office document)', [0x50, 0x4b, 0x03, 0x04]],
  ['a ZIP archive (or an Office document)', [0x50, 0x4b, 0x05, 0x06]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['an ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
  ['a gzip archive', [0x1f, 0x8b]],
  ['a 7-Zip archive', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['a RAR archive', [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ['an xz archive', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['a zstd archive', [0x28, 0xb5, 0x2f, 0xfd]],
  ['a WebAssembly module', [0x00, 0x61, 0x73, 0x6d]],
  ['a Mach-O executable', [0xcf, 0xfa, 0xed, 0xfe]],
  ['a Mach-O executable', [0xfe, 0xed, 0xfa, 0xcf]],
  ['a Java class or universal binary', [0xca, 0xfe, 0xba, 0xbe]],
  ['an OLE document', [0xd0, 0xcf, 0x11, 0xe0]],
  ['an SQLite database', [...Buffer.from('SQLite format 3\0')]],
];

function startsWith(head: Buffer, magic: readonly number[]): boolean {
  if (head.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (head[i] !== magic[i]) return false;
  return true;
}

/** A DOS/PE header (`MZ`) is only believed when a binary byte follows, since `MZ` can start a line of text. */
function isPortableExecutable(head: Buffer): boolean {
  const third = head[2];
  return head[0] === 0x4d && head[1] === 0x5a && third !== undefined && (third >= 0x80 || (third < 0x20 && third !== 0x09 && third !== 0x0a && third !== 0x0d));
}

const JSON_LITERAL = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/;

/** The binary format the first bytes announce, if any. */
export function binaryFormat(head: Buffer): string | undefined {
  for (const [format, magic] of MAGIC) if (startsWith(head, magic)) return format;
  return isPortableExecutable(head) ? 'a Windows executable' : undefined;
}

/** `head` holds the first bytes (BOM removed); `final` says there are no more. */
export function sniff(head: Buffer, final: boolean): Sniffed {
  const format = binaryFormat(head);
  if (format) return { kind: 'binary', format };
  if (!final && head.length < SNIFF_BYTES) return { kind: 'undecided' };
  const text = head.toString('latin1');
  const first = text.search(/\S/);
  if (first < 0) return { kind: 'text' };
  const opener = text[first];
  if (opener !== '{' && opener !== '[') return { kind: 'text' };
  const rest = text.slice(first + 1);
  const next = rest.search(/\S/);
  // Only whitespace after the bracket within the window: nothing says it is not JSON.
  if (next < 0) return { kind: 'json' };
  const c = rest[next] as string;
  if (opener === '{') return { kind: c === '"' || c === '}' ? 'json' : 'text' };
  if ('{["]'.includes(c)) return { kind: 'json' };
  const token = /^[^\s,\]]+/.exec(rest.slice(next))?.[0] ?? '';
  const after = rest.slice(next + token.length).trimStart()[0];
  return { kind: JSON_LITERAL.test(token) && (after === ',' || after === ']') ? 'json' : 'text' };
}

/**
 * Picture, sound, video and font formats, by their magic numbers: a body labelled `image/png` is left unread
 * only if it is one. A label is the sender's claim; a JSON error page served as an image is still text.
 */
const MEDIA_MAGIC: ReadonlyArray<readonly [number, readonly number[]]> = [
  [0, [0x89, 0x50, 0x4e, 0x47]], [0, [0xff, 0xd8, 0xff]], [0, [0x47, 0x49, 0x46, 0x38]], [0, [0x52, 0x49, 0x46, 0x46]],
  [0, [0x00, 0x00, 0x01, 0x00]], [0, [0x00, 0x00, 0x02, 0x00]], [0, [0x42, 0x4d]], [0, [0x49, 0x49, 0x2a, 0x00]], [0, [0x4d, 0x4d, 0x00, 0x2a]],
  [0, [0x77, 0x4f, 0x46, 0x46]], [0, [0x77, 0x4f, 0x46, 0x32]], [0, [0x00, 0x01, 0x00, 0x00]], [0, [0x4f, 0x54, 0x54, 0x4f]],
  [4, [0x66, 0x74, 0x79, 0x70]], [0, [0x1a, 0x45, 0xdf, 0xa3]], [0, [0x49, 0x44, 0x33]], [0, [0xff, 0xfb]], [0, [0xff, 0xf3]],
  [0, [0x4f, 0x67, 0x67, 0x53]], [0, [0x66, 0x4c, 0x61, 0x43]], [0, [0xff, 0x0a]],
];

export function looksLikeMedia(head: Buffer): boolean {
  return MEDIA_MAGIC.some(([at, magic]) => magic.every((b, i) => head[at + i] === b));
}
