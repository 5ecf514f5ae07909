import type { Command } from 'commander';
import { migrations } from '#src/db/migrations/index.ts';
import { cliConfig, print, withDatabase } from './context.ts';

/** Serves until SIGTERM or SIGINT, then drains requests and stops; a second signal while stopping is ignored. */
async function serveUntilSignalled(): Promise<void> {
  // Loaded here so that other commands do not pay for the HTTP stack at start-up.
  const { serve } = await import('#src/server.ts');
  const server = await serve(cliConfig());
  await new Promise<void>((resolve, reject) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      server.close().then(resolve, reject);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

export function serverCommands(program: Command): void {
  program.command('serve')
    .description('Run the Bulwark server (the same as `npm start`); SIGTERM or SIGINT shut it down gracefully')
    .addHelpText('after', '\nConfigured by environment variables (PORT, HOST, DATABASE_URL, BULWARK_DATA_DIR, ...; see README).\n\nExample:\n  $ PORT=8080 bulwark serve')
    .action(serveUntilSignalled);

  program.command('migrate')
    .description('Bring the database schema to the latest migration and print what was applied')
    .addHelpText('after', '\nEvery command (and the server) also migrates on start; this one does only that.\n\nExample:\n  $ DATABASE_URL=postgres://bulwark@db/bulwark bulwark migrate')
    .action(async () => {
      let applied = false;
      await withDatabase(async () => {}, (line) => {
        if (line.startsWith('applied migrations')) applied = true;
        print(line);
      });
      const names = Object.keys(migrations).sort();
      print(`${applied ? 'Database schema migrated' : 'Database schema already up to date'}: ${names.length} migrations, latest ${names.at(-1) ?? 'none'}.`);
    });
}
