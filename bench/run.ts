/**
 * `npm run bench -- NAME`: runs bench/NAME.ts in a process of its own (further arguments are passed on).
 * An unknown or missing name lists the benchmarks and exits with 2.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.d.ts'))
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name === undefined || !names.includes(name)) {
  if (name !== undefined) console.error(`unknown benchmark: ${name}`);
  console.error(`usage: npm run bench -- NAME   (BENCH_QUICK=1 for a short run, DATABASE_URL for an external PostgreSQL)\nbenchmarks: ${names.join(', ')}`);
  process.exit(2);
}

const child = spawn(process.execPath, [`${dir}${name}.ts`, ...args], { stdio: 'inherit' });
// Ctrl-C reaches the child through the terminal's process group; the child cleans up and exits.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
