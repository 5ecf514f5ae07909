import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRequestId } from './ids.ts';

describe('request ids', () => {
  it('are 25 URL-safe characters and never repeat, also across refills of the random pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const id = newRequestId();
      assert.match(id, /^[A-Za-z0-9_-]{25}$/);
      assert.ok(!seen.has(id), `repeated ${id}`);
      seen.add(id);
    }
    // Every position varies: no fixed prefix or suffix from the pool's layout.
    for (let p = 0; p < 25; p++) assert.ok(new Set([...seen].map((id) => id[p])).size > 32, `position ${p} barely varies`);
  });
});
