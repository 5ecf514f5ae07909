import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { testDatabase, type TestDatabase } from '../../test/helpers.ts';
import { openDatabase, prepare, runPrepared } from './database.ts';
import { PIPELINE_APPLICATION_NAME } from './pipeline.ts';

const created = new Date('2026-01-02T03:04:05.678Z');

/** Tenants by slug or name (the same input in two places) among cells other than a constant one. */
const tenantBySlugOrName = prepare('test.tenant-by-slug-or-name', (db, param: (key: 'key' | 'cell') => string) =>
  db.selectFrom('tenants').select(['id', 'slug', 'created'])
    .where((eb) => eb.or([eb('slug', '=', param('key')), eb('name', '=', param('key'))]))
    .where('cell', '<>', 'retired')
    .where('cell', '=', param('cell'))
    .orderBy('id'));

/** What PostgreSQL holds prepared on the connection this runs on. */
const preparedHere = prepare('test.prepared-here', (db) =>
  db.selectFrom(sql<{ name: string; statement: string }>`pg_prepared_statements`.as('p')).select(['p.name', 'p.statement']));

/** A tenant by slug, provided `n` is a positive integer: any other text makes PostgreSQL fail the query. */
const positive = prepare('test.tenant-if-positive', (db, param: (key: 'slug' | 'n') => string) =>
  db.selectFrom('tenants').select('id').where('slug', '=', param('slug')).where(sql<boolean>`${param('n')}::int > 0`));

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(await condition(), 'condition not reached in 2 s');
}

describe('prepared statements', () => {
  let t: TestDatabase;
  before(async () => {
    t = await testDatabase();
    await t.db.insertInto('tenants').values([
      { id: 'ten1', slug: 'alpha', name: 'Alpha', cell: 'c1', created },
      { id: 'ten2', slug: 'beta', name: 'alpha', cell: 'c1', created },
      { id: 'ten3', slug: 'gamma', name: 'alpha', cell: 'retired', created },
    ]).execute();
  });
  after(() => t.drop());

  it('puts each input in every place it was used, keeps the query’s own constants, and parses rows as Kysely does', async () => {
    const rows = await runPrepared(t.db, tenantBySlugOrName, { key: 'alpha', cell: 'c1' });
    assert.deepEqual(rows, [{ id: 'ten1', slug: 'alpha', created }, { id: 'ten2', slug: 'beta', created }]);
    assert.ok(rows[0]?.created instanceof Date);
    assert.deepEqual(await runPrepared(t.db, tenantBySlugOrName, { key: 'alpha', cell: 'retired' }), []);
    assert.deepEqual(await runPrepared(t.db, tenantBySlugOrName, { key: 'nobody', cell: 'c1' }), []);
  });

  it('is a named statement that PostgreSQL keeps prepared on the read pipeline’s connection', async () => {
    await runPrepared(t.db, tenantBySlugOrName, { key: 'beta', cell: 'c1' });
    const rows = await runPrepared(t.db, preparedHere, {});
    assert.deepEqual(rows.map((r) => r.name).sort(), ['test.prepared-here', 'test.tenant-by-slug-or-name']);
    assert.equal(rows.find((r) => r.name === 'test.tenant-by-slug-or-name')?.statement, tenantBySlugOrName.text);
    assert.match(tenantBySlugOrName.text, /"slug" = \$1 or "name" = \$2/);
    const pooled = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(t.db);
    assert.deepEqual(pooled.rows, []);
  });

  it('answers many concurrent queries each with its own rows, and a failing one fails alone', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 'alpha' : i % 3 === 1 ? 'beta' : 'nobody'));
    const answers = await Promise.allSettled(keys.map((key, i) =>
      i === 31 ? runPrepared(t.db, positive, { slug: 'alpha', n: 'not a number' }) : runPrepared(t.db, tenantBySlugOrName, { key, cell: 'c1' })));
    answers.forEach((a, i) => {
      if (i === 31) {
        assert.equal(a.status, 'rejected');
        assert.match(String((a as PromiseRejectedResult).reason), /invalid input syntax for type integer/);
        return;
      }
      const expected = keys[i] === 'alpha' ? ['ten1', 'ten2'] : keys[i] === 'beta' ? ['ten2'] : [];
      assert.equal(a.status, 'fulfilled');
      assert.deepEqual((a as PromiseFulfilledResult<{ id: string }[]>).value.map((r) => r.id), expected);
    });
    assert.deepEqual((await runPrepared(t.db, positive, { slug: 'alpha', n: '7' })).map((r) => r.id), ['ten1']);
  });

  it('opens a new connection after its own was cut, and closes it with the database', async () => {
    const pipelinePids = async () =>
      (await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and application_name = ${PIPELINE_APPLICATION_NAME}`.execute(t.db)).rows.map((r) => r.pid);
    await runPrepared(t.db, tenantBySlugOrName, { key: 'alpha', cell: 'c1' });
    const [first] = await pipelinePids();
    assert.ok(first);
    await sql`select pg_terminate_backend(${first})`.execute(t.db);
    await waitFor(async () => !(await pipelinePids()).includes(first));
    // The client learns of the cut from the socket; give it that moment, as a request arriving later would.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual((await runPrepared(t.db, tenantBySlugOrName, { key: 'beta', cell: 'c1' })).map((r) => r.id), ['ten2']);
    const [second] = await pipelinePids();
    assert.ok(second !== undefined && second !== first);

    const other = openDatabase(t.url, 1);
    await runPrepared(other, tenantBySlugOrName, { key: 'alpha', cell: 'c1' });
    assert.equal((await pipelinePids()).length, 2);
    await other.destroy();
    await waitFor(async () => (await pipelinePids()).length === 1);
    await assert.rejects(runPrepared(other, tenantBySlugOrName, { key: 'alpha', cell: 'c1' }), /closed/);
  });

  it('runs inside a transaction on its connection, seeing its uncommitted rows that the pool cannot see', async () => {
    await t.db.transaction().execute(async (tx) => {
      await tx.insertInto('tenants').values({ id: 'ten4', slug: 'delta', name: 'Delta', cell: 'c2', created }).execute();
      assert.deepEqual((await runPrepared(tx, tenantBySlugOrName, { key: 'delta', cell: 'c2' })).map((r) => r.id), ['ten4']);
      assert.deepEqual(await runPrepared(t.db, tenantBySlugOrName, { key: 'delta', cell: 'c2' }), []);
    });
    assert.deepEqual((await runPrepared(t.db, tenantBySlugOrName, { key: 'delta', cell: 'c2' })).map((r) => r.id), ['ten4']);
  });

  it('refuses a second, different statement under a name already in use, and accepts the same one again', () => {
    assert.throws(
      () => prepare('test.tenant-by-slug-or-name', (db, param: (key: 'key') => string) => db.selectFrom('tenants').select('id').where('slug', '=', param('key'))),
      /defined twice/,
    );
    const again = prepare('test.tenant-by-slug-or-name', (db, param: (key: 'key' | 'cell') => string) =>
      db.selectFrom('tenants').select(['id', 'slug', 'created'])
        .where((eb) => eb.or([eb('slug', '=', param('key')), eb('name', '=', param('key'))]))
        .where('cell', '<>', 'retired')
        .where('cell', '=', param('cell'))
        .orderBy('id'));
    assert.equal(again.text, tenantBySlugOrName.text);
  });
});
