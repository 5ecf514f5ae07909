import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCondition, selectIdentifiers, type ConditionNode } from './sigma-condition.ts';
import { parseSigmaRule } from './sigma-load.ts';

/** The tree in a compact prefix notation, so expectations read at a glance. */
function show(node: ConditionNode): string {
  switch (node.kind) {
    case 'id': return node.name;
    case 'of': return `${node.quantifier === 'all' ? 'all' : '1'}-of(${node.pattern})`;
    case 'not': return `not(${show(node.arg)})`;
    default: return `${node.kind}(${node.args.map(show).join(', ')})`;
  }
}

function parsed(text: string): string {
  const result = parseCondition(text);
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return show(result.value);
}

function reason(text: string): string {
  const result = parseCondition(text);
  assert.ok(!result.ok, `'${text}' parsed`);
  return result.reason;
}

describe('parsing Sigma conditions', () => {
  it('binds and tighter than or, and not tighter than and', () => {
    assert.equal(parsed('a or b and c'), 'or(a, and(b, c))');
    assert.equal(parsed('a and b or c'), 'or(and(a, b), c)');
    assert.equal(parsed('not a and b'), 'and(not(a), b)');
    assert.equal(parsed('a and not b or c'), 'or(and(a, not(b)), c)');
    assert.equal(parsed('not a or not b and c'), 'or(not(a), and(not(b), c))');
  });

  it('lets parentheses override precedence, at any depth', () => {
    assert.equal(parsed('(a or b) and c'), 'and(or(a, b), c)');
    assert.equal(parsed('not (a or b)'), 'not(or(a, b))');
    assert.equal(parsed('((a))'), 'a');
    assert.equal(parsed('a and (b or (c and not d))'), 'and(a, or(b, and(c, not(d))))');
  });

  it('chains and/or left to right and stacks not', () => {
    assert.equal(parsed('a and b and c'), 'and(a, b, c)');
    assert.equal(parsed('a or b or c'), 'or(a, b, c)');
    assert.equal(parsed('not not a'), 'not(not(a))');
  });

  it('reads 1 of / any of / all of with patterns and them, tighter than not', () => {
    assert.equal(parsed('1 of selection*'), '1-of(selection*)');
    assert.equal(parsed('any of sel_*'), '1-of(sel_*)');
    assert.equal(parsed('all of them'), 'all-of(them)');
    assert.equal(parsed('selection and not 1 of filter_*'), 'and(selection, not(1-of(filter_*)))');
    assert.equal(parsed('1 of selection* and not 1 of filter*'), 'and(1-of(selection*), not(1-of(filter*)))');
    assert.equal(parsed('all of sel* or 1 of them'), 'or(all-of(sel*), 1-of(them))');
  });

  it('takes identifiers with digits, underscores and hyphens, and spacing of any kind', () => {
    assert.equal(parsed('selection_1\tand\n  filter-main'), 'and(selection_1, filter-main)');
    assert.equal(parsed('(a)and(b)'), 'and(a, b)');
  });

  it('rejects incomplete and malformed conditions, saying where', () => {
    assert.equal(reason('a and'), 'expected a search identifier, found the end of the condition');
    assert.equal(reason('(a or b'), "expected ')', found the end of the condition");
    assert.equal(reason('a b'), "expected and/or or the end of the condition, found 'b' at position 2");
    assert.equal(reason('a or or b'), "expected a search identifier, found 'or' at position 5");
    assert.equal(reason('1 of'), "expected 'them' or a search identifier pattern after 'of', found the end of the condition");
    assert.equal(reason('a & b'), "unexpected character '&' at position 2");
    assert.equal(reason(''), 'expected a search identifier, found the end of the condition');
    assert.equal(reason(')'), "expected a search identifier, found ')' at position 0");
  });

  it('reads keywords in lower case only, as pySigma does', () => {
    assert.equal(reason('a AND b'), "expected and/or or the end of the condition, found 'AND' at position 2");
  });

  it('names the deprecated aggregation syntax when it meets a pipe', () => {
    assert.match(reason('selection | count() by actor.id > 5'), /aggregation expressions .* Sigma correlations, which are not supported/);
  });

  it('refuses nesting deep enough to exhaust the stack', () => {
    assert.match(reason(`${'('.repeat(100)}a${')'.repeat(100)}`), /nests deeper than 64 levels/);
    assert.match(reason(`${'not '.repeat(100)}a`), /nests deeper than 64 levels/);
  });
});

