import type { Command } from 'commander';
import { AppError } from '#src/http/errors.ts';
import { rolesOfUser } from '#src/roles/assignments.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '#src/tokens/service.ts';
import { getUser, userTarget } from '#src/users/service.ts';
import { CliError, operatorIn, print, printJson, printTable, tenantBySlug, withDatabase } from './context.ts';

/** The user states in which the API accepts a user's token (src/http/auth.ts); any other would mint a dead token. */
const ACTING_STATUSES = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY', 'LOCKED_OUT']);

function notFoundAsCliError(err: unknown, message: string): never {
  if (err instanceof AppError && err.status === 404) throw new CliError(message);
  throw err;
}

export function tokenCommands(program: Command): void {
  const token = program.command('token').description('Create, list and revoke SSWS API tokens of a tenant\'s admins');

  token.command('create')
    .description('Create an API token acting as an admin user; its value is printed only this once')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .requiredOption('--user <login>', 'login (or id) of the admin the token acts as; the user must hold an admin role')
    .option('--name <name>', 'token name shown in listings', 'cli')
    .option('--json', 'print the token as JSON, value included')
    .addHelpText('after', '\nExample:\n  $ bulwark token create --tenant acme --user ops@acme.example --name "ci pipeline"')
    .action(async (opts: { tenant: string; user: string; name: string; json?: boolean }) => {
      const name = opts.name.trim();
      if (name === '' || name.length > 100) throw new CliError('--name must be 1-100 characters');
      await withDatabase(async (db) => {
        const ctx = operatorIn(db, await tenantBySlug(db, opts.tenant), 'token-create');
        const user = await getUser(ctx, opts.user).catch((err: unknown) => notFoundAsCliError(err, `no user "${opts.user}" in tenant ${opts.tenant}`));
        const roles = await rolesOfUser(ctx, user.id);
        if (roles.length === 0) {
          throw new CliError(`${opts.user} holds no admin role: a token acts with its user's roles, so it could do nothing (grant one with \`bulwark user create --role\` or POST /api/v1/users/{id}/roles)`);
        }
        if (!ACTING_STATUSES.has(user.status)) throw new CliError(`${opts.user} is ${user.status}: the API refuses tokens of a user in that state`);
        const created = await createApiToken(ctx, userTarget(user), name);
        if (opts.json) {
          printJson({ id: created.token.id, name: created.token.name, userId: user.id, created: created.token.created.toISOString(), token: created.value });
          return;
        }
        print(`Created API token ${created.token.id} "${name}" acting as ${opts.user} (${roles.map((r) => r.type).join(', ')}).`);
        print(`Token (shown only this once): ${created.value}`);
        print(`Use it as: Authorization: SSWS ${created.value}`);
      });
    });

  token.command('list')
    .description('List a tenant\'s API tokens (ids and metadata; token values are never stored)')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .option('--json', 'print a JSON array')
    .action(async (opts: { tenant: string; json?: boolean }) => {
      await withDatabase(async (db) => {
        const tokens = await listApiTokens(operatorIn(db, await tenantBySlug(db, opts.tenant), 'token-list'));
        const rows = tokens.map((t) => ({ id: t.id, name: t.name, userId: t.userId, created: t.created.toISOString(), lastUsed: t.lastUsed?.toISOString() ?? null }));
        if (opts.json) {
          printJson(rows);
          return;
        }
        if (rows.length === 0) {
          print(`Tenant ${opts.tenant} has no API tokens.`);
          return;
        }
        printTable(['ID', 'NAME', 'USER ID', 'CREATED', 'LAST USED'], rows.map((r) => [r.id, r.name, r.userId, r.created, r.lastUsed ?? 'never']));
      });
    });

  token.command('revoke')
    .description('Revoke an API token by id; requests with it fail from then on')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .argument('<token-id>', 'token id, as `bulwark token list` shows it')
    .addHelpText('after', '\nExample:\n  $ bulwark token revoke --tenant acme 00T1a2b3c4d5e6f7g8h9')
    .action(async (tokenId: string, opts: { tenant: string }) => {
      await withDatabase(async (db) => {
        const ctx = operatorIn(db, await tenantBySlug(db, opts.tenant), 'token-revoke');
        await revokeApiToken(ctx, tokenId).catch((err: unknown) => notFoundAsCliError(err, `no API token ${tokenId} in tenant ${opts.tenant}`));
        print(`Revoked API token ${tokenId}.`);
      });
    });
}
