import { createPublicKey, type KeyObject } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { exportCheckpoints, exportLog } from '#src/syslog/export.ts';
import { verifyLog, type VerifyReport } from '#src/syslog/verify.ts';
import { importCommand } from './forensics-commands.ts';
import { CliError, cliConfig, EXIT_TAMPERED, print, printJson, tenantBySlug, withDatabase } from './context.ts';
import { parseIsoDate } from './parse.ts';

/** Where the server keeps the checkpoint key pair (src/syslog/checkpoints.ts `loadSigningKey`). */
const KEY_DIR = 'keys';
const PUBLIC_KEY_FILE = 'log-signing-ed25519.pub.pem';
const PRIVATE_KEY_FILE = 'log-signing-ed25519.pem';

/** The checkpoint public key: an explicit file, else the server's key files. Never creates a key. */
function publicKeyFor(file: string | undefined, dataDir: string): KeyObject {
  const pub = join(dataDir, KEY_DIR, PUBLIC_KEY_FILE);
  const priv = join(dataDir, KEY_DIR, PRIVATE_KEY_FILE);
  try {
    if (file !== undefined) return createPublicKey(readFileSync(file));
    if (existsSync(pub)) return createPublicKey(readFileSync(pub));
    if (existsSync(priv)) return createPublicKey(readFileSync(priv));
  } catch (err) {
    throw new CliError(`cannot read the checkpoint public key: ${(err as Error).message}`);
  }
  throw new CliError(`no checkpoint key in ${join(dataDir, KEY_DIR)}: set BULWARK_DATA_DIR to the server's data directory or pass --public-key FILE`);
}

function printReport(report: VerifyReport): void {
  for (const t of report.tenants) {
    print(t.ok ? `ok      ${t.slug}: ${t.events} events intact` : `BROKEN  ${t.slug}: seq ${t.problem?.seq}: ${t.problem?.message}`);
  }
  const broken = report.tenants.filter((t) => !t.ok).length;
  const rate = report.ms > 0 ? `, ${Math.round(report.eventsChecked / (report.ms / 1000))} events/s` : '';
  print(`${broken === 0 ? 'System Log intact' : `System Log BROKEN in ${broken} of ${report.tenants.length} tenants`}: ${report.eventsChecked} events checked in ${report.ms} ms${rate}`);
}

/** Lines to a file (mode 0600: the log holds personal data) or stdout, honouring back-pressure. */
async function withSink<T>(out: string | undefined, work: (write: (line: string) => Promise<void> | void) => Promise<T>): Promise<T> {
  const stream: Writable = out === undefined ? process.stdout : createWriteStream(out, { mode: 0o600 });
  let failure: Error | undefined;
  // A closed pipe (`| head`) or a full disk ends the export with one line, and the database is still closed.
  stream.on('error', (err) => { failure = err; });
  const fail = (err: Error) => new CliError(`cannot write ${out ?? 'standard output'}: ${err.message}`);
  const write = async (line: string) => {
    if (failure) throw fail(failure);
    if (!stream.write(line)) await once(stream, 'drain').catch((err: Error) => { throw fail(err); });
  };
  const result = await work(write);
  if (out !== undefined) {
    stream.end();
    await finished(stream).catch((err: Error) => { throw fail(err); });
  }
  if (failure) throw fail(failure);
  return result;
}

export function logCommands(program: Command): void {
  const log = program.command('log').alias('logs').description('Verify and export the hash-chained System Log, import Okta exports into workspaces (`logs` works too)');

  log.command('verify')
    .description('Re-hash every tenant\'s System Log and check it against its chain head and signed checkpoints; exit 1 if any log is broken')
    .option('--tenant <slug>', 'verify one tenant (default: all)')
    .option('--public-key <file>', 'PEM public key of the checkpoints (default: the key in BULWARK_DATA_DIR/keys)')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExit status: 0 intact, 1 a log is broken (the line names the first bad seq), 2 usage or database error.\n\nExample:\n  $ bulwark log verify --tenant acme')
    .action(async (opts: { tenant?: string; publicKey?: string; json?: boolean }) => {
      const publicKey = publicKeyFor(opts.publicKey, cliConfig().dataDir);
      const report = await withDatabase(async (db) => {
        const tenantId = opts.tenant === undefined ? undefined : (await tenantBySlug(db, opts.tenant)).id;
        return verifyLog(db, { publicKey, ...(tenantId === undefined ? {} : { tenantId }) });
      });
      if (opts.json) printJson(report);
      else printReport(report);
      if (!report.ok) process.exitCode = EXIT_TAMPERED;
    });

  log.command('export')
    .description('Write a tenant\'s System Log as NDJSON in chain order, each event with bulwark.{seq,hash,prevHash} for outside verification')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--since <iso>', 'only events published at or after this time (ISO 8601)')
    .option('--until <iso>', 'only events published before this time (ISO 8601)')
    .option('--out <file>', 'write to this file (mode 0600) instead of standard output')
    .addHelpText('after', '\nExample:\n  $ bulwark logs export --tenant acme --since 2026-01-01T00:00:00Z --out acme-log.ndjson')
    .action(async (opts: { tenant: string; since?: string; until?: string; out?: string }) => {
      const since = opts.since === undefined ? undefined : parseIsoDate(opts.since, '--since');
      const until = opts.until === undefined ? undefined : parseIsoDate(opts.until, '--until');
      if (since && until && since > until) throw new CliError('--since must not be after --until');
      const count = await withDatabase(async (db) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        return withSink(opts.out, (write) => exportLog(db, tenant.id, write, { ...(since ? { since } : {}), ...(until ? { until } : {}) }));
      });
      if (opts.out !== undefined) print(`Exported ${count} events of ${opts.tenant} to ${opts.out}.`);
    });

  log.command('checkpoints')
    .description('Write a tenant\'s signed checkpoints as NDJSON: the evidence an outside verifier checks an export against')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { tenant: string; out?: string }) => {
      const count = await withDatabase(async (db) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        return withSink(opts.out, (write) => exportCheckpoints(db, tenant.id, write));
      });
      if (opts.out !== undefined) print(`Exported ${count} checkpoints of ${opts.tenant} to ${opts.out}.`);
    });

  log.command('public-key')
    .description('Print the Ed25519 public key (PEM) that signs checkpoints, for outside verifiers')
    .action(() => {
      const key = publicKeyFor(undefined, cliConfig().dataDir);
      process.stdout.write(String(key.export({ type: 'spki', format: 'pem' })));
    });

  importCommand(log);
}
