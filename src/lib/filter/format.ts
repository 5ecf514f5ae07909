import type { FilterNode, FilterValue } from './ast.ts';

// Binding strength: or < and < not/leaf. A child weaker than its slot needs parentheses.
const STRENGTH = { or: 1, and: 2, not: 3, compare: 3, present: 3 } as const;

function formatValue(value: FilterValue): string {
  // JSON.stringify(-0) is "0", which would not read back as the same number.
  if (Object.is(value, -0)) return '-0';
  return JSON.stringify(value);
}

function wrap(node: FilterNode, minStrength: number): string {
  const text = formatFilter(node);
  return STRENGTH[node.kind] < minStrength ? `(${text})` : text;
}

/**
 * Prints the canonical form: lower-case keywords, single spaces, JSON values, and only the
 * parentheses needed so that parsing the output rebuilds the same tree (and/or group to the left,
 * so a right operand of the same kind keeps its parentheses).
 */
export function formatFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'compare':
      return `${node.path} ${node.op} ${formatValue(node.value)}`;
    case 'present':
      return `${node.path} pr`;
    case 'not':
      return `not (${formatFilter(node.expr)})`;
    case 'and':
    case 'or': {
      const strength = STRENGTH[node.kind];
      return `${wrap(node.left, strength)} ${node.kind} ${wrap(node.right, strength + 1)}`;
    }
  }
}
