import { sql, type RawBuilder } from 'kysely';
import type { CompareOp, FilterNode, FilterValue } from './ast.ts';
import { isIsoDate } from './iso-date.ts';
import { ORDER_SQL, textPredicate, withPolarity, type Bool, type Pred } from './sql-text.ts';

export { isIsoDate } from './iso-date.ts';

export type FieldSql =
  /** `expr` must already have the SQL type named by `type` (e.g. `sql\`event #>> '{actor,id}'\`` is text). */
  | { kind: 'scalar'; expr: RawBuilder<unknown>; type: 'text' | 'timestamptz' | 'number' | 'boolean' }
  /** `jsonb` is a JSONB expression; arrays met along `path` (and at its end) match if any element does. */
  | { kind: 'jsonb-any'; jsonb: RawBuilder<unknown>; path: string[] };

export type FieldResolver = (path: string) => FieldSql | null;

export type SqlOptions = { caseInsensitive?: boolean };

type LeafOp = Exclude<CompareOp, 'ne'> | 'pr';
type ScalarField = Extract<FieldSql, { kind: 'scalar' }>;
type JsonbField = Extract<FieldSql, { kind: 'jsonb-any' }>;

const JSONPATH_OPS = { eq: '==', gt: '>', ge: '>=', lt: '<', le: '<=', sw: 'starts with' } as const;

/** Binds a non-text value with the column's type, or returns null when the types cannot match. */
function typedParam(type: ScalarField['type'], value: string | number | boolean): RawBuilder<unknown> | null {
  if (type === 'number') return typeof value === 'number' ? sql`${value}::numeric` : null;
  if (type === 'boolean') return typeof value === 'boolean' ? sql`${value}::boolean` : null;
  // Only strings PostgreSQL is sure to accept may reach the cast; a failed cast would abort the query.
  if (type === 'timestamptz') return typeof value === 'string' && isIsoDate(value) ? sql`${value}::timestamptz` : null;
  return null;
}

function scalarPredicate(field: ScalarField, op: LeafOp, value: FilterValue, ci: boolean): Pred {
  const x = field.expr;
  if (op === 'pr') {
    return { pos: field.type === 'text' ? sql<boolean>`(${x} IS NOT NULL AND ${x} <> '')` : sql<boolean>`${x} IS NOT NULL` };
  }
  if (value === null) return op === 'eq' ? { pos: sql<boolean>`${x} IS NULL`, neg: sql<boolean>`${x} IS NOT NULL` } : false;
  if (field.type === 'text') return typeof value === 'string' ? textPredicate(x, op, value, ci) : false;
  const param = typedParam(field.type, value);
  if (param === null) return false;
  if (op === 'eq') return { pos: sql<boolean>`${x} = ${param}`, neg: sql<boolean>`${x} IS DISTINCT FROM ${param}` };
  if (op === 'sw' || op === 'co' || op === 'ew' || field.type === 'boolean') return false;
  return { pos: sql<boolean>`${x} ${ORDER_SQL[op]} ${param}` };
}

/**
 * Quoted member accessors, so segments are never read as JSONPath syntax. The path is bound as a
 * parameter, never spliced into the SQL text.
 */
function jsonPath(segments: readonly string[]): string {
  for (const segment of segments) {
    // Such keys cannot be written in a JSONPath literal and would make PostgreSQL reject the query.
    if (segment.includes('\u0000') || !segment.isWellFormed()) {
      throw new TypeError(`Field resolver produced an unusable JSON path segment: ${JSON.stringify(segment)}`);
    }
  }
  return '$' + segments.map((segment) => `.${JSON.stringify(segment)}`).join('');
}

function pathExists(jsonb: RawBuilder<unknown>, path: string, value?: string | number | boolean): Bool {
  if (value === undefined) return sql<boolean>`jsonb_path_exists(${jsonb}, ${path}::jsonpath)`;
  const typed = typeof value === 'string' ? sql`${value}::text` : typeof value === 'number' ? sql`${value}::numeric` : sql`${value}::boolean`;
  return sql<boolean>`jsonb_path_exists(${jsonb}, ${path}::jsonpath, jsonb_build_object('v', ${typed}))`;
}

