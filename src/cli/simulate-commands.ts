import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Counts } from '#src/forensics/staging.ts';
import { DEFAULTS, LIMITS, SCENARIO_DEFAULTS, SCENARIOS, simulate, SimulationError, simulationOptions, type Scenario, type SimulateOptions, type Simulation } from '#src/forensics/simulate.ts';
import { writeTenantNdjson, writeToWorkspace } from '#src/forensics/simulate-output.ts';
import { checkWorkspaceName, openWorkspace, WorkspaceError } from '#src/forensics/workspace.ts';
import { CliError, cliConfig, print, printJson } from './context.ts';
import { parseInteger, parseIsoDate } from './parse.ts';

/** A failure while writing (not the operator's arguments): exit 1, as `logs import` has it. */
const EXIT_FAILED = 1;

type Opts = {
  workspace?: string; scenario?: string; tenants?: string; events?: string; touched?: string; days?: string; start?: string; seed?: string;
  ndjson?: string; truth?: string; json?: boolean;
};

function optionsOf(opts: Opts): SimulateOptions {
  if (opts.scenario !== undefined && !(SCENARIOS as readonly string[]).includes(opts.scenario)) throw new CliError(`--scenario must be one of ${SCENARIOS.join(', ')}, got "${opts.scenario}"`);
  const int = (value: string | undefined, flag: string, [min, max]: readonly [number, number]) => (value === undefined ? undefined : parseInteger(value, flag, min, max));
  const tenants = int(opts.tenants, '--tenants', LIMITS.tenants);
  const given = {
    scenario: opts.scenario as Scenario | undefined,
    tenants,
    events: int(opts.events, '--events', LIMITS.events),
    touched: int(opts.touched, '--touched', [1, tenants ?? DEFAULTS.tenants]),
    days: int(opts.days, '--days', LIMITS.days),
    start: opts.start === undefined ? undefined : parseIsoDate(opts.start, '--start'),
    seed: int(opts.seed, '--seed', LIMITS.seed),
  };
  return usage(() => simulationOptions(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined))));
}

/** A SimulationError is the operator's to fix (exit 2); it names the option without its dashes. */
function usage<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof SimulationError) throw new CliError(err.message.replace(/^(\w+)/, '--$1'));
    throw err;
  }
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

