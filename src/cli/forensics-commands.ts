import { createWriteStream, existsSync, statSync, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { importFiles, type ImportSummary, type Rejection } from '#src/forensics/import.ts';
import { checkWorkspaceName, deleteWorkspace, listWorkspaces, openWorkspace, WorkspaceError } from '#src/forensics/workspace.ts';
import { CliError, cliConfig, print, printJson, printTable } from './context.ts';

/** A failure while importing (not the operator's arguments): exit 1, as `logs import` documents. */
const EXIT_FAILED = 1;

function checkFiles(files: string[]): void {
  for (const f of files) {
    if (!existsSync(f)) throw new CliError(`no such file: ${f}`);
    if (!statSync(f).isFile()) throw new CliError(`not a file: ${f}`);
  }
}

function parseTenant(value: string): string {
  const tenant = value.trim();
  if (tenant === '' || tenant.length > 255 || /[\s\u0000-\u001f]/.test(tenant)) throw new CliError(`--tenant must be a tenant name or host without spaces, got "${value}"`);
  return tenant;
}

function printSummary(s: ImportSummary): void {
  printTable(['FILE', 'FORMAT', 'READ', 'IMPORTED', 'DUPLICATES', 'REJECTED'],
    s.files.map((f) => [f.file, f.format, String(f.eventsRead), String(f.imported), String(f.duplicates), String(f.rejected)]));
  print(`Workspace ${s.workspace}: ${s.files.length} files, ${s.eventsRead} events read, ${s.imported} imported, ${s.duplicates} duplicates, ${s.rejected} rejected in ${s.seconds} s (${s.eventsPerSecond} events/s).`);
}

export function importCommand(log: Command): void {
  log.command('import')
    .description('Import Okta System Log exports (NDJSON, JSON array or CSV, told apart by content) into an investigation workspace, apart from the live System Log')
    .argument('<files...>', 'export files')
    .requiredOption('--workspace <name>', 'workspace to import into (created on first use)')
    .option('--tenant <name>', 'tenant (org name or host) the events belong to, stored on every imported event')
    .option('--rejects <file>', 'also write every rejected record as NDJSON {file, line, reason, raw} to this file (mode 0600)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nEvents are de-duplicated by uuid; a record without a uuid (UUID syntax), a parseable published time or an eventType is rejected with its line number and reason on stderr, and the import goes on.\nExit status: 0 the import ran (even with rejections), 1 it failed, 2 usage error.\n\nExample:\n  $ bulwark logs import okta-2026-05.ndjson okta-admin-console.csv --workspace case-4711 --tenant acme.okta.com --rejects rejected.ndjson')
    .action(async (files: string[], opts: { workspace: string; tenant?: string; rejects?: string; json?: boolean }) => {
      const name = wrap(() => checkWorkspaceName(opts.workspace));
      const tenant = opts.tenant === undefined ? undefined : parseTenant(opts.tenant);
      checkFiles(files);
      const { dataDir } = cliConfig();
      let rejectsOut: WriteStream | undefined;
      let bar: cliProgress.SingleBar | undefined;
      try {
        rejectsOut = opts.rejects === undefined ? undefined : createWriteStream(opts.rejects, { mode: 0o600 });
        const onReject = (r: Rejection) => {
          // On a terminal the line goes above the progress bar, which redraws itself on its next update.
          process.stderr.write(`${bar ? '\r\x1b[K' : ''}${r.file} line ${r.line}: ${r.reason}\n`);
          rejectsOut?.write(`${JSON.stringify(r)}\n`);
        };
        if (process.stderr.isTTY) {
          bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'importing [{bar}] {percentage}% | {value}/{total} MB | ETA {eta}s', hideCursor: true }, cliProgress.Presets.shades_classic);
          bar.start(0, 0);
        }
        const ws = await openWorkspace(dataDir, name);
        let summary: ImportSummary;
        try {
          summary = await importFiles(ws, files, {
            ...(tenant === undefined ? {} : { tenant }),
            onReject,
            onProgress: (read, total) => {
              bar?.setTotal(Math.ceil(total / 1e6));
              bar?.update(Math.floor(read / 1e6));
            },
          });
        } finally {
          ws.close();
        }
        bar?.stop();
        if (opts.json) printJson(summary);
        else printSummary(summary);
      } catch (err) {
        bar?.stop();
        process.stderr.write(`error: import failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = EXIT_FAILED;
      } finally {
        rejectsOut?.end();
      }
    });
}

/** Turns a bad workspace name into the usage error (exit 2) it is. */
function wrap<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof WorkspaceError) throw new CliError(err.message);
    throw err;
  }
}

export function workspaceCommands(program: Command): void {
  const ws = program.command('workspaces').alias('workspace').description('Investigation workspaces: DuckDB files of imported Okta System Log events (docs/forensics.md)');

  ws.command('list')
    .description('List the workspaces in BULWARK_DATA_DIR/workspaces')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) => {
      const list = listWorkspaces(cliConfig().dataDir);
      if (opts.json) return printJson(list.map((w) => ({ name: w.name, path: w.path, bytes: w.bytes, modified: w.modified.toISOString() })));
      if (list.length === 0) return print('No workspaces.');
      printTable(['NAME', 'SIZE', 'MODIFIED', 'PATH'], list.map((w) => [w.name, `${(w.bytes / 1e6).toFixed(1)} MB`, w.modified.toISOString(), w.path]));
    });

  ws.command('delete')
    .description('Delete a workspace file and everything imported into it')
    .argument('<name>', 'workspace name')
    .option('--yes', 'confirm the deletion (required)')
    .action((name: string, opts: { yes?: boolean }) => {
      wrap(() => checkWorkspaceName(name));
      if (!opts.yes) throw new CliError(`deleting workspace "${name}" cannot be undone: add --yes to confirm`);
      wrap(() => deleteWorkspace(cliConfig().dataDir, name));
      print(`Deleted workspace ${name}.`);
    });
}
