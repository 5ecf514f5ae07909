import type { Command } from 'commander';
import { assignRole } from '#src/roles/assignments.ts';
import { createUser } from '#src/users/service.ts';
import { operatorIn, print, printJson, tenantBySlug, withDatabase } from './context.ts';
import { parseEmail, parseName, parseRole, readSecretFromStdin } from './parse.ts';

type CreateOptions = { tenant: string; login: string; firstName?: string; lastName?: string; passwordStdin?: boolean; role?: string; json?: boolean };

export function userCommands(program: Command): void {
  const user = program.command('user').description('Create users in a tenant');

  user.command('create')
    .description('Create an active user (with --password-stdin) or a provisioned one without a password, optionally with an admin role')
    .requiredOption('--tenant <slug>', 'tenant slug')
    .requiredOption('--login <email>', 'login, also used as the primary email')
    .option('--first-name <name>', 'first name (default: the part of the login before @)')
    .option('--last-name <name>', 'last name (default: "User")')
    .option('--password-stdin', 'read the password from standard input (never from an argument, so it stays out of `ps`)')
    .option('--role <role>', 'admin role to grant: SUPER_ADMIN, ORG_ADMIN, HELP_DESK_ADMIN or READ_ONLY_ADMIN')
    .option('--json', 'print the new user as JSON')
    .addHelpText('after', '\nExample:\n  $ printf %s "$PASSWORD" | bulwark user create --tenant acme --login jane@acme.example --first-name Jane --last-name Doe --password-stdin --role ORG_ADMIN')
    .action(async (opts: CreateOptions) => {
      const login = parseEmail(opts.login, '--login');
      const role = opts.role === undefined ? undefined : parseRole(opts.role);
      const firstName = parseName(opts.firstName ?? login.split('@')[0] ?? login, '--first-name');
      const lastName = parseName(opts.lastName ?? 'User', '--last-name');
      const password = opts.passwordStdin ? await readSecretFromStdin('--password-stdin: the password') : undefined;
      await withDatabase(async (db) => {
        const ctx = operatorIn(db, await tenantBySlug(db, opts.tenant), 'user-create');
        const created = await createUser(ctx, {
          profile: { login, email: login, firstName, lastName },
          ...(password === undefined ? {} : { password }),
          activate: true,
          expirePassword: false,
        });
        if (role) await assignRole(ctx, created.id, role);
        if (opts.json) {
          printJson({ id: created.id, status: created.status, login, firstName, lastName, roles: role ? [role] : [], created: created.created.toISOString() });
          return;
        }
        print(`Created user ${login} (${created.id}) in ${opts.tenant}, status ${created.status}${role ? `, role ${role}` : ''}.`);
      });
    });
}
