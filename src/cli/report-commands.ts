import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { loadReportKey, publicKeyPem, readReportPublicKey, reportKeyPaths, verifyReport } from '#src/forensics/report-signing.ts';
import { CliError, cliConfig, EXIT_TAMPERED, print, printJson } from './context.ts';

function readInput(file: string, what: string): Buffer {
  if (!existsSync(file)) throw new CliError(`no such file: ${file}`);
  if (!statSync(file).isFile()) throw new CliError(`${what} is not a file: ${file}`);
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

function ed25519(key: KeyObject, from: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new CliError(`${from} is not an Ed25519 public key (its type is ${key.asymmetricKeyType ?? 'secret'}): reports are signed with Ed25519`);
  return key;
}

/** The customer's PEM when given; otherwise this installation's report key, which this never creates. */
function publicKeyFor(file: string | undefined): KeyObject {
  if (file !== undefined) {
    const pem = readInput(file, 'the public key');
    try {
      return ed25519(createPublicKey(pem), file);
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(`cannot read the public key ${file}: not a PEM public key (${(err as Error).message})`);
    }
  }
  const { dataDir } = cliConfig();
  let key: KeyObject | null;
  try {
    key = readReportPublicKey(dataDir);
  } catch (err) {
    throw new CliError(`cannot read the report key in ${dataDir}: ${(err as Error).message}`);
  }
  if (key === null) throw new CliError(`no report signing key at ${reportKeyPaths(dataDir).publicKey}: pass --public-key FILE (the PEM the provider published), or set BULWARK_DATA_DIR to the installation's data directory`);
  return ed25519(key, reportKeyPaths(dataDir).publicKey);
}

export function reportCommands(program: Command): void {
  const report = program.command('report').alias('reports').description('Signed impact reports of an incident (docs/forensics.md): verify a report file, print the key that signs them');

  report.command('verify')
    .description('Check that a report file is exactly the one the provider signed, against its detached .sig and the provider\'s public key; exit 1 if not')
    .argument('<file>', 'report file (impact-report.pdf, .html, .csv or .json)')
    .option('--signature <file>', 'the detached signature (default: FILE.sig)')
    .option('--public-key <file>', 'PEM public key the provider published (default: this installation\'s report key in BULWARK_DATA_DIR/keys)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExit status: 0 valid, 1 the file or its signature was altered or signed by another key, 2 usage error (missing file, unreadable key).\n\nExample:\n  $ bulwark report verify impact-report.pdf --public-key bulwark-report-key.pem\n  valid: signed by key B0ALGsSICJs2fmdBw9HQhg at 2026-11-29T14:02:46.101Z')
    .action((file: string, opts: { signature?: string; publicKey?: string; json?: boolean }) => {
      const content = readInput(file, 'the report');
      const sigFile = opts.signature ?? `${file}.sig`;
      if (opts.signature === undefined && !existsSync(sigFile)) throw new CliError(`no signature file ${sigFile}: pass --signature FILE`);
      const signature = readInput(sigFile, 'the signature').toString('utf8');
      const result = verifyReport(content, signature, publicKeyFor(opts.publicKey));
      if (opts.json) printJson({ file, signature: sigFile, ...result });
      else print(result.ok ? `valid: signed by key ${result.keyId} at ${result.signedAt}` : `invalid: ${result.reason}`);
      if (!result.ok) process.exitCode = EXIT_TAMPERED;
    });

  report.command('public-key')
    .description('Print the Ed25519 public key (PEM) that signs impact reports, and its key id, for customers to verify reports with; creates the key on first use')
    .option('--json', 'print {keyId, pem} as JSON')
    .action((opts: { json?: boolean }) => {
      const { dataDir } = cliConfig();
      const key = loadReportKey(dataDir);
      if (key.created) process.stderr.write(`created the report signing key ${reportKeyPaths(dataDir).privateKey}\n`);
      const pem = publicKeyPem(key.publicKey);
      if (opts.json) return printJson({ keyId: key.keyId, pem });
      process.stdout.write(pem);
      print(`keyId: ${key.keyId}`);
    });
}
