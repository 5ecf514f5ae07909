import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { testDatabase, type TestDatabase } from '../../test/helpers.ts';
import { createReadPipeline, PIPELINE_APPLICATION_NAME } from './pipeline.ts';

describe('read pipeline', () => {
  let t: TestDatabase;
  before(async () => {
    t = await testDatabase();
  });
  after(() => t.drop());

  const connections = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = ${PIPELINE_APPLICATION_NAME}`.execute(t.db)).rows[0]?.n;

  it('connects on the first query, lets an idle connection go, and connects again when asked', async () => {
    const pipeline = createReadPipeline(t.url, 100);
    try {
      assert.equal(await connections(), 0);
      const first = await pipeline.query('test.add', 'select $1::int + 1 as n', [41]);
      assert.deepEqual(first.rows, [{ n: 42 }]);
      assert.equal(await connections(), 1);
      for (let i = 0; i < 150 && (await connections()) !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(await connections(), 0);
      const again = await pipeline.query('test.add', 'select $1::int + 1 as n', [1]);
      assert.deepEqual(again.rows, [{ n: 2 }]);
    } finally {
      await pipeline.close();
    }
    await assert.rejects(pipeline.query('test.add', 'select $1::int + 1 as n', [1]), /closed/);
  });
});
