import { isUtf8 } from 'node:buffer';
import { looksLikeMedia } from './content-sniff.ts';
import { jsonMayHoldSecrets } from './json-gate.ts';
import { scrubJson, type JsonObject } from './json-scrub.ts';
import { parseJson } from './json-text.ts';
import type { LongBodies } from './long-bodies.ts';
import { isRedactable, type Redactions } from './redactions.ts';
import { classifyName } from './sensitive-names.ts';
import { scrubMultipartText, scrubRawBody, scrubText } from './text-scrub.ts';

/**
 * Request and response bodies, read the way their type says. A body is rewritten only when something was
 * removed from it, so a clean body keeps its exact bytes (and a base64 one its exact encoding).
 */
export function scrubBody(text: string, mimeType: string, r: Redactions): string {
  if (text.length < 5) return text;
  const mime = mimeType.toLowerCase();
  if (mime.includes('json') || JSON_START.test(text)) {
    if (!jsonMayHoldSecrets(text)) return text;
    const scrubbed = scrubJsonText(text, r);
    if (scrubbed !== undefined) return scrubbed;
  }
  if (mime.includes('x-www-form-urlencoded')) return scrubForm(text, r);
  // `multipart/form-data` (RFC 7578): each part's value judged by the name in its Content-Disposition.
  if (mime.startsWith('multipart/')) return scrubMultipartText(text, r);
  return scrubText(text, r);
}

/** JSON text scrubbed as a document, written back only if something was removed; undefined if it is not JSON. */
function scrubJsonText(text: string, r: Redactions): string | undefined {
  const parsed = parseJson(text);
  if (!parsed.ok) return undefined;
  const before = r.replaced;
  const value = scrubJson(parsed.value, r);
  return r.replaced === before ? text : JSON.stringify(value);
}

const JSON_START = /^[\s]*[{[]/;

/**
 * The `text` of HAR `content` or `postData`: the body, base64-encoded when `encoding` says so (HAR 1.2
 * §content), or a large body held raw by `bodies`.
 */
export function sanitizeBodyText(holder: JsonObject, r: Redactions, bodies?: LongBodies): void {
  const text = holder['text'];
  const mime = typeof holder['mimeType'] === 'string' ? holder['mimeType'] : '';
  const base64 = holder['encoding'] === 'base64';
  const long = bodies?.ref(text);
  if (bodies && long !== undefined) sanitizeLongBody(holder, mime, base64, bodies, long, r);
  else if (typeof text === 'string') holder['text'] = base64 ? scrubBase64Body(text, mime, r) : scrubBody(text, mime, r);
  else if (text !== undefined) holder['text'] = scrubJson(text, r);
}

/**
 * A large body: read as it is written (raw) when it is text, decoded only when its type needs reading:
 * JSON for its structure, forms and multipart for their field names, base64 for its bytes. Pictures, sound,
 * video and fonts (by label and by magic number both) are left unread.
 */
function sanitizeLongBody(holder: JsonObject, mimeType: string, base64: boolean, bodies: LongBodies, i: number, r: Redactions): void {
  const mime = mimeType.toLowerCase();
  if (base64 && MEDIA.test(mime) && looksLikeMedia(bodies.base64Head(i))) return;
  const first = bodies.firstChar(i);
  const json = mime.includes('json') || first === '{' || first === '[';
  const code = !json && (STYLESHEET.test(mime) || (SCRIPT.test(mime) && bodies.raw(i).length >= SCRIPT_BUNDLE_BYTES));
  const decode = base64 || mime.includes('x-www-form-urlencoded') || mime.startsWith('multipart/') || (!code && bodies.hasUnicodeEscapes(i));
  // JSON that holds no sensitive word and no credential shape is left unread, as written.
  if (!decode && json && !jsonMayHoldSecrets(bodies.rawText(i))) return;
  if (decode || json) {
    const text = bodies.decoded(i);
    if (text === undefined) return;
    const before = r.replaced;
    const out = base64 ? scrubBase64Body(text, mime, r) : decode ? scrubBody(text, mime, r) : scrubJsonText(text, r) ?? scrubText(text, r);
    if (r.replaced !== before) holder['text'] = out;
    return;
  }
  const out = scrubRawBody(bodies.raw(i), code ? 'code' : 'text', r);
  if (out !== undefined) bodies.replaceRaw(i, out);
}

/**
 * Stylesheets, and scripts this large, are built once and served alike to everyone: a script made for one user
 * (JSONP, a config script) is small and gets every rule. A stylesheet is never made per user.
 */
const STYLESHEET = /\/css/;
const SCRIPT = /javascript|ecmascript/;
const SCRIPT_BUNDLE_BYTES = 32 * 1024;

/** Pictures, sound, video and fonts carry no session; SVG is XML text and is read like any other. */
const MEDIA = /^(?:image\/(?!svg)|audio\/|video\/|font\/|application\/(?:font-|x-font-|vnd\.ms-fontobject))/;

function scrubBase64Body(text: string, mimeType: string, r: Redactions): string {
  const bytes = Buffer.from(text, 'base64');
  if (MEDIA.test(mimeType.toLowerCase()) && looksLikeMedia(bytes)) return text;
  const before = r.replaced;
  if (isUtf8(bytes) && !bytes.includes(0)) {
    const body = scrubBody(bytes.toString('utf8'), mimeType, r);
    return r.replaced === before ? text : Buffer.from(body, 'utf8').toString('base64');
  }
  // Opaque bytes (protobuf, a compressed or truncated body) still hold tokens as ASCII runs; latin1 maps
  // each byte to one character and back, so everything around a removed token is kept byte for byte.
  const body = scrubText(bytes.toString('latin1'), r);
  return r.replaced === before ? text : Buffer.from(body, 'latin1').toString('base64');
}

/** `application/x-www-form-urlencoded` (WHATWG URL §5.1): names decide, other values are read as text. */
function scrubForm(text: string, r: Redactions): string {
  return text.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return scrubText(pair, r);
    const name = decodeFormName(pair.slice(0, eq));
    const value = pair.slice(eq + 1);
    const kind = classifyName(name, 'param');
    if (!kind) return `${pair.slice(0, eq + 1)}${scrubText(value, r)}`;
    return isRedactable(value) ? `${pair.slice(0, eq + 1)}${r.redact(kind, value)}` : pair;
  }).join('&');
}

function decodeFormName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return raw;
  }
}