describe('selecting search identifiers for x of', () => {
  const names = ['selection', 'selection_event', 'sel', 'filter_main_okta', 'filter_optional', '_hidden', 'keywords'];

  it('selects every identifier but those starting with an underscore for them', () => {
    assert.deepEqual(selectIdentifiers('them', names), ['selection', 'selection_event', 'sel', 'filter_main_okta', 'filter_optional', 'keywords']);
  });

  it('matches whole names, * standing for any run of characters', () => {
    assert.deepEqual(selectIdentifiers('selection*', names), ['selection', 'selection_event']);
    assert.deepEqual(selectIdentifiers('sel', names), ['sel']);
    assert.deepEqual(selectIdentifiers('filter_*', names), ['filter_main_okta', 'filter_optional']);
    assert.deepEqual(selectIdentifiers('*_main_*', names), ['filter_main_okta']);
    assert.deepEqual(selectIdentifiers('*', names), selectIdentifiers('them', names));
    assert.deepEqual(selectIdentifiers('_hid*', names), []);
  });
});

describe('evaluating conditions', () => {
  /** A rule whose identifiers a, b, c, d each hold when the event's field of that name is 'y'. */
  function rule(condition: string) {
    const text = `title: t\nlogsource: {product: okta}\ndetection:\n  a: {a: y}\n  b: {b: y}\n  c: {c: y}\n  d: {d: y}\n  condition: ${JSON.stringify(condition)}\n`;
    const result = parseSigmaRule(text, 't.yml');
    assert.ok(result.ok, result.ok ? '' : result.unsupported.reason);
    return result.rule;
  }
  const combos = Array.from({ length: 16 }, (_, i) => ({ a: i & 1, b: i & 2, c: i & 4, d: i & 8 }));
  const event = (v: { a: number; b: number; c: number; d: number }) => Object.fromEntries(Object.entries(v).map(([k, on]) => [k, on ? 'y' : 'n']));

  const cases: [string, (v: { a: number; b: number; c: number; d: number }) => boolean][] = [
    ['a or b and c', (v) => !!v.a || (!!v.b && !!v.c)],
    ['(a or b) and c', (v) => (!!v.a || !!v.b) && !!v.c],
    ['not a and b', (v) => !v.a && !!v.b],
    ['not (a and b)', (v) => !(v.a && v.b)],
    ['a and not b or c and not d', (v) => (!!v.a && !v.b) || (!!v.c && !v.d)],
    ['1 of them', (v) => !!(v.a || v.b || v.c || v.d)],
    ['all of them', (v) => !!(v.a && v.b && v.c && v.d)],
    ['not 1 of them', (v) => !(v.a || v.b || v.c || v.d)],
    ['a and not 1 of c*', (v) => !!v.a && !v.c],
  ];
  for (const [condition, expected] of cases) {
    it(`gives '${condition}' its truth table`, () => {
      const r = rule(condition);
      for (const v of combos) assert.equal(r.matches(event(v)), expected(v), JSON.stringify(v));
    });
  }

  it('or-links a list of conditions', () => {
    const text = 'title: t\nlogsource: {product: okta}\ndetection:\n  a: {a: y}\n  b: {b: y}\n  condition:\n    - a\n    - b\n';
    const result = parseSigmaRule(text, 't.yml');
    assert.ok(result.ok);
    assert.equal(result.rule.matches({ a: 'n', b: 'y' }), true);
    assert.equal(result.rule.matches({ a: 'n', b: 'n' }), false);
  });
});
