import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, MAX_FILTER_DEPTH } from './parse.ts';
import type { FilterNode } from './ast.ts';

function parsed(input: string): FilterNode {
  const result = parseFilter(input);
  assert.ok(result.ok, `expected ${JSON.stringify(input)} to parse, got ${result.ok ? '' : result.error.message}`);
  return result.value;
}

function failure(input: string): { message: string; position: number } {
  const result = parseFilter(input);
  assert.ok(!result.ok, `expected ${JSON.stringify(input)} to be rejected`);
  return result.error;
}

describe('parseFilter', () => {
  const oktaExamples = [
    'eventType eq "user.session.start" and outcome.result eq "FAILURE"',
    'target.id eq "00u1" and target.id eq "0oa1"',
    'client.ipAddress eq "184.73.186.14"',
    'eventType sw "event_hook"',
    'eventType co "session"',
    'eventType ew "token"',
    'actor.id ne "00u1"',
    'transaction.detail.requestApiTokenId eq "00T94e3cn9kSEO3c51s5"',
    'status eq "STAGED"',
    'lastUpdated gt "2014-01-01T00:00:00.000Z"',
    'profile.department eq "Engineering" and (created lt "2014-01-01T00:00:00.000Z" or status eq "ACTIVE")',
    'lastUpdated gt "2013-06-01T00:00:00.000Z" and (status eq "LOCKED_OUT" or status eq "RECOVERY")',
    'profile.login pr',
    'not (status eq "ACTIVE")',
  ];
  for (const example of oktaExamples) {
    it(`accepts the documented example ${example}`, () => {
      parsed(example);
    });
  }

  it('builds a comparison with the offset of its attribute path', () => {
    assert.deepEqual(parsed('  status eq "STAGED"'), {
      kind: 'compare', path: 'status', op: 'eq', value: 'STAGED', position: 2,
    });
  });

  it('reads operators and logical keywords case-insensitively but keeps attribute names as written', () => {
    assert.deepEqual(parsed('STATUS EQ "x" AND Profile.Login PR'), {
      kind: 'and',
      left: { kind: 'compare', path: 'STATUS', op: 'eq', value: 'x', position: 0 },
      right: { kind: 'present', path: 'Profile.Login', position: 18 },
    });
  });

  it('decodes JSON strings, numbers and literals', () => {
    const values = ['"a\\"b\\u00e9\\n"', '-1.5e2', '0', 'true', 'false', 'null'].map((v) => {
      const node = parsed(`x eq ${v}`);
      return node.kind === 'compare' ? node.value : undefined;
    });
    assert.deepEqual(values, ['a"bé\n', -150, 0, true, false, null]);
  });

  it('binds not tighter than and, and and tighter than or', () => {
    assert.deepEqual(parsed('not a pr and b pr or c pr'), {
      kind: 'or',
      left: {
        kind: 'and',
        left: { kind: 'not', expr: { kind: 'present', path: 'a', position: 4 } },
        right: { kind: 'present', path: 'b', position: 13 },
      },
      right: { kind: 'present', path: 'c', position: 21 },
    });
  });

  it('groups and and or to the left', () => {
    const node = parsed('a pr or b pr or c pr');
    assert.equal(node.kind, 'or');
    assert.equal(node.kind === 'or' && node.left.kind, 'or');
  });

  it('treats an attribute named like a keyword as an attribute when an operator follows', () => {
    assert.deepEqual(parsed('not eq 1 and and pr'), {
      kind: 'and',
      left: { kind: 'compare', path: 'not', op: 'eq', value: 1, position: 0 },
      right: { kind: 'present', path: 'and', position: 13 },
    });
  });

  it("reports an unknown operator in Okta's words", () => {
    assert.deepEqual(failure('display_message eqq "Create okta user"'), {
      message: "Unrecognized attribute operator 'eqq' at position 16. Expected: eq,co,sw,pr,gt,ge,lt,le",
      position: 16,
    });
  });

  const rejected: Array<[string, string]> = [
    ['', 'Empty filter expression at position 0'],
    ['   \t ', 'Empty filter expression at position 0'],
    ['status eq', 'Expected a value at position 9'],
    ['status', 'Unexpected end of expression at position 6'],
    ['status "x"', 'Expected an operator at position 7'],
    ['(status eq "x"', 'Unbalanced parenthesis at position 0'],
    ['status eq "x")', 'Unbalanced parenthesis at position 13'],
    ['status eq "x" and', 'Unexpected end of expression at position 17'],
    ["status eq 'x'", 'String values must be in double quotes at position 10'],
    ['status eq "\\q"', 'Invalid escape sequence at position 11'],
    ['status eq "\\u12G4"', 'Invalid escape sequence at position 11'],
    ['status eq "abc', 'Unterminated string at position 10'],
    ['status eq "a\tb"', 'Control character in string at position 12'],
    ['status eq "\\u0000"', 'String contains a NUL or unpaired surrogate character at position 10'],
    ['status eq "\\ud800"', 'String contains a NUL or unpaired surrogate character at position 10'],
    ['emails[type eq "work"]', "Value path filters ('[ ]') are not supported at position 6"],
    ['status eq x', 'Expected a value at position 10'],
    ['status eq TRUE', 'Expected a value at position 10'],
    ['count eq 01', 'Invalid number at position 9'],
    ['count eq 1e999', 'Number out of range at position 9'],
    ['a..b pr', "Invalid attribute path 'a..b' at position 0"],
    ['1a pr', 'Invalid number at position 0'],
    ['a pr b pr', "Expected 'and' or 'or' at position 5"],
    ['(a pr b pr)', "Expected 'and', 'or' or ')' at position 6"],
    ['()', "Expected an attribute path, '(' or 'not' at position 1"],
    ['a pr and ; drop', 'Unexpected character ";" at position 9'],
  ];
  for (const [input, message] of rejected) {
    it(`rejects ${JSON.stringify(input)} with a positioned message`, () => {
      assert.equal(failure(input).message, message);
    });
  }

  it('accepts nesting up to the depth limit and rejects one level more', () => {
    const nest = (n: number) => '('.repeat(n) + 'a pr' + ')'.repeat(n);
    parsed(nest(MAX_FILTER_DEPTH));
    assert.match(failure(nest(MAX_FILTER_DEPTH + 1)).message, /nested more than 64 levels deep at position 64$/);
    assert.match(failure('not '.repeat(MAX_FILTER_DEPTH + 1) + 'a pr').message, /nested more than 64/);
  });

  it('rejects 10,000 nested parentheses without overflowing the stack', () => {
    assert.match(failure('('.repeat(10_000) + 'a pr' + ')'.repeat(10_000)).message, /longer than 4096/);
    assert.match(failure('('.repeat(2_000)).message, /nested more than 64/);
  });

  it('rejects input longer than 4096 characters', () => {
    const long = `status eq "${'x'.repeat(4990)}"`;
    assert.equal(failure(long).message, 'Filter expression is longer than 4096 characters at position 4096');
    parsed(`status eq "${'x'.repeat(4096 - 12)}"`);
  });
});
