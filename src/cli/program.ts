import { Command, CommanderError } from 'commander';
import { describeError, EXIT_USAGE } from './context.ts';
import { detectCommands } from './detect-commands.ts';
import { workspaceCommands } from './forensics-commands.ts';
import { investigateCommands } from './investigate-commands.ts';
import { logCommands } from './log-commands.ts';
import { remediationCommands } from './remediation-commands.ts';
import { reportCommands } from './report-commands.ts';
import { serverCommands } from './server-commands.ts';
import { simulateCommand } from './simulate-commands.ts';
import { tenantCommands } from './tenant-commands.ts';
import { tokenCommands } from './token-commands.ts';
import { userCommands } from './user-commands.ts';

/**
 * The `bulwark` operator command line. Commander's own exits are turned into exceptions (`exitOverride`) so
 * that main.ts alone decides the exit code and every open database is closed first.
 */
export function buildProgram(): Command {
  const program = new Command('bulwark')
    .description('Operate a Bulwark installation: run the server, manage tenants, users and API tokens, verify and export the System Log.\nCommands act as the operator (actor SystemPrincipal in the System Log) on the database the environment names: DATABASE_URL, or the embedded PostgreSQL in BULWARK_DATA_DIR (joined when a server is running).')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      // Commander puts its "Did you mean" hint on a second line; errors stay one line for scripts and logs.
      outputError: (text, write) => write(`${text.trimEnd().replaceAll('\n', ' ')}\n`),
    });
  serverCommands(program);
  tenantCommands(program);
  userCommands(program);
  tokenCommands(program);
  logCommands(program);
  workspaceCommands(program);
  detectCommands(program);
  simulateCommand(program);
  remediationCommands(program);
  investigateCommands(program);
  reportCommands(program);
  return program;
}

/**
 * Runs one command and returns the exit code: 0 done, 1 `log verify` found a broken log or `report verify` an
 * altered report, 2 bad arguments, unknown names, refused input or an unreachable database, always with one
 * line on stderr.
 */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    // Commander has already printed its own message, or the help that was asked for.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    process.stderr.write(`error: ${describeError(err)}\n`);
    return EXIT_USAGE;
  }
}
