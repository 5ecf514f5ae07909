import type { Command } from 'commander';
import type { Config } from '#src/config.ts';
import { applyRemediation } from '#src/remediation/apply.ts';
import { ACTIONS, type CriteriaInput, type RemediationAction } from '#src/remediation/criteria.ts';
import { toPublicPlan, toPublicRemediation } from '#src/remediation/dto.ts';
import { approveRemediation, cancelRemediation, getRemediation, listPlans, planRemediation, type PlanView } from '#src/remediation/service.ts';
import type { TenantRow } from '#src/tenants/service.ts';
import { CliError, operatorIn, print, printJson, printTable, tenantBySlug, withDatabase } from './context.ts';
import { parseInteger, parseIsoDate } from './parse.ts';

type PlanOptions = {
  tenant: string; name: string; since: string; until?: string; passwordOrFactorChange?: boolean; targetedBy?: string[];
  ip?: string[]; cidr?: string[]; asn?: string[]; action: string[]; json?: boolean;
};
type IdOptions = { tenant: string; json?: boolean; yes?: boolean };

/**
 * The tenant's own address, for the links a plan's answer names and the recovery link a password reset issues
 * (which goes to the user; nobody is shown it). Plain http only for a local base domain.
 */
function tenantOrigin(config: Config, tenant: TenantRow): string {
  const scheme = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(config.baseDomain) ? 'http' : 'https';
  return `${scheme}://${tenant.slug}.${config.baseDomain}`;
}

function parseAction(value: string): RemediationAction {
  const action = value.toUpperCase().replaceAll('-', '_');
  if (!(ACTIONS as readonly string[]).includes(action)) throw new CliError(`--action must be one of ${ACTIONS.join(', ')}, got "${value}"`);
  return action as RemediationAction;
}

function parsePlanName(value: string): string {
  const name = value.trim();
  if (name === '' || name.length > 100) throw new CliError('--name must be 1-100 characters');
  return name;
}

function criteriaOf(opts: PlanOptions): CriteriaInput {
  parseIsoDate(opts.since, '--since');
  if (opts.until !== undefined) parseIsoDate(opts.until, '--until');
  const asns = (opts.asn ?? []).map((a) => parseInteger(a, '--asn', 0, 4294967295));
  const network = (opts.ip ?? []).length + (opts.cidr ?? []).length + asns.length > 0;
  return {
    window: { since: opts.since, ...(opts.until === undefined ? {} : { until: opts.until }) },
    ...(opts.passwordOrFactorChange ? { passwordOrFactorChange: true } : {}),
    ...(opts.targetedBy && opts.targetedBy.length > 0 ? { targetedBy: { actorIds: [...new Set(opts.targetedBy)] } } : {}),
    ...(network ? { signedInFrom: { ips: [...new Set(opts.ip ?? [])], cidrs: [...new Set(opts.cidr ?? [])], asns: [...new Set(asns)] } } : {}),
  };
}

/** The dry run as a table: each user, what selected them, and what would be done (or why not). */
function printPlan(view: PlanView, now: Date): void {
  const { remediation: r, counts } = view;
  const summary = toPublicRemediation(r, counts, now, '');
  print(`Remediation ${r.id} "${r.name}": ${summary.status}, ${counts.users} users, ${summary.counts.items} items (${counts.PENDING} pending, ${counts.DONE} done, ${counts.SKIPPED} skipped, ${counts.FAILED} failed).`);
  print(`Window ${r.criteria.window.since} to ${r.criteria.window.until}; actions ${r.actions.join(', ')}.`);
  const items = new Map<string, string[]>();
  for (const i of view.items) items.set(i.userId, [...(items.get(i.userId) ?? []), i.state === 'PENDING' ? i.action : `${i.action} ${i.state}${i.reason ? ` (${i.reason.split(':')[0]})` : ''}`]);
  printTable(['USER', 'ID', 'STATUS', 'ADMIN ROLES', 'MATCHED', 'ITEMS'], view.targets.map((t) => [
    t.login, t.userId, t.status ?? 'GONE', t.adminRoles.join(',') || '-', Object.keys(t.matched).join(','), (items.get(t.userId) ?? []).join(', '),
  ]));
  if (r.status === 'PLANNED') print(`Next: a super admin other than the planner approves it (or \`bulwark remediate approve ${r.id} --tenant SLUG --yes\`), then it is applied.`);
}