/** For what JSONPath cannot express (case folding, LIKE, emptiness checks): test each reached value in SQL. */
function anyValue(jsonb: RawBuilder<unknown>, path: string, test: (value: RawBuilder<unknown>) => Bool): Bool {
  const value = sql`filter_item.value`;
  return sql<boolean>`EXISTS (SELECT 1 FROM jsonb_path_query(${jsonb}, ${path}::jsonpath) AS filter_item(value) WHERE ${test(value)})`;
}

function jsonbPredicate(field: JsonbField, op: LeafOp, value: FilterValue, ci: boolean): Pred {
  const j = field.jsonb;
  const path = jsonPath(field.path);
  if (op === 'pr') {
    return { pos: anyValue(j, path, (v) => sql<boolean>`${v} NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb)`) };
  }
  if (value === null) {
    if (op !== 'eq') return false;
    // `[*]` unwraps a final array, so an empty array counts as absent, as in the evaluator.
    return { pos: sql<boolean>`(${pathExists(j, `${path} ? (@ == null)`)} OR ${pathExists(j, `${path}[*]`)} IS NOT TRUE)` };
  }
  if (typeof value === 'string' && (ci || op === 'co' || op === 'ew')) {
    const text = (v: RawBuilder<unknown>) => withPolarity(textPredicate(sql`${v} #>> '{}'`, op, value, ci), false);
    return { pos: anyValue(j, `${path}[*]`, (v) => sql<boolean>`(jsonb_typeof(${v}) = 'string' AND ${text(v)})`) };
  }
  if (op === 'co' || op === 'ew' || (op === 'sw' && typeof value !== 'string')) return false;
  if (typeof value === 'boolean' && op !== 'eq') return false;
  // Lax mode unwraps arrays before the filter, so `@` ranges over every reached element.
  return { pos: pathExists(j, `${path} ? (@ ${JSONPATH_OPS[op]} $v)`, value) };
}

type Context = { resolve: FieldResolver; ci: boolean };

function leaf(ctx: Context, path: string, op: LeafOp, value: FilterValue): Pred {
  const field = ctx.resolve(path);
  if (field === null) throw new Error(`No SQL mapping for filter field '${path}'; run checkFilter first`);
  return field.kind === 'scalar' ? scalarPredicate(field, op, value, ctx.ci) : jsonbPredicate(field, op, value, ctx.ci);
}

/**
 * Negation is pushed down to the leaves (De Morgan), where each predicate has a NULL-safe negated
 * form; `NOT` over a NULL comparison would otherwise drop rows that `not (...)` should keep.
 */
function compile(node: FilterNode, ctx: Context, negated: boolean): Bool {
  switch (node.kind) {
    case 'not':
      return compile(node.expr, ctx, !negated);
    case 'and':
    case 'or': {
      const left = compile(node.left, ctx, negated);
      const right = compile(node.right, ctx, negated);
      return (node.kind === 'or') !== negated ? sql<boolean>`(${left} OR ${right})` : sql<boolean>`(${left} AND ${right})`;
    }
    case 'present':
      return withPolarity(leaf(ctx, node.path, 'pr', null), negated);
    case 'compare': {
      // `ne` is exactly "not eq", so it reuses eq's NULL-safe negation.
      const op = node.op === 'ne' ? 'eq' : node.op;
      return withPolarity(leaf(ctx, node.path, op, node.value), negated !== (node.op === 'ne'));
    }
  }
}

/**
 * Compiles a filter already accepted by checkFilter into a PostgreSQL boolean expression. Every
 * filter value and JSON path is a bound parameter; comparisons whose types cannot match compile
 * to `false` rather than to SQL that could fail at run time.
 */
export function filterToSql(node: FilterNode, resolve: FieldResolver, opts: SqlOptions = {}): RawBuilder<boolean> {
  return compile(node, { resolve, ci: opts.caseInsensitive ?? false }, false);
}
