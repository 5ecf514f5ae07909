import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql, type RawBuilder,
} from 'kysely';
import { parseFilter } from './parse.ts';
import { filterToSql, type FieldResolver, type FieldSql } from './sql.ts';
import type { CompareOp, FilterNode } from './ast.ts';
import { COMPARE_OP_LIST, filterString } from './arbitraries.ts';

// Compile-only Kysely: nothing ever connects to a database.
const db = new Kysely<Record<string, never>>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const fields: Record<string, FieldSql> = {
  status: { kind: 'scalar', expr: sql.ref('status'), type: 'text' },
  eventType: { kind: 'scalar', expr: sql`event #>> '{eventType}'`, type: 'text' },
  created: { kind: 'scalar', expr: sql.ref('created'), type: 'timestamptz' },
  severity: { kind: 'scalar', expr: sql.ref('severity'), type: 'number' },
  active: { kind: 'scalar', expr: sql.ref('active'), type: 'boolean' },
  'target.id': { kind: 'jsonb-any', jsonb: sql.ref('event'), path: ['target', 'id'] },
};
const resolve: FieldResolver = (path) => fields[path] ?? null;

function compile(node: FilterNode, caseInsensitive = false): { sql: string; parameters: readonly unknown[] } {
  const query = sql`select ${filterToSql(node, resolve, { caseInsensitive })}`.compile(db);
  return { sql: query.sql.replace(/^select /, ''), parameters: query.parameters };
}

function compileText(filter: string, caseInsensitive = false): { sql: string; parameters: readonly unknown[] } {
  const result = parseFilter(filter);
  assert.ok(result.ok, filter);
  return compile(result.value, caseInsensitive);
}

const LIKE = `ESCAPE '\\'`;
const ANY = 'EXISTS (SELECT 1 FROM jsonb_path_query("event", $1::jsonpath) AS filter_item(value) WHERE';
const STRING_ITEM = `jsonb_typeof(filter_item.value) = 'string'`;
const TARGET_ID = '$."target"."id"';

const cases: Array<[string, boolean, string, unknown[]]> = [
  ['status eq "x"', false, '"status" = $1::text', ['x']],
  ['status eq "x"', true, 'lower("status") = lower($1::text)', ['x']],
  ['status ne "x"', false, '"status" IS DISTINCT FROM $1::text', ['x']],
  ['status gt "x"', false, '("status") COLLATE "C" > $1::text', ['x']],
  ['status le "x"', true, '(lower("status")) COLLATE "C" <= lower($1::text)', ['x']],
  ['status sw "a%b"', false, `"status" LIKE $1::text ${LIKE}`, ['a\\%b%']],
  ['status co "_\\\\"', false, `"status" LIKE $1::text ${LIKE}`, ['%\\_\\\\%']],
  ['status ew "x"', true, `lower("status") LIKE lower($1::text) ${LIKE}`, ['%x']],
  ['status pr', false, `("status" IS NOT NULL AND "status" <> '')`, []],
  ['status eq null', false, '"status" IS NULL', []],
  ['eventType eq "user.session.start"', false, `event #>> '{eventType}' = $1::text`, ['user.session.start']],
  ['created gt "2014-01-01T00:00:00.000Z"', false, '"created" > $1::timestamptz', ['2014-01-01T00:00:00.000Z']],
  ['created gt "yesterday"', false, 'false', []],
  ['created pr', false, '"created" IS NOT NULL', []],
  ['severity ge 3', false, '"severity" >= $1::numeric', [3]],
  ['severity eq "3"', false, 'false', []],
  ['active eq true', false, '"active" = $1::boolean', [true]],
  ['active gt true', false, 'false', []],
  ['target.id eq "x"', false, `jsonb_path_exists("event", $1::jsonpath, jsonb_build_object('v', $2::text))`, [`${TARGET_ID} ? (@ == $v)`, 'x']],
  ['target.id eq 5', true, `jsonb_path_exists("event", $1::jsonpath, jsonb_build_object('v', $2::numeric))`, [`${TARGET_ID} ? (@ == $v)`, 5]],
  ['target.id lt "x"', false, `jsonb_path_exists("event", $1::jsonpath, jsonb_build_object('v', $2::text))`, [`${TARGET_ID} ? (@ < $v)`, 'x']],
  ['target.id sw "x"', false, `jsonb_path_exists("event", $1::jsonpath, jsonb_build_object('v', $2::text))`, [`${TARGET_ID} ? (@ starts with $v)`, 'x']],
  ['target.id eq "x"', true, `${ANY} (${STRING_ITEM} AND lower(filter_item.value #>> '{}') = lower($2::text)))`, [`${TARGET_ID}[*]`, 'x']],
  ['target.id co "x"', false, `${ANY} (${STRING_ITEM} AND filter_item.value #>> '{}' LIKE $2::text ${LIKE}))`, [`${TARGET_ID}[*]`, '%x%']],
  ['target.id pr', false, `${ANY} filter_item.value NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb))`, [TARGET_ID]],
  ['target.id eq null', false, '(jsonb_path_exists("event", $1::jsonpath) OR jsonb_path_exists("event", $2::jsonpath) IS NOT TRUE)', [`${TARGET_ID} ? (@ == null)`, `${TARGET_ID}[*]`]],
  ['target.id co 5', false, 'false', []],
];

