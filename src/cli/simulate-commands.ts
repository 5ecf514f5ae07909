import { accessSync, constants, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Counts } from '#src/forensics/staging.ts';
import { DEFAULTS, LIMITS, SCENARIO_DEFAULTS, SCENARIOS, simulate, SimulationError, simulationOptions, type Scenario, type SimulateOptions, type Simulation } from '#src/forensics/simulate.ts';
import { LIVE_DEFAULTS, LIVE_LIMITS, simulateLive, type LiveTruth } from '#src/forensics/simulate-live.ts';
import { writeTenantNdjson, writeToWorkspace } from '#src/forensics/simulate-output.ts';
import { checkWorkspaceName, openWorkspace, WorkspaceError } from '#src/forensics/workspace.ts';
import { systemClock } from '#src/lib/clock.ts';
import { createSecretBox, loadSecretsKey } from '#src/lib/secret-box.ts';
import { CliError, cliConfig, print, printJson, withDatabase } from './context.ts';
import { parseInteger, parseIsoDate } from './parse.ts';

/** A failure while writing (not the operator's arguments): exit 1, as `logs import` has it. */
const EXIT_FAILED = 1;

type Opts = {
  workspace?: string; scenario?: string; tenants?: string; events?: string; touched?: string; days?: string; start?: string; seed?: string;
  ndjson?: string; truth?: string; json?: boolean; live?: boolean; tenant?: string; users?: string; intoExisting?: boolean;
};

