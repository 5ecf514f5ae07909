import { readdirSync, readFileSync } from 'node:fs';

/** Linux /proc readings: process trees, CPU time and resident memory (benchmarks only run on Linux here). */

const CLOCK_TICKS = 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields of /proc/PID/stat after the command name (which may itself contain spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function allPids(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

/** `root` and every live descendant of it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const ppid = Number(statFields(pid)?.[1]);
    if (!Number.isInteger(ppid)) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out.filter((pid) => read(`/proc/${pid}/stat`) !== undefined);
}

/** Processes whose command line contains `needle` (arguments are NUL-separated in /proc). */
export function pidsWithCommandLine(needle: string): number[] {
  return allPids().filter((pid) => commandLine(pid).includes(needle));
}

/** The command line as `ps` shows it (PostgreSQL children rewrite theirs to `postgres: checkpointer` etc.). */
export function commandLine(pid: number): string {
  return (read(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ').trim();
}

/** User + system CPU seconds a process has used so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  if (!f) return 0;
  return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
}

/** VmRSS in MiB (0 once the process is gone). */
export function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? '');
  return m ? Number(m[1]) / 1024 : 0;
}

/** Proportional set size in MiB: shared pages divided among the processes that map them. */
export function pssMb(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(read(`/proc/${pid}/smaps_rollup`) ?? '');
  return m ? Number(m[1]) / 1024 : 0;
}

/** The postmaster of a PostgreSQL data directory, from the first line of its postmaster.pid. */
export function postmasterPid(pgData: string): number | undefined {
  const pid = Number((read(`${pgData}/postmaster.pid`) ?? '').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** CPU seconds of a set of process trees between `start()` and `stop()`, counting processes born in between. */
export function cpuMeter(roots: () => number[]): () => number {
  const before = new Map<number, number>();
  for (const root of roots()) for (const pid of processTree(root)) before.set(pid, cpuSeconds(pid));
  return () => {
    let used = 0;
    for (const root of roots()) for (const pid of processTree(root)) used += cpuSeconds(pid) - (before.get(pid) ?? 0);
    return used;
  };
}

/** Busy CPU seconds of the whole machine so far (all cores, every process: ours and anyone else's). */
export function machineBusySeconds(): number {
  const line = (read('/proc/stat') ?? '').split('\n')[0] ?? '';
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

export type CpuShares = { wall: number; self: number; server: number; pg: number; others: number; describe(): string };

/**
 * Starts measuring who uses the CPU: this process, a server child (optional), the embedded PostgreSQL
 * (optional) and everything else on the machine. The returned function stops and reports cores in use.
 */
export function cpuShares(opts: { serverPid?: number; pgData?: string | undefined } = {}): () => CpuShares {
  const pg = opts.pgData === undefined ? undefined : postmasterPid(opts.pgData);
  const server = cpuMeter(() => (opts.serverPid === undefined ? [] : [opts.serverPid]));
  const database = cpuMeter(() => (pg === undefined ? [] : [pg]));
  const machine = machineBusySeconds();
  const self = process.cpuUsage();
  const started = performance.now();
  return () => {
    const wall = (performance.now() - started) / 1000;
    const selfUsed = process.cpuUsage(self);
    const used = { self: (selfUsed.user + selfUsed.system) / 1e6, server: server(), pg: database() };
    const others = Math.max(0, machineBusySeconds() - machine - used.self - used.server - used.pg);
    const c = (s: number) => s / wall;
    const shares = { wall, self: c(used.self), server: c(used.server), pg: c(used.pg), others: c(others) };
    return {
      ...shares,
      describe: () => [
        `this process ${shares.self.toFixed(2)}`,
        ...(opts.serverPid === undefined ? [] : [`server ${shares.server.toFixed(2)}`]),
        `PostgreSQL ${pg === undefined ? 'n/a' : shares.pg.toFixed(2)}`,
        `other processes ${shares.others.toFixed(2)}`,
      ].join(', ') + ' cores',
    };
  };
}
