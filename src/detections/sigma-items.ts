/**
 * One detection item, `field|modifier|…: value or list`, compiled into a predicate on an event. Sigma's
 * semantics (rules specification 2.0 and its modifiers appendix 2.1): a list of values is or-linked unless
 * `all`; strings match case-insensitively unless `cased`; `null` means the field is missing or null; numbers
 * and booleans, in the rule or in the event, compare by their text (`'true'` matches `true`).
 */
import { BlockList, isIP } from 'node:net';
import { fieldVisitor, isFieldPath } from './sigma-fields.ts';
import { expandPlaceholders, literalOf, parseSigmaString, patternTest, withWildcards, type Part } from './sigma-strings.ts';

export type EventPredicate = (event: unknown) => boolean;

export type CompiledItem = {
  field: string;
  test: EventPredicate;
  /** The lower-cased values the field must equal one of, when the item is a plain or-list of literals. */
  literals: string[] | null;
};

export type ItemResult = { ok: true; value: CompiledItem } | { ok: false; reason: string };

export type Placeholders = Readonly<Record<string, readonly string[]>>;

const SUPPORTED = new Set(['contains', 'startswith', 'endswith', 'all', 're', 'i', 'm', 's', 'cidr', 'exists', 'cased', 'expand']);
/** Modifiers of the Sigma modifiers appendix this evaluator does not implement: no Okta rule uses them. */
const NOT_IMPLEMENTED = new Set(['windash', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'lt', 'lte', 'gt', 'gte', 'neq',
  'fieldref', 'minute', 'hour', 'day', 'week', 'month', 'year']);
/** Letter escapes whose meaning JavaScript shares with PCRE; any other (`\A`, `\Z`, `\h`, `\Q`, …) differs. */
const SHARED_ESCAPES = new Set('dDwWsSbBtnfr0cxuk123456789');

type Scalar = string | number | boolean;

const always = (): boolean => true;
const nonNull = (value: unknown): boolean => value !== null;

function fail(reason: string): ItemResult {
  return { ok: false, reason };
}

/** The field's text as Sigma compares it: strings as they are, numbers and booleans as JSON writes them. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The first letter escape in `source` that would mean something else in JavaScript than in PCRE. */
function pcreMismatch(source: string): string | undefined {
  for (let i = 0; i < source.length - 1; i++) {
    if (source[i] !== '\\') continue;
    const next = source[i + 1] as string;
    if (/[A-Za-z]/.test(next) && !SHARED_ESCAPES.has(next)) return `\\${next}`;
    i += 1;
  }
  return undefined;
}

