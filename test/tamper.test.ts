/**
 * An attacker with write access to the database edits the System Log; `verifyLog` and `bulwark log verify`
 * must name the first event (seq) the attack touched. Every attack runs on a fresh database of its own.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { systemClock } from '../src/lib/clock.ts';
import { chainHash } from '../src/syslog/chain.ts';
import { batchPayload, keyIdOf, loadSigningKey, signCheckpoints, type SigningKey } from '../src/syslog/checkpoints.ts';
import { buildTree, headLeaf } from '../src/syslog/merkle.ts';
import { verifyLog, type VerifyReport } from '../src/syslog/verify.ts';
import { operatorServiceContext } from '../src/tenants/service.ts';
import { createUser } from '../src/users/service.ts';
import { runCli } from './cli-helpers.ts';
import { createTestTenant, logCount, testDatabase, type TestDatabase, type TestTenant } from './helpers.ts';

let keyDir: string;
let key: SigningKey;

type Fixture = TestDatabase & { victim: TestTenant; bystander: TestTenant; events: number; checkpoints: number[] };

async function addUsers(db: TestDatabase['db'], tenantId: string, names: string[]): Promise<void> {
  const ctx = operatorServiceContext(db, systemClock, tenantId, 'tamper-fixture');
  for (const n of names) {
    await createUser(ctx, { profile: { login: `${n}@example.com`, email: `${n}@example.com`, firstName: n, lastName: 'Test' }, activate: true, expirePassword: false });
  }
}

/**
 * Two tenants; the victim's log has two checkpoints and a few events after the last one. The first batch holds
 * both tenants' heads, the second only the victim's (the bystander's log did not move).
 */
async function freshLog(): Promise<Fixture> {
  const database = await testDatabase();
  const victim = await createTestTenant(database.db, 'victim');
  const bystander = await createTestTenant(database.db, 'bystander');
  await addUsers(database.db, victim.id, ['ann', 'bob', 'cy']);
  await signCheckpoints(database.db, systemClock, key);
  await addUsers(database.db, victim.id, ['dee', 'eve']);
  await signCheckpoints(database.db, systemClock, key);
  await addUsers(database.db, victim.id, ['fay']);
  const rows = await database.db.selectFrom('log_checkpoints').select('seq').where('tenant_id', '=', victim.id).orderBy('seq').execute();
  return { ...database, victim, bystander, events: await logCount(database.db, victim.id), checkpoints: rows.map((r) => Number(r.seq)) };
}

async function eventAt(f: Fixture, seq: number): Promise<{ event: string; hash: string }> {
  return f.db.selectFrom('log_events').select(['event', 'hash']).where('tenant_id', '=', f.victim.id).where('seq', '=', String(seq)).executeTakeFirstOrThrow();
}

/** The victim's checkpoint row at `seq`, and its batch. */
async function checkpointAt(f: Fixture, seq: number) {
  const row = await f.db.selectFrom('log_checkpoints').selectAll().where('tenant_id', '=', f.victim.id).where('seq', '=', String(seq)).executeTakeFirstOrThrow();
  const batch = await f.db.selectFrom('log_checkpoint_batches').selectAll().where('id', '=', row.batch_id).executeTakeFirstOrThrow();
  return { row, batch };
}

/** The victim's verdict, with the default batch size and with batches of 2 (every boundary crossed). */
async function victimVerdicts(f: Fixture): Promise<VerifyReport['tenants'][number][]> {
  const reports = [await verifyLog(f.db, { publicKey: key.publicKey }), await verifyLog(f.db, { publicKey: key.publicKey, batchSize: 2 })];
  for (const r of reports) {
    assert.equal(r.tenants.find((t) => t.slug === 'bystander')?.ok, true, 'another tenant is not affected');
    assert.equal(r.ok, r.tenants.every((t) => t.ok));
  }
  return reports.map((r) => r.tenants.find((t) => t.slug === 'victim') as VerifyReport['tenants'][number]);
}

async function expectBroken(f: Fixture, seq: number, message: string | RegExp): Promise<void> {
  for (const v of await victimVerdicts(f)) {
    assert.equal(v.ok, false);
    assert.equal(v.problem?.seq, seq);
    if (typeof message === 'string') assert.equal(v.problem?.message, message);
    else assert.match(v.problem?.message ?? '', message);
  }
  const cli = await runCli(['log', 'verify'], { env: { DATABASE_URL: f.url, BULWARK_DATA_DIR: keyDir } });
  assert.equal(cli.code, 1, cli.stderr);
  const line = cli.stdout.split('\n').find((l) => l.includes('victim'));
  assert.match(line ?? '', new RegExp(`^BROKEN\\s+victim: seq ${seq}: `));
  assert.ok(line?.includes(typeof message === 'string' ? message : ''), line);
  assert.match(cli.stdout, /^ok\s+bystander: \d+ events intact$/m);
}

