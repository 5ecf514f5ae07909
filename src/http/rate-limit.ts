import type { Clock } from '#src/lib/clock.ts';

export type RateDecision = { allowed: boolean; headers: Record<string, string> };

type Window = { start: number; count: number };

const WINDOW_MS = 60_000;
const SWEEP_AT = 10_000;

/**
 * Okta-style per-token buckets: a 60-second window that starts at a key's first request (not aligned to the
 * wall-clock minute), reported in `X-Rate-Limit-*` headers with the reset as epoch seconds. In-process: each
 * app process enforces its own share, documented in docs/scaling.md.
 */
export function createRateLimiter(clock: Clock) {
  const windows = new Map<string, Window>();
  return {
    hit(key: string, limit: number): RateDecision {
      const now = clock.now().getTime();
      if (windows.size > SWEEP_AT) {
        for (const [k, w] of windows) if (now - w.start >= WINDOW_MS) windows.delete(k);
      }
      let w = windows.get(key);
      if (!w || now - w.start >= WINDOW_MS) {
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      const allowed = w.count <= limit;
      return {
        allowed,
        headers: {
          'x-rate-limit-limit': String(limit),
          'x-rate-limit-remaining': String(Math.max(0, limit - w.count)),
          'x-rate-limit-reset': String(Math.ceil((w.start + WINDOW_MS) / 1000)),
        },
      };
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
