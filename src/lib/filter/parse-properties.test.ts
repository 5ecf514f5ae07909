import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter } from './parse.ts';
import { formatFilter } from './format.ts';
import { filterTree, stripPositions } from './arbitraries.ts';

function parsesWithoutThrowing(input: string): boolean {
  const result = parseFilter(input);
  return result.ok || (typeof result.error.message === 'string' && Number.isInteger(result.error.position));
}

const validExpressions = fc.constantFrom(
  'eventType eq "user.session.start" and outcome.result eq "FAILURE"',
  'profile.department eq "Engineering" and (created lt "2014-01-01T00:00:00.000Z" or status eq "ACTIVE")',
  'not (status eq "ACTIVE") or profile.login pr',
  'count ge -1.5e3 and flag eq true and other eq null',
  'a eq "\\u00e9\\"\\\\" or (b pr and not c sw "x")',
);

/** Deletes, inserts or replaces characters of valid filters, to probe every error path. */
const mutatedExpression = fc
  .tuple(
    validExpressions,
    fc.array(
      fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom('(', ')', '"', '\\', ' ', 'a', 'not ', ' and ', '[', '1', '-', '.', '\t', "'", 'pr')),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map(([text, edits]) => {
    let out = text;
    for (const [at, kind, insert] of edits) {
      const i = out.length === 0 ? 0 : at % out.length;
      if (kind === 0) out = out.slice(0, i) + out.slice(i + 1);
      else if (kind === 1) out = out.slice(0, i) + insert + out.slice(i);
      else out = out.slice(0, i) + insert + out.slice(i + 1);
    }
    return out;
  });

describe('parseFilter properties', () => {
  it('reads back every formatted tree as the same tree', () => {
    fc.assert(
      fc.property(filterTree, (tree) => {
        const text = formatFilter(tree);
        const result = parseFilter(text);
        assert.ok(result.ok, `${text}: ${result.ok ? '' : result.error.message}`);
        assert.deepEqual(stripPositions(result.value), stripPositions(tree));
      }),
      { numRuns: 2000 },
    );
  });

  it('formats a parsed tree to a fixed point', () => {
    fc.assert(
      fc.property(filterTree, (tree) => {
        const once = formatFilter(tree);
        const result = parseFilter(once);
        assert.ok(result.ok);
        assert.equal(formatFilter(result.value), once);
      }),
    );
  });

  it('never throws on arbitrary strings', () => {
    const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }));
    fc.assert(fc.property(anyString, parsesWithoutThrowing), { numRuns: 3000 });
  });

  it('never throws on mutations of valid expressions, and rejects with a position inside the input', () => {
    fc.assert(
      fc.property(mutatedExpression, (input) => {
        const result = parseFilter(input);
        if (!result.ok) assert.ok(result.error.position >= 0 && result.error.position <= input.length);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on strings built from grammar fragments', () => {
    const fragment = fc.constantFrom('(', ')', 'not', 'and', 'or', 'a', 'b.c', 'eq', 'pr', 'sw', '"x"', '1', 'true', 'null', ' ', '  ');
    const soup = fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join(' '));
    fc.assert(fc.property(soup, parsesWithoutThrowing), { numRuns: 3000 });
  });
});
