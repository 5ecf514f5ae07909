/**
 * Applying a remediation survives `kill -9`: `bulwark remediate apply` runs as a real child process over a plan of
 * 300 items (100 users, three actions each) and is killed with SIGKILL part way. Every item must then be wholly
 * done (its change, its events and its mark) or not done at all; applying again finishes the rest, and in the
 * end each action was done to each user exactly once, counted in the System Log, which still verifies.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../src/lib/clock.ts';
import { operatorServiceContext } from '../src/tenants/service.ts';
import { changeLifecycle, insertNewUser, passwordHashFor } from '../src/users/service.ts';
import { CLI, NODE, ROOT, runCli } from './cli-helpers.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

const USERS = 100;
const ACTIONS = ['FORCE_PASSWORD_RESET', 'RESET_FACTORS', 'CLEAR_SESSIONS'];

type Logged = { eventType: string; outcome: { result: string }; target: { id: string; type: string }[]; transaction: { detail: Record<string, unknown> }; debugContext: { debugData: Record<string, unknown> } };

describe('bulwark remediate apply killed with SIGKILL part way', () => {
  let database: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  let tenantId = '';
  let planId = '';
  const userIds: string[] = [];
  let doneAtKill = 0;
  const cli = (args: string[]) => runCli(args, { env });

  const itemStates = async () => {
    const rows = await database.db.selectFrom('remediation_items').select(['user_id', 'action', 'state']).where('tenant_id', '=', tenantId).where('remediation_id', '=', planId).execute();
    return rows;
  };

  const planEvents = async (): Promise<Logged[]> => {
    const rows = await database.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenantId).orderBy('seq').execute();
    return rows.map((r) => JSON.parse(r.event) as Logged).filter((e) => e.transaction.detail['remediationId'] === planId);
  };

  before(async () => {
    database = await testDatabase();
    dir = mkdtempSync(join(tmpdir(), 'bulwark-remediate-'));
    env = { DATABASE_URL: database.url, BULWARK_DATA_DIR: dir };
    const created = await cli(['tenant', 'create', 'struck', '--json']);
    assert.equal(created.code, 0, created.stderr);
    tenantId = (JSON.parse(created.stdout) as { tenant: { id: string } }).tenant.id;

    // A hundred users with a password (hashed once: argon2 is slow by design), each of whose password an
    // admin expired in the window: the users a "password changed" remediation selects.
    const ctx = operatorServiceContext(database.db, systemClock, tenantId, 'test-crash-fixture');
    const hash = await passwordHashFor(database.db, tenantId, 'Correct-Horse-Battery-9', 'struck');
    await database.db.transaction().execute(async (tx) => {
      for (let i = 0; i < USERS; i++) {
        const login = `user${i}@struck.example.com`;
        const user = await insertNewUser(tx, ctx, { profile: { login, email: login, firstName: 'User', lastName: String(i) }, activate: true, expirePassword: false }, hash);
        userIds.push(user.id);
      }
    });
    for (const id of userIds) await changeLifecycle(ctx, id, 'expire_password');
  });

  after(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plans from the CLI: the dry run lists exactly the hundred users, and applying waits for an approval', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const res = await cli(['remediate', 'plan', '--tenant', 'struck', '--since', since, '--password-or-factor-change', '--action', ...ACTIONS, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const plan = JSON.parse(res.stdout) as { id: string; status: string; users: { id: string }[]; counts: { items: number; pending: number } };
    planId = plan.id;
    assert.equal(plan.status, 'PLANNED');
    assert.deepEqual(plan.users.map((u) => u.id).sort(), [...userIds].sort());
    assert.deepEqual([plan.counts.items, plan.counts.pending], [300, 300]);
    const table = await cli(['remediate', 'show', planId, '--tenant', 'struck']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^USER +ID +STATUS +ADMIN ROLES +MATCHED +ITEMS$/m);
    assert.match(table.stdout, /^user0@struck\.example\.com +00u\w{17} +PASSWORD_EXPIRED +- +PASSWORD_OR_FACTOR_CHANGE +FORCE_PASSWORD_RESET, RESET_FACTORS, CLEAR_SESSIONS$/m);

    const early = await cli(['remediate', 'apply', planId, '--tenant', 'struck']);
    assert.equal(early.code, 2);
    assert.match(early.stderr, /^error: remediation: the plan is not approved yet/);
    const unconfirmed = await cli(['remediate', 'approve', planId, '--tenant', 'struck']);
    assert.equal(unconfirmed.code, 2);
    assert.match(unconfirmed.stderr, /needs --yes/);
    const approved = await cli(['remediate', 'approve', planId, '--tenant', 'struck', '--yes']);
    assert.equal(approved.code, 0, approved.stderr);
  });

  it('is killed with items done and items still pending, each item wholly one or the other', async () => {
    const child = spawn(NODE, [CLI, 'remediate', 'apply', planId, '--tenant', 'struck'], { cwd: ROOT, env: { PATH: process.env['PATH'], HOME: process.env['HOME'], LOG_LEVEL: 'silent', ...env }, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const killAt = 20 + Math.floor(Math.random() * 40);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const done = (await itemStates()).filter((i) => i.state === 'DONE').length;
      if (done >= killAt) break;
      assert.ok(Date.now() < deadline, `only ${done} items done in a minute`);
      await sleep(10);
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    const states = await itemStates();
    doneAtKill = states.filter((i) => i.state === 'DONE').length;
    assert.ok(doneAtKill >= killAt && doneAtKill < 300, `${doneAtKill} items done when killed`);
    assert.equal(states.filter((i) => i.state === 'PENDING').length, 300 - doneAtKill);
    const plan = await database.db.selectFrom('remediations').select('status').where('tenant_id', '=', tenantId).where('id', '=', planId).executeTakeFirstOrThrow();
    assert.equal(plan.status, 'APPLYING');

    // Done means its change and its events committed; pending means neither did.
    const events = await planEvents();
    const logged = (type: string, userId: string) => events.filter((e) => e.eventType === type && e.target.some((t) => t.id === userId)).length;
    const users = new Map((await database.db.selectFrom('users').select(['id', 'status']).where('tenant_id', '=', tenantId).execute()).map((u) => [u.id, u.status]));
    for (const item of states) {
      const expected = item.state === 'DONE' ? 1 : 0;
      assert.equal(logged('bulwark.remediation.item.apply', item.user_id), states.filter((i) => i.user_id === item.user_id && i.state === 'DONE').length);
      if (item.action === 'FORCE_PASSWORD_RESET') {
        assert.equal(logged('user.account.reset_password', item.user_id), expected, `${item.user_id} reset events`);
        assert.equal(users.get(item.user_id), item.state === 'DONE' ? 'RECOVERY' : 'PASSWORD_EXPIRED');
      }
      if (item.action === 'RESET_FACTORS') assert.equal(logged('user.mfa.factor.reset_all', item.user_id), expected);
    }
  });

  it('resumes when applied again and ends with every action done to every user exactly once, the log intact', async () => {
    const res = await cli(['remediate', 'apply', planId, '--tenant', 'struck']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`^Remediation ${planId}: COMPLETED; ${300 - doneAtKill} items applied now; 300 done, 0 skipped, 0 failed, 0 pending\\.$`, 'm'));
    const states = await itemStates();
    assert.deepEqual([...new Set(states.map((i) => i.state))], ['DONE']);

    const events = await planEvents();
    for (const [type, filter] of [
      ['user.account.reset_password', () => true],
      ['user.mfa.factor.reset_all', () => true],
      ['user.session.clear', (e: Logged) => e.debugContext.debugData['reason'] === 'admin'],
    ] as const) {
      const counts = new Map<string, number>();
      for (const e of events) if (e.eventType === type && filter(e)) for (const t of e.target.filter((x) => x.type === 'User')) counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
      assert.deepEqual([...counts.keys()].sort(), [...userIds].sort(), type);
      assert.deepEqual([...new Set(counts.values())], [1], `${type} once per user`);
    }
    const items = new Map<string, number>();
    for (const e of events) {
      if (e.eventType !== 'bulwark.remediation.item.apply') continue;
      const key = `${e.target[0]?.id} ${e.debugContext.debugData['action']}`;
      items.set(key, (items.get(key) ?? 0) + 1);
    }
    assert.equal(items.size, 300);
    assert.deepEqual([...new Set(items.values())], [1]);
    assert.deepEqual(events.filter((e) => e.eventType === 'bulwark.remediation.apply.start' && e.outcome.result === 'SUCCESS').map((e) => e.debugContext.debugData['resumed']), [false, true]);
    assert.equal(events.filter((e) => e.eventType === 'bulwark.remediation.complete').length, 1);

    // Once more: nothing left to do, nothing written.
    const count = async () => Number((await database.db.selectFrom('log_events').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()).n);
    const before = await count();
    const again = await cli(['remediate', 'apply', planId, '--tenant', 'struck']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await count(), before);

    const keyFile = join(dir, 'verify.pub.pem');
    writeFileSync(keyFile, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    const verified = await cli(['log', 'verify', '--tenant', 'struck', '--public-key', keyFile]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^ok +struck: \d+ events intact$/m);
  });
});
