import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestTenant, testDatabase, type TestDatabase, type TestTenant } from '../../test/helpers.ts';
import { manualClock } from '../lib/clock.ts';
import { hashToken } from '../tokens/token-secret.ts';
import { createAuthenticator } from './auth.ts';

describe('authenticator', () => {
  let t: TestDatabase;
  let tenant: TestTenant;
  before(async () => {
    t = await testDatabase();
    tenant = await createTestTenant(t.db);
  });
  after(() => t.drop());

  it('answers a cached token at once, without a promise, and records each use with its time', async () => {
    const clock = manualClock(new Date('2026-05-01T10:00:00Z'));
    const auth = createAuthenticator(t.db, clock);
    const header = `SSWS ${tenant.token}`;
    const first = auth.authenticate(header);
    assert.ok(first instanceof Promise);
    assert.equal((await first)?.tenant.id, tenant.id);
    clock.advance(1_500);
    const second = auth.authenticate(header);
    assert.ok(!(second instanceof Promise));
    assert.equal(second?.user.id, tenant.adminId);
    const used = auth.drainLastUsed();
    assert.deepEqual([...used.values()], [new Date('2026-05-01T10:00:01.500Z')]);
    assert.equal(auth.drainLastUsed().size, 0);
    assert.equal(auth.authenticate('SSWS short'), null);
    assert.equal(auth.authenticate(undefined), null);
  });

  it('does not cache what a lookup under way found when the cache was invalidated meanwhile', async () => {
    const clock = manualClock(new Date('2026-05-01T10:00:00Z'));
    const auth = createAuthenticator(t.db, clock);
    const header = `SSWS ${tenant.token}`;
    const inFlight = auth.authenticate(header);
    // A change (here: the token revoked) invalidates while the lookup is on its way.
    auth.invalidate();
    assert.equal((await inFlight)?.tenant.id, tenant.id);
    await t.db.deleteFrom('api_tokens').where('token_hash', '=', hashToken(tenant.token)).execute();
    assert.equal(await auth.authenticate(header), null);
  });
});
