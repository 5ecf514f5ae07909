import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from './parse.ts';
import { checkFilter, type FilterRules } from './rules.ts';
import type { CompareOp } from './ast.ts';

const syslogLike: FilterRules = {
  allowNot: false,
  operatorsFor(path) {
    const table: Record<string, ReadonlySet<CompareOp | 'pr'>> = {
      eventType: new Set(['eq', 'sw', 'co', 'ew']),
      'debugContext.debugData.url': new Set(['eq']),
      'target.id': new Set(['eq', 'ne', 'pr']),
    };
    return table[path] ?? null;
  },
};

function check(filter: string, rules: FilterRules = syslogLike) {
  const result = parseFilter(filter);
  assert.ok(result.ok, filter);
  return checkFilter(result.value, rules);
}

describe('checkFilter', () => {
  it('accepts filters that use only allowed fields and operators', () => {
    assert.deepEqual(check('eventType sw "user." and (target.id eq "00u1" or target.id pr)'), { ok: true });
  });

  it('names an unknown field', () => {
    assert.deepEqual(check('eventType eq "x" and actor.nickname eq "y"'), {
      ok: false,
      error: { kind: 'UNKNOWN_FIELD', message: 'field is not valid: actor.nickname', path: 'actor.nickname' },
    });
  });

  it("reports an unsupported operator and field pair in Okta's words", () => {
    assert.deepEqual(check('debugContext.debugData.url co "/api"'), {
      ok: false,
      error: {
        kind: 'UNSUPPORTED_OPERATOR',
        message: 'The supplied combination of operator and field is not currently supported. ' +
          'Operator: co, Field: debugContext.debugData.url',
        path: 'debugContext.debugData.url',
        op: 'co',
      },
    });
  });

  it('checks the pr operator like any other operator', () => {
    const result = check('eventType pr');
    assert.equal(!result.ok && result.error.kind, 'UNSUPPORTED_OPERATOR');
  });

  it('rejects not where it is not allowed and accepts it where it is', () => {
    assert.deepEqual(check('not (eventType eq "x")'), {
      ok: false,
      error: { kind: 'NOT_UNSUPPORTED', message: "The 'not' operator is not supported here" },
    });
    assert.deepEqual(check('not (eventType eq "x")', { ...syslogLike, allowNot: true }), { ok: true });
  });

  it('reports the first problem in reading order', () => {
    const result = check('nope pr or eventType gt "a"');
    assert.equal(!result.ok && result.error.message, 'field is not valid: nope');
  });
});
