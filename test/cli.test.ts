/**
 * `bulwark` as an operator runs it: a real child process on DATABASE_URL, then the real API over the same
 * database proving that what the CLI created works (and what it revoked does not).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { manualClock } from '../src/lib/clock.ts';
import { validateBulwarkLogEvent } from '../src/syslog/log-event-schema.ts';
import { runCli, serveOver, type AppOverDb, type CliResult } from './cli-helpers.ts';
import { apiClient, logCount, testDatabase, type TestDatabase } from './helpers.ts';

const clock = manualClock(new Date());

/** A usage error: exit 2, exactly one line on stderr, nothing on stdout. */
function assertUsageError(res: CliResult, message: RegExp): void {
  assert.equal(res.code, 2, `exit code (stdout: ${res.stdout}, stderr: ${res.stderr})`);
  assert.equal(res.stdout, '');
  assert.match(res.stderr, /^error: [^\n]+\n$/);
  assert.match(res.stderr, message);
}

describe('bulwark CLI', () => {
  let database: TestDatabase;
  let app: AppOverDb;
  let dir: string;
  let env: Record<string, string>;
  const cli = (args: string[], input?: string) => runCli(args, { env, ...(input === undefined ? {} : { input }) });
  let acme: { tenant: { id: string; slug: string }; apiToken: string; admin: { id: string; login: string; password: string | null } };

  before(async () => {
    database = await testDatabase();
    dir = mkdtempSync(join(tmpdir(), 'bulwark-cli-'));
    env = { DATABASE_URL: database.url, BULWARK_DATA_DIR: dir };
    app = await serveOver(database.db, clock);
    const res = await cli(['tenant', 'create', 'acme', '--name', 'Acme Inc.', '--cell', 'high-assurance', '--admin-email', 'ops@acme.example.com', '--json']);
    assert.equal(res.code, 0, res.stderr);
    acme = JSON.parse(res.stdout);
  });
  after(async () => {
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a tenant and prints exactly one JSON object whose token works against the API', async () => {
    assert.deepEqual(Object.keys(acme).sort(), ['admin', 'apiToken', 'tenant']);
    assert.deepEqual(Object.keys(acme.tenant).sort(), ['cell', 'created', 'id', 'name', 'slug']);
    assert.deepEqual(Object.keys(acme.admin).sort(), ['id', 'login', 'password']);
    assert.equal(acme.tenant.slug, 'acme');
    assert.match(acme.tenant.id, /^00o[0-9A-Za-z]{17}$/);
    assert.equal(acme.admin.login, 'ops@acme.example.com');
    assert.equal(typeof acme.admin.password, 'string');
    const api = apiClient(app.url, acme.apiToken);
    const me = await api('GET', '/api/v1/users/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.profile.login, 'ops@acme.example.com');
    const logs = await api('GET', '/api/v1/logs?filter=eventType%20eq%20%22bulwark.tenant.create%22');
    assert.equal(logs.status, 200);
    assert.equal(logs.body[0].actor.type, 'SystemPrincipal');
    assert.equal(logs.body[0].target[0].detailEntry.cell, 'high-assurance');
  });

  it('prints a tenant for people, with the generated password and token shown once, and never echoes a chosen password', async () => {
    const res = await cli(['tenant', 'create', 'globex', '--admin-password', 'Chosen-Secret-77']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^Created tenant globex \(00o\w{17}\), name "globex", cell commercial\.$/m);
    assert.match(res.stdout, /^Super admin: admin@globex\.localhost \(00u\w{17}\)$/m);
    assert.match(res.stdout, /^API token \(shown only this once\): +\S{40,}$/m);
    assert.doesNotMatch(res.stdout + res.stderr, /Chosen-Secret-77|Admin password/);
  });

  it('refuses a duplicate, a malformed slug, a bad email and a weak password with exit 2 and writes nothing', async () => {
    const before = await cli(['tenant', 'list', '--json']);
    assertUsageError(await cli(['tenant', 'create', 'acme']), /A tenant with this slug already exists/);
    assertUsageError(await cli(['tenant', 'create', 'Bad_Slug!']), /slug: 2-63 characters/);
    assertUsageError(await cli(['tenant', 'create', 'admin']), /reserved name/);
    assertUsageError(await cli(['tenant', 'create', 'initech', '--admin-email', 'not-an-email']), /--admin-email must be an email address/);
    assertUsageError(await cli(['tenant', 'create', 'initech', '--admin-password', 'short']), /password: Password requirements/);
    assert.equal((await cli(['tenant', 'list', '--json'])).stdout, before.stdout);
  });

  it('creates a cell\'s support plane once, whose staff must sign in with a passkey', async () => {
    const res = await cli(['tenant', 'create-support-plane', 'high-assurance', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const plane = JSON.parse(res.stdout);
    assert.deepEqual([plane.tenant.slug, plane.tenant.cell, plane.admin.login], ['staff-high-assurance', 'high-assurance', 'admin@staff-high-assurance.localhost']);
    const api = apiClient(app.url, plane.apiToken);
    const policy = (await api('GET', '/api/v1/policies?type=OKTA_SIGN_ON')).body[0];
    const rules = (await api('GET', `/api/v1/policies/${policy.id}/rules`)).body as { actions: { signon: { phishingResistant: string } } }[];
    assert.deepEqual(rules.map((r) => r.actions.signon.phishingResistant), ['REQUIRED', 'REQUIRED']);
    assertUsageError(await cli(['tenant', 'create-support-plane', 'high-assurance']), /already has a support plane/);
    assertUsageError(await cli(['tenant', 'create', 'staff-commercial']), /reserved name/);
  });

  it('lists tenants as a table and as JSON', async () => {
    const table = await cli(['tenant', 'list']);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^SLUG\s+NAME\s+CELL\s+ID\s+LOG RETENTION\s+CREATED$/m);
    assert.match(table.stdout, new RegExp(`^acme\\s+Acme Inc\\.\\s+high-assurance\\s+${acme.tenant.id}\\s+365 days\\s`, 'm'));
    const json = JSON.parse((await cli(['tenant', 'list', '--json'])).stdout) as { slug: string; logRetentionDays: number }[];
    assert.deepEqual(json.map((t) => t.slug).sort(), ['acme', 'globex', 'staff-high-assurance']);
  });

  it('sets the log retention of a tenant and refuses days outside 1-3650 or an unknown tenant', async () => {
    const res = await cli(['tenant', 'retention', 'acme', '90']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'System Log retention of acme set to 90 days.\n');
    const listed = JSON.parse((await cli(['tenant', 'list', '--json'])).stdout) as { slug: string; logRetentionDays: number }[];
    assert.equal(listed.find((t) => t.slug === 'acme')?.logRetentionDays, 90);
    const events = await logCount(database.db, acme.tenant.id);
    assertUsageError(await cli(['tenant', 'retention', 'acme', '0']), /^error: DAYS must be an integer from 1 to 3650, got "0"\n$/);
    assertUsageError(await cli(['tenant', 'retention', 'acme', 'ninety']), /DAYS must be an integer/);
    assertUsageError(await cli(['tenant', 'retention', 'nobody', '30']), /^error: no tenant with slug "nobody"/);
    assert.equal(await logCount(database.db, acme.tenant.id), events);
  });

  it('rotates a tenant\'s OpenID Connect signing key, keeping the previous one for its grace period', async () => {
    const keys = () => database.db.selectFrom('oidc_signing_keys').select(['kid', 'retire_after', 'private_jwk_sealed']).where('tenant_id', '=', acme.tenant.id).orderBy('created').execute();
    for (let i = 0; i < 2; i++) {
      const res = await cli(['tenant', 'rotate-signing-key', 'acme']);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /^New signing key [A-Za-z0-9_-]{43} for acme; previous keys verify until \d{4}-/);
    }
    const rows = await keys();
    assert.equal(rows.length, 2);
    assert.ok(rows[0]!.retire_after !== null && rows[1]!.retire_after === null, 'the first retiring, the second signing');
    assert.ok(rows.every((r) => r.private_jwk_sealed.startsWith('v1.') && !r.private_jwk_sealed.includes('"d"')), 'private keys only sealed');
    assertUsageError(await cli(['tenant', 'rotate-signing-key', 'nobody']), /^error: no tenant with slug "nobody"/);
  });

  it('creates an admin user with a password from stdin and a role, acting as the operator', async () => {
    const res = await cli(['user', 'create', '--tenant', 'acme', '--login', 'jane@acme.example.com', '--first-name', 'Jane', '--last-name', 'Doe', '--password-stdin', '--role', 'org_admin', '--json'], 'Stdin-Secret-42\n');
    assert.equal(res.code, 0, res.stderr);
    assert.doesNotMatch(res.stdout, /Stdin-Secret-42/);
    const user = JSON.parse(res.stdout);
    assert.equal(user.status, 'ACTIVE');
    assert.deepEqual(user.roles, ['ORG_ADMIN']);
    const api = apiClient(app.url, acme.apiToken);
    const got = await api('GET', '/api/v1/users/jane@acme.example.com');
    assert.equal(got.status, 200);
    assert.deepEqual([got.body.profile.firstName, got.body.profile.lastName], ['Jane', 'Doe']);
    const roles = await api('GET', `/api/v1/users/${user.id}/roles`);
    assert.deepEqual(roles.body.map((r: { type: string }) => r.type), ['ORG_ADMIN']);
    const logs = await api('GET', '/api/v1/logs?filter=eventType%20eq%20%22user.lifecycle.create%22&sortOrder=DESCENDING&limit=1');
    assert.equal(logs.body[0].target[0].alternateId, 'jane@acme.example.com');
    assert.equal(logs.body[0].actor.type, 'SystemPrincipal');
  });

  it('creates a user without a password as PROVISIONED with default names', async () => {
    const res = await cli(['user', 'create', '--tenant', 'acme', '--login', 'kim@acme.example.com']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^Created user kim@acme\.example\.com \(00u\w{17}\) in acme, status PROVISIONED\.$/m);
  });

  it('refuses bad user input with exit 2 and writes nothing', async () => {
    const events = await logCount(database.db, acme.tenant.id);
    assertUsageError(await cli(['user', 'create', '--tenant', 'acme', '--login', 'jane@acme.example.com']), /already exists/);
    assertUsageError(await cli(['user', 'create', '--tenant', 'acme', '--login', 'x@y.example.com', '--role', 'GOD']), /--role must be one of SUPER_ADMIN, ORG_ADMIN/);
    assertUsageError(await cli(['user', 'create', '--tenant', 'acme', '--login', 'nope']), /--login must be an email address/);
    assertUsageError(await cli(['user', 'create', '--tenant', 'acme', '--login', 'weak@acme.example.com', '--password-stdin'], 'weak\n'), /Password requirements/);
    assertUsageError(await cli(['user', 'create', '--tenant', 'acme', '--login', 'empty@acme.example.com', '--password-stdin'], ''), /standard input is empty/);
    assertUsageError(await cli(['user', 'create', '--tenant', 'nobody', '--login', 'a@b.example.com']), /no tenant with slug "nobody"/);
    assertUsageError(await cli(['user', 'create', '--login', 'a@b.example.com']), /required option '--tenant <slug>' not specified/);
    assert.equal(await logCount(database.db, acme.tenant.id), events);
  });

  it('creates a token for an admin that the API accepts, lists it without its value, and revokes it', async () => {
    const created = await cli(['token', 'create', '--tenant', 'acme', '--user', 'jane@acme.example.com', '--name', 'ci', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const token = JSON.parse(created.stdout) as { id: string; name: string; token: string };
    assert.equal(token.name, 'ci');
    const api = apiClient(app.url, token.token);
    assert.equal((await api('GET', '/api/v1/users')).status, 200);

    const list = await cli(['token', 'list', '--tenant', 'acme']);
    assert.equal(list.code, 0);
    assert.match(list.stdout, new RegExp(`^${token.id}\\s+ci\\s`, 'm'));
    assert.doesNotMatch(list.stdout, new RegExp(token.token));
    assert.doesNotMatch(list.stdout, new RegExp(acme.apiToken));

    const revoked = await cli(['token', 'revoke', '--tenant', 'acme', token.id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    clock.advance(5_000);
    assert.equal((await api('GET', '/api/v1/users')).status, 401);
    const listed = JSON.parse((await cli(['token', 'list', '--tenant', 'acme', '--json'])).stdout) as { id: string }[];
    assert.equal(listed.some((t) => t.id === token.id), false);
  });

  it('prints a human token once with its usage line', async () => {
    const res = await cli(['token', 'create', '--tenant', 'acme', '--user', 'ops@acme.example.com']);
    assert.equal(res.code, 0, res.stderr);
    const value = /^Token \(shown only this once\): (\S+)$/m.exec(res.stdout)?.[1];
    assert.ok(value);
    assert.match(res.stdout, /acting as ops@acme\.example\.com \(SUPER_ADMIN\)/);
    assert.equal((await apiClient(app.url, value)('GET', '/api/v1/users/me')).status, 200);
  });

  it('refuses a token for a user without an admin role, an unknown user and an unknown token id', async () => {
    const events = await logCount(database.db, acme.tenant.id);
    assertUsageError(await cli(['token', 'create', '--tenant', 'acme', '--user', 'kim@acme.example.com']), /kim@acme\.example\.com holds no admin role/);
    assertUsageError(await cli(['token', 'create', '--tenant', 'acme', '--user', 'ghost@acme.example.com']), /no user "ghost@acme\.example\.com" in tenant acme/);
    assertUsageError(await cli(['token', 'revoke', '--tenant', 'acme', '00Tnosuchtoken000000']), /no API token 00Tnosuchtoken000000 in tenant acme/);
    assertUsageError(await cli(['token', 'create', '--tenant', 'acme']), /required option '--user <login>' not specified/);
    assert.equal(await logCount(database.db, acme.tenant.id), events);
  });

  it('exports the System Log as NDJSON to stdout and to a 0600 file, and refuses a bad date', async () => {
    const out = await cli(['logs', 'export', '--tenant', 'acme']);
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.trimEnd().split('\n');
    assert.equal(lines.length, await logCount(database.db, acme.tenant.id));
    for (const line of lines) assert.deepEqual(validateBulwarkLogEvent(JSON.parse(line)), []);

    const file = join(dir, 'acme.ndjson');
    const toFile = await cli(['log', 'export', '--tenant', 'acme', '--since', '2000-01-01', '--out', file]);
    assert.equal(toFile.code, 0, toFile.stderr);
    assert.equal(toFile.stdout, `Exported ${lines.length} events of acme to ${file}.\n`);
    assert.equal(readFileSync(file, 'utf8'), out.stdout);
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const none = await cli(['logs', 'export', '--tenant', 'acme', '--until', '2000-01-01T00:00:00Z']);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, '');
    assertUsageError(await cli(['logs', 'export', '--tenant', 'acme', '--since', 'yesterday']), /--since must be an ISO 8601 date/);
    assertUsageError(await cli(['logs', 'export', '--tenant', 'acme', '--out', join(dir, 'missing', 'x.ndjson')]), /cannot write .*missing/);
  });

  it('migrates an up-to-date database and says so', async () => {
    const res = await cli(['migrate']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^Database schema already up to date: \d+ migrations, latest \S+\.$/m);
  });

  it('shows help for every command with exit 0', async () => {
    const commands = [[], ['serve'], ['migrate'], ['tenant'], ['tenant', 'create'], ['tenant', 'create-support-plane'], ['tenant', 'list'], ['tenant', 'retention'], ['user'], ['user', 'create'],
      ['token'], ['token', 'create'], ['token', 'list'], ['token', 'revoke'], ['log'], ['log', 'verify'], ['log', 'export'], ['logs', 'export'],
      ['log', 'checkpoints'], ['log', 'public-key']];
    const results: CliResult[] = [];
    for (let i = 0; i < commands.length; i += 4) {
      results.push(...await Promise.all(commands.slice(i, i + 4).map((c) => runCli([...c, '--help'], { env: {} }))));
    }
    for (const [i, res] of results.entries()) {
      const path = (commands[i] as string[]).join(' ').replace(/^logs\b/, 'log');
      assert.equal(res.code, 0, `${path} --help: ${res.stderr}`);
      const usage = path === 'log' ? 'log\\|logs' : path;
      assert.match(res.stdout, new RegExp(`^Usage: bulwark${usage ? ` ${usage}` : ''} `), path);
      assert.equal(res.stderr, '');
    }
  });

  it('turns bad arguments, a bad environment and an unreachable database into exit 2 with one line', async () => {
    assertUsageError(await cli(['tenant', 'lst']), /^error: unknown command 'lst' \(Did you mean list\?\)\n$/);
    assertUsageError(await cli(['tenant', 'list', '--bogus']), /unknown option '--bogus'/);
    assertUsageError(await cli(['tenant', 'retention', 'acme']), /missing required argument 'days'/);
    assertUsageError(await cli(['tenant', 'list', 'extra']), /too many arguments/);
    assertUsageError(await runCli(['tenant', 'list'], { env: { ...env, PORT: 'eighty' } }), /^error: Invalid configuration: PORT: /);
    assertUsageError(await runCli(['tenant', 'list'], { env: { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } }), /ECONNREFUSED/);
    const bare = await cli([]);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /^Usage: bulwark /);
  });
});
