import { sanitizeEntry } from './har-entry.ts';
import { isJsonObject, scrubJson } from './json-scrub.ts';
import { JsonSplitter, type Unit } from './json-splitter.ts';
import { parseJson } from './json-text.ts';
import { LongBodies } from './long-bodies.ts';
import type { Emit, Processor, Refusal } from './processor.ts';
import type { Redactions } from './redactions.ts';
import { classifyName } from './sensitive-names.ts';

/**
 * HAR and JSON attachments: each unit the splitter cuts is parsed, sanitized as an object and written back
 * compact. A HAR is one top-level object whose `log` is an object with an `entries` array of entries that each
 * have a request and a response (HAR 1.2 §log, §entries); a file that claims to be one (`{"log": {…}}`) and is
 * not is malformed rather than quietly handled as some other JSON.
 */
export function jsonProcessor(emit: Emit, r: Redactions, maxUnitBytes: number): Processor {
  let entries = 0;
  const entry = (u: Unit): Refusal | undefined => {
    let bodies = LongBodies.usable(u.bytes, u.spans) ? new LongBodies(u.bytes, u.spans) : undefined;
    let parsed = parseJson(bodies ? bodies.skeleton() : u.bytes.toString('utf8'));
    if (!parsed.ok) return notJson(u);
    if (!isHarEntry(parsed.value)) return { reason: 'malformed', message: `log.entries[${entries}] is not a HAR entry with a request and a response` };
    sanitizeEntry(parsed.value, r, bodies);
    if (bodies?.malformed) return notJson(u);
    if (bodies && !bodies.allHandled()) {
      // A body was not where the scan expected it: sanitize the entry again, parsed whole (already counted
      // values are not counted twice, the unit is still open).
      bodies = undefined;
      parsed = parseJson(u.bytes.toString('utf8'));
      if (!parsed.ok || !isHarEntry(parsed.value)) return notJson(u);
      sanitizeEntry(parsed.value, r);
    }
    const json = JSON.stringify(parsed.value);
    if (bodies) bodies.emitAssembled(json, emit, u.owned);
    else emit(json);
    entries++;
    return undefined;
  };
  const unit = (u: Unit): Refusal | undefined => {
    const refusal = u.role === 'entry' ? entry(u) : value(u);
    r.endUnit();
    return refusal;
  };
  const value = (u: Unit): Refusal | undefined => {
    const parsed = parseJson(u.bytes.toString('utf8'));
    if (!parsed.ok) return notJson(u);
    emit(JSON.stringify(scrubJson(parsed.value, r, u.key === undefined ? undefined : classifyName(u.key, 'field'))));
    return undefined;
  };
  const splitter = new JsonSplitter({ emit, unit }, maxUnitBytes);
  return {
    push: (chunk) => splitter.push(chunk),
    end: () => {
      const failure = splitter.end();
      if (failure) return failure;
      if (splitter.shape.logObject && !splitter.shape.entriesArray) return { reason: 'malformed', message: 'a HAR log must have an entries array' };
      return undefined;
    },
    kind: () => (splitter.shape.logObject && splitter.shape.roots === 1 ? 'har' : 'json'),
  };
}

function isHarEntry(value: unknown): value is Record<string, unknown> {
  return isJsonObject(value) && isJsonObject(value['request']) && isJsonObject(value['response']);
}

function notJson(u: Unit): Refusal {
  return { reason: 'malformed', message: `not valid JSON in the value that starts at byte ${u.offset}` };
}
