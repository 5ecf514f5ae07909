import { sanitizeBodyText } from './http-body.ts';
import { isJsonObject, scrubJson, scrubMembers, type JsonObject } from './json-scrub.ts';
import { redactNamedValue } from './named-values.ts';
import type { LongBodies } from './long-bodies.ts';
import { isRedactable, type Redactions, type RemovalKind } from './redactions.ts';
import { classifyName, type NameContext } from './sensitive-names.ts';
import { scrubText } from './text-scrub.ts';

/**
 * One HAR 1.2 entry (http://www.softwareishard.com/blog/har-12-spec/#entries), sanitized in place. Values are
 * replaced, never removed, so the file keeps its shape: every header, cookie and parameter is still there by
 * name. Where HAR says the same thing twice (`url` and `queryString`, the Cookie header and `cookies`,
 * `postData.text` and `postData.params`) both copies go through the same name rules, so they still agree.
 * `headersSize` and `bodySize` are left as recorded: they describe the original transfer, which is what a
 * "431 Request Header Fields Too Large" case is about.
 */
export function sanitizeEntry(entry: JsonObject, r: Redactions, bodies?: LongBodies): void {
  const { request, response } = entry;
  if (isJsonObject(request)) sanitizeRequest(request, r, bodies);
  if (isJsonObject(response)) sanitizeResponse(response, r, bodies);
  scrubMembers(entry, r, undefined, ENTRY_DONE);
}

/** A HAR entry wherever it is found: it has a request and a response, and a start time or a duration. */
export function looksLikeHarEntry(obj: JsonObject): boolean {
  return isJsonObject(obj['request']) && isJsonObject(obj['response']) && (typeof obj['startedDateTime'] === 'string' || typeof obj['time'] === 'number');
}

const ENTRY_DONE = new Set(['request', 'response']);
const REQUEST_DONE = new Set(['url', 'headers', 'cookies', 'queryString', 'postData']);
const RESPONSE_DONE = new Set(['headers', 'cookies', 'content', 'redirectURL']);
const BODY_DONE = new Set(['params', 'text']);
const PAIR_DONE = new Set(['name', 'value']);

function sanitizeRequest(request: JsonObject, r: Redactions, bodies: LongBodies | undefined): void {
  if (typeof request['url'] === 'string') request['url'] = scrubText(request['url'], r);
  sanitizePairs(request, 'headers', r, 'field');
  sanitizePairs(request, 'cookies', r, 'field', 'cookie');
  sanitizePairs(request, 'queryString', r, 'param');
  const postData = request['postData'];
  if (isJsonObject(postData)) sanitizeBody(postData, r, bodies);
  else sanitizeOther(request, 'postData', r);
  scrubMembers(request, r, undefined, REQUEST_DONE);
}

function sanitizeResponse(response: JsonObject, r: Redactions, bodies: LongBodies | undefined): void {
  sanitizePairs(response, 'headers', r, 'field');
  sanitizePairs(response, 'cookies', r, 'field', 'set_cookie');
  const content = response['content'];
  if (isJsonObject(content)) sanitizeBody(content, r, bodies);
  else sanitizeOther(response, 'content', r);
  if (typeof response['redirectURL'] === 'string') response['redirectURL'] = scrubText(response['redirectURL'], r);
  scrubMembers(response, r, undefined, RESPONSE_DONE);
}

/** `postData` or `content`: `params` (a form's fields) by name, `text` by its type, then anything else. */
function sanitizeBody(body: JsonObject, r: Redactions, bodies: LongBodies | undefined): void {
  sanitizePairs(body, 'params', r, 'param');
  sanitizeBodyText(body, r, bodies);
  scrubMembers(body, r, undefined, BODY_DONE);
}

/**
 * A list of `{name, value}`: by the name's rules, or, for a `cookies` list, every value (`whole`), since a
 * cookie's value is the session whatever the cookie is called.
 */
function sanitizePairs(parent: JsonObject, key: string, r: Redactions, context: NameContext, whole?: RemovalKind): void {
  const list = parent[key];
  if (!Array.isArray(list)) return sanitizeOther(parent, key, r);
  for (const item of list) {
    if (!isJsonObject(item)) {
      scrubJson(item, r);
      continue;
    }
    const { name, value } = item;
    if (typeof value === 'string' && whole) {
      if (isRedactable(value)) item['value'] = r.redact(whole, value);
    } else if (typeof value === 'string') {
      const kind = typeof name === 'string' ? classifyName(name, context) : undefined;
      item['value'] = kind ? redactNamedValue(kind, value, r) : scrubText(value, r);
    } else if (value !== undefined) {
      item['value'] = scrubJson(value, r, whole);
    }
    scrubMembers(item, r, undefined, PAIR_DONE);
  }
}

/** A member that is not the shape HAR gives it still goes through the generic rules. */
function sanitizeOther(parent: JsonObject, key: string, r: Redactions): void {
  if (Object.hasOwn(parent, key)) parent[key] = scrubJson(parent[key], r);
}
