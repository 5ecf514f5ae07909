import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { testDatabase, type TestDatabase } from '../../test/helpers.ts';
import { prepare, runPrepared } from './database.ts';

const created = new Date('2026-01-02T03:04:05.678Z');

/** Tenants by slug or name (the same input in two places) among cells other than a constant one. */
const tenantBySlugOrName = prepare('test.tenant-by-slug-or-name', (db, param: (key: 'key' | 'cell') => string) =>
  db.selectFrom('tenants').select(['id', 'slug', 'created'])
    .where((eb) => eb.or([eb('slug', '=', param('key')), eb('name', '=', param('key'))]))
    .where('cell', '<>', 'retired')
    .where('cell', '=', param('cell'))
    .orderBy('id'));

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

  it('is a named statement that PostgreSQL keeps prepared on the connection that ran it', async () => {
    await runPrepared(t.db, tenantBySlugOrName, { key: 'beta', cell: 'c1' });
    // The pool hands the most recently released connection out next, so this runs where the statement did.
    const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(t.db);
    assert.deepEqual(rows.map((r) => r.name), ['test.tenant-by-slug-or-name']);
    assert.equal(rows[0]?.statement, tenantBySlugOrName.text);
    assert.match(tenantBySlugOrName.text, /"slug" = \$1 or "name" = \$2/);
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
