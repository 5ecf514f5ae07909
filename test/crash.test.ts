/**
 * Durability under a hard crash: `kill -9` in the middle of a burst of user creations. Whatever the API
 * acknowledged must survive with exactly one create event, nothing may exist half-written (a user without its
 * event or an event without its user), and the hash chain and its checkpoints must still verify after the restart.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSigningKey } from '../src/syslog/checkpoints.ts';
import { verifyLog } from '../src/syslog/verify.ts';
import { startChildServer, type ChildServer } from './support/child-server.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

const TOTAL = 5_000;
const CONCURRENCY = 20;
/** A slow machine still kills mid-burst, and the whole file stays well under a minute. */
const BURST_DEADLINE_MS = 15_000;

describe('a server killed with SIGKILL during a burst of user creations', () => {
  let database: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  let server: ChildServer | undefined;
  const token = randomBytes(24).toString('base64url');
  const acknowledged = new Set<string>();
  let killedAfter = 0;
  let tenantId = '';

  before(async () => {
    database = await testDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'bulwark-crash-'));
    env = {
      DATABASE_URL: database.url,
      PORT: '0',
      LOG_LEVEL: 'warn',
      BULWARK_DATA_DIR: dataDir,
      BULWARK_BOOTSTRAP_API_TOKEN: token,
      BULWARK_SEED_DEMO: 'false',
      BULWARK_RATE_LIMIT_PER_MINUTE: '1000000',
    };
    server = await startChildServer(env);
    const tenant = await database.db.selectFrom('tenants').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    tenantId = tenant.id;

    const running = server;
    const killAt = randomInt(1_500, 2_500);
    const deadline = Date.now() + BURST_DEADLINE_MS;
    let issued = 0;
    let killing: Promise<void> | undefined;
    const worker = async () => {
      while (killing === undefined && issued < TOTAL) {
        const n = issued++;
        try {
          const res = await fetch(`${running.url}/api/v1/users?activate=true`, {
            method: 'POST',
            headers: { authorization: `SSWS ${token}`, 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ profile: { login: `burst${n}@crash.example.com`, email: `burst${n}@crash.example.com`, firstName: 'Burst', lastName: String(n) } }),
          });
          const body = await res.json() as { id?: string };
          if (res.status === 200 && body.id) acknowledged.add(body.id);
          else if (killing === undefined) throw new Error(`creation ${n} failed before the kill: ${res.status} ${JSON.stringify(body)}`);
        } catch (err) {
          // After the kill, connections die mid-request; those creations were never acknowledged.
          if (killing === undefined) throw err;
        }
        if ((acknowledged.size >= killAt || Date.now() > deadline) && killing === undefined) {
          killedAfter = acknowledged.size;
          killing = running.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await killing;
    server = await startChildServer(env);
  });

  after(async () => {
    await server?.kill('SIGTERM');
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('was killed mid-burst, with creations acknowledged and others still to come', () => {
    assert.ok(killedAfter >= 100, `killed after ${killedAfter} acknowledgements`);
    assert.ok(acknowledged.size < TOTAL);
  });

  it('serves every acknowledged user after the restart', async () => {
    const ids = [...acknowledged];
    const missing: string[] = [];
    const url = (server as ChildServer).url;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let id = ids.pop(); id !== undefined; id = ids.pop()) {
        const res = await fetch(`${url}/api/v1/users/${id}`, { headers: { authorization: `SSWS ${token}`, accept: 'application/json' } });
        await res.arrayBuffer();
        if (res.status !== 200) missing.push(`${id}: ${res.status}`);
      }
    }));
    assert.deepEqual(missing, []);
  });

  it('has exactly one create event per user, none without its user, and every acknowledged user among them', async () => {
    const users = await database.db.selectFrom('users').select('id').where('tenant_id', '=', tenantId).execute();
    const userIds = new Set(users.map((u) => u.id));
    const events = await database.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenantId).where('event_type', '=', 'user.lifecycle.create').execute();
    const creates = new Map<string, number>();
    for (const { event } of events) {
      const targets = (JSON.parse(event) as { target: { id: string; type: string }[] }).target.filter((t) => t.type === 'User');
      assert.equal(targets.length, 1);
      const id = (targets[0] as { id: string }).id;
      creates.set(id, (creates.get(id) ?? 0) + 1);
    }
    // The bootstrap super admin plus at least every acknowledged creation.
    assert.ok(userIds.size >= acknowledged.size + 1, `${userIds.size} users for ${acknowledged.size} acknowledged`);
    for (const id of acknowledged) assert.ok(userIds.has(id), `acknowledged user ${id} exists`);
    const wrongCount = [...userIds].filter((id) => creates.get(id) !== 1).map((id) => `${id}: ${creates.get(id) ?? 0}`);
    assert.deepEqual(wrongCount, []);
    const orphans = [...creates.keys()].filter((id) => !userIds.has(id));
    assert.deepEqual(orphans, []);
  });

  it('keeps a hash chain and signed checkpoints that verify end to end after the restart', async () => {
    const checkpoints = await database.db.selectFrom('log_checkpoints').select('seq').where('tenant_id', '=', tenantId).execute();
    assert.ok(checkpoints.length > 0, 'there are checkpoints for the verification to check');
    const report = await verifyLog(database.db, { tenantId, publicKey: loadSigningKey(dataDir).publicKey });
    const events = await database.db.selectFrom('log_events').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    assert.deepEqual(report.tenants, [{ slug: 'demo', events: Number(events.n), ok: true }]);
    assert.equal(report.ok, true);
  });
});
