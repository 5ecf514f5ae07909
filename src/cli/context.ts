import { loadConfig, type Config } from '#src/config.ts';
import type { Db } from '#src/db/database.ts';
import { openDatabaseRuntime } from '#src/db/runtime.ts';
import { AppError } from '#src/http/errors.ts';
import { systemClock } from '#src/lib/clock.ts';
import { newRequestId } from '#src/lib/ids.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { getTenantBySlug, operatorServiceContext, type TenantRow } from '#src/tenants/service.ts';
import { configurePolicyDefaults } from '#src/policy/service.ts';
import { configureSignOnDefaults } from '#src/policy/sign-on.ts';
import { configurePasswordHashing } from '#src/users/password.ts';

/**
 * Exit codes: 1 is kept for `log verify` finding a broken log and `report verify` an altered report, so scripts
 * can tell tampering from misuse.
 */
export const EXIT_OK = 0;
export const EXIT_TAMPERED = 1;
export const EXIT_USAGE = 2;

/** A failure the operator can act on: printed as one line, exit code 2. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** One line for stderr, without stack traces or secrets: services put neither into AppError messages. */
export function describeError(err: unknown): string {
  if (err instanceof CliError) return err.message;
  if (err instanceof AppError) return err.causes.length > 0 ? err.causes.join('; ') : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Reads the environment when a command runs, so `--help` works even with a broken environment. */
export function cliConfig(): Config {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) throw new CliError(loaded.message);
  configurePasswordHashing(loaded.config.argon2);
  configurePolicyDefaults(loaded.config.lockout);
  configureSignOnDefaults(loaded.config.session);
  return loaded.config;
}

/**
 * Opens the configured database for one command and closes it afterwards, also on failure: an embedded
 * cluster this command started is stopped again, one a running server owns is left alone.
 */
export async function withDatabase<T>(work: (db: Db, config: Config) => Promise<T>, progress?: (line: string) => void): Promise<T> {
  const config = cliConfig();
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  const log = progress ?? (verbose ? (line: string) => process.stderr.write(`${line}\n`) : () => {});
  const runtime = await openDatabaseRuntime(config, 'cli', log);
  try {
    return await work(runtime.db, config);
  } finally {
    await runtime.close();
  }
}

export async function tenantBySlug(db: Db, slug: string): Promise<TenantRow> {
  try {
    return await getTenantBySlug(db, slug);
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw new CliError(`no tenant with slug "${slug}" (see \`bulwark tenant list\`)`);
    throw err;
  }
}

/** The operator acting inside one tenant: its changes are logged with actor SystemPrincipal. */
export function operatorIn(db: Db, tenant: TenantRow, command: string): ServiceContext {
  return operatorServiceContext(db, systemClock, tenant.id, `cli-${command}-${newRequestId()}`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Fixed-width columns for human output. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  print(line(header));
  for (const r of rows) print(line(r));
}