/** The options of the offline simulator, which have no meaning for --live, and the other way round. */
const OFFLINE_ONLY = ['workspace', 'ndjson', 'scenario', 'tenants', 'events', 'touched', 'start'] as const;
const LIVE_ONLY = ['tenant', 'users', 'intoExisting'] as const;
const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

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
    .option('--days <n>', `length of the simulated period (default ${DEFAULTS.days}); with --live, of the window, the last days before now`)
    .option('--start <time>', `start of the period, ISO 8601 (default ${SCENARIO_DEFAULTS['2022-support-takeover'].start} for 2022, ${SCENARIO_DEFAULTS['2023-help-center-export'].start} for 2023)`)
    .option('--seed <n>', `the same seed gives the same events and truth (default ${DEFAULTS.seed})`)
    .option('--ndjson <file>', "write the customer tenant's System Log as NDJSON, as `bulwark logs export` does (needs --tenants 1; mode 0600)")
    .option('--truth <file>', 'write the ground truth as JSON: window, suspect, touched tenants, their events, users to remediate, near misses, tenant list (mode 0600)')
    .option('--json', 'print the summary as JSON')
    .option('--live', 'play the incident through the real services on one tenant of this installation, for remediation to act on (docs/forensics.md, "Live mode")')
    .option('--tenant <slug>', '--live: the tenant to play it on, created when it does not exist')
    .option('--users <n>', `--live: users to create in it (default ${LIVE_DEFAULTS.users})`)
    .option('--into-existing', '--live: add the users and their activity to a tenant that exists already')
    .addHelpText('after', '\nExit status: 0 written, 1 writing failed, 2 usage error.\n\nExamples:\n  $ bulwark simulate --workspace demo --truth demo-truth.json\n  $ bulwark simulate --scenario 2023-help-center-export --workspace help-center-2023\n  $ bulwark simulate --tenants 1 --touched 1 --events 5000 --ndjson acme.ndjson\n  $ bulwark simulate --live --tenant sim-acme --truth sim-acme-truth.json')
    .action(async (opts: Opts) => {
      if (opts.live) return simulateLiveCommand(opts);
      const misplaced = LIVE_ONLY.filter((k) => opts[k] !== undefined);
      if (misplaced.length > 0) throw new CliError(`${misplaced.map(flag).join(', ')} only with --live`);
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

/** A file the command will write at the end: refused at once if its directory cannot take it, before anything is done. */
function writable(file: string, option: string): void {
  try {
    accessSync(dirname(resolve(file)), constants.W_OK);
  } catch {
    throw new CliError(`${option}: cannot write ${file}: its directory does not exist or is not writable`);
  }
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

/**
 * `--live`: the simulation played on one tenant through the services (src/forensics/simulate-live.ts). Refused
 * options (exit 2) write nothing; a failure part way (exit 1) leaves what was done, every step having committed
 * on its own as a real tenant's would.
 */
async function simulateLiveCommand(opts: Opts): Promise<void> {
  const offline = OFFLINE_ONLY.filter((k) => opts[k] !== undefined);
  if (offline.length > 0) throw new CliError(`--live plays the activity through the services on one tenant; ${offline.map(flag).join(', ')} ${offline.length === 1 ? 'is' : 'are'} for the offline simulator`);
  if (opts.tenant === undefined) throw new CliError('--live needs --tenant SLUG: the tenant to play the activity on (created when it does not exist)');
  const int = (value: string | undefined, name: string, [min, max]: readonly [number, number], fallback: number) => (value === undefined ? fallback : parseInteger(value, name, min, max));
  const options = {
    users: int(opts.users, '--users', LIVE_LIMITS.users, LIVE_DEFAULTS.users),
    days: int(opts.days, '--days', LIVE_LIMITS.days, LIVE_DEFAULTS.days),
    seed: int(opts.seed, '--seed', LIVE_LIMITS.seed, LIVE_DEFAULTS.seed),
  };
  if (opts.truth !== undefined) writable(opts.truth, '--truth');
  const slug = opts.tenant;
  await withDatabase(async (db, config) => {
    const secrets = createSecretBox(config.secretsKey ?? loadSecretsKey(config.dataDir));
    const started = performance.now();
    let truth: LiveTruth;
    try {
      truth = await simulateLive({ db, clock: systemClock, secrets, config }, { slug, intoExisting: opts.intoExisting === true, options });
      if (opts.truth !== undefined) writeFileSync(opts.truth, `${JSON.stringify(truth, null, 2)}\n`, { mode: 0o600 });
    } catch (err) {
      if (err instanceof SimulationError) throw new CliError(err.message.replace(/^(\w+)/, '--$1'));
      process.stderr.write(`error: simulate failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = EXIT_FAILED;
      return;
    }
    const { counts, intruder } = truth;
    const summary = {
      mode: truth.mode, seed: truth.seed, tenant: truth.tenant, supportPlane: truth.supportPlane, period: truth.period, window: truth.window,
      users: counts.users, selected: counts.selected, changedOnlyBeforeWindow: counts.changedOnlyBeforeWindow, intruderVictims: counts.intruderVictims, quiet: counts.quiet,
      intruder: { actorId: intruder.actorId, login: intruder.login, ipAddress: intruder.ipAddress, asNumber: intruder.asNumber, grantId: intruder.grantId },
      truth: opts.truth ?? null, seconds: seconds(performance.now() - started),
    };
    if (opts.json) return printJson(summary);
    print(`Played ${counts.users} users on ${truth.tenant.created ? 'the new ' : ''}tenant ${truth.tenant.slug} (cell ${truth.tenant.cell}, seed ${truth.seed}) from ${truth.period.start}: two days of lead-in, then the window ${truth.window.since} to ${truth.window.until}.`);
    print(`${counts.selected} users reset or changed a password or a factor in the window, ${counts.changedOnlyBeforeWindow} more only before it; nothing happened to ${counts.quiet}.`);
    print(`Intruder ${intruder.login} (${intruder.actorId}, SupportStaff) from ${intruder.ipAddress} (AS${intruder.asNumber}) under grant ${intruder.grantId}: ${counts.intruderVictims} users touched.`);
    if (opts.truth !== undefined) print(`Ground truth: ${opts.truth}.`);
    print(`Next: bulwark remediate plan --tenant ${truth.tenant.slug} --since ${truth.window.since} --until ${truth.window.until} --password-or-factor-change --action FORCE_PASSWORD_RESET`);
    print(`Done in ${summary.seconds} s.`);
  });
}
