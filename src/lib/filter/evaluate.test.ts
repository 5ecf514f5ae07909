import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter } from './parse.ts';
import { formatFilter } from './format.ts';
import { evaluateFilter, type EvaluateOptions } from './evaluate.ts';
import type { FilterNode } from './ast.ts';
import { smallLeaf, smallObject, smallTree } from './arbitraries.ts';

function matches(filter: string, obj: unknown, opts?: EvaluateOptions): boolean {
  const result = parseFilter(filter);
  assert.ok(result.ok, filter);
  return evaluateFilter(result.value, obj, opts);
}

const event = {
  eventType: 'user.session.start',
  published: '2024-03-01T10:00:00.000Z',
  outcome: { result: 'FAILURE' },
  actor: { id: '00u1', displayName: 'Ann' },
  target: [{ id: '00u2', type: 'User' }, { id: '0oa1', type: 'AppInstance' }],
  debugContext: { debugData: { requestUri: '/api/v1/users', empty: '', tags: [], meta: {} } },
  severity: 3,
  legacy: null,
};

describe('evaluateFilter', () => {
  it('follows dotted paths into nested objects', () => {
    assert.equal(matches('eventType eq "user.session.start" and outcome.result eq "FAILURE"', event), true);
    assert.equal(matches('outcome.result eq "SUCCESS"', event), false);
  });

  it('matches when any element of an array on the path matches', () => {
    assert.equal(matches('target.id eq "00u2" and target.id eq "0oa1"', event), true);
    assert.equal(matches('target.id eq "00u9"', event), false);
    assert.equal(matches('target.type sw "App"', event), true);
  });

  it('treats ne as the negation of eq, so an absent attribute is not equal', () => {
    assert.equal(matches('actor.id ne "00u1"', event), false);
    assert.equal(matches('actor.id ne "00u9"', event), true);
    assert.equal(matches('actor.alternateId ne "x"', event), true);
    assert.equal(matches('target.id ne "00u2"', event), false);
  });

  it('treats eq null as null or absent', () => {
    assert.equal(matches('legacy eq null', event), true);
    assert.equal(matches('missing eq null', event), true);
    assert.equal(matches('actor.id eq null', event), false);
  });

  it('counts empty strings, arrays, objects and null as not present', () => {
    assert.equal(matches('actor.id pr', event), true);
    for (const path of ['empty', 'tags', 'meta']) {
      assert.equal(matches(`debugContext.debugData.${path} pr`, event), false, path);
    }
    assert.equal(matches('legacy pr or missing pr', event), false);
  });

  it('supports sw, co and ew on strings only', () => {
    assert.equal(matches('eventType sw "user." and eventType co "session" and eventType ew "start"', event), true);
    assert.equal(matches('severity sw "3"', event), false);
  });

  it('orders strings lexicographically so ISO timestamps compare chronologically', () => {
    assert.equal(matches('published gt "2024-01-01T00:00:00.000Z"', event), true);
    assert.equal(matches('published lt "2024-03-01T09:59:59.999Z"', event), false);
    assert.equal(matches('published ge "2024-03-01T10:00:00.000Z"', event), true);
  });

  it('orders numbers numerically and never matches across types', () => {
    assert.equal(matches('severity gt 2 and severity le 3', event), true);
    assert.equal(matches('severity gt "2"', event), false);
    assert.equal(matches('severity eq "3"', event), false);
  });

  it('folds case only when asked to', () => {
    assert.equal(matches('actor.displayName eq "ann"', event), false);
    assert.equal(matches('actor.displayName eq "ann"', event, { caseInsensitive: true }), true);
    assert.equal(matches('eventType sw "USER"', event, { caseInsensitive: true }), true);
  });

  it('ignores inherited properties', () => {
    assert.equal(matches('constructor pr or toString pr', {}), false);
  });
});

/** Expected value of a flat `x0 op x1 op x2 ...` chain under and-before-or precedence. */
function chainValue(values: boolean[], ops: Array<'and' | 'or'>): boolean {
  const orGroups: boolean[][] = [[values[0] ?? false]];
  ops.forEach((op, i) => {
    const next = values[i + 1] ?? false;
    if (op === 'or') orGroups.push([next]);
    else orGroups.at(-1)?.push(next);
  });
  return orGroups.some((group) => group.every(Boolean));
}

describe('evaluateFilter properties', () => {
  it('evaluates unparenthesized and/or/not chains with not over and over or', () => {
    const operand = fc.tuple(fc.boolean(), smallLeaf);
    const chain = fc.tuple(
      fc.array(operand, { minLength: 2, maxLength: 6 }),
      fc.array(fc.constantFrom('and' as const, 'or' as const), { minLength: 5, maxLength: 5 }),
    );
    fc.assert(
      fc.property(chain, smallObject, ([operands, allOps], obj) => {
        const ops = allOps.slice(0, operands.length - 1);
        const texts = operands.map(([negate, leaf]) => `${negate ? 'not ' : ''}${formatFilter(leaf)}`);
        const text = texts.reduce((acc, t, i) => `${acc} ${ops[i - 1]} ${t}`);
        const values = operands.map(([negate, leaf]) => evaluateFilter(leaf, obj) !== negate);
        assert.equal(matches(text, obj), chainValue(values, ops), text);
      }),
      { numRuns: 1000 },
    );
  });

  it("satisfies De Morgan's laws on random objects", () => {
    const not = (expr: FilterNode): FilterNode => ({ kind: 'not', expr });
    const and = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'and', left, right });
    const or = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'or', left, right });
    fc.assert(
      fc.property(smallTree, smallTree, smallObject, fc.boolean(), (a, b, obj, ci) => {
        const check = (x: FilterNode) => matches(formatFilter(x), obj, { caseInsensitive: ci });
        assert.equal(check(not(and(a, b))), check(or(not(a), not(b))));
        assert.equal(check(not(or(a, b))), check(and(not(a), not(b))));
      }),
      { numRuns: 1000 },
    );
  });

  it('makes ne the exact complement of eq', () => {
    fc.assert(
      fc.property(smallLeaf, smallObject, (leaf, obj) => {
        if (leaf.kind !== 'compare' || (leaf.op !== 'eq' && leaf.op !== 'ne')) return;
        const flipped: FilterNode = { ...leaf, op: leaf.op === 'eq' ? 'ne' : 'eq' };
        assert.equal(evaluateFilter(leaf, obj), !evaluateFilter(flipped, obj));
      }),
    );
  });
});
