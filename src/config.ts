import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseThresholds, type Thresholds } from './detections/thresholds.ts';
import type { Argon2Parameters } from './users/password.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** An IPv4 or IPv6 address, optionally with a prefix length that fits it. */
function isCidr(value: string): boolean {
  const [ip = '', prefix, extra] = value.split('/');
  const version = isIP(ip);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/** `{"name": ["value", …]}`: the values of Sigma placeholders, as src/detections/sigma-load.ts takes them. */
const placeholders = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object such as {"name": ["value"]}' });
    return z.NEVER;
  }
}).pipe(z.record(z.string(), z.array(z.string()), 'must be a JSON object of string lists, such as {"name": ["value"]}'));

/** Debian's Chromium, which renders PDF reports: the one browser that installs here (never a downloaded one). */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Every environment variable Bulwark reads, with its default and its rule. README's table mirrors this. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  BULWARK_DATA_DIR: z.string().min(1).default('./.bulwark'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S*$/, 'must be a postgres:// or postgresql:// URL').optional(),
  BASE_DOMAIN: z.string().regex(/^[a-z0-9.-]+(:\d+)?$/i, 'must be a host name such as example.com').default('localhost'),
  BULWARK_BOOTSTRAP_ADMIN_EMAIL: z.email().default('admin@demo.example.com'),
  BULWARK_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(128).optional(),
  BULWARK_BOOTSTRAP_API_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/, 'must be 32-128 characters of A-Z a-z 0-9 _ -').optional(),
  BULWARK_SEED_DEMO: bool.default(true),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  BULWARK_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  BULWARK_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  BULWARK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6000),
  BULWARK_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(300).default(60),
  BULWARK_TRUSTED_PROXIES: z.string().default('').refine((v) => v.split(',').map((c) => c.trim()).filter(Boolean).every(isCidr), 'must be a comma-separated list of IP addresses or CIDR ranges'),
  BULWARK_ASN_DB: z.string().min(1).optional(),
  BULWARK_NEW_LOCATION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  BULWARK_ARGON2_MEMORY_KIB: z.coerce.number().int().min(19456, 'must be at least 19456 (OWASP)').max(4 * 1024 * 1024).default(19456),
  BULWARK_ARGON2_ITERATIONS: z.coerce.number().int().min(2, 'must be at least 2 (OWASP)').max(100).default(2),
  BULWARK_ARGON2_PARALLELISM: z.coerce.number().int().min(1).max(16).default(1),
  BULWARK_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  BULWARK_LOCKOUT_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(60),
  BULWARK_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(30 * 24 * 60).default(120),
  BULWARK_SECRETS_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64').optional(),
  BULWARK_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(90 * 24).default(12),
  BULWARK_HELP_CENTER_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  BULWARK_HELP_CENTER_MAX_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(8),
  BULWARK_HELP_CENTER_STAFF_IDLE_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
  BULWARK_CHROMIUM: z.string().min(1).default(DEFAULT_CHROMIUM),
  BULWARK_SIGMA_DIR: z.string().min(1).optional(),
  BULWARK_SIGMA_PLACEHOLDERS: placeholders.optional(),
  BULWARK_DETECTION_THRESHOLDS: z.string().default('').transform((text, ctx) => {
    const parsed = parseThresholds(text);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  }),
});

