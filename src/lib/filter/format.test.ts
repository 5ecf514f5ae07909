import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFilter } from './format.ts';
import { parseFilter } from './parse.ts';
import type { FilterNode } from './ast.ts';

const a: FilterNode = { kind: 'present', path: 'a', position: 0 };
const b: FilterNode = { kind: 'compare', path: 'b', op: 'eq', value: 'x"y', position: 0 };
const c: FilterNode = { kind: 'compare', path: 'c', op: 'gt', value: -0, position: 0 };

describe('formatFilter', () => {
  it('normalizes keyword case and spacing', () => {
    const parsed = parseFilter('  STATUS   EQ  "x"   AND\tnot(a PR) ');
    assert.ok(parsed.ok);
    assert.equal(formatFilter(parsed.value), 'STATUS eq "x" and not (a pr)');
  });

  it('adds parentheses only where precedence or left grouping needs them', () => {
    assert.equal(formatFilter({ kind: 'and', left: { kind: 'or', left: a, right: b }, right: c }), '(a pr or b eq "x\\"y") and c gt -0');
    assert.equal(formatFilter({ kind: 'or', left: a, right: { kind: 'and', left: b, right: c } }), 'a pr or b eq "x\\"y" and c gt -0');
    assert.equal(formatFilter({ kind: 'and', left: a, right: { kind: 'and', left: b, right: c } }), 'a pr and (b eq "x\\"y" and c gt -0)');
    assert.equal(formatFilter({ kind: 'and', left: { kind: 'and', left: a, right: b }, right: c }), 'a pr and b eq "x\\"y" and c gt -0');
  });

  it('always parenthesizes the operand of not', () => {
    assert.equal(formatFilter({ kind: 'not', expr: { kind: 'not', expr: a } }), 'not (not (a pr))');
  });
});
