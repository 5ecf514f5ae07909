import { sql, type RawBuilder } from 'kysely';
import type { CompareOp } from './ast.ts';

export type Bool = RawBuilder<boolean>;

/**
 * A leaf predicate in both polarities. `neg` must be TRUE exactly when `pos` is not TRUE, so that
 * negation never meets SQL's three-valued NULL; when omitted, `(pos) IS NOT TRUE` is used.
 */
export type Pred = boolean | { pos: Bool; neg?: Bool };

const TRUE: Bool = sql<boolean>`true`;
const FALSE: Bool = sql<boolean>`false`;

export function withPolarity(pred: Pred, negated: boolean): Bool {
  if (typeof pred === 'boolean') return pred !== negated ? TRUE : FALSE;
  if (!negated) return pred.pos;
  return pred.neg ?? sql<boolean>`(${pred.pos}) IS NOT TRUE`;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

function likePattern(op: 'sw' | 'co' | 'ew', value: string): string {
  const escaped = escapeLike(value);
  if (op === 'sw') return `${escaped}%`;
  if (op === 'ew') return `%${escaped}`;
  return `%${escaped}%`;
}

export const ORDER_SQL = { gt: sql`>`, ge: sql`>=`, lt: sql`<`, le: sql`<=` } as const;

/**
 * Compares a text-typed SQL expression with a string value. Ordering uses the "C" collation so it
 * follows code points like the in-memory evaluator, whatever the database's default collation is.
 */
export function textPredicate(
  expr: RawBuilder<unknown>,
  op: Exclude<CompareOp, 'ne'>,
  value: string,
  ci: boolean,
): Pred {
  const left = ci ? sql`lower(${expr})` : expr;
  const param = sql`${value}::text`;
  const right = ci ? sql`lower(${param})` : param;
  switch (op) {
    case 'eq':
      return { pos: sql<boolean>`${left} = ${right}`, neg: sql<boolean>`${left} IS DISTINCT FROM ${right}` };
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      // COLLATE binds tighter than any operator inside `expr`, hence the parentheses.
      return { pos: sql<boolean>`(${left}) COLLATE "C" ${ORDER_SQL[op]} ${right}` };
    case 'sw':
    case 'co':
    case 'ew': {
      const pattern = sql`${likePattern(op, value)}::text`;
      return { pos: sql<boolean>`${left} LIKE ${ci ? sql`lower(${pattern})` : pattern} ESCAPE '\\'` };
    }
  }
}
