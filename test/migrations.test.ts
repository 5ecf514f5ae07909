import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openDatabase, type Db } from '../src/db/database.ts';

const SNAPSHOT = new URL('./fixtures/schema-snapshot.json', import.meta.url);

type Column = { table_name: string; column_name: string; data_type: string; is_nullable: string };

async function introspect(db: Db) {
  const columns = await sql<Column>`
    select table_name, column_name, data_type, is_nullable from information_schema.columns
    where table_schema = 'public' and table_name not like 'kysely_%' order by table_name, ordinal_position`.execute(db);
  const indexes = await sql<{ indexname: string; indexdef: string }>`
    select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename not like 'kysely_%' order by indexname`.execute(db);
  // Functions by signature and a digest of their body: a changed body is schema drift too.
  const functions = await sql<{ signature: string; body: string }>`
    select p.oid::regprocedure::text as signature, md5(p.prosrc) as body from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' order by 1`.execute(db);
  const tables: Record<string, string[]> = {};
  for (const c of columns.rows) (tables[c.table_name] ??= []).push(`${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' not null' : ''}`);
  return { tables, indexes: indexes.rows.map((i) => i.indexdef.replace(/ public\./g, ' ')), functions: functions.rows.map((f) => `${f.signature} ${f.body}`) };
}

describe('migrations', () => {
  const adminUrl = process.env['BULWARK_TEST_ADMIN_URL'] as string;
  const name = `bulwark_t_${process.env['BULWARK_TEST_RUN']}_mig${randomBytes(3).toString('hex')}`;
  let db: Db;
  before(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    db = openDatabase(u.toString(), 2);
  });
  after(async () => {
    await db.destroy();
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });

  it('apply to an empty database, then a second run applies nothing', async () => {
    const first = await migrateToLatest(db);
    assert.ok(first.ok && first.applied.length > 0);
    const second = await migrateToLatest(db);
    assert.deepEqual(second, { ok: true, applied: [] });
  });

  it('produce exactly the schema in test/fixtures/schema-snapshot.json', async () => {
    const actual = await introspect(db);
    // After reviewing a deliberate schema change: BULWARK_UPDATE_SNAPSHOT=1 npm test -- test/migrations.test.ts
    if (process.env['BULWARK_UPDATE_SNAPSHOT'] === '1') writeFileSync(SNAPSHOT, `${JSON.stringify(actual, null, 2)}\n`);
    const expected = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
    assert.deepEqual(actual, expected, 'schema drifted: a migration changed the schema; review and update the snapshot');
  });

  it('lead every tenant-scoped primary key with tenant_id, so tables can be distributed by tenant', async () => {
    const pks = await sql<{ table_name: string; first: string }>`
      select c.relname as table_name, a.attname as first
      from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
      where i.indisprimary and n.nspname = 'public' and c.relname not like 'kysely_%'`.execute(db);
    const offenders = pks.rows.filter((r) => !['tenants', 'log_checkpoint_batches'].includes(r.table_name) && r.first !== 'tenant_id');
    assert.deepEqual(offenders, []);
    assert.ok(pks.rows.length >= 9);
  });
});