describe('tampering with the System Log', () => {
  const fixtures: Fixture[] = [];
  const fresh = async () => {
    const f = await freshLog();
    fixtures.push(f);
    return f;
  };
  before(() => {
    keyDir = mkdtempSync(join(tmpdir(), 'bulwark-tamper-'));
    key = loadSigningKey(keyDir);
  });
  after(async () => {
    for (const f of fixtures) await f.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('finds an intact log intact, through the API and through `bulwark log verify` (exit 0)', async () => {
    const f = await fresh();
    assert.equal(f.checkpoints.length, 2);
    const [first, second] = [await checkpointAt(f, f.checkpoints[0] as number), await checkpointAt(f, f.checkpoints[1] as number)];
    assert.deepEqual([first.batch.size, second.batch.size], [2, 1], 'one signature per interval over every head that moved');
    for (const v of await victimVerdicts(f)) assert.deepEqual(v, { slug: 'victim', events: f.events, ok: true });
    const cli = await runCli(['log', 'verify'], { env: { DATABASE_URL: f.url, BULWARK_DATA_DIR: keyDir } });
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /^ok\s+victim: \d+ events intact$/m);
    assert.match(cli.stdout, /System Log intact/);
    const json = await runCli(['log', 'verify', '--tenant', 'victim', '--json'], { env: { DATABASE_URL: f.url, BULWARK_DATA_DIR: keyDir } });
    assert.equal(json.code, 0);
    const report = JSON.parse(json.stdout) as VerifyReport;
    assert.equal(report.ok, true);
    assert.deepEqual(report.tenants, [{ slug: 'victim', events: f.events, ok: true }]);
  });

  it('names the event in which one byte was changed', async () => {
    const f = await fresh();
    const seq = 9;
    const { event } = await eventAt(f, seq);
    const changed = event.replace('"displayMessage":"', '"displayMessage":"X');
    assert.notEqual(changed, event);
    await f.db.updateTable('log_events').set({ event: changed }).where('tenant_id', '=', f.victim.id).where('seq', '=', String(seq)).execute();
    await expectBroken(f, seq, `event seq ${seq} does not match its hash`);
  });

  it('names a deleted event as missing', async () => {
    const f = await fresh();
    await f.db.deleteFrom('log_events').where('tenant_id', '=', f.victim.id).where('seq', '=', '7').execute();
    await expectBroken(f, 7, 'event seq 7 is missing');
  });

  it('names the first of two events whose contents were swapped', async () => {
    const f = await fresh();
    const [a, b] = [await eventAt(f, 10), await eventAt(f, 12)];
    const set = (seq: number, row: { event: string; hash: string }) =>
      f.db.updateTable('log_events').set(row).where('tenant_id', '=', f.victim.id).where('seq', '=', String(seq)).execute();
    // Swapping whole rows (event with its hash) keeps each row self-consistent; only the chain order betrays it.
    await set(10, b);
    await set(12, a);
    await expectBroken(f, 10, 'event seq 10 does not match its hash');
  });

  it('catches a tail cut after a checkpoint even when the chain head was rolled back too', async () => {
    const f = await fresh();
    const [first, second] = f.checkpoints as [number, number];
    const cut = first + 1;
    const { hash } = await eventAt(f, cut);
    await f.db.deleteFrom('log_events').where('tenant_id', '=', f.victim.id).where('seq', '>', String(cut)).execute();
    await f.db.updateTable('log_chain_heads').set({ seq: cut, hash }).where('tenant_id', '=', f.victim.id).execute();
    await expectBroken(f, cut + 1, `checkpoint at seq ${second} is beyond the last event ${cut}`);
  });

  it('catches a tail cut when the chain head still names the removed events', async () => {
    const f = await fresh();
    await f.db.deleteFrom('log_events').where('tenant_id', '=', f.victim.id).where('seq', '>', String(f.events - 2)).execute();
    await expectBroken(f, f.events - 1, `events after seq ${f.events - 2} are missing (head says ${f.events})`);
  });

  it('catches a rewritten history whose hashes and head were all recomputed, at the first checkpoint after the change', async () => {
    const f = await fresh();
    const first = f.checkpoints[0] as number;
    const rows = await f.db.selectFrom('log_events').select(['seq', 'event', 'hash']).where('tenant_id', '=', f.victim.id).orderBy('seq').execute();
    let prev = '0'.repeat(64);
    for (const row of rows) {
      const event = Number(row.seq) === 3 ? row.event.replace('"displayMessage":"', '"displayMessage":"Z') : row.event;
      prev = chainHash(prev, event);
      await f.db.updateTable('log_events').set({ event, hash: prev }).where('tenant_id', '=', f.victim.id).where('seq', '=', row.seq).execute();
    }
    await f.db.updateTable('log_chain_heads').set({ hash: prev }).where('tenant_id', '=', f.victim.id).execute();
    await expectBroken(f, first, `checkpoint at seq ${first} does not match the chain: events up to seq ${first} were changed`);
  });

  it('reports a checkpoint whose batch signature was forged', async () => {
    const f = await fresh();
    const seq = f.checkpoints[1] as number;
    const { batch } = await checkpointAt(f, seq);
    const forged = Buffer.alloc(64, 7).toString('base64');
    await f.db.updateTable('log_checkpoint_batches').set({ signature: forged }).where('id', '=', batch.id).execute();
    await expectBroken(f, seq, `checkpoint at seq ${seq} has an invalid signature`);
  });

  it('reports a checkpoint whose batch was re-signed by a key the operator does not hold', async () => {
    const f = await fresh();
    const seq = f.checkpoints[1] as number;
    const { batch } = await checkpointAt(f, seq);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyId = keyIdOf(publicKey);
    const statement = { batchId: Number(batch.id), root: batch.root, size: batch.size, signedAt: batch.signed_at.toISOString(), keyId };
    const signature = sign(null, batchPayload(statement), privateKey).toString('base64');
    await f.db.updateTable('log_checkpoint_batches').set({ key_id: keyId, signature }).where('id', '=', batch.id).execute();
    await expectBroken(f, seq, `checkpoint at seq ${seq} is signed by unknown key ${keyId}`);
  });

  it('reports a checkpoint whose Merkle proof was changed', async () => {
    const f = await fresh();
    const seq = f.checkpoints[0] as number;
    const { row } = await checkpointAt(f, seq);
    const proof = Buffer.from(row.proof);
    assert.equal(proof.length, 32, 'the first batch has two leaves');
    proof[5] = (proof[5] as number) ^ 0x40;
    await f.db.updateTable('log_checkpoints').set({ proof }).where('tenant_id', '=', f.victim.id).where('seq', '=', String(seq)).execute();
    await expectBroken(f, seq, `checkpoint at seq ${seq} has an invalid Merkle proof: it is not in its signed batch`);
  });

  it('reports a checkpoint that borrowed another tenant\'s leaf index and proof in the same batch', async () => {
    const f = await fresh();
    const seq = f.checkpoints[0] as number;
    const theirs = await f.db.selectFrom('log_checkpoints').selectAll().where('tenant_id', '=', f.bystander.id).executeTakeFirstOrThrow();
    const { row } = await checkpointAt(f, seq);
    assert.equal(theirs.batch_id, row.batch_id);
    await f.db.updateTable('log_checkpoints').set({ leaf_index: theirs.leaf_index, proof: theirs.proof })
      .where('tenant_id', '=', f.victim.id).where('seq', '=', String(seq)).execute();
    await expectBroken(f, seq, `checkpoint at seq ${seq} has an invalid Merkle proof: it is not in its signed batch`);
  });

  it('reports another tenant\'s checkpoint moved into this tenant\'s log', async () => {
    const f = await fresh();
    const theirs = await f.db.selectFrom('log_checkpoints').select('seq').where('tenant_id', '=', f.bystander.id).executeTakeFirstOrThrow();
    const seq = Number(theirs.seq);
    assert.ok(seq < (f.checkpoints[0] as number), 'it lands before the victim\'s own first checkpoint');
    await f.db.updateTable('log_checkpoints').set({ tenant_id: f.victim.id }).where('tenant_id', '=', f.bystander.id).execute();
    await expectBroken(f, seq, `checkpoint at seq ${seq} has an invalid Merkle proof: it is not in its signed batch`);
  });

  it('reports a rewritten history whose hashes, checkpoints, Merkle proofs and batch roots were all recomputed', async () => {
    const f = await fresh();
    const rows = await f.db.selectFrom('log_events').select(['seq', 'event']).where('tenant_id', '=', f.victim.id).orderBy('seq').execute();
    let prev = '0'.repeat(64);
    const hashes = new Map<number, string>();
    for (const row of rows) {
      const event = Number(row.seq) === 3 ? row.event.replace('"displayMessage":"', '"displayMessage":"Z') : row.event;
      prev = chainHash(prev, event);
      hashes.set(Number(row.seq), prev);
      await f.db.updateTable('log_events').set({ event, hash: prev }).where('tenant_id', '=', f.victim.id).where('seq', '=', row.seq).execute();
    }
    await f.db.updateTable('log_chain_heads').set({ hash: prev }).where('tenant_id', '=', f.victim.id).execute();
    for (const seq of f.checkpoints) {
      await f.db.updateTable('log_checkpoints').set({ hash: hashes.get(seq) as string }).where('tenant_id', '=', f.victim.id).where('seq', '=', String(seq)).execute();
      const { batch } = await checkpointAt(f, seq);
      const members = await f.db.selectFrom('log_checkpoints').selectAll().where('batch_id', '=', batch.id).orderBy('leaf_index').execute();
      const tree = buildTree(members.map((m) => headLeaf(m.tenant_id, Number(m.seq), m.hash)));
      for (const [i, m] of members.entries()) {
        await f.db.updateTable('log_checkpoints').set({ proof: tree.proofs[i] as Buffer }).where('tenant_id', '=', m.tenant_id).where('seq', '=', m.seq).execute();
      }
      await f.db.updateTable('log_checkpoint_batches').set({ root: tree.root }).where('id', '=', batch.id).execute();
    }
    const first = f.checkpoints[0] as number;
    // Only the signature stands in the way; the bystander shares the first batch, so its log reads broken too.
    for (const r of [await verifyLog(f.db, { publicKey: key.publicKey }), await verifyLog(f.db, { publicKey: key.publicKey, batchSize: 2 })]) {
      const byTenant = new Map(r.tenants.map((t) => [t.slug, t]));
      assert.deepEqual(byTenant.get('victim')?.problem, { seq: first, message: `checkpoint at seq ${first} has an invalid signature` });
      assert.equal(byTenant.get('bystander')?.ok, false);
    }
  });

  it('reports a checkpoint whose batch was deleted', async () => {
    const f = await fresh();
    const seq = f.checkpoints[1] as number;
    const { batch } = await checkpointAt(f, seq);
    // The foreign key is no obstacle to someone who can write to the database.
    await f.db.transaction().execute(async (tx) => {
      await sql`set local session_replication_role = replica`.execute(tx);
      await tx.deleteFrom('log_checkpoint_batches').where('id', '=', batch.id).execute();
    });
    await expectBroken(f, seq, `checkpoint at seq ${seq} has no signed batch`);
  });

  it('catches the oldest events deleted and the anchor moved as if a retention purge had run', async () => {
    const f = await fresh();
    const { hash } = await eventAt(f, 8);
    await f.db.deleteFrom('log_events').where('tenant_id', '=', f.victim.id).where('seq', '<=', '8').execute();
    await f.db.updateTable('log_chain_heads').set({ anchor_seq: 8, anchor_hash: hash }).where('tenant_id', '=', f.victim.id).execute();
    await expectBroken(f, 8, 'events up to seq 8 were removed without a retention purge');
  });

  it('reports events hidden beyond a rolled-back chain head', async () => {
    const f = await fresh();
    const { hash } = await eventAt(f, f.events - 1);
    await f.db.updateTable('log_chain_heads').set({ seq: f.events - 1, hash }).where('tenant_id', '=', f.victim.id).execute();
    await expectBroken(f, f.events, `event seq ${f.events} is beyond the chain head (head says ${f.events - 1})`);
  });

  it('exits 2 with one line when the tenant does not exist or no checkpoint key can be found', async () => {
    const f = await fresh();
    const unknown = await runCli(['log', 'verify', '--tenant', 'nobody'], { env: { DATABASE_URL: f.url, BULWARK_DATA_DIR: keyDir } });
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'error: no tenant with slug "nobody" (see `bulwark tenant list`)\n');
    const emptyDir = mkdtempSync(join(tmpdir(), 'bulwark-nokey-'));
    try {
      const noKey = await runCli(['log', 'verify'], { env: { DATABASE_URL: f.url, BULWARK_DATA_DIR: emptyDir } });
      assert.equal(noKey.code, 2);
      assert.match(noKey.stderr, /^error: no checkpoint key in .*--public-key FILE\n$/);
      const explicit = await runCli(['log', 'verify', '--public-key', join(keyDir, 'keys', 'log-signing-ed25519.pub.pem')], { env: { DATABASE_URL: f.url, BULWARK_DATA_DIR: emptyDir } });
      assert.equal(explicit.code, 0, explicit.stdout + explicit.stderr);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });
});
