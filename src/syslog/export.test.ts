import assert from 'node:assert/strict';
import { createHash, verify, type KeyObject } from 'node:crypto';
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

type ExportedCheckpoint = {
  tenantId: string; seq: number; hash: string; leafIndex: number; proof: string[];
  batch: { id: number; root: string; size: number; signedAt: string; keyId: string; signature: string };
};

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/**
 * The outside check of one checkpoint, from docs/system-log.md's recipe alone: the batch signature over the
 * canonical statement, and RFC 9162's inclusion check from the head's leaf to the signed root.
 */
function reverifyCheckpoint(c: ExportedCheckpoint, publicKey: KeyObject): void {
  const b = c.batch;
  const statement = canonicalize({ batchId: b.id, root: b.root, size: b.size, signedAt: b.signedAt, keyId: b.keyId }) as string;
  assert.equal(verify(null, Buffer.from(statement), publicKey, Buffer.from(b.signature, 'base64')), true, 'batch signature');
  let r = sha256(Buffer.of(0), Buffer.from(canonicalize({ tenantId: c.tenantId, seq: c.seq, hash: c.hash }) as string));
  let fn = c.leafIndex;
  let sn = b.size - 1;
  assert.ok(fn >= 0 && fn <= sn, 'leaf index within the tree');
  for (const p of c.proof.map((h) => Buffer.from(h, 'hex'))) {
    assert.notEqual(sn, 0, 'proof too long');
    if (fn % 2 === 1 || fn === sn) {
      r = sha256(Buffer.of(1), p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn >> 1, sn >> 1];
    } else {
      r = sha256(Buffer.of(1), r, p);
    }
    [fn, sn] = [fn >> 1, sn >> 1];
  }
  assert.equal(sn, 0, 'proof too short');
  assert.equal(r.toString('hex'), b.root, 'proof leads to the signed root');
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
  let neighbour: string;
  let keyDir: string;
  let key: SigningKey;
  const clock = manualClock(new Date('2026-03-01T10:00:00.000Z'));

  before(async () => {
    database = await testDatabase();
    keyDir = mkdtempSync(join(tmpdir(), 'bulwark-export-'));
    key = loadSigningKey(keyDir);
    tenant = await createTestTenant(database.db, 'exported');
    neighbour = (await createTestTenant(database.db, 'neighbour')).id;
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

  it('exports checkpoints an outside party can check with the public key alone, revealing no other tenant\'s head', async () => {
    const { lines, count } = await collect((w) => exportCheckpoints(database.db, tenant.id, w, 2));
    assert.ok(count >= 4);
    assert.equal(count, lines.length);
    const events = (await collect((w) => exportLog(database.db, tenant.id, w))).lines.map((l) => JSON.parse(l) as Line);
    const neighbourHeads = await database.db.selectFrom('log_checkpoints').select('hash').where('tenant_id', '=', neighbour).execute();
    assert.ok(neighbourHeads.length > 0);
    const seqs: number[] = [];
    for (const line of lines) {
      for (const { hash } of neighbourHeads) assert.ok(!line.includes(hash), 'another tenant\'s chain hash is not exported');
      const c = JSON.parse(line) as ExportedCheckpoint;
      assert.deepEqual(Object.keys(c).sort(), ['batch', 'hash', 'leafIndex', 'proof', 'seq', 'tenantId']);
      assert.equal(c.tenantId, tenant.id);
      reverifyCheckpoint(c, key.publicKey);
      assert.equal(events.find((e) => e.bulwark.seq === c.seq)?.bulwark.hash, c.hash);
      seqs.push(c.seq);
    }
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    // The first batch signed both tenants' heads: this tenant's proof carries one sibling hash.
    assert.equal((JSON.parse(lines[0] as string) as ExportedCheckpoint).batch.size, 2);
  });

  it('exports checkpoints whose changed root, proof or statement the outside check rejects', async () => {
    const { lines } = await collect((w) => exportCheckpoints(database.db, tenant.id, w));
    const c = JSON.parse(lines[0] as string) as ExportedCheckpoint;
    reverifyCheckpoint(c, key.publicKey);
    const flip = (hex: string) => `${hex[0] === '0' ? '1' : '0'}${hex.slice(1)}`;
    const forgeries: ExportedCheckpoint[] = [
      { ...c, hash: flip(c.hash) },
      { ...c, seq: c.seq + 1 },
      { ...c, leafIndex: 1 - c.leafIndex },
      { ...c, proof: c.proof.map(flip) },
      { ...c, batch: { ...c.batch, root: flip(c.batch.root) } },
      { ...c, batch: { ...c.batch, size: c.batch.size + 1 } },
      { ...c, batch: { ...c.batch, id: c.batch.id + 1 } },
    ];
    for (const forged of forgeries) assert.throws(() => reverifyCheckpoint(forged, key.publicKey), assert.AssertionError, JSON.stringify(forged));
  });
});
