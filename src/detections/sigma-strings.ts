/**
 * Sigma's string values (rules specification 2.0, "String Wildcard", "Escaping", "Placeholders"): `*` matches
 * any run of characters, `?` exactly one, and `\` escapes `*`, `?` and itself; a backslash before anything else
 * is a plain backslash. With the `expand` modifier, `%name%` is a placeholder and `\%` a plain percent sign.
 * The parse follows pySigma's SigmaString, so the same rule text means the same pattern.
 */

export type Part =
  | { t: 'text'; s: string }
  | { t: 'star' }
  | { t: 'one' }
  | { t: 'placeholder'; name: string };

const STAR: Part = { t: 'star' };
const ONE: Part = { t: 'one' };
const PLACEHOLDER = /(?<!\\)%(\w+)%/g;

/** The parts of a rule value, wildcards and (when `expand` is on) placeholders picked out. */
export function parseSigmaString(raw: string, expand: boolean): Part[] {
  const parts: Part[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') parts.push({ t: 'text', s: text });
    text = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '\\') {
      const next = raw[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        text += next;
        i += 1;
      } else {
        text += c;
      }
    } else if (c === '*' || c === '?') {
      flush();
      parts.push(c === '*' ? STAR : ONE);
    } else {
      text += c;
    }
  }
  flush();
  return expand ? parts.flatMap(insertPlaceholders) : parts;
}

function insertPlaceholders(part: Part): Part[] {
  if (part.t !== 'text') return [part];
  const out: Part[] = [];
  let last = 0;
  const plain = (s: string) => {
    const unescaped = s.replaceAll('\\%', '%');
    if (unescaped !== '') out.push({ t: 'text', s: unescaped });
  };
  for (const m of part.s.matchAll(PLACEHOLDER)) {
    plain(part.s.slice(last, m.index));
    out.push({ t: 'placeholder', name: m[1] as string });
    last = m.index + m[0].length;
  }
  plain(part.s.slice(last));
  return out;
}

/** `contains`, `startswith` and `endswith` add the wildcards the value does not already have. */
export function withWildcards(parts: Part[], before: boolean, after: boolean): Part[] {
  const out = [...parts];
  if (before && out[0]?.t !== 'star') out.unshift(STAR);
  if (after && out[out.length - 1]?.t !== 'star') out.push(STAR);
  return out;
}

/**
 * The concrete patterns a value stands for once each placeholder is replaced by each of its configured values
 * (themselves Sigma strings, wildcards allowed): the product of the choices, or-linked by the caller.
 */
export function expandPlaceholders(parts: Part[], values: (name: string) => readonly string[]): Part[][] {
  let patterns: Part[][] = [[]];
  for (const part of parts) {
    if (part.t !== 'placeholder') {
      for (const p of patterns) p.push(part);
      continue;
    }
    const choices = values(part.name).map((v) => parseSigmaString(v, false));
    patterns = patterns.flatMap((p) => choices.map((choice) => [...p, ...choice]));
  }
  return patterns;
}

/** Adjacent text joined and runs of `*` collapsed, so simple shapes are recognised. */
function normalise(parts: readonly Part[]): Part[] {
  const out: Part[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (part.t === 'text' && last?.t === 'text') out[out.length - 1] = { t: 'text', s: last.s + part.s };
    else if (part.t === 'star' && last?.t === 'star') continue;
    else out.push(part);
  }
  return out;
}

/** Only the syntax characters need escaping, and the `u` flag allows no other escapes. */
const escapeRegExp = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/**
 * A test of one pattern against a field's text. `lower` says the text comes lower-cased (case-insensitive
 * matching); the pattern's literal text is lower-cased to match. Simple shapes become string operations; the
 * rest a RegExp anchored at both ends, where `?` is one code point.
 */
export function patternTest(raw: readonly Part[], lower: boolean): (text: string) => boolean {
  const parts = normalise(raw).map((p) => (p.t === 'text' && lower ? { t: 'text' as const, s: p.s.toLowerCase() } : p));
  const [a, b, c] = parts;
  const textOf = (p: Part | undefined) => (p?.t === 'text' ? p.s : undefined);
  if (parts.length === 0) return (s) => s === '';
  if (parts.length === 1 && a?.t === 'star') return () => true;
  if (parts.length === 1 && a?.t === 'text') {
    const lit = a.s;
    return (s) => s === lit;
  }
  if (parts.length === 2 && a?.t === 'text' && b?.t === 'star') {
    const lit = a.s;
    return (s) => s.startsWith(lit);
  }
  if (parts.length === 2 && a?.t === 'star' && b?.t === 'text') {
    const lit = b.s;
    return (s) => s.endsWith(lit);
  }
  const middle = textOf(b);
  if (parts.length === 3 && a?.t === 'star' && middle !== undefined && c?.t === 'star') return (s) => s.includes(middle);
  const source = parts.map((p) => (p.t === 'text' ? escapeRegExp(p.s) : p.t === 'star' ? '.*' : '.')).join('');
  const re = new RegExp(`^${source}$`, 'su');
  return (s) => re.test(s);
}

/** The exact text a pattern stands for, when it has no wildcard or placeholder. */
export function literalOf(parts: readonly Part[]): string | undefined {
  const normal = normalise(parts);
  if (normal.length === 0) return '';
  const [only] = normal;
  return normal.length === 1 && only?.t === 'text' ? only.s : undefined;
}
