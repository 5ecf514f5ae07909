/**
 * Sigma field names onto LogEvent JSON. Okta's Sigma rules name fields by their dotted JSON path
 * (`debugContext.debugData.requestUri`, `securityContext.isProxy`); each segment is matched to the event's key
 * case-insensitively, so `securitycontext.isproxy` reads the same value. An array met on the way (`target`)
 * fans out: the field has every value its elements give, and a condition holds if any of them satisfies it.
 */

/** Calls `test` on each value `path` reaches in the event (null included, missing ones not) until one passes. */
export type FieldVisitor = (event: unknown, test: (value: unknown) => boolean) => boolean;

type Step = {
  /** The spelling tried first: the rule's, then the one the events turned out to use. */
  name: string;
  lower: string;
  /** False while `name` is also an Object.prototype member, which a plain lookup would find on any object. */
  direct: boolean;
};

const inherited = (name: string): boolean => name in Object.prototype;

function child(obj: object, step: Step): unknown {
  const record = obj as Record<string, unknown>;
  if (step.direct) {
    const value = record[step.name];
    if (value !== undefined) return value;
  }
  // for…in sees own keys only here: parsed JSON inherits nothing enumerable.
  for (const key in record) {
    if (key.length === step.lower.length && key.toLowerCase() === step.lower) {
      if (!inherited(key)) {
        step.name = key;
        step.direct = true;
      }
      return record[key];
    }
  }
  return undefined;
}

function visit(value: unknown, steps: readonly Step[], i: number, test: (value: unknown) => boolean): boolean {
  if (Array.isArray(value)) {
    for (const element of value) if (visit(element, steps, i, test)) return true;
    return false;
  }
  if (i === steps.length) return test(value);
  if (value === null || typeof value !== 'object') return false;
  const next = child(value, steps[i] as Step);
  return next !== undefined && visit(next, steps, i + 1, test);
}

/** The visitor of one field path, e.g. `target.displayName`. */
export function fieldVisitor(path: string): FieldVisitor {
  const steps: Step[] = path.split('.').map((name) => ({ name, lower: name.toLowerCase(), direct: !inherited(name) }));
  return (event, test) => visit(event, steps, 0, test);
}

/** A field path the evaluator can read: dot-separated, no empty segment. */
export function isFieldPath(path: string): boolean {
  return path.length > 0 && path.split('.').every((segment) => segment.length > 0);
}
