export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'sw' | 'co' | 'ew';

export type FilterValue = string | number | boolean | null;

export type FilterNode =
  /** `position` is the 0-based UTF-16 offset of the attribute path in the parsed input. */
  | { kind: 'compare'; path: string; op: CompareOp; value: FilterValue; position: number }
  | { kind: 'present'; path: string; position: number }
  | { kind: 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode };

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>([
  'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'co', 'ew',
]);

export function isCompareOp(word: string): word is CompareOp {
  return COMPARE_OPS.has(word);
}