describe('filterToSql', () => {
  for (const [filter, ci, expected, parameters] of cases) {
    it(`compiles ${filter}${ci ? ' case-insensitively' : ''} to ${expected}`, () => {
      assert.deepEqual(compileText(filter, ci), { sql: expected, parameters });
    });
  }

  it('joins and/or with explicit parentheses', () => {
    assert.equal(compileText('status pr and (severity eq 1 or active eq true)').sql,
      `(("status" IS NOT NULL AND "status" <> '') AND ("severity" = $1::numeric OR "active" = $2::boolean))`);
  });

  it('pushes not down to NULL-safe negated leaves', () => {
    assert.deepEqual(compileText('not (status eq "x" or severity gt 1)'), {
      sql: '("status" IS DISTINCT FROM $1::text AND ("severity" > $2::numeric) IS NOT TRUE)',
      parameters: ['x', 1],
    });
    assert.equal(compileText('not (status ne "x")').sql, '"status" = $1::text');
    assert.equal(compileText('not (status eq null)').sql, '"status" IS NOT NULL');
    assert.equal(compileText('not (created gt "soon")').sql, 'true');
    assert.equal(compileText('target.id ne "x"').sql,
      `(jsonb_path_exists("event", $1::jsonpath, jsonb_build_object('v', $2::text))) IS NOT TRUE`);
  });

  it('refuses a path the resolver does not know, since callers must run checkFilter first', () => {
    assert.throws(() => compileText('unknown pr'), /No SQL mapping for filter field 'unknown'/);
  });

  it('quotes JSON path segments and refuses ones PostgreSQL could not read', () => {
    const odd: FieldResolver = () => ({ kind: 'jsonb-any', jsonb: sql.ref('event'), path: ['a"b', 'c.d'] });
    const node: FilterNode = { kind: 'present', path: 'x', position: 0 };
    const query = sql`select ${filterToSql(node, odd)}`.compile(db);
    assert.deepEqual(query.parameters, ['$."a\\"b"."c.d"']);
    const broken: FieldResolver = () => ({ kind: 'jsonb-any', jsonb: sql.ref('event'), path: ['\ud800'] });
    assert.throws(() => filterToSql(node, broken), TypeError);
  });
});

// Each payload is absent from every SQL template, so finding one in the SQL text means a leak.
const payload = fc.constantFrom("'; drop table x; --", "' OR '1'='1", '%_\\\'"', '$$; select pg_sleep(9); $$', "\\'); --");
const hostile = fc.tuple(filterString, payload, filterString).map(([a, p, b]) => a + p + b);
const stringField = fc.constantFrom('status', 'eventType', 'target.id');

function leaf(path: string, op: CompareOp, value: string): FilterNode {
  return { kind: 'compare', path, op, value, position: 0 };
}

describe('filterToSql properties', () => {
  const compiledWith = (node: (value: string) => FilterNode, value: string, ci: boolean) => compile(node(value), ci);

  it('never puts a string value into the SQL text, only into the parameters', () => {
    fc.assert(
      fc.property(stringField, fc.constantFrom(...COMPARE_OP_LIST), hostile, fc.boolean(), fc.boolean(), (path, op, value, ci, negate) => {
        const make = (v: string): FilterNode => (negate ? { kind: 'not', expr: leaf(path, op, v) } : leaf(path, op, v));
        const compiled = compiledWith(make, value, ci);
        // The SQL text must not depend on the value at all.
        assert.equal(compiled.sql, compiledWith(make, 'placeholder', ci).sql);
        assert.ok(!compiled.sql.includes(value), compiled.sql);
        const likeEscaped = value.replace(/[\\%_]/g, (c) => `\\${c}`);
        assert.ok(compiled.parameters.some((p) => p === value || (typeof p === 'string' && p.includes(likeEscaped))));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the SQL text independent of numeric values', () => {
    fc.assert(
      fc.property(fc.constantFrom('severity', 'target.id'), fc.constantFrom<'eq' | 'gt' | 'le'>('eq', 'gt', 'le'), fc.double({ noNaN: true, noDefaultInfinity: true }), (path, op, value) => {
        const make = (v: number): RawBuilder<boolean> => filterToSql({ kind: 'compare', path, op, value: v, position: 0 }, resolve);
        const compiled = sql`select ${make(value)}`.compile(db);
        assert.equal(compiled.sql, sql`select ${make(1)}`.compile(db).sql);
        assert.ok(compiled.parameters.includes(value));
      }),
    );
  });
});
