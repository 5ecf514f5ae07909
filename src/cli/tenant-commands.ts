import type { Command } from 'commander';
import { systemClock } from '#src/lib/clock.ts';
import { createSecretBox, loadSecretsKey } from '#src/lib/secret-box.ts';
import { KEY_GRACE_MS, rotateSigningKey } from '#src/oidc/keys.ts';
import { createSupportPlane, createTenant, listTenants, operatorContext, setLogRetention, supportPlaneSlug, type CreatedTenant } from '#src/tenants/service.ts';
import { print, printJson, printTable, tenantBySlug, withDatabase } from './context.ts';
import { parseEmail, parseInteger } from './parse.ts';

type CreateOptions = { name?: string; cell?: string; adminEmail?: string; adminPassword?: string; json?: boolean };

/** `admin@{slug}.{BASE_DOMAIN}`, the port stripped: the address an operator would most likely pick. */
function defaultAdminEmail(slug: string, baseDomain: string): string {
  return `admin@${slug}.${baseDomain.replace(/:\d+$/, '')}`;
}

/** What a creation made, once: a password the operator chose is not echoed back; a generated one exists nowhere else. */
function printCreated(created: CreatedTenant, opts: { adminPassword?: string; json?: boolean }, what: string): void {
  const t = created.tenant;
  const password = opts.adminPassword === undefined ? created.adminPassword : null;
  if (opts.json) {
    printJson({
      tenant: { id: t.id, slug: t.slug, name: t.name, cell: t.cell, created: t.created.toISOString() },
      apiToken: created.apiToken,
      admin: { id: created.adminId, login: created.adminLogin, password },
    });
    return;
  }
  print(`Created ${what} ${t.slug} (${t.id}), name "${t.name}", cell ${t.cell}.`);
  print(`Super admin: ${created.adminLogin} (${created.adminId})`);
  if (password !== null) print(`Admin password (shown only this once): ${password}`);
  print(`API token (shown only this once):     ${created.apiToken}`);
}

export function tenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('Create and list tenants, and set their System Log retention');

  tenant.command('create')
    .description('Create a tenant with its first super admin and that admin\'s API token (the token is shown only this once)')
    .argument('<slug>', 'tenant slug: 2-63 lower-case letters, digits and hyphens, starting with a letter')
    .option('--name <name>', 'display name (default: the slug)')
    .option('--cell <cell>', 'cell the tenant lives in (default: commercial)')
    .option('--admin-email <email>', 'login and email of the first super admin (default: admin@<slug>.<BASE_DOMAIN>)')
    .option('--admin-password <password>', 'password of the first super admin (default: generated and printed once)')
    .option('--json', 'print one JSON object: {tenant, apiToken, admin}')
    .addHelpText('after', '\nExample:\n  $ bulwark tenant create acme --name "Acme Inc." --admin-email ops@acme.example --json')
    .action(async (slug: string, opts: CreateOptions) => {
      await withDatabase(async (db, config) => {
        const adminEmail = opts.adminEmail === undefined ? defaultAdminEmail(slug, config.baseDomain) : parseEmail(opts.adminEmail, '--admin-email');
        const created = await createTenant(db, systemClock, {
          slug,
          adminEmail,
          ...(opts.name === undefined ? {} : { name: opts.name }),
          ...(opts.cell === undefined ? {} : { cell: opts.cell }),
          ...(opts.adminPassword === undefined ? {} : { adminPassword: opts.adminPassword }),
        });
        printCreated(created, opts, 'tenant');
      });
    });

  tenant.command('create-support-plane')
    .description('Create the support plane of a cell: the tenant staff-<cell>, whose users are that cell\'s support staff and sign in with passkeys only')
    .argument('<cell>', 'the cell whose Help Center the staff serve')
    .option('--admin-email <email>', 'login and email of its first super admin, who manages the staff (default: admin@staff-<cell>.<BASE_DOMAIN>)')
    .option('--admin-password <password>', 'password of the first super admin (default: generated and printed once)')
    .option('--json', 'print one JSON object: {tenant, apiToken, admin}')
    .addHelpText('after', '\nExample:\n  $ bulwark tenant create-support-plane high-assurance --admin-email support-it@provider.example')
    .action(async (cell: string, opts: Omit<CreateOptions, 'name' | 'cell'>) => {
      await withDatabase(async (db, config) => {
        const adminEmail = opts.adminEmail === undefined ? defaultAdminEmail(supportPlaneSlug(cell), config.baseDomain) : parseEmail(opts.adminEmail, '--admin-email');
        const created = await createSupportPlane(db, systemClock, { cell, adminEmail, ...(opts.adminPassword === undefined ? {} : { adminPassword: opts.adminPassword }) });
        printCreated(created, opts, 'support plane');
      });
    });

  tenant.command('list')
    .description('List all tenants')
    .option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(async (db) => {
        const tenants = await listTenants(db);
        if (opts.json) {
          printJson(tenants.map((t) => ({ id: t.id, slug: t.slug, name: t.name, cell: t.cell, logRetentionDays: t.logRetentionDays, created: t.created.toISOString() })));
          return;
        }
        if (tenants.length === 0) {
          print('No tenants yet: create one with `bulwark tenant create SLUG`.');
          return;
        }
        printTable(['SLUG', 'NAME', 'CELL', 'ID', 'LOG RETENTION', 'CREATED'],
          tenants.map((t) => [t.slug, t.name, t.cell, t.id, `${t.logRetentionDays} days`, t.created.toISOString()]));
      });
    });

  tenant.command('retention')
    .description('Set how many days the tenant\'s System Log keeps events (1-3650; default 365)')
    .argument('<slug>', 'tenant slug')
    .argument('<days>', 'retention in days, 1-3650')
    .addHelpText('after', '\nExample:\n  $ bulwark tenant retention acme 90')
    .action(async (slug: string, daysText: string) => {
      const days = parseInteger(daysText, 'DAYS', 1, 3650);
      await withDatabase(async (db) => {
        await tenantBySlug(db, slug);
        await setLogRetention(db, systemClock, slug, days);
        print(`System Log retention of ${slug} set to ${days} days.`);
      });
    });

  tenant.command('rotate-signing-key')
    .description(`Give the tenant's OpenID Connect provider a new ID token signing key; the previous ones keep verifying for ${KEY_GRACE_MS / 3_600_000} hours`)
    .argument('<slug>', 'tenant slug')
    .addHelpText('after', '\nA running server signs with the new key within a minute.\n\nExample:\n  $ bulwark tenant rotate-signing-key acme')
    .action(async (slug: string) => {
      await withDatabase(async (db, config) => {
        const t = await tenantBySlug(db, slug);
        const box = createSecretBox(config.secretsKey ?? loadSecretsKey(config.dataDir));
        const rotated = await rotateSigningKey(db, systemClock, box, t.id, operatorContext(`cli-rotate-signing-key-${Date.now()}`));
        print(`New signing key ${rotated.kid} for ${slug}; previous keys verify until ${rotated.retiredUntil.toISOString()}.`);
      });
    });
}
