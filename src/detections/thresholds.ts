/**
 * The built-in rules' numbers, in one place: their defaults, their bounds, and one text form
 * (`name=value,name=value`) that both BULWARK_DETECTION_THRESHOLDS and `bulwark detect --threshold` read, so
 * the server and the command line cannot disagree on a name or a limit.
 */

export const THRESHOLDS = {
  /** Distinct tenants one support principal acts on within `supportWindowMinutes` that raise an alert. */
  supportTenants: { default: 5, min: 2, max: 100_000 },
  supportWindowMinutes: { default: 60, min: 1, max: 10_080 },
  /** A privilege grant this long after a password or factor reset of the same user raises an alert. */
  resetWindowHours: { default: 24, min: 1, max: 720 },
  /** A report download of more rows than this (the bulk threshold of the "all support users" template). */
  exportRows: { default: 500, min: 1, max: 1_000_000_000 },
  /** A report download of more bytes than this. */
  exportBytes: { default: 1_000_000, min: 1, max: 1_000_000_000_000 },
  /** Keys (users, sessions, staff members) each rule remembers at most; the least recently seen go first. */
  maxKeys: { default: 100_000, min: 100, max: 10_000_000 },
} as const;

export type ThresholdName = keyof typeof THRESHOLDS;
export type Thresholds = Readonly<Record<ThresholdName, number>>;

export const THRESHOLD_NAMES = Object.keys(THRESHOLDS) as ThresholdName[];

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze(Object.fromEntries(THRESHOLD_NAMES.map((n) => [n, THRESHOLDS[n].default])) as Record<ThresholdName, number>);

export type ThresholdsResult = { ok: true; value: Thresholds } | { ok: false; reason: string };

const isName = (name: string): name is ThresholdName => Object.hasOwn(THRESHOLDS, name);

/** `name=value` pairs, comma-separated (empty: the defaults), over `base`. */
export function parseThresholds(text: string, base: Thresholds = DEFAULT_THRESHOLDS): ThresholdsResult {
  const out: Record<ThresholdName, number> = { ...base };
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [name = '', value, extra] = part.split('=').map((s) => s.trim());
    if (value === undefined || extra !== undefined) return { ok: false, reason: `"${part}" is not name=value` };
    if (!isName(name)) return { ok: false, reason: `unknown threshold "${name}" (known: ${THRESHOLD_NAMES.join(', ')})` };
    const { min, max } = THRESHOLDS[name];
    const n = /^\d{1,13}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) return { ok: false, reason: `${name} must be an integer from ${min} to ${max}, got "${value}"` };
    out[name] = n;
  }
  return { ok: true, value: Object.freeze(out) };
}
