import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canaryEmailsIn, canaryOf, markerIn, markerOf, newWatermark } from './watermark.ts';

const context = { asOf: new Date('2026-11-29T10:00:00Z'), minCreated: new Date('2024-01-01T00:00:00Z'), maxCreated: new Date('2026-06-01T00:00:00Z'), companyName: 'Acme' };

describe('report watermarks', () => {
  it('carries any 64-bit watermark in a marker of zero-width characters, found again inside other text', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.string(), fc.string(), (n, before, after) => {
      const watermark = n.toString(16).padStart(16, '0');
      const marker = markerOf(watermark);
      assert.equal(marker.length, 66);
      assert.match(marker, /^[\u2063\u200b\u200c]+$/u, 'nothing a spreadsheet shows');
      assert.equal(markerIn(`${before}Created (UTC)${marker}${after}`), watermark);
    }));
    assert.equal(markerIn('Created (UTC),Email'), undefined);
    assert.equal(markerIn(`Created\u2063${'\u200b'.repeat(63)}\u2063`), undefined, 'a broken marker is no marker');
  });

  it('makes the same canary from the same watermark and rows, placed within their span, and another for another watermark', () => {
    const watermark = newWatermark();
    const canary = canaryOf(watermark, context);
    assert.deepEqual(canaryOf(watermark, context), canary, 'reconciliation re-creates it exactly');
    assert.ok(canary.created >= context.minCreated && canary.created <= context.maxCreated);
    assert.ok(new Date(`${canary.values['lastLogin']?.replace(' ', 'T')}Z`) <= context.asOf);
    assert.equal(canary.values['companyName'], 'Acme');
    assert.match(canary.values['created'] ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'written as the database writes times');
    assert.equal(canary.values['email'], canary.email);
    assert.equal(canary.id, `hcu${watermark}`);
    const others = new Set(Array.from({ length: 200 }, () => canaryOf(newWatermark(), context).email));
    assert.equal(others.size, 200, 'each download its own address');
  });

  it('finds canary addresses in a leaked file, and only addresses of their shape', () => {
    const { email } = canaryOf(newWatermark(), context);
    const leaked = `Created,Email\n2025-01-01 00:00:00,ann@acme.example.com\n2025-02-01 00:00:00,${email.toUpperCase()}\n`;
    assert.deepEqual(canaryEmailsIn(leaked), [email]);
    assert.deepEqual(canaryEmailsIn('bob.smith@example.com,carol.jones.ab@example.org'), []);
  });

  it('places the canary in the last month when there are no rows to place it among', () => {
    const canary = canaryOf(newWatermark(), { ...context, minCreated: null, maxCreated: null });
    assert.ok(canary.created.getTime() >= context.asOf.getTime() - 30 * 86_400_000 && canary.created <= context.asOf);
  });
});
