/**
 * A rule's `detection` section compiled once into a closure over the event, with no parsing left for match
 * time: search identifiers (a map: every item holds; a list of maps: any map holds) combined as the condition
 * says. Alongside, the event types the rule can fire on, read from its `eventType` items, so that a rule set
 * runs only the rules an event's type could satisfy.
 */
import { parseCondition, selectIdentifiers, type ConditionNode } from './sigma-condition.ts';
import { compileItem, type EventPredicate, type Placeholders } from './sigma-items.ts';

/** Lower-cased event types the rule needs one of; null when it may fire on any. */
export type EventTypes = ReadonlySet<string> | null;

type Compiled = { test: EventPredicate; eventTypes: EventTypes };

export type DetectionResult = { ok: true; value: Compiled } | { ok: false; reason: string };

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function and(tests: EventPredicate[]): EventPredicate {
  const [a, b] = tests;
  if (tests.length === 1 && a) return a;
  if (tests.length === 2 && a && b) return (e) => a(e) && b(e);
  return (e) => {
    for (const t of tests) if (!t(e)) return false;
    return true;
  };
}

function or(tests: EventPredicate[]): EventPredicate {
  const [a, b] = tests;
  if (tests.length === 1 && a) return a;
  if (tests.length === 2 && a && b) return (e) => a(e) || b(e);
  return (e) => {
    for (const t of tests) if (t(e)) return true;
    return false;
  };
}

/** Both must hold: the event's type is in every known set. */
function intersect(sets: EventTypes[]): EventTypes {
  const known = sets.filter((s): s is ReadonlySet<string> => s !== null);
  if (known.length === 0) return null;
  const [first, ...rest] = known as [ReadonlySet<string>, ...ReadonlySet<string>[]];
  return new Set([...first].filter((t) => rest.every((s) => s.has(t))));
}

/** Either may hold: any set's types, or any type at all if one side is unrestricted. */
function union(sets: EventTypes[]): EventTypes {
  if (sets.some((s) => s === null)) return null;
  return new Set(sets.flatMap((s) => [...(s as ReadonlySet<string>)]));
}

function compileMap(name: string, map: Record<string, unknown>, placeholders: Placeholders): DetectionResult {
  const entries = Object.entries(map);
  if (entries.length === 0) return { ok: false, reason: `search identifier '${name}' is empty` };
  const tests: EventPredicate[] = [];
  const types: EventTypes[] = [];
  for (const [key, value] of entries) {
    const item = compileItem(key, value, placeholders);
    if (!item.ok) return { ok: false, reason: `search identifier '${name}': ${item.reason}` };
    tests.push(item.value.test);
    if (item.value.field.toLowerCase() === 'eventtype' && item.value.literals) types.push(new Set(item.value.literals));
  }
  return { ok: true, value: { test: and(tests), eventTypes: intersect(types) } };
}

function compileIdentifier(name: string, body: unknown, placeholders: Placeholders): DetectionResult {
  if (isMap(body)) return compileMap(name, body, placeholders);
  if (!Array.isArray(body)) return { ok: false, reason: `search identifier '${name}' is neither a map nor a list` };
  if (body.length === 0) return { ok: false, reason: `search identifier '${name}' is an empty list` };
  if (!body.every(isMap)) {
    return {
      ok: false,
      reason: body.some(isMap)
        ? `search identifier '${name}' mixes maps and plain values`
        : `search identifier '${name}' is a keyword search (values without a field), which is not supported`,
    };
  }
  const maps: Compiled[] = [];
  for (const map of body) {
    const compiled = compileMap(name, map, placeholders);
    if (!compiled.ok) return compiled;
    maps.push(compiled.value);
  }
  return { ok: true, value: { test: or(maps.map((m) => m.test)), eventTypes: union(maps.map((m) => m.eventTypes)) } };
}

function resolve(node: ConditionNode, identifiers: ReadonlyMap<string, Compiled>): DetectionResult {
  switch (node.kind) {
    case 'id': {
      const found = identifiers.get(node.name);
      return found ? { ok: true, value: found } : { ok: false, reason: `the condition names '${node.name}', which is not a search identifier` };
    }
    case 'of': {
      const names = selectIdentifiers(node.pattern, [...identifiers.keys()]);
      const quantifier = node.quantifier === 'all' ? 'all' : '1';
      if (names.length === 0) return { ok: false, reason: `'${quantifier} of ${node.pattern}' matches no search identifier` };
      const selected = names.map((n) => identifiers.get(n) as Compiled);
      return node.quantifier === 'all'
        ? { ok: true, value: { test: and(selected.map((s) => s.test)), eventTypes: intersect(selected.map((s) => s.eventTypes)) } }
        : { ok: true, value: { test: or(selected.map((s) => s.test)), eventTypes: union(selected.map((s) => s.eventTypes)) } };
    }
    case 'not': {
      const arg = resolve(node.arg, identifiers);
      if (!arg.ok) return arg;
      const inner = arg.value.test;
      return { ok: true, value: { test: (e) => !inner(e), eventTypes: null } };
    }
    case 'and':
    case 'or': {
      const args: Compiled[] = [];
      for (const a of node.args) {
        const r = resolve(a, identifiers);
        if (!r.ok) return r;
        args.push(r.value);
      }
      const tests = args.map((a) => a.test);
      const types = args.map((a) => a.eventTypes);
      return { ok: true, value: node.kind === 'and' ? { test: and(tests), eventTypes: intersect(types) } : { test: or(tests), eventTypes: union(types) } };
    }
  }
}

/** Compiles a rule's `detection` map; `placeholders` supplies the values of `expand` placeholders. */
export function compileDetection(detection: unknown, placeholders: Placeholders): DetectionResult {
  if (!isMap(detection)) return { ok: false, reason: 'detection is not a map' };
  const { condition, timeframe, ...searches } = detection;
  if (timeframe !== undefined) return { ok: false, reason: 'timeframe belongs to Sigma correlations, which are not supported' };
  const conditions = Array.isArray(condition) ? condition : [condition];
  if (conditions.length === 0 || !conditions.every((c): c is string => typeof c === 'string')) {
    return { ok: false, reason: 'detection.condition must be a string or a list of strings' };
  }
  const identifiers = new Map<string, Compiled>();
  for (const [name, body] of Object.entries(searches)) {
    const compiled = compileIdentifier(name, body, placeholders);
    if (!compiled.ok) return compiled;
    identifiers.set(name, compiled.value);
  }
  // A list of conditions is or-linked (rules specification 2.0, "Condition").
  const alternatives: Compiled[] = [];
  for (const text of conditions) {
    const parsed = parseCondition(text);
    if (!parsed.ok) return { ok: false, reason: `condition '${text}': ${parsed.reason}` };
    const resolved = resolve(parsed.value, identifiers);
    if (!resolved.ok) return resolved;
    alternatives.push(resolved.value);
  }
  return { ok: true, value: { test: or(alternatives.map((a) => a.test)), eventTypes: union(alternatives.map((a) => a.eventTypes)) } };
}
