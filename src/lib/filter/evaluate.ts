import type { CompareOp, FilterNode, FilterValue } from './ast.ts';

export type EvaluateOptions = { caseInsensitive?: boolean };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Values reached by following `path`, unwrapping one array level before each member access, as
 * PostgreSQL's lax-mode JSONPath does, so that in-memory and SQL evaluation agree. Absent members
 * contribute nothing; the final value is returned as is (arrays included).
 */
function lookup(obj: unknown, path: string): unknown[] {
  let current: unknown[] = [obj];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (isPlainObject(item) && Object.hasOwn(item, key) && item[key] !== undefined) next.push(item[key]);
      }
    }
    current = next;
  }
  return current;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

function fold(value: string, caseInsensitive: boolean): string {
  return caseInsensitive ? value.toLowerCase() : value;
}

function matchesEq(actual: unknown, expected: FilterValue, ci: boolean): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') return fold(actual, ci) === fold(expected, ci);
  return actual === expected;
}

function matchesOrder(actual: unknown, op: 'gt' | 'ge' | 'lt' | 'le', expected: FilterValue, ci: boolean): boolean {
  let a: string | number;
  let b: string | number;
  if (typeof actual === 'string' && typeof expected === 'string') {
    a = fold(actual, ci);
    b = fold(expected, ci);
  } else if (typeof actual === 'number' && typeof expected === 'number') {
    a = actual;
    b = expected;
  } else {
    return false;
  }
  switch (op) {
    case 'gt': return a > b;
    case 'ge': return a >= b;
    case 'lt': return a < b;
    case 'le': return a <= b;
  }
}

function matchesString(actual: unknown, op: 'sw' | 'co' | 'ew', expected: FilterValue, ci: boolean): boolean {
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  const a = fold(actual, ci);
  const b = fold(expected, ci);
  if (op === 'sw') return a.startsWith(b);
  if (op === 'ew') return a.endsWith(b);
  return a.includes(b);
}

function matchesOne(actual: unknown, op: Exclude<CompareOp, 'eq' | 'ne'>, expected: FilterValue, ci: boolean): boolean {
  if (op === 'sw' || op === 'co' || op === 'ew') return matchesString(actual, op, expected, ci);
  return matchesOrder(actual, op, expected, ci);
}

function evaluateEq(obj: unknown, path: string, expected: FilterValue, ci: boolean): boolean {
  const values = lookup(obj, path).flat();
  // An absent attribute reads as null, like a NULL column does in SQL.
  if (expected === null && values.length === 0) return true;
  return values.some((v) => matchesEq(v, expected, ci));
}

/**
 * Evaluates a filter against a JSON-like object. When the path crosses arrays, a comparison
 * matches if any reached element matches; `ne` is exactly the negation of `eq`.
 */
export function evaluateFilter(node: FilterNode, obj: unknown, opts: EvaluateOptions = {}): boolean {
  const ci = opts.caseInsensitive ?? false;
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, obj, opts) && evaluateFilter(node.right, obj, opts);
    case 'or':
      return evaluateFilter(node.left, obj, opts) || evaluateFilter(node.right, obj, opts);
    case 'not':
      return !evaluateFilter(node.expr, obj, opts);
    case 'present':
      return lookup(obj, node.path).some((v) => !isEmpty(v));
    case 'compare': {
      const { op, path, value } = node;
      if (op === 'eq') return evaluateEq(obj, path, value, ci);
      if (op === 'ne') return !evaluateEq(obj, path, value, ci);
      return lookup(obj, path).flat().some((v) => matchesOne(v, op, value, ci));
    }
  }
}
