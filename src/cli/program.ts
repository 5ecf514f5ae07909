import { Command, CommanderError } from 'commander';
import { describeError, EXIT_USAGE } from './context.ts';

type Register = (program: Command) => void;

/**
 * The command groups, in the order help lists them, each with the top-level names it registers. A group's
 * module is imported only when its command runs: most of a command's start is loading modules, and each group
 * brings its own capability's (the simulator, remediation, detections), which no other command needs.
 */
const GROUPS: { names: string[]; load: () => Promise<Register> }[] = [
  { names: ['serve', 'migrate'], load: async () => (await import('./server-commands.ts')).serverCommands },
  { names: ['tenant'], load: async () => (await import('./tenant-commands.ts')).tenantCommands },
  { names: ['user'], load: async () => (await import('./user-commands.ts')).userCommands },
  { names: ['token'], load: async () => (await import('./token-commands.ts')).tokenCommands },
  { names: ['log', 'logs'], load: async () => (await import('./log-commands.ts')).logCommands },
  { names: ['workspaces', 'workspace'], load: async () => (await import('./forensics-commands.ts')).workspaceCommands },
  { names: ['detect'], load: async () => (await import('./detect-commands.ts')).detectCommands },
  { names: ['simulate'], load: async () => (await import('./simulate-commands.ts')).simulateCommand },
  { names: ['remediate'], load: async () => (await import('./remediation-commands.ts')).remediationCommands },
  { names: ['investigate'], load: async () => (await import('./investigate-commands.ts')).investigateCommands },
  { names: ['report', 'reports'], load: async () => (await import('./report-commands.ts')).reportCommands },
];

/**
 * The `bulwark` operator command line. Commander's own exits are turned into exceptions (`exitOverride`) so
 * that main.ts alone decides the exit code and every open database is closed first.
 */
export async function buildProgram(argv: string[]): Promise<Command> {
  const program = new Command('bulwark')
    .description('Operate a Bulwark installation: run the server, manage tenants, users and API tokens, verify and export the System Log.\nCommands act as the operator (actor SystemPrincipal in the System Log) on the database the environment names: DATABASE_URL, or the embedded PostgreSQL in BULWARK_DATA_DIR (joined when a server is running).')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      // Commander puts its "Did you mean" hint on a second line; errors stay one line for scripts and logs.
      outputError: (text, write) => write(`${text.trimEnd().replaceAll('\n', ' ')}\n`),
    });
  // Help, `help NAME`, and a name that is no command (for the "did you mean") need every group.
  const named = GROUPS.find((g) => g.names.includes(argv[2] ?? ''));
  for (const group of named ? [named] : GROUPS) (await group.load())(program);
  return program;
}

/**
 * Runs one command and returns the exit code: 0 done, 1 `log verify` found a broken log or `report verify` an
 * altered report, 2 bad arguments, unknown names, refused input or an unreachable database, always with one
 * line on stderr.
 */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    // Commander has already printed its own message, or the help that was asked for.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    process.stderr.write(`error: ${describeError(err)}\n`);
    return EXIT_USAGE;
  }
}
