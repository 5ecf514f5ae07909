/** The one source of time, injectable so tests of windows and timeouts never sleep. */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export function manualClock(start: Date): Clock & { advance(ms: number): void; set(d: Date): void } {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (ms) => { t += ms; },
    set: (d) => { t = d.getTime(); },
  };
}
