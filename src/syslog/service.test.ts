import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '#src/lib/clock.ts';
import { createTestTenant, testDatabase, type TestDatabase, type TestTenant } from '../../test/helpers.ts';
import { chainHash } from './chain.ts';
import type { AuditContext, EventInput } from './log-event.ts';
import { recordChangeWithEvents, recordEvents } from './service.ts';

const audit: AuditContext = {
  actor: { id: 'sys-test', type: 'SystemPrincipal', alternateId: 'system', displayName: 'Zoë 😀', detailEntry: null },
  ipAddress: null,
  userAgent: null,
  transaction: { type: 'JOB', id: 'append-test', detail: {} },
  requestUri: null,
};

/** Text whose UTF-8 differs from its UTF-16 and from Latin-1: the database must hash the same bytes as Node. */
const wide = (n: number): EventInput => ({ eventType: 'bulwark.test', displayMessage: `Ünïcödé ${n} — 😀 \u2028 "quoted" \\ back`, target: [] });

async function chainRows(database: TestDatabase, tenantId: string) {
  return database.db.selectFrom('log_events').select(['seq', 'event', 'hash']).where('tenant_id', '=', tenantId).orderBy('seq').execute();
}

describe('appending to the System Log', () => {
  let database: TestDatabase;
  let tenant: TestTenant;

  before(async () => {
    database = await testDatabase();
    tenant = await createTestTenant(database.db, 'append');
  });
  after(async () => database.drop());

  it('chains in the database exactly as chain.ts does, for text beyond ASCII', async () => {
    const before = (await chainRows(database, tenant.id)).length;
    await database.db.transaction().execute((tx) => recordEvents(tx, systemClock, tenant.id, audit, [wide(1), wide(2), wide(3)]));
    const rows = await chainRows(database, tenant.id);
    assert.equal(rows.length, before + 3);
    let prev = rows[before - 1]?.hash;
    assert.ok(prev, 'the tenant already has events from its creation');
    for (const row of rows.slice(before)) {
      assert.equal(row.hash, chainHash(prev, row.event));
      prev = row.hash;
    }
    const head = await database.db.selectFrom('log_chain_heads').select(['seq', 'hash']).where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow();
    assert.equal(Number(head.seq), Number(rows.at(-1)?.seq));
    assert.equal(head.hash, prev);
  });

  it('writes a change and its events as one statement, or neither', async () => {
    const count = async () => (await chainRows(database, tenant.id)).length;
    const events = await count();
    const change = database.db.insertInto('oidc_models').values({ tenant_id: tenant.id, model: 'Test', id: 'one', payload: '{}', grant_id: null, uid: null, expires_at: null, consumed_at: null }).returning('id');
    assert.equal(await recordChangeWithEvents(database.db, systemClock, tenant.id, [['change', change]], [{ audit, inputs: [wide(4)] }, { audit, inputs: [wide(5)] }]), true);
    assert.equal(await count(), events + 2);
    // The same key again: the insert fails, and the events with it.
    await assert.rejects(recordChangeWithEvents(database.db, systemClock, tenant.id, [['change', change]], [{ audit, inputs: [wide(6)] }]), /duplicate key/);
    assert.equal(await count(), events + 2);
    const models = await database.db.selectFrom('oidc_models').select('id').where('tenant_id', '=', tenant.id).execute();
    assert.deepEqual(models.map((m) => m.id), ['one']);
  });

  it('appends nothing when the change wrote nothing, and says so', async () => {
    const count = async () => (await chainRows(database, tenant.id)).length;
    const events = await count();
    const none = database.db.updateTable('oidc_models').set({ consumed_at: new Date() }).where('tenant_id', '=', tenant.id).where('id', '=', 'absent').returning('id');
    assert.equal(await recordChangeWithEvents(database.db, systemClock, tenant.id, [['change', none]], [{ audit, inputs: [wide(8)] }]), false);
    assert.equal(await count(), events);
  });

  it('refuses a tenant without a chain, writing nothing', async () => {
    const change = database.db.insertInto('oidc_models').values({ tenant_id: tenant.id, model: 'Test', id: 'two', payload: '{}', grant_id: null, uid: null, expires_at: null, consumed_at: null }).returning('id');
    await assert.rejects(recordChangeWithEvents(database.db, systemClock, 'no-such-tenant', [['change', change]], [{ audit, inputs: [wide(7)] }]), /no System Log chain head/);
    const models = await database.db.selectFrom('oidc_models').select('id').where('tenant_id', '=', tenant.id).where('id', '=', 'two').execute();
    assert.equal(models.length, 0);
  });
});
