import assert from 'node:assert/strict';
import { createHash, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import canonicalize from 'canonicalize';
import { manualClock } from '#src/lib/clock.ts';
import { operatorServiceContext } from '#src/tenants/service.ts';
import { createUser } from '#src/users/service.ts';
import { createTestTenant, logCount, testDatabase, type TestDatabase, type TestTenant } from '../../test/helpers.ts';
import { loadSigningKey, signCheckpoints, type SigningKey } from './checkpoints.ts';
import { exportCheckpoints, exportLog } from './export.ts';
import { validateBulwarkLogEvent } from './log-event-schema.ts';

type Line = Record<string, unknown> & { published: string; bulwark: { seq: number; hash: string; prevHash: string } };

async function collect(run: (write: (line: string) => void) => Promise<number>): Promise<{ lines: string[]; count: number }> {
  const lines: string[] = [];
  const count = await run((line) => { lines.push(line); });
  return { lines, count };
}

/** The outside verifier docs/system-log.md describes, written only from the documented recipe. */
function reverify(lines: Line[], startHash: string): void {
  let prev = startHash;
  for (const line of lines) {
    const { bulwark, ...event } = line;
    assert.equal(bulwark.prevHash, prev, `prevHash of seq ${bulwark.seq}`);
    const hash = createHash('sha256').update(Buffer.from(prev, 'hex')).update(canonicalize(event) as string, 'utf8').digest('hex');
    assert.equal(hash, bulwark.hash, `hash of seq ${bulwark.seq}`);
    prev = hash;
  }
}

describe('exportLog', () => {
  let database: TestDatabase;
  let tenant: TestTenant;
  let keyDir: string;
  let key: SigningKey;
  const clock = manualClock(new Date('2026-03-01T10:00:00.000Z'));

  before(async () => {
    database = await testDatabase();
    keyDir = mkdtempSync(join(tmpdir(), 'bulwark-export-'));
    key = loadSigningKey(keyDir);
    tenant = await createTestTenant(database.db, 'exported');
    await createTestTenant(database.db, 'neighbour');
    const ctx = operatorServiceContext(database.db, clock, tenant.id, 'export-test');
    for (const [i, name] of ['ann', 'bob', 'cy', 'dee'].entries()) {
      clock.set(new Date(Date.UTC(2026, 2, 2 + i, 12)));
      const login = `${name}@example.com`;
      // "Zoë" puts a multi-byte character into the hashed bytes.
      await createUser(ctx, { profile: { login, email: login, firstName: i === 2 ? 'Zoë' : name, lastName: 'Export' }, activate: true, expirePassword: false });
      await signCheckpoints(database.db, clock, key);
    }
  });
  after(async () => {
    await database.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('writes every event once, in seq order, as a strict Bulwark LogEvent with its chain fields', async () => {
    const { lines, count } = await collect((w) => exportLog(database.db, tenant.id, w, { batchSize: 3 }));
    assert.equal(count, await logCount(database.db, tenant.id));
    assert.equal(lines.length, count);
    const parsed = lines.map((l) => {
      assert.ok(l.endsWith('}\n') && !l.slice(0, -1).includes('\n'), 'one JSON object per line');
      return JSON.parse(l) as Line;
    });
    for (const ev of parsed) assert.deepEqual(validateBulwarkLogEvent(ev), []);
    assert.deepEqual(parsed.map((e) => e.bulwark.seq), Array.from({ length: count }, (_, i) => i + 1));
    reverify(parsed, '0'.repeat(64));
  });

  it('keeps to the since/until window and chains its first line onto the event before it', async () => {
    const window = { since: new Date('2026-03-03T00:00:00Z'), until: new Date('2026-03-05T00:00:00Z') };
    const { lines } = await collect((w) => exportLog(database.db, tenant.id, w, window));
    const parsed = lines.map((l) => JSON.parse(l) as Line);
    assert.deepEqual(parsed.map((e) => e.published.slice(0, 10)), ['2026-03-03', '2026-03-03', '2026-03-04', '2026-03-04']);
    const first = parsed[0] as Line;
    const before = await database.db.selectFrom('log_events').select('hash').where('tenant_id', '=', tenant.id).where('seq', '=', String(first.bulwark.seq - 1)).executeTakeFirstOrThrow();
    reverify(parsed, before.hash);
  });

  it('writes nothing for a window without events', async () => {
    const { lines, count } = await collect((w) => exportLog(database.db, tenant.id, w, { since: new Date('2030-01-01T00:00:00Z') }));
    assert.equal(count, 0);
    assert.deepEqual(lines, []);
  });

  it('exports checkpoints an outside party can check with the public key alone', async () => {
    const { lines, count } = await collect((w) => exportCheckpoints(database.db, tenant.id, w, 2));
    assert.ok(count >= 4);
    const events = (await collect((w) => exportLog(database.db, tenant.id, w))).lines.map((l) => JSON.parse(l) as Line);
    for (const line of lines) {
      const c = JSON.parse(line) as { tenantId: string; seq: number; hash: string; signedAt: string; keyId: string; signature: string };
      assert.equal(c.tenantId, tenant.id);
      const payload = canonicalize({ tenantId: c.tenantId, seq: c.seq, hash: c.hash, signedAt: c.signedAt, keyId: c.keyId }) as string;
      assert.equal(verify(null, Buffer.from(payload), key.publicKey, Buffer.from(c.signature, 'base64')), true);
      assert.equal(events.find((e) => e.bulwark.seq === c.seq)?.bulwark.hash, c.hash);
    }
  });
});