function regexTest(source: string, flags: string): ((text: string) => boolean) | string {
  const differs = pcreMismatch(source);
  if (differs) return `regular expression '${source}' uses ${differs}, which JavaScript reads differently from PCRE`;
  try {
    const re = new RegExp(source, flags);
    return (text) => re.test(text);
  } catch (err) {
    return `regular expression '${source}' is not valid in JavaScript: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function cidrTest(value: string): ((text: string) => boolean) | string {
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
  if (family === 0 || extra !== undefined || !Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32) || prefix === '') {
    return `'${value}' is not a CIDR network`;
  }
  const list = new BlockList();
  list.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
  return (text) => {
    const ip = isIP(text);
    return ip !== 0 && list.check(text, ip === 6 ? 'ipv6' : 'ipv4');
  };
}

/** One test per rule value (each an or-list of the patterns its placeholders expand to). */
type Alternatives = ((text: string) => boolean)[];

function anyOf(tests: readonly ((text: string) => boolean)[]): (text: string) => boolean {
  if (tests.length === 1) return tests[0] as (text: string) => boolean;
  return (text) => {
    for (const test of tests) if (test(text)) return true;
    return false;
  };
}

/**
 * Compiles `key: raw`. `placeholders` gives the values of `%name%` placeholders for the `expand` modifier; a
 * placeholder it does not name makes the item fail, as the specification asks of a tool that cannot resolve it.
 */
export function compileItem(key: string, raw: unknown, placeholders: Placeholders): ItemResult {
  const [field = '', ...modifiers] = key.split('|');
  if (field === '') return fail(`'${key}': keyword searches (values without a field) are not supported`);
  if (!isFieldPath(field)) return fail(`'${field}' is not a field path`);
  for (const m of modifiers) {
    if (NOT_IMPLEMENTED.has(m)) return fail(`'${key}': the '${m}' modifier is not supported by this evaluator`);
    if (!SUPPORTED.has(m)) return fail(`'${key}': '${m}' is not a Sigma modifier`);
  }
  const has = (m: string) => modifiers.includes(m);
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) return fail(`'${key}' has an empty list of values`);
  for (const v of values) {
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      return fail(`'${key}' has a value that is neither a string, a number, a boolean nor null`);
    }
  }
  const visit = fieldVisitor(field);

  if (has('exists')) {
    if (modifiers.length > 1 || values.length !== 1 || typeof values[0] !== 'boolean') return fail(`'${key}': 'exists' takes true or false and no other modifier`);
    const present: EventPredicate = (e) => visit(e, always);
    return { ok: true, value: { field, literals: null, test: values[0] ? present : (e) => !present(e) } };
  }
  const all = has('all');
  if (all && values.length < 2) return fail(`'${key}': 'all' needs a list of at least two values`);
  const scalars = values.filter((v): v is Scalar => v !== null);
  const hasNull = scalars.length < values.length;
  if (hasNull && modifiers.some((m) => m !== 'all')) return fail(`'${key}': null cannot take the modifiers ${modifiers.join('|')}`);

  const built = buildAlternatives(key, modifiers, scalars, placeholders);
  if (typeof built === 'string') return fail(built);
  const { alternatives, lower } = built;
  const matches = (test: (text: string) => boolean) => (value: unknown): boolean => {
    const text = textOf(value);
    return text !== undefined && test(lower ? text.toLowerCase() : text);
  };
  // Missing or null: no value of the field (none of an array's elements) is anything but null.
  const isNull: EventPredicate = (e) => !visit(e, nonNull);

  let test: EventPredicate;
  if (all) {
    const each = alternatives.map((alt) => matches(alt));
    test = (e) => each.every((m) => visit(e, m)) && (!hasNull || isNull(e));
  } else if (alternatives.length === 0) {
    test = isNull;
  } else {
    const any = matches(anyOf(alternatives));
    test = hasNull ? (e) => visit(e, any) || isNull(e) : (e) => visit(e, any);
  }
  return { ok: true, value: { field, test, literals: all || hasNull ? null : literalsOf(modifiers, scalars) } };
}

/** The lower-cased texts a plain value list (no modifier but `cased`, no wildcard) must equal one of. */
function literalsOf(modifiers: string[], scalars: Scalar[]): string[] | null {
  if (!modifiers.every((m) => m === 'cased')) return null;
  const literals = scalars.map((v) => literalOf(parseSigmaString(String(v), false))?.toLowerCase());
  return literals.every((l): l is string => l !== undefined) ? literals : null;
}

function buildAlternatives(key: string, modifiers: string[], scalars: Scalar[], placeholders: Placeholders): { alternatives: Alternatives; lower: boolean } | string {
  const has = (m: string) => modifiers.includes(m);
  const shapes = ['contains', 'startswith', 'endswith'].filter(has);
  const flags = ['i', 'm', 's'].filter(has);
  if (has('re')) {
    if (modifiers.some((m) => !['re', 'all', ...flags].includes(m))) return `'${key}': 're' takes only the i, m and s flags and 'all'`;
    if (scalars.some((v) => typeof v !== 'string')) return `'${key}': 're' needs string values`;
    const alternatives: Alternatives = [];
    for (const source of scalars as string[]) {
      const test = regexTest(source, flags.join(''));
      if (typeof test === 'string') return `'${key}': ${test}`;
      alternatives.push(test);
    }
    return { alternatives, lower: false };
  }
  if (flags.length > 0) return `'${key}': the regular-expression flags ${flags.join(', ')} need 're'`;
  if (has('cidr')) {
    if (modifiers.some((m) => m !== 'cidr' && m !== 'all')) return `'${key}': 'cidr' takes no other modifier but 'all'`;
    const alternatives: Alternatives = [];
    for (const v of scalars) {
      const test = cidrTest(String(v));
      if (typeof test === 'string') return `'${key}': ${test}`;
      alternatives.push(test);
    }
    return { alternatives, lower: false };
  }
  if (shapes.length > 1) return `'${key}': ${shapes.join(' and ')} cannot be combined`;
  const expand = has('expand');
  const lower = !has('cased');
  const alternatives: Alternatives = [];
  for (const v of scalars) {
    let parts: Part[] = parseSigmaString(String(v), expand);
    parts = withWildcards(parts, has('contains') || has('endswith'), has('contains') || has('startswith'));
    const missing = parts.find((p): p is Part & { t: 'placeholder' } => p.t === 'placeholder' && !Object.hasOwn(placeholders, p.name));
    if (missing) return `'${key}': placeholder %${missing.name}% has no configured values`;
    const patterns = expandPlaceholders(parts, (name) => placeholders[name] ?? []);
    const tests = patterns.map((p) => patternTest(p, lower));
    // A placeholder configured with no values matches nothing.
    alternatives.push(tests.length === 0 ? () => false : anyOf(tests));
  }
  return { alternatives, lower };
}
