/**
 * Idle footprint and restart time of `node src/main.ts` with its embedded PostgreSQL, as an operator runs it.
 * A first start initialises a temporary data dir (initdb, migrations, bootstrap tenant); after SIGTERM the
 * second start is timed from spawn until both /healthz and /readyz answer 200. After a few idle seconds
 * the resident memory of the Node process and of every PostgreSQL process of that data dir is summed.
 * Targets: rss < 250 MB and start < 3000 ms. DATABASE_URL is ignored: this measures the embedded setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, onCleanup, round, runBench, sized } from './lib/bench.ts';
import { commandLine, pidsWithCommandLine, postmasterPid, processTree, pssMb, rssMb } from './lib/proc.ts';

const IDLE_SECONDS = sized(3, 3);
const RSS_TARGET_MB = 250;
const START_TARGET_MS = 3000;
const repo = fileURLToPath(new URL('..', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Running = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function start(dataDir: string, port: number): Running {
  const env: NodeJS.ProcessEnv = { ...process.env, BULWARK_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  delete env['DATABASE_URL'];
  const child = spawn(process.execPath, ['src/main.ts'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // The first start prints the bootstrap credentials: kept in memory for error reports, never printed.
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output.replace(/(password|token):\s+\S+/gi, '$1: [hidden]'), exited };
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Milliseconds from `since` until /healthz and /readyz both answer 200. */
async function untilHealthy(run: Running, base: string, since: number, timeoutMs: number): Promise<number> {
  let exited = false;
  void run.exited.then(() => (exited = true));
  while (performance.now() - since < timeoutMs) {
    if (exited) throw new Error(`server exited during start:\n${run.output()}`);
    if ((await answers(`${base}/healthz`)) && (await answers(`${base}/readyz`))) return performance.now() - since;
    await sleep(10);
  }
  throw new Error(`server not healthy within ${timeoutMs} ms:\n${run.output()}`);
}

async function stop(run: Running): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGTERM');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 30_000);
  const code = await run.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`server exited with ${code} on SIGTERM:\n${run.output()}`);
}

/** The cluster's processes: the postmaster (found by data dir), its children, and anything else naming the dir. */
function postgresPids(dataDir: string): number[] {
  const postmaster = postmasterPid(join(dataDir, 'pg'));
  const tree = postmaster === undefined ? [] : processTree(postmaster);
  return [...new Set([...tree, ...pidsWithCommandLine(dataDir)])];
}

/** Stops (fast shutdown) a cluster that a server killed before its own shutdown left running. */
async function stopLeftoverCluster(dataDir: string): Promise<void> {
  const postmaster = postmasterPid(join(dataDir, 'pg'));
  if (postmaster === undefined || processTree(postmaster).length === 0) return;
  process.kill(postmaster, 'SIGINT');
  for (let i = 0; i < 100 && processTree(postmaster).length > 0; i++) await sleep(100);
}

await runBench('footprint', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-bench-footprint-'));
  chmodSync(dataDir, 0o711);
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  onCleanup(() => stopLeftoverCluster(dataDir));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;

  const first = start(dataDir, port);
  onCleanup(() => stop(first).catch(() => undefined));
  const firstMs = await untilHealthy(first, base, performance.now(), 120_000);
  await stop(first);
  log(`first start (initdb, migrations, bootstrap): healthy after ${Math.round(firstMs)} ms`);

  const began = performance.now();
  const second = start(dataDir, port);
  onCleanup(() => stop(second).catch(() => undefined));
  const startMs = await untilHealthy(second, base, began, 60_000);
  log(`second start on the existing data dir: healthy and ready after ${Math.round(startMs)} ms; idling ${IDLE_SECONDS} s`);
  await sleep(IDLE_SECONDS * 1000);

  const nodePid = second.child.pid as number;
  const pgPids = postgresPids(dataDir).filter((pid) => pid !== nodePid);
  const nodeMb = rssMb(nodePid);
  const pgMb = pgPids.reduce((sum, pid) => sum + rssMb(pid), 0);
  const pssTotal = [nodePid, ...pgPids].reduce((sum, pid) => sum + pssMb(pid), 0);
  const titles = pgPids.map((pid) => `${commandLine(pid).replace(/^\S*postgres(: )?/, '').split(' -')[0] || 'postmaster'} ${round(rssMb(pid), 1)}`);
  log(`PostgreSQL processes (VmRSS MB): ${titles.join(', ')}`);
  log(`Node ${round(nodeMb, 1)} MB; ${pgPids.length} PostgreSQL processes ${round(pgMb, 1)} MB (VmRSS, shared pages counted in each); PSS of all ${round(pssTotal, 1)} MB`);
  await stop(second);
  const stillUp = postgresPids(dataDir);
  if (stillUp.length > 0) throw new Error(`PostgreSQL processes left after SIGTERM: ${stillUp.join(', ')}`);

  const rss = nodeMb + pgMb;
  return {
    figures: { start_ms: Math.round(startMs), rss_mb: round(rss, 1), node_mb: round(nodeMb, 1), pg_mb: round(pgMb, 1) },
    target: `rss<${RSS_TARGET_MB},start<${START_TARGET_MS}`,
    met: rss < RSS_TARGET_MB && startMs < START_TARGET_MS,
  };
});
