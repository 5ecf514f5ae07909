/**
 * Seeded randomness for generated data (the benchmarks' inputs, `bulwark simulate`): the same seed replays the
 * same values on every machine. Never for secrets: that is node:crypto's job.
 */

export type Rand = () => number;

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seed for the `index`-th independent stream of `seed`, so that what one stream draws never shifts another
 * (e.g. one per tenant: adding an event to one tenant leaves every other tenant as it was).
 */
export function subSeed(seed: number, index: number): number {
  // splitmix32-style finalizer: neighbouring indices give unrelated seeds.
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

/** An integer from `min` to `max`, both included. */
export const between = (rand: Rand, min: number, max: number): number => min + Math.floor(rand() * (max - min + 1));

export const chance = (rand: Rand, p: number): boolean => rand() < p;

/** An entry of `list` drawn with the weight beside it. */
export function weighted<T>(rand: Rand, list: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of list) total += w;
  let r = rand() * total;
  for (const [value, w] of list) {
    r -= w;
    if (r < 0) return value;
  }
  return (list[list.length - 1] as readonly [T, number])[0];
}

/** `count` distinct entries of `list` (all of them when it has no more), in drawing order. */
export function sample<T>(rand: Rand, list: readonly T[], count: number): T[] {
  const copy = [...list];
  const n = Math.min(count, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rand() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(rand: Rand, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[Math.floor(rand() * 62)];
  return out;
}