export function remediationCommands(program: Command): void {
  const remediate = program.command('remediate').description('Remediate a tenant\'s users after an incident: plan (a dry run over the System Log), approve, apply (docs/remediation.md)');

  remediate.command('plan')
    .description('Select users from the tenant\'s System Log and keep the plan (nothing is changed yet); prints who would get what')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .requiredOption('--since <time>', 'start of the window (ISO 8601)')
    .option('--until <time>', 'end of the window (ISO 8601; default now)')
    .option('--name <name>', 'a name for the plan', 'Remediation from the operator CLI')
    .option('--password-or-factor-change', 'users whose password was reset or changed, or whose factors changed, in the window')
    .option('--targeted-by <actorId...>', 'users any event of these actors (suspects) targeted in the window')
    .option('--ip <address...>', 'users who signed in from these addresses in the window')
    .option('--cidr <block...>', 'users who signed in from these CIDR blocks in the window')
    .option('--asn <number...>', 'users who signed in from these AS numbers in the window')
    .requiredOption('--action <action...>', `what to do to each: ${ACTIONS.join(', ')}`)
    .option('--json', 'print the plan as JSON')
    .addHelpText('after', '\nExample:\n  $ bulwark remediate plan --tenant acme --since 2026-01-10T00:00:00Z --until 2026-01-12T00:00:00Z --password-or-factor-change --action FORCE_PASSWORD_RESET RESET_FACTORS')
    .action(async (opts: PlanOptions) => {
      const name = parsePlanName(opts.name);
      const criteria = criteriaOf(opts);
      const actions = [...new Set(opts.action.map(parseAction))];
      await withDatabase(async (db, config) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        const view = await planRemediation(operatorIn(db, tenant, 'remediate-plan'), { name, criteria, actions });
        const now = new Date();
        if (opts.json) printJson(toPublicPlan(view, now, tenantOrigin(config, tenant)));
        else printPlan(view, now);
      });
    });

  remediate.command('show <id>')
    .description('Show a plan: its users, their items and where each stands')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--json', 'print the plan as JSON')
    .action(async (id: string, opts: IdOptions) => {
      await withDatabase(async (db, config) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        const view = await getRemediation(operatorIn(db, tenant, 'remediate-show'), id);
        const now = new Date();
        if (opts.json) printJson(toPublicPlan(view, now, tenantOrigin(config, tenant)));
        else printPlan(view, now);
      });
    });

  remediate.command('list')
    .description('List the tenant\'s plans, newest first')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--json', 'print the plans as JSON')
    .action(async (opts: IdOptions) => {
      await withDatabase(async (db, config) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        const now = new Date();
        const plans = (await listPlans(operatorIn(db, tenant, 'remediate-list'), 200)).map((p) => toPublicRemediation(p.remediation, p.counts, now, tenantOrigin(config, tenant)));
        if (opts.json) return printJson(plans);
        printTable(['ID', 'STATUS', 'CREATED', 'USERS', 'DONE', 'PENDING', 'NAME'], plans.map((p) => [p.id, p.status, p.created, String(p.counts.users), String(p.counts.done), String(p.counts.pending), p.name]));
      });
    });

  remediate.command('approve <id>')
    .description('Approve a plan as the operator (SystemPrincipal): the break-glass path, which four eyes do not bind')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--yes', 'confirm: the plan\'s actions will be applied to every user it lists')
    .action(async (id: string, opts: IdOptions) => {
      if (!opts.yes) throw new CliError('approving needs --yes: read the plan first (`bulwark remediate show ID --tenant SLUG`)');
      await withDatabase(async (db) => {
        await approveRemediation(operatorIn(db, await tenantBySlug(db, opts.tenant), 'remediate-approve'), id);
        print(`Approved remediation ${id}. Apply it with \`bulwark remediate apply ${id} --tenant ${opts.tenant}\`.`);
      });
    });

  remediate.command('apply <id>')
    .description('Apply an approved plan, item by item; run it again to resume after a crash (items done are never done twice)')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--json', 'print the plan as it ends as JSON')
    .action(async (id: string, opts: IdOptions) => {
      await withDatabase(async (db, config) => {
        const tenant = await tenantBySlug(db, opts.tenant);
        let applied = 0;
        const { remediation, counts } = await applyRemediation(operatorIn(db, tenant, 'remediate-apply'), id, {
          tenantOrigin: tenantOrigin(config, tenant),
          onItem: () => {
            applied += 1;
            if (applied % 50 === 0) process.stderr.write(`${applied} items applied\n`);
          },
        });
        const summary = toPublicRemediation(remediation, counts, new Date(), tenantOrigin(config, tenant));
        if (opts.json) return printJson(summary);
        print(`Remediation ${id}: ${summary.status}; ${applied} items applied now; ${counts.DONE} done, ${counts.SKIPPED} skipped, ${counts.FAILED} failed, ${counts.PENDING} pending.`);
      });
    });

  remediate.command('cancel <id>')
    .description('Cancel a plan that is not finished (an apply under way stops before its next item)')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--yes', 'confirm')
    .action(async (id: string, opts: IdOptions) => {
      if (!opts.yes) throw new CliError('cancelling needs --yes');
      await withDatabase(async (db) => {
        await cancelRemediation(operatorIn(db, await tenantBySlug(db, opts.tenant), 'remediate-cancel'), id);
        print(`Cancelled remediation ${id}.`);
      });
    });
}
