/**
 * What every benchmark shares: quick mode, cleanup that also runs on Ctrl-C, percentiles, and the one result
 * line each benchmark ends with (`bench NAME: key=value … target=… met=true|false`), printed after cleanup so
 * that it really is the last line.
 */

export const QUICK = process.env['BENCH_QUICK'] === '1';

/** The full-mode value, or the quick-mode one under BENCH_QUICK=1. */
export function sized<T>(full: T, quick: T): T {
  return QUICK ? quick : full;
}

export type BenchResult = { figures: Record<string, string | number>; target: string; met: boolean };

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

/** Registers an undo step; steps run in reverse order when the benchmark ends, fails or is interrupted. */
export function onCleanup(step: Cleanup): void {
  cleanups.push(step);
}

let cleaning: Promise<void> | undefined;

/** Runs the undo steps once, however many times it is called (the end of the run and a signal may race). */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const step = cleanups.pop() as Cleanup;
      try {
        await step();
      } catch (err) {
        console.error(`cleanup step failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  })();
  return cleaning;
}

export function log(line: string): void {
  console.log(`  ${line}`);
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Runs one benchmark: its result line last, exit 1 (and no result line) when it failed. */
export async function runBench(name: string, main: () => Promise<BenchResult>): Promise<void> {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // `on`, not `once`: a second signal (the terminal's and run.ts's) must not kill the cleanup.
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`bench ${name}: interrupted, cleaning up`);
      void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  console.log(`bench ${name} (${QUICK ? 'quick' : 'full'} mode)`);
  let result: BenchResult | undefined;
  try {
    result = await main();
  } catch (err) {
    // After an interrupt the clean-up pulls the ground from under the run; its failure is no news.
    if (!interrupted) console.error(`bench ${name} failed:`, err);
  }
  await cleanUp();
  if (interrupted) return;
  if (!result) process.exit(1);
  const pairs = Object.entries(result.figures).map(([k, v]) => `${k}=${v}`);
  console.log(`bench ${name}: ${[...pairs, `target=${result.target}`, `met=${result.met}`].join(' ')}`);
  // Everything this run started is stopped by now; do not let a stray timer keep the process around.
  process.exit(0);
}

/**
 * Runs `work` under the V8 CPU profiler when BENCH_CPU_PROF names a directory, writing `<label>.cpuprofile`
 * there: a profile of the measured step alone, without the set-up around it.
 */
export async function profiled<T>(label: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env['BENCH_CPU_PROF'];
  if (!dir) return work();
  const { Session } = await import('node:inspector/promises');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${label}.cpuprofile`, JSON.stringify(profile));
    log(`CPU profile of ${label} written to ${dir}/${label}.cpuprofile`);
  }
}