export type Config = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  baseDomain: string;
  bootstrap: Readonly<{ adminEmail: string; adminPassword: string | undefined; apiToken: string | undefined; seedDemo: boolean }>;
  logLevel: (typeof LOG_LEVELS)[number];
  dbPoolSize: number;
  bodyLimitBytes: number;
  rateLimitPerMinute: number;
  checkpointIntervalSeconds: number;
  /** Proxies whose X-Forwarded-For is believed (IPs or CIDRs); empty: the socket's address is the client. */
  trustedProxies: readonly string[];
  /** An operator's MaxMind-format ASN database; unset: the bundled `@ip-location-db/asn` data. */
  asnDb: string | undefined;
  /** How far back a user's sign-in networks count as "seen" when a factor is enrolled. */
  newLocationDays: number;
  argon2: Argon2Parameters;
  /** Wrong passwords in a row before the account locks, and minutes until it unlocks by itself (0: only an admin unlocks). */
  lockout: Readonly<{ attempts: number; minutes: number }>;
  /** Default session lifetimes, until sign-on policies set them per app. */
  session: Readonly<{ idleMinutes: number; maxHours: number }>;
  /**
   * The Help Centers' own sessions, apart from any tenant's: idle and maximum lifetimes; support staff's idle
   * lifetime, never longer than customers'.
   */
  helpCenterSession: Readonly<{ idleMinutes: number; maxHours: number; staffIdleMinutes: number }>;
  /** The key that seals TOTP secrets; unset: the key file in the data dir. */
  secretsKey: Buffer | undefined;
  /** The Chromium executable that renders PDF impact reports. */
  chromiumPath: string;
  /** The detection worker (docs/detections.md): Sigma rules from this directory (none when unset), their placeholders, the built-in rules' numbers. */
  detections: Readonly<{ sigmaDir: string | undefined; sigmaPlaceholders: Readonly<Record<string, readonly string[]>>; thresholds: Thresholds }>;
}>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

/** Reads the environment once. A bad value yields one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    return { ok: false, message: `Invalid configuration: ${name}: ${issue?.message ?? 'invalid value'}` };
  }
  const e = parsed.data;
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.BULWARK_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    baseDomain: e.BASE_DOMAIN.toLowerCase(),
    bootstrap: Object.freeze({
      adminEmail: e.BULWARK_BOOTSTRAP_ADMIN_EMAIL,
      adminPassword: e.BULWARK_BOOTSTRAP_ADMIN_PASSWORD,
      apiToken: e.BULWARK_BOOTSTRAP_API_TOKEN,
      seedDemo: e.BULWARK_SEED_DEMO,
    }),
    logLevel: e.LOG_LEVEL,
    dbPoolSize: e.BULWARK_DB_POOL_SIZE,
    bodyLimitBytes: e.BULWARK_BODY_LIMIT_BYTES,
    rateLimitPerMinute: e.BULWARK_RATE_LIMIT_PER_MINUTE,
    checkpointIntervalSeconds: e.BULWARK_CHECKPOINT_INTERVAL_SECONDS,
    trustedProxies: Object.freeze(e.BULWARK_TRUSTED_PROXIES.split(',').map((c) => c.trim()).filter(Boolean)),
    asnDb: e.BULWARK_ASN_DB === undefined ? undefined : resolve(e.BULWARK_ASN_DB),
    newLocationDays: e.BULWARK_NEW_LOCATION_DAYS,
    argon2: Object.freeze({ memoryKib: e.BULWARK_ARGON2_MEMORY_KIB, iterations: e.BULWARK_ARGON2_ITERATIONS, parallelism: e.BULWARK_ARGON2_PARALLELISM }),
    lockout: Object.freeze({ attempts: e.BULWARK_LOCKOUT_ATTEMPTS, minutes: e.BULWARK_LOCKOUT_MINUTES }),
    session: Object.freeze({ idleMinutes: e.BULWARK_SESSION_IDLE_MINUTES, maxHours: e.BULWARK_SESSION_MAX_HOURS }),
    helpCenterSession: Object.freeze({
      idleMinutes: e.BULWARK_HELP_CENTER_IDLE_MINUTES,
      maxHours: e.BULWARK_HELP_CENTER_MAX_HOURS,
      staffIdleMinutes: Math.min(e.BULWARK_HELP_CENTER_STAFF_IDLE_MINUTES, e.BULWARK_HELP_CENTER_IDLE_MINUTES),
    }),
    secretsKey: e.BULWARK_SECRETS_KEY === undefined ? undefined : Buffer.from(e.BULWARK_SECRETS_KEY, 'base64'),
    chromiumPath: e.BULWARK_CHROMIUM,
    detections: Object.freeze({
      sigmaDir: e.BULWARK_SIGMA_DIR === undefined ? undefined : resolve(e.BULWARK_SIGMA_DIR),
      sigmaPlaceholders: Object.freeze(e.BULWARK_SIGMA_PLACEHOLDERS ?? {}),
      thresholds: e.BULWARK_DETECTION_THRESHOLDS,
    }),
  };
  return { ok: true, config: Object.freeze(config) };
}
