/**
 * Checkpoints signed one by one before migration 2026-11-23T01-00 keep verifying after it, as one-leaf legacy
 * batches, next to the Merkle batches signed afterwards.
 */
import assert from 'node:assert/strict';
import { randomBytes, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { migrateToLatest, openDatabase, type Db } from '#src/db/database.ts';
import * as foundation from '#src/db/migrations/2026-11-23T00-00_foundation.ts';
import * as logAppend from '#src/db/migrations/2026-11-29T01-00_log-append.ts';
import { systemClock } from '#src/lib/clock.ts';
import { operatorServiceContext } from '#src/tenants/service.ts';
import { createUser } from '#src/users/service.ts';
import { createTestTenant, type TestTenant } from '../../test/helpers.ts';
import { legacyCheckpointPayload, loadSigningKey, signCheckpoints, type SigningKey } from './checkpoints.ts';
import { exportCheckpoints } from './export.ts';
import { headLeaf } from './merkle.ts';
import { verifyLog } from './verify.ts';

async function addUser(db: Db, tenantId: string, name: string): Promise<void> {
  const ctx = operatorServiceContext(db, systemClock, tenantId, `legacy-test-${name}`);
  await createUser(ctx, { profile: { login: `${name}@example.com`, email: `${name}@example.com`, firstName: name, lastName: 'Legacy' }, activate: false, expirePassword: false });
}

async function adminQuery(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: process.env['BULWARK_TEST_ADMIN_URL'] });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

describe('checkpoints signed before checkpoint batches', () => {
  const name = `bulwark_t_${process.env['BULWARK_TEST_RUN']}_legacy${randomBytes(3).toString('hex')}`;
  let db: Db;
  let keyDir: string;
  let key: SigningKey;
  let tenant: TestTenant;
  let legacySeqs: number[];

  /** What the signer wrote before batches: one row per head with its own signature. */
  async function signTheOldWay(at: Date): Promise<number> {
    const head = await db.selectFrom('log_chain_heads').select(['seq', 'hash']).where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow();
    const c = { tenantId: tenant.id, seq: Number(head.seq), hash: head.hash, signedAt: at.toISOString(), keyId: key.keyId };
    const signature = sign(null, legacyCheckpointPayload(c), key.privateKey).toString('base64');
    await sql`insert into log_checkpoints (tenant_id, seq, hash, signed_at, key_id, signature) values (${c.tenantId}, ${c.seq}, ${c.hash}, ${at}, ${c.keyId}, ${signature})`.execute(db);
    return c.seq;
  }

  before(async () => {
    await adminQuery(`create database ${name}`);
    const u = new URL(process.env['BULWARK_TEST_ADMIN_URL'] as string);
    u.pathname = `/${name}`;
    db = openDatabase(u.toString(), 3);
    keyDir = mkdtempSync(join(tmpdir(), 'bulwark-legacy-'));
    key = loadSigningKey(keyDir);
    const before = new Migrator({ db, provider: { getMigrations: async () => ({ '2026-11-23T00-00_foundation': foundation }) } });
    assert.equal((await before.migrateToLatest()).error, undefined);
    // Today's code writes the events of that time, and it appends through the function of a later migration.
    await logAppend.up(db as unknown as Kysely<unknown>);
    tenant = await createTestTenant(db, 'legacy');
    await addUser(db, tenant.id, 'ann');
    const first = await signTheOldWay(new Date('2026-11-01T10:00:00.000Z'));
    await addUser(db, tenant.id, 'bob');
    legacySeqs = [first, await signTheOldWay(new Date('2026-11-01T10:01:00.000Z'))];
    const migrated = await migrateToLatest(db);
    assert.ok(migrated.ok && migrated.applied[0] === '2026-11-23T01-00_checkpoint-batches', JSON.stringify(migrated));
  });
  after(async () => {
    await db.destroy();
    await adminQuery(`drop database if exists ${name} with (force)`);
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('turns each old checkpoint into a one-leaf legacy batch whose root is that head\'s leaf', async () => {
    const rows = await db.selectFrom('log_checkpoints as c').innerJoin('log_checkpoint_batches as b', 'b.id', 'c.batch_id')
      .select(['c.seq', 'c.hash', 'c.leaf_index', 'c.proof', 'b.root', 'b.size', 'b.legacy', 'b.signed_at']).orderBy('c.seq').execute();
    assert.deepEqual(rows.map((r) => Number(r.seq)), legacySeqs);
    for (const r of rows) {
      assert.deepEqual([r.leaf_index, r.proof.length, r.size, r.legacy], [0, 0, 1, true]);
      assert.equal(r.root, headLeaf(tenant.id, Number(r.seq), r.hash));
    }
    assert.equal(rows[0]?.signed_at.toISOString(), '2026-11-01T10:00:00.000Z');
  });

  it('verifies old and new checkpoints together, and exports the old ones in the form they were signed in', async () => {
    await addUser(db, tenant.id, 'cy');
    assert.equal(await signCheckpoints(db, systemClock, key), 1);
    const report = await verifyLog(db, { publicKey: key.publicKey, batchSize: 2 });
    assert.deepEqual(report.tenants, [{ slug: 'legacy', events: report.eventsChecked, ok: true }]);
    const lines: string[] = [];
    await exportCheckpoints(db, tenant.id, (l) => { lines.push(l); });
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(parsed.length, 3);
    for (const c of parsed.slice(0, 2)) {
      assert.deepEqual(Object.keys(c).sort(), ['hash', 'keyId', 'seq', 'signature', 'signedAt', 'tenantId']);
      const { signature, ...statement } = c as { signature: string; tenantId: string; seq: number; hash: string; signedAt: string; keyId: string };
      assert.equal(verify(null, legacyCheckpointPayload(statement), key.publicKey, Buffer.from(signature, 'base64')), true);
    }
    assert.ok('batch' in (parsed[2] as object));
  });

  it('reports a legacy checkpoint whose signature or legacy mark was changed', async () => {
    const [firstSeq] = legacySeqs as [number];
    const row = await db.selectFrom('log_checkpoints').select('batch_id').where('tenant_id', '=', tenant.id).where('seq', '=', String(firstSeq)).executeTakeFirstOrThrow();
    const newest = await db.selectFrom('log_checkpoints').select(['seq', 'batch_id']).where('tenant_id', '=', tenant.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    const problem = async () => (await verifyLog(db, { publicKey: key.publicKey })).tenants[0]?.problem;
    const setLegacy = (id: string, legacy: boolean) => db.updateTable('log_checkpoint_batches').set({ legacy }).where('id', '=', id).execute();

    await setLegacy(row.batch_id, false);
    assert.deepEqual(await problem(), { seq: firstSeq, message: `checkpoint at seq ${firstSeq} has an invalid signature` });
    await setLegacy(row.batch_id, true);
    await setLegacy(newest.batch_id, true);
    assert.deepEqual(await problem(), { seq: Number(newest.seq), message: `checkpoint at seq ${newest.seq} has an invalid signature` });
    await setLegacy(newest.batch_id, false);
    assert.equal((await verifyLog(db, { publicKey: key.publicKey })).ok, true);

    const other = await db.selectFrom('log_checkpoint_batches').select('signature').where('id', '=', newest.batch_id).executeTakeFirstOrThrow();
    await db.updateTable('log_checkpoint_batches').set({ signature: other.signature }).where('id', '=', row.batch_id).execute();
    assert.deepEqual(await problem(), { seq: firstSeq, message: `checkpoint at seq ${firstSeq} has an invalid signature` });
  });
});
