import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../lib/clock.ts';
import { createRateLimiter } from './rate-limit.ts';

describe('per-token rate limits', () => {
  it('allows `limit` requests in a window, then refuses, and resets 60 s after the first request', () => {
    const clock = manualClock(new Date('2026-03-01T10:00:00.500Z'));
    const limiter = createRateLimiter(clock);
    for (let i = 0; i < 3; i++) assert.equal(limiter.hit('t', 3).allowed, true);
    const refused = limiter.hit('t', 3);
    assert.equal(refused.allowed, false);
    assert.equal(refused.headers['x-rate-limit-remaining'], '0');
    assert.equal(refused.headers['x-rate-limit-limit'], '3');
    assert.equal(refused.headers['x-rate-limit-reset'], String(Math.ceil(Date.parse('2026-03-01T10:01:00.500Z') / 1000)));
    clock.advance(59_999);
    assert.equal(limiter.hit('t', 3).allowed, false);
    clock.advance(1);
    const fresh = limiter.hit('t', 3);
    assert.equal(fresh.allowed, true);
    assert.equal(fresh.headers['x-rate-limit-remaining'], '2');
  });

  it('keeps a separate bucket per key', () => {
    const limiter = createRateLimiter(manualClock(new Date(0)));
    assert.equal(limiter.hit('a', 1).allowed, true);
    assert.equal(limiter.hit('a', 1).allowed, false);
    assert.equal(limiter.hit('b', 1).allowed, true);
  });
});
