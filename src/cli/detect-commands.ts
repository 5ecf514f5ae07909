import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Alert } from '#src/detections/alert.ts';
import { createEngine } from '#src/detections/engine.ts';
import { loadSigmaRules, type SigmaRule, type UnsupportedRule } from '#src/detections/sigma-load.ts';
import { parseThresholds, type Thresholds } from '#src/detections/thresholds.ts';
import { detectInWorkspace } from '#src/detections/workspace-detect.ts';
import { alertId } from '#src/detections/workspace-store.ts';
import { checkWorkspaceName, openWorkspace, workspacePath, WorkspaceError } from '#src/forensics/workspace.ts';
import { systemClock } from '#src/lib/clock.ts';
import { CliError, cliConfig, print, printJson, printTable } from './context.ts';
import { collect, parseIsoDate } from './parse.ts';

type DetectOptions = {
  workspace: string; since?: string; until?: string; rules?: string; sigmaDir?: string; sigmaPlaceholder?: string[]; threshold?: string[]; json?: boolean;
};

const RULE_KINDS = ['builtin', 'sigma'] as const;
type RuleKind = (typeof RULE_KINDS)[number];


function existingWorkspace(name: string, dataDir: string): string {
  try {
    checkWorkspaceName(name);
  } catch (err) {
    if (err instanceof WorkspaceError) throw new CliError(err.message);
    throw err;
  }
  if (!existsSync(workspacePath(dataDir, name))) throw new CliError(`no workspace named "${name}" (see \`bulwark workspaces list\`)`);
  return name;
}

function ruleKinds(value: string | undefined, sigmaDir: string | undefined): Set<RuleKind> {
  if (value === undefined) return new Set(sigmaDir === undefined ? ['builtin'] : ['builtin', 'sigma']);
  const kinds = value.split(',').map((k) => k.trim().toLowerCase()).filter((k) => k !== '');
  const unknown = kinds.filter((k) => !(RULE_KINDS as readonly string[]).includes(k));
  if (kinds.length === 0 || unknown.length > 0) throw new CliError(`--rules must be builtin, sigma or builtin,sigma, got "${value}"`);
  return new Set(kinds as RuleKind[]);
}

/** `name=value` pairs of --sigma-placeholder, each name's values in the order given, over the configured ones. */
function placeholders(pairs: readonly string[], configured: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  const out: Record<string, string[]> = Object.fromEntries(Object.entries(configured).map(([k, v]) => [k, [...v]]));
  const given = new Set<string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    if (at < 1 || !/^[A-Za-z0-9_]+$/.test(name)) throw new CliError(`--sigma-placeholder must be NAME=VALUE, such as legtimate_identifiers=@acme.example, got "${pair}"`);
    // A name given on the command line replaces the configured values, not adds to them.
    if (!given.has(name)) out[name] = [];
    given.add(name);
    out[name]?.push(pair.slice(at + 1));
  }
  return out;
}

function thresholds(pairs: readonly string[], configured: Thresholds): Thresholds {
  const parsed = parseThresholds(pairs.join(','), configured);
  if (!parsed.ok) throw new CliError(`--threshold: ${parsed.reason}`);
  return parsed.value;
}

async function sigmaRules(dir: string, values: Record<string, string[]>): Promise<{ rules: SigmaRule[]; unsupported: UnsupportedRule[] }> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`--sigma-dir: not a directory: ${dir}`);
  const loaded = await loadSigmaRules(dir, { placeholders: values });
  if (loaded.rules.length === 0) {
    throw new CliError(loaded.unsupported.length === 0 ? `--sigma-dir: no Sigma rule files (*.yml, *.yaml) in ${dir}` : `--sigma-dir: none of the ${loaded.unsupported.length} rule files in ${dir} can be used (first: ${loaded.unsupported[0]?.file}: ${loaded.unsupported[0]?.reason})`);
  }
  return loaded;
}

const short = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function printAlerts(alerts: readonly Alert[]): void {
  if (alerts.length === 0) return;
  printTable(['TIME', 'SEVERITY', 'RULE', 'TENANT', 'SUMMARY'], alerts.map((a) => [short(a.time), a.severity, a.rule, a.tenant ?? '', a.summary]));
  print();
}

