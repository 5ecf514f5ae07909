import assert from 'node:assert/strict';
import { verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { manualClock } from '#src/lib/clock.ts';
import { operatorServiceContext } from '#src/tenants/service.ts';
import { createUser } from '#src/users/service.ts';
import { createTestTenant, testDatabase, type TestDatabase, type TestTenant } from '../../test/helpers.ts';
import { batchPayload, loadSigningKey, signCheckpoints, type SigningKey } from './checkpoints.ts';
import { headLeaf, rootFromProof } from './merkle.ts';
import { verifyLog } from './verify.ts';

async function addUser(db: TestDatabase['db'], tenantId: string, name: string): Promise<void> {
  const ctx = operatorServiceContext(db, clock, tenantId, `checkpoints-test-${name}`);
  await createUser(ctx, { profile: { login: `${name}@example.com`, email: `${name}@example.com`, firstName: name, lastName: 'Test' }, activate: false, expirePassword: false });
}

const clock = manualClock(new Date('2026-05-01T12:00:00.000Z'));

describe('signCheckpoints', () => {
  let database: TestDatabase;
  let keyDir: string;
  let key: SigningKey;
  let tenants: TestTenant[];

  const batches = () => database.db.selectFrom('log_checkpoint_batches').selectAll().orderBy('id').execute();
  const rowsOf = (batchId: string) => database.db.selectFrom('log_checkpoints').selectAll().where('batch_id', '=', batchId).orderBy('leaf_index').execute();

  before(async () => {
    database = await testDatabase();
    keyDir = mkdtempSync(join(tmpdir(), 'bulwark-checkpoints-'));
    key = loadSigningKey(keyDir);
    tenants = [];
    for (const slug of ['cp-a', 'cp-b', 'cp-c']) tenants.push(await createTestTenant(database.db, slug));
  });
  after(async () => {
    await database.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('signs every moved head under one signature, each with a proof that leads to the signed root', async () => {
    assert.equal(await signCheckpoints(database.db, clock, key), 3);
    const [batch] = await batches();
    assert.ok(batch);
    assert.equal(batch.size, 3);
    assert.equal(batch.legacy, false);
    assert.equal(batch.signed_at.toISOString(), '2026-05-01T12:00:00.000Z');
    const statement = { batchId: Number(batch.id), root: batch.root, size: 3, signedAt: '2026-05-01T12:00:00.000Z', keyId: key.keyId };
    assert.equal(verify(null, batchPayload(statement), key.publicKey, Buffer.from(batch.signature, 'base64')), true);
    const rows = await rowsOf(batch.id);
    assert.deepEqual(rows.map((r) => r.tenant_id).sort(), tenants.map((t) => t.id).sort());
    for (const r of rows) {
      const head = await database.db.selectFrom('log_chain_heads').select(['seq', 'hash']).where('tenant_id', '=', r.tenant_id).executeTakeFirstOrThrow();
      assert.deepEqual([r.seq, r.hash], [head.seq, head.hash]);
      assert.equal(rootFromProof(headLeaf(r.tenant_id, Number(r.seq), r.hash), r.leaf_index, 3, r.proof), batch.root);
    }
  });

  it('signs nothing, and writes no batch, when no log moved', async () => {
    const before = (await batches()).length;
    assert.equal(await signCheckpoints(database.db, clock, key), 0);
    assert.equal((await batches()).length, before);
  });

  it('puts only the heads that moved into the next batch', async () => {
    await addUser(database.db, (tenants[1] as TestTenant).id, 'moved');
    clock.advance(60_000);
    assert.equal(await signCheckpoints(database.db, clock, key), 1);
    const last = (await batches()).at(-1);
    assert.equal(last?.size, 1);
    const rows = await rowsOf(last?.id as string);
    assert.deepEqual(rows.map((r) => [r.tenant_id, r.leaf_index, r.proof.length]), [[(tenants[1] as TestTenant).id, 0, 0]]);
    assert.equal(last?.root, headLeaf(rows[0]?.tenant_id as string, Number(rows[0]?.seq), rows[0]?.hash as string));
  });

  it('lets concurrent signers checkpoint each head once', async () => {
    for (const [i, t] of tenants.entries()) await addUser(database.db, t.id, `race${i}`);
    const before = (await batches()).length;
    const counts = await Promise.all([1, 2, 3, 4].map(() => signCheckpoints(database.db, clock, key)));
    assert.deepEqual(counts.sort(), [0, 0, 0, 3]);
    assert.equal((await batches()).length, before + 1);
    const report = await verifyLog(database.db, { publicKey: key.publicKey });
    assert.equal(report.ok, true, JSON.stringify(report.tenants));
  });

  it('signs more heads than one insert statement carries', async () => {
    const many = 2_345;
    // Bare tenants with a head each are enough for the signer, which reads only heads and checkpoints.
    await sql`
      insert into tenants (id, slug, name, cell, created)
      select 'bulk' || lpad(i::text, 16, '0'), 'bulk-' || i, 'Bulk ' || i, 'cell-1', now() from generate_series(1, ${many}::int) i`.execute(database.db);
    await sql`
      insert into log_chain_heads (tenant_id, seq, hash, anchor_hash)
      select 'bulk' || lpad(i::text, 16, '0'), i, md5(i::text) || md5((-i)::text), repeat('0', 64) from generate_series(1, ${many}::int) i`.execute(database.db);
    assert.equal(await signCheckpoints(database.db, clock, key), many);
    const batch = (await batches()).at(-1);
    assert.equal(batch?.size, many);
    const rows = await rowsOf(batch?.id as string);
    assert.deepEqual(rows.map((r) => r.leaf_index), Array.from({ length: many }, (_, i) => i));
    for (const r of rows) assert.equal(rootFromProof(headLeaf(r.tenant_id, Number(r.seq), r.hash), r.leaf_index, many, r.proof), batch?.root, r.tenant_id);
  });
});
