import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError } from '#src/http/errors.ts';
import { manualClock, systemClock } from '#src/lib/clock.ts';
import { operatorServiceContext, setLogRetention } from '#src/tenants/service.ts';
import { createUser } from '#src/users/service.ts';
import { createTestTenant, logCount, testDatabase, type TestDatabase, type TestTenant } from '../../test/helpers.ts';
import { loadSigningKey, signCheckpoints, type SigningKey } from './checkpoints.ts';
import { purgeExpiredEvents } from './retention.ts';
import { verifyLog } from './verify.ts';

async function addUsers(db: TestDatabase['db'], tenantId: string, prefix: string, count: number, clock = systemClock): Promise<void> {
  const ctx = operatorServiceContext(db, clock, tenantId, `verify-test-${prefix}`);
  for (let i = 0; i < count; i += 1) {
    const login = `${prefix}${i}@example.com`;
    await createUser(ctx, { profile: { login, email: login, firstName: prefix, lastName: String(i) }, activate: true, expirePassword: false });
  }
}

describe('verifyLog', () => {
  let database: TestDatabase;
  let keyDir: string;
  let key: SigningKey;
  let tenant: TestTenant;

  before(async () => {
    database = await testDatabase();
    keyDir = mkdtempSync(join(tmpdir(), 'bulwark-verify-'));
    key = loadSigningKey(keyDir);
    tenant = await createTestTenant(database.db, 'verified');
    await addUsers(database.db, tenant.id, 'v', 5);
    await signCheckpoints(database.db, systemClock, key);
  });
  after(async () => {
    await database.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('counts every event of every tenant and reports how long it took', async () => {
    const other = await createTestTenant(database.db, 'other');
    const report = await verifyLog(database.db, { publicKey: key.publicKey });
    assert.equal(report.ok, true);
    const expected = [
      { slug: 'verified', events: await logCount(database.db, tenant.id), ok: true },
      { slug: 'other', events: await logCount(database.db, other.id), ok: true },
    ];
    assert.deepEqual(report.tenants, expected);
    assert.equal(report.eventsChecked, expected[0]!.events + expected[1]!.events);
    assert.ok(Number.isInteger(report.ms) && report.ms >= 0);
  });

  it('verifies one tenant by id and refuses an unknown tenant id', async () => {
    const report = await verifyLog(database.db, { tenantId: tenant.id, publicKey: key.publicKey });
    assert.deepEqual(report.tenants.map((t) => t.slug), ['verified']);
    await assert.rejects(verifyLog(database.db, { tenantId: '00onosuchtenant00000', publicKey: key.publicKey }), (err: unknown) => err instanceof AppError && err.status === 404);
  });

  it('does not mistake events appended while it runs for a broken chain', async () => {
    const busy = await createTestTenant(database.db, 'busy');
    let writing = true;
    let rounds = 0;
    const writer = (async () => {
      for (; writing; rounds += 1) {
        await addUsers(database.db, busy.id, `w${rounds}x`, 2);
        await signCheckpoints(database.db, systemClock, key);
      }
    })();
    try {
      // At least 15 verifications, and on until the writer has appended a few times meanwhile, however slow it is.
      for (let i = 0; i < 15 || rounds < 3; i += 1) {
        const report = await verifyLog(database.db, { tenantId: busy.id, publicKey: key.publicKey, batchSize: 3 });
        assert.equal(report.ok, true, JSON.stringify(report.tenants));
      }
    } finally {
      writing = false;
      await writer;
    }
    assert.ok((await logCount(database.db, busy.id)) > 10);
  });

  it('verifies a chain whose oldest events the retention purge removed, checkpoints included', async () => {
    const aged = await createTestTenant(database.db, 'aged');
    await setLogRetention(database.db, systemClock, 'aged', 30);
    const clock = manualClock(new Date(Date.now() - 90 * 86_400_000));
    for (let i = 0; i < 3; i += 1) {
      await addUsers(database.db, aged.id, `old${i}x`, 2, clock);
      await signCheckpoints(database.db, clock, key);
      clock.advance(86_400_000);
    }
    await addUsers(database.db, aged.id, 'new', 2);
    await signCheckpoints(database.db, systemClock, key);
    const before = await logCount(database.db, aged.id);
    const purged = (await purgeExpiredEvents(database.db, systemClock)).find((p) => p.tenantId === aged.id);
    // Everything up to the last aged event goes, the tenant's creation (older seqs, in "now") with it.
    assert.ok(purged && purged.purged >= 12 && purged.purged < before, JSON.stringify(purged));
    const report = await verifyLog(database.db, { tenantId: aged.id, publicKey: key.publicKey, batchSize: 2 });
    // The purge logs itself, so one event more than survived it.
    assert.deepEqual(report.tenants, [{ slug: 'aged', events: before - purged.purged + 1, ok: true }]);

    // The purge keeps the checkpoint at its cut, which then vouches for the anchor.
    await database.db.updateTable('log_chain_heads').set({ anchor_hash: 'f'.repeat(64) }).where('tenant_id', '=', aged.id).execute();
    const moved = await verifyLog(database.db, { tenantId: aged.id, publicKey: key.publicKey });
    assert.deepEqual(moved.tenants[0]?.problem, { seq: purged.throughSeq, message: `checkpoint at seq ${purged.throughSeq} does not match the chain's anchor` });
  });

  it('re-hashes multi-byte characters and events larger than its buffer exactly as they were chained', async () => {
    const wide = await createTestTenant(database.db, 'wide');
    const ctx = operatorServiceContext(database.db, systemClock, wide.id, 'verify-test-wide');
    for (const firstName of ['Zoë 漢字 😀', 'Ünïcødé'.repeat(10_000), 'x']) {
      const login = `${firstName.length}@example.com`;
      await createUser(ctx, { profile: { login, email: login, firstName, lastName: 'Wide' }, activate: false, expirePassword: false });
    }
    const big = await database.db.selectFrom('log_events').select((eb) => eb.fn.max(eb.fn('octet_length', ['event'])).as('n')).where('tenant_id', '=', wide.id).executeTakeFirstOrThrow();
    assert.ok(Number(big.n) > 64 * 1024, `largest event ${big.n} bytes`);
    const report = await verifyLog(database.db, { tenantId: wide.id, publicKey: key.publicKey, batchSize: 2 });
    assert.deepEqual(report.tenants, [{ slug: 'wide', events: await logCount(database.db, wide.id), ok: true }]);
  });

  it('reports a tenant whose chain head row is gone', async () => {
    const headless = await createTestTenant(database.db, 'headless');
    await database.db.deleteFrom('log_chain_heads').where('tenant_id', '=', headless.id).execute();
    const report = await verifyLog(database.db, { tenantId: headless.id, publicKey: key.publicKey });
    assert.equal(report.ok, false);
    assert.deepEqual(report.tenants[0]?.problem, { seq: 0, message: 'the chain head is missing' });
  });
});