export function detectCommands(program: Command): void {
  program.command('detect')
    .description('Run the detections (the built-in rules and Sigma rules) over an investigation workspace, in published order; print the alerts and keep them in the workspace\'s table `alerts` (docs/detections.md)')
    .requiredOption('--workspace <name>', 'workspace of imported exports (`bulwark logs import`)')
    .option('--since <time>', 'only events published at or after this time (ISO 8601)')
    .option('--until <time>', 'only events published before this time (ISO 8601)')
    .option('--rules <list>', 'builtin, sigma, or builtin,sigma (default: builtin, plus sigma when a Sigma directory is given or configured)')
    .option('--sigma-dir <dir>', 'directory of Sigma rules, e.g. SigmaHQ\'s Okta rules (default: BULWARK_SIGMA_DIR)')
    .option('--sigma-placeholder <name=value>', 'a value of a Sigma placeholder, e.g. legtimate_identifiers=@acme.example (repeatable; default: BULWARK_SIGMA_PLACEHOLDERS)', collect)
    .option('--threshold <name=value>', 'a built-in rule\'s number, e.g. supportTenants=3 (repeatable; see docs/detections.md; default: BULWARK_DETECTION_THRESHOLDS)', collect)
    .option('--json', 'print the run and its alerts as JSON')
    .addHelpText('after', '\nRunning it again over the same events stores no alert twice. A Sigma rule file that cannot be used is named on stderr with the reason; the others run.\nExit status: 0 the detections ran (alerts or not), 2 usage error.\n\nExample:\n  $ bulwark detect --workspace case-4711 --sigma-dir ../shared/data/sigma-okta --since 2026-01-16 --until 2026-01-22')
    .action(async (opts: DetectOptions) => {
      const config = cliConfig();
      const name = existingWorkspace(opts.workspace, config.dataDir);
      const since = opts.since === undefined ? undefined : parseIsoDate(opts.since, '--since');
      const until = opts.until === undefined ? undefined : parseIsoDate(opts.until, '--until');
      if (since && until && since >= until) throw new CliError('--since must be before --until');
      const sigmaDir = opts.sigmaDir === undefined ? config.detections.sigmaDir : resolve(opts.sigmaDir);
      const kinds = ruleKinds(opts.rules, sigmaDir);
      if (kinds.has('sigma') && sigmaDir === undefined) throw new CliError('--rules sigma needs --sigma-dir DIR (or BULWARK_SIGMA_DIR)');
      const values = placeholders(opts.sigmaPlaceholder ?? [], config.detections.sigmaPlaceholders);
      const numbers = thresholds(opts.threshold ?? [], config.detections.thresholds);
      const { rules, unsupported } = kinds.has('sigma') ? await sigmaRules(sigmaDir as string, values) : { rules: [], unsupported: [] };
      for (const u of unsupported) process.stderr.write(`sigma ${u.file}: not loaded: ${u.reason}\n`);

      const engine = createEngine({ builtin: kinds.has('builtin'), sigma: rules, thresholds: numbers });
      const ws = await openWorkspace(config.dataDir, name);
      const run = await detectInWorkspace(ws, engine, { ...(since ? { since } : {}), ...(until ? { until } : {}) }, systemClock.now()).finally(() => ws.close());
      const builtin = engine.rules.filter((r) => r.kind === 'builtin').length;
      if (opts.json) {
        return printJson({
          workspace: name, since: since?.toISOString() ?? null, until: until?.toISOString() ?? null,
          rules: { builtin, sigma: rules.length, unsupported: unsupported.map((u) => ({ file: u.file, reason: u.reason })) },
          events: run.events, stored: run.stored, seconds: Math.round(run.seconds * 1000) / 1000,
          alerts: run.alerts.map((a) => ({ id: alertId(a), ...a })),
        });
      }
      printAlerts(run.alerts);
      print(`Workspace ${name}: ${run.events} events, ${run.alerts.length} alerts (${run.stored} new in table alerts) from ${builtin} built-in and ${rules.length} Sigma rules in ${run.seconds.toFixed(2)} s.`);
    });
}
