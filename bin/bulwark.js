#!/usr/bin/env node
// Launcher for `npx bulwark` / an installed `bulwark`: whatever Node runs this file (npx uses the machine's,
// possibly older, Node), the CLI itself runs on the project's pinned Node 24, which strips its TypeScript.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = join(root, 'node_modules', '.bin', 'node');
if (!existsSync(node)) {
  process.stderr.write(`error: ${node} is missing: run \`npm install\` in ${root} first\n`);
  process.exit(2);
}

const child = spawn(node, [join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
// Signals sent to this launcher alone (kill PID) reach the CLI too; `serve` ignores a repeated one while stopping.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', (err) => {
  process.stderr.write(`error: cannot start ${node}: ${err.message}\n`);
  process.exit(2);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
