/**
 * Fixtures for tests that run `bulwark` as a real child process: the CLI on the project's Node, and the real
 * app listening over a database a CLI wrote to.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import type { Db } from '../src/db/database.ts';
import { createAuthenticator } from '../src/http/auth.ts';
import { createRateLimiter } from '../src/http/rate-limit.ts';
import type { Clock } from '../src/lib/clock.ts';
import { createMetrics } from '../src/ops/metrics.ts';
import { testConfig } from './helpers.ts';

export const ROOT = join(import.meta.dirname, '..');
export const NODE = join(ROOT, 'node_modules', '.bin', 'node');
export const CLI = join(ROOT, 'src', 'cli', 'main.ts');

export type CliResult = { code: number | null; stdout: string; stderr: string };

export type CliOptions = { env?: Record<string, string | undefined>; input?: string; command?: string[] };

/**
 * Runs `bulwark ARGS` (by default `node src/cli/main.ts`) and collects its output. `env` is the whole child
 * environment apart from PATH and HOME, so a test states every variable the CLI sees.
 */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const [cmd, ...prefix] = opts.command ?? [NODE, CLI];
  const env = Object.fromEntries(Object.entries({ PATH: process.env['PATH'], HOME: process.env['HOME'], LOG_LEVEL: 'silent', ...opts.env }).filter(([, v]) => v !== undefined));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, [...prefix, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

export type AppOverDb = { url: string; close(): Promise<void> };

/** The real app over an existing database (one the CLI wrote to), on 127.0.0.1 and a free port. */
export async function serveOver(db: Db, clock: Clock): Promise<AppOverDb> {
  const app = await buildApp({
    config: testConfig(),
    db,
    clock,
    authenticator: createAuthenticator(db, clock),
    rateLimiter: createRateLimiter(clock),
    metrics: createMetrics(),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
