// fast-check generators shared by the filter property tests.
import fc from 'fast-check';
import type { CompareOp, FilterNode, FilterValue } from './ast.ts';

export const COMPARE_OP_LIST: readonly CompareOp[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'co', 'ew'];

/** Strings the parser accepts inside quotes: any well-formed text without U+0000. */
export const filterString: fc.Arbitrary<string> = fc
  .oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }))
  .filter((s) => s.isWellFormed() && !s.includes('\u0000'));

export const filterValue: fc.Arbitrary<FilterValue> = fc.oneof(
  filterString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const keyword = fc.constantFrom('not', 'NOT', 'and', 'or', 'pr', 'eq', 'true', 'null');
const firstSegment = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/), keyword);
const laterSegment = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_$-]{0,8}$/), keyword);

/** Attribute paths, including ones that collide with keywords and operator names. */
export const attributePath: fc.Arbitrary<string> = fc
  .tuple(firstSegment, fc.array(laterSegment, { maxLength: 3 }))
  .map(([first, rest]) => [first, ...rest].join('.'));

export function leafOf(path: fc.Arbitrary<string>, value: fc.Arbitrary<FilterValue>): fc.Arbitrary<FilterNode> {
  return fc.oneof(
    fc.record({
      kind: fc.constant('compare' as const),
      path,
      op: fc.constantFrom(...COMPARE_OP_LIST),
      value,
      position: fc.constant(0),
    }),
    fc.record({ kind: fc.constant('present' as const), path, position: fc.constant(0) }),
  );
}

export function treeOf(leaf: fc.Arbitrary<FilterNode>, maxDepth = 5): fc.Arbitrary<FilterNode> {
  const { node } = fc.letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth },
      leaf,
      fc.record({ kind: fc.constant('and' as const), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('or' as const), left: tie('node'), right: tie('node') }),
      fc.record({ kind: fc.constant('not' as const), expr: tie('node') }),
    ),
  }));
  return node;
}

export const filterTree: fc.Arbitrary<FilterNode> = treeOf(leafOf(attributePath, filterValue));

/** Drops `position` so trees parsed from different texts can be compared. */
export function stripPositions(node: FilterNode): unknown {
  switch (node.kind) {
    case 'compare':
    case 'present': {
      const { position: _position, ...rest } = node;
      return rest;
    }
    case 'not':
      return { kind: 'not', expr: stripPositions(node.expr) };
    case 'and':
    case 'or':
      return { kind: node.kind, left: stripPositions(node.left), right: stripPositions(node.right) };
  }
}

// Small domains so that random objects and random filters actually match each other often.
const smallPath = fc.constantFrom('a', 'b', 'c.d', 'list.id');
const smallValue: fc.Arbitrary<FilterValue> = fc.constantFrom('x', 'X', 'xy', '', 1, 2, 2.5, true, false, null);

export const smallTree: fc.Arbitrary<FilterNode> = treeOf(leafOf(smallPath, smallValue), 4);
export const smallLeaf: fc.Arbitrary<FilterNode> = leafOf(smallPath, smallValue);

const jsonLeaf = fc.oneof(smallValue, fc.constant([]), fc.constant({}));
const member = fc.oneof(jsonLeaf, fc.array(jsonLeaf, { maxLength: 3 }));

export const smallObject: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    a: member,
    b: member,
    c: fc.oneof(fc.record({ d: member }, { requiredKeys: [] }), fc.array(fc.record({ d: member }, { requiredKeys: [] }), { maxLength: 3 })),
    list: fc.array(fc.record({ id: member }, { requiredKeys: [] }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
