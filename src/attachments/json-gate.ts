import { classifyName, NAME_WORDS } from './sensitive-names.ts';
import { isNameChar } from './text-pairs.ts';
import { holdsTrigger } from './text-scrub.ts';

/**
 * Whether JSON text, as written (a body may still be JSON-escaped), could hold anything the JSON scrubber
 * would remove; when not, it is passed through without being parsed. An identity console's API responses
 * are full of names like `passwordChanged` and `credentials` that are about secrets without being any, so
 * the question is asked of names, not of words: every name the scrubber could act on contains one of
 * NAME_WORDS, and is judged here as it would be there. The answer errs towards yes:
 * - a text rule's trigger anywhere (a JWT, a bearer token, a URL with credentials…);
 * - a sensitive member name, `code` and `state` included as if in an OAuth message;
 * - a sensitive name as a string value (the `name` of a `{name, value}` pair);
 * - a sensitive `name=value` or `name: value` inside a string value;
 * - a HAR entry inside (its cookies go whatever their names);
 * - a JSON Web Key with a private member (`"kty"` and `"d"`, `"k"`…), whose names are too short to be words;
 * - a `\uXXXX` escape, which could spell any of these.
 */
export function jsonMayHoldSecrets(text: string): boolean {
  if (text.includes('\\u') || holdsTrigger(text) || holdsHarEntry(text) || holdsPrivateJwk(text)) return true;
  NAME.lastIndex = 0;
  for (let m = NAME.exec(text); m !== null; m = NAME.exec(text)) {
    let start = m.index;
    while (start > 0 && isNameChar(text.charCodeAt(start - 1))) start--;
    const name = text.slice(start, m.index + (m[1] as string).length);
    const quoted = m[2] !== undefined;
    const separated = m[3] !== undefined;
    if (classifyName(name, quoted && separated ? 'field' : 'param', true)) return true;
  }
  return false;
}

/** A name-like word: its closing quote (escaped or not) and a separator after it, when there are. */
const NAME = new RegExp(`(${NAME_WORDS}[\\w.-]*)(\\\\*["'])?\\s*([:=])?`, 'gi');
const ENTRY_REQUEST = /\\*"request\\*"\s*:/;
const ENTRY_RESPONSE = /\\*"response\\*"\s*:/;

function holdsHarEntry(text: string): boolean {
  return text.includes('request') && text.includes('response') && ENTRY_REQUEST.test(text) && ENTRY_RESPONSE.test(text);
}

const JWK_PRIVATE_MEMBER = /\\*"(?:d|p|q|dp|dq|qi|oth|k)\\*"\s*:/;

function holdsPrivateJwk(text: string): boolean {
  return text.includes('"kty') && JWK_PRIVATE_MEMBER.test(text);
}