export function simulateCommand(program: Command): void {
  program.command('simulate')
    .description('Generate realistic multi-tenant System Log activity with an incident embedded, and its ground truth, for demos, tests and benchmarks (docs/forensics.md, "Simulator")')
    .option('--workspace <name>', 'investigation workspace to write the events into, each with its tenant (created on first use)')
    .option('--scenario <name>', `${SCENARIOS.join(' or ')} (default ${DEFAULTS.scenario})`)
    .option('--tenants <n>', `customer tenants (default ${DEFAULTS.tenants}); the cell's support plane is one more`)
    .option('--events <n>', `events in all, about (default ${DEFAULTS.events})`)
    .option('--touched <n>', `tenants the intruder acts on (2022, default ${SCENARIO_DEFAULTS['2022-support-takeover'].touched}) or whose cases it reads (2023, default ${SCENARIO_DEFAULTS['2023-help-center-export'].touched})`)
    .option('--days <n>', `length of the simulated period (default ${DEFAULTS.days})`)
    .option('--start <time>', `start of the period, ISO 8601 (default ${SCENARIO_DEFAULTS['2022-support-takeover'].start} for 2022, ${SCENARIO_DEFAULTS['2023-help-center-export'].start} for 2023)`)
    .option('--seed <n>', `the same seed gives the same events and truth (default ${DEFAULTS.seed})`)
    .option('--ndjson <file>', "write the customer tenant's System Log as NDJSON, as `bulwark logs export` does (needs --tenants 1; mode 0600)")
    .option('--truth <file>', 'write the ground truth as JSON: window, suspect, touched tenants, their events, users to remediate, near misses, tenant list (mode 0600)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nExit status: 0 written, 1 writing failed, 2 usage error.\n\nExamples:\n  $ bulwark simulate --workspace demo --truth demo-truth.json\n  $ bulwark simulate --scenario 2023-help-center-export --workspace help-center-2023\n  $ bulwark simulate --tenants 1 --touched 1 --events 5000 --ndjson acme.ndjson')
    .action(async (opts: Opts) => {
      const name = opts.workspace === undefined ? undefined : checkName(opts.workspace);
      const options = optionsOf(opts);
      if (name === undefined && opts.ndjson === undefined) throw new CliError('nowhere to write the events: give --workspace NAME (all tenants) or --ndjson FILE (with --tenants 1)');
      if (opts.ndjson !== undefined && options.tenants !== 1) throw new CliError(`--ndjson writes one tenant's log, as \`bulwark logs export\` does: use it with --tenants 1 (got ${options.tenants}), or --workspace for many tenants`);
      const dataDir = name === undefined ? undefined : cliConfig().dataDir;
      const started = performance.now();
      const sim = usage(() => simulate(options));
      const planned = performance.now();
      try {
        const counts = name === undefined || dataDir === undefined ? null : await intoWorkspace(dataDir, name, sim);
        const tenant = sim.truth.tenants.find((t) => !t.supportPlane);
        const ndjsonEvents = opts.ndjson === undefined || !tenant ? null : await writeTenantNdjson(opts.ndjson, sim, tenant.id);
        if (opts.truth !== undefined) writeFileSync(opts.truth, `${JSON.stringify(sim.truth, null, 2)}\n`, { mode: 0o600 });
        const done = performance.now();
        const { truth } = sim;
        const summary = {
          scenario: truth.scenario, seed: truth.seed, tenants: truth.counts.tenants, events: truth.counts.events, touched: truth.touchedTenants.length,
          period: truth.period, window: truth.window, suspect: { actorId: truth.suspect.actorId, login: truth.suspect.login }, supportPlane: truth.supportPlane,
          workspace: name ?? null, ...(counts ? { imported: counts.imported, duplicates: counts.duplicates, rejected: counts.rejected } : {}),
          ndjson: opts.ndjson ?? null, ndjsonEvents, truth: opts.truth ?? null,
          seconds: { generate: seconds(planned - started), write: seconds(done - planned), total: seconds(done - started) },
          eventsPerSecond: Math.round(truth.counts.events / ((done - started) / 1000)),
        };
        if (opts.json) return printJson(summary);
        print(`Simulated ${summary.scenario} (seed ${summary.seed}): ${summary.events} events, ${summary.tenants} tenants and the support plane ${truth.supportPlane.slug}, ${truth.period.start} to ${truth.period.end}.`);
        print(`Intruder in ${truth.suspect.login} (${truth.suspect.actorId}) from ${truth.attacker.cidr} (AS${truth.attacker.asn}), ${truth.window.since} to ${truth.window.until}: ${summary.touched} tenants touched.`);
        if (counts) print(`Workspace ${name}: ${counts.imported} imported, ${counts.duplicates} duplicates, ${counts.rejected} rejected.`);
        if (ndjsonEvents !== null) print(`NDJSON ${opts.ndjson}: ${ndjsonEvents} events of tenant ${tenant?.slug} (the support plane's log is not in it).`);
        if (opts.truth !== undefined) print(`Ground truth: ${opts.truth}.`);
        print(`Generated in ${summary.seconds.generate} s, written in ${summary.seconds.write} s (${summary.eventsPerSecond} events/s).`);
      } catch (err) {
        process.stderr.write(`error: simulate failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = EXIT_FAILED;
      }
    });
}

function checkName(name: string): string {
  try {
    return checkWorkspaceName(name);
  } catch (err) {
    if (err instanceof WorkspaceError) throw new CliError(err.message);
    throw err;
  }
}

async function intoWorkspace(dataDir: string, name: string, sim: Simulation): Promise<Counts> {
  const ws = await openWorkspace(dataDir, name);
  try {
    return await writeToWorkspace(ws, sim);
  } finally {
    ws.close();
  }
}
