import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './bench.ts';

export type ServerProcess = { url: string; pid: number; stop(): Promise<void> };

const SCRIPTS = {
  bulwark: fileURLToPath(new URL('./bulwark-server.ts', import.meta.url)),
  hello: fileURLToPath(new URL('./hello-server.ts', import.meta.url)),
} as const;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a server in a child process of its own, so that the load generator in this process never shares
 * an event loop with it. The child listens on 127.0.0.1 on a free port and reports the port over IPC; it
 * also exits when this process goes away (the IPC channel closes).
 */
export async function startServerProcess(kind: keyof typeof SCRIPTS, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ServerProcess> {
  // BENCH_CPU_PROF (a directory): the server writes its own V8 CPU profile there when it exits.
  const profile = process.env['BENCH_CPU_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`] : [];
  const child = fork(SCRIPTS[kind], [], { env: { ...process.env, ...env }, execArgv: [...nodeArgs, ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(timer);
    })();
    return stopping;
  };
  onCleanup(stop);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port?: number }) => (typeof m.port === 'number' ? resolve(m.port) : reject(new Error(`${kind} server: unexpected message`))));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code} before listening`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid as number, stop };
}
