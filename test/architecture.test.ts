/**
 * The dependency rules of STYLE.md, checked on the source instead of by a linter: routes never reach a store,
 * stores never know HTTP, and a capability never touches another capability's store (its tables).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const SRC = new URL('../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

type Import = { from: string; to: string };

function imports(): Import[] {
  const out: Import[] = [];
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^import [^;]*?from '([^']+)'/gms)) {
      const spec = m[1] as string;
      let to: string | undefined;
      if (spec.startsWith('#src/')) to = spec.slice(5);
      else if (spec.startsWith('.')) to = relative(SRC, join(file, '..', spec));
      else to = spec;
      out.push({ from: relative(SRC, file), to });
    }
  }
  return out;
}

const capability = (path: string) => (path.includes('/') ? path.split('/')[0] : undefined);
const isStore = (path: string) => /(^|\/)[a-z-]*store\.ts$/.test(path);

describe('architecture', () => {
  const all = imports();

  it('finds the source files it checks', () => {
    assert.ok(all.length > 100, `only ${all.length} imports found`);
  });

  it('never lets a routes file import a store', () => {
    const bad = all.filter((i) => /routes\.ts$/.test(i.from) && isStore(i.to));
    assert.deepEqual(bad, []);
  });

  it('keeps HTTP out of stores and services', () => {
    const bad = all.filter((i) => (isStore(i.from) || /service\.ts$/.test(i.from)) && (i.to === 'fastify' || i.to.startsWith('http/routes')));
    assert.deepEqual(bad, []);
  });

  it('never lets a capability use another capability store', () => {
    // db/ owns the connection; http/ reads the token table to authenticate, by design (src/http/auth.ts).
    const allowed = new Set(['http/auth.ts -> tokens/store.ts', 'server.ts -> tokens/store.ts']);
    const bad = all
      .filter((i) => isStore(i.to) && capability(i.to) !== 'db' && capability(i.from) !== capability(i.to))
      .map((i) => `${i.from} -> ${i.to}`)
      .filter((edge) => !allowed.has(edge) && !edge.startsWith('cli/'));
    assert.deepEqual(bad, []);
  });

  it('reads process.env only in config.ts and the entry points (main.ts, the CLI)', () => {
    const readers = files(SRC).filter((f) => /process\.env\b/.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
    assert.deepEqual(readers.filter((f) => !['config.ts', 'main.ts'].includes(f) && !f.startsWith('cli/')), []);
  });
});
