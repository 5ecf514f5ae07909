import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabase, type TestDatabase } from '../../test/helpers.ts';
import { manualClock } from '../lib/clock.ts';
import { createTenant, operatorServiceContext, setLogRetention } from '../tenants/service.ts';
import { createUser } from '../users/service.ts';
import { chainHash } from './chain.ts';
import { purgeExpiredEvents } from './retention.ts';

const DAY = 86_400_000;

describe('System Log retention', () => {
  let database: TestDatabase;
  before(async () => { database = await testDatabase(); });
  after(() => database.drop());

  it('drops events past the tenant retention, anchors the chain there and logs the purge', async () => {
    const { db } = database;
    const clock = manualClock(new Date('2026-01-01T00:00:00.000Z'));
    const created = await createTenant(db, clock, { slug: 'retained', adminEmail: 'admin@retained.example.com' });
    const keep = await createTenant(db, clock, { slug: 'kept', adminEmail: 'admin@kept.example.com' });
    const ctx = operatorServiceContext(db, clock, created.tenant.id, 'retention-test');
    await createUser(ctx, { profile: { login: 'old@example.com', email: 'old@example.com', firstName: 'O', lastName: 'Ld' }, activate: false, expirePassword: false });
    await setLogRetention(db, clock, 'retained', 1);
    const oldCount = await db.selectFrom('log_events').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', created.tenant.id).executeTakeFirstOrThrow();

    clock.advance(2 * DAY);
    await createUser(ctx, { profile: { login: 'new@example.com', email: 'new@example.com', firstName: 'N', lastName: 'Ew' }, activate: false, expirePassword: false });
    const purged = await purgeExpiredEvents(db, clock);

    assert.deepEqual(purged.map((p) => [p.tenantId, p.purged]), [[created.tenant.id, Number(oldCount.n)]]);
    const rows = await db.selectFrom('log_events').select(['seq', 'event', 'hash', 'event_type']).where('tenant_id', '=', created.tenant.id).orderBy('seq').execute();
    assert.deepEqual(rows.map((r) => r.event_type), ['user.lifecycle.create', 'bulwark.log.retention.purge']);
    const head = await db.selectFrom('log_chain_heads').selectAll().where('tenant_id', '=', created.tenant.id).executeTakeFirstOrThrow();
    assert.equal(Number(head.anchor_seq), Number(oldCount.n));
    let hash = head.anchor_hash;
    let seq = Number(head.anchor_seq);
    for (const r of rows) {
      seq += 1;
      assert.equal(Number(r.seq), seq);
      hash = chainHash(hash, r.event);
      assert.equal(r.hash, hash);
    }
    assert.equal(head.hash, hash);
    const untouched = await db.selectFrom('log_events').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', keep.tenant.id).executeTakeFirstOrThrow();
    assert.ok(Number(untouched.n) > 0, 'a tenant within its 365-day retention keeps every event');
    assert.deepEqual(await purgeExpiredEvents(db, clock), [], 'a second run at the same time finds nothing more to drop');
  });
});
