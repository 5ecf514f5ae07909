/**
 * The admin console (web/src/admin) in a real browser (Debian's Chromium through playwright-core) against a
 * real server and database, on a server clock the test moves by hand (docs/admin-sessions.md): a super admin
 * signs in with a passkey through Chromium's virtual authenticator, manages a user and registers an app; a
 * copied admin cookie is worthless in another browser; an API token needs a fresh passkey (step-up); an idle
 * session ends; and axe-core finds nothing serious on the main pages.
 *
 * The `it`s share one signed-in admin and run in order: the clock only moves forward.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { accessibilityProblems, enrollPasskeyByLink, launchBrowser, pageWithAuthenticator, tenantOrigin } from './support/browser.ts';
import { grant, ok, PASSWORD, unique, type Fixture } from './support/fixtures.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';

const MINUTE = 60_000;

describe('the admin console, in Chromium', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let browser: Browser;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  let adminLogin: string;
  /** A user to find and manage: a name of their own, so the search has one match. */
  let target: { id: string; login: string; name: string };
  /** The app registered through the console, for the accessibility check of its page. */
  let registered: { id: string; label: string };

  const heading = (name: string) => page.getByRole('heading', { name, level: 1 });
  const dialog = () => page.getByRole('dialog');

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    browser = await launchBrowser();
    origin = tenantOrigin(server.url, tenant.slug);

    // The admin: invited, sets up a passkey through the enrollment link, then made a super admin by the API.
    adminLogin = `${unique('admin')}@fixture.example.com`;
    const created = ok(await f.api('POST', '/api/v1/users?activate=false', { profile: { login: adminLogin, email: adminLogin, firstName: 'Ada', lastName: 'Admin' } }), 'create admin');
    const activation = ok(await f.api('POST', `/api/v1/users/${created.body.id}/lifecycle/activate`), 'activate admin');
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    ({ page } = await pageWithAuthenticator(context));
    await enrollPasskeyByLink(page, origin, activation.body.activationUrl as string);
    await grant(f, created.body.id as string, 'SUPER_ADMIN');

    const lastName = unique('Hopper');
    const login = `${unique('grace')}@fixture.example.com`;
    const user = ok(await f.api('POST', '/api/v1/users?activate=true', {
      profile: { login, email: login, firstName: 'Grace', lastName },
      credentials: { password: { value: PASSWORD } },
    }), 'create target user');
    assert.equal(user.body.status, 'ACTIVE', 'a user with a password starts active, so it can be suspended');
    target = { id: user.body.id as string, login, name: `Grace ${lastName}` };
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs an admin in with a passkey, suspends a user found by search, and shows the event in the System Log', async () => {
    await page.goto(`${origin}/admin`);
    await page.waitForURL((u) => u.pathname === '/signin');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/admin'));
    await heading('Users').waitFor();
    assert.match(new URL(page.url()).pathname, /^\/admin(\/users)?$/, 'the console opens on its users page');
    const cookie = (await context.cookies()).find((c) => c.name === 'admin_sid');
    assert.ok(cookie?.httpOnly, 'the admin session cookie is HttpOnly');

    const rows = page.locator('tbody tr');
    await page.getByRole('link', { name: target.name }).waitFor();
    assert.ok(await rows.count() >= 3, 'the list starts with every user');
    await page.getByLabel('Search', { exact: true }).pressSequentially(target.name.split(' ')[1]!.slice(0, 14), { delay: 20 });
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    await page.getByRole('link', { name: target.name }).waitFor();
    await page.getByRole('link', { name: target.name }).click();
    await page.waitForURL(`${origin}/admin/users/${target.id}`);
    await heading(target.name).waitFor();

    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    await dialog().getByRole('button', { name: 'Suspend', exact: true }).click();
    await page.getByText(`${target.name} was suspended.`).waitFor();
    const user = ok(await f.api('GET', `/api/v1/users/${target.id}`), 'read the user');
    assert.equal(user.body.status, 'SUSPENDED', 'the API sees the suspension');

    await page.getByRole('link', { name: 'System Log', exact: true }).click();
    await heading('System Log').waitFor();
    await page.getByLabel('Filter').fill('eventType eq "user.lifecycle.suspend"');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const row = rows.filter({ hasText: 'user.lifecycle.suspend' });
    await row.first().waitFor();
    assert.equal(await row.count(), 1, 'one suspension in the log');
    assert.match(await row.textContent() ?? '', /SUCCESS/);
    assert.ok((await row.textContent() ?? '').includes(target.name) || (await row.textContent() ?? '').includes(target.login), 'the row names the suspended user');
  });

  it('registers an app with its secret shown once, makes it first-party, assigns the user, and generates a second secret', async () => {
    const label = unique('Payroll');
    await page.getByRole('link', { name: 'Applications', exact: true }).click();
    await heading('Applications').waitFor();
    await page.getByRole('button', { name: 'Add application' }).click();
    await dialog().getByLabel('Name').fill(label);
    assert.equal(await dialog().getByLabel('Application type').inputValue(), 'secret', 'a web app with a secret is the default');
    await dialog().getByLabel('Redirect URIs', { exact: true }).fill('https://payroll.example.com/callback\n\nhttp://localhost:3000/callback');
    await dialog().getByLabel('Refresh tokens').check();
    await dialog().getByRole('button', { name: 'Add application' }).click();

    const added = page.getByRole('dialog', { name: 'Application added' });
    const first = await added.getByLabel('Client secret').inputValue();
    assert.match(first, /^[A-Za-z0-9_-]{64}$/, 'the secret is shown once');
    await added.getByRole('button', { name: 'I have copied it' }).click();
    await page.waitForURL((u) => /^\/admin\/apps\/0oa/.test(u.pathname));
    const appId = new URL(page.url()).pathname.split('/').pop()!;
    registered = { id: appId, label };
    await heading(label).waitFor();
    assert.equal(await page.getByLabel('Client ID').inputValue(), appId, 'the client_id is the app id');
    assert.equal(await page.getByLabel('Discovery URL').inputValue(), `${origin}/.well-known/openid-configuration`);

    await page.getByRole('button', { name: 'Assign people' }).click();
    await dialog().getByLabel('Find people').fill(target.name.split(' ')[1]!);
    const match = dialog().getByRole('listitem').filter({ hasText: target.login });
    await dialog().getByText('1 match.', { exact: true }).waitFor();
    await match.getByRole('button', { name: 'Assign', exact: true }).click();
    await match.getByRole('button', { name: 'Added', exact: true }).waitFor();
    await dialog().getByRole('button', { name: 'Done' }).click();
    await page.getByRole('link', { name: target.name }).waitFor();

    await page.getByRole('button', { name: 'Generate new secret' }).click();
    const created = page.getByRole('dialog', { name: 'New client secret' });
    const second = await created.getByLabel('Client secret').inputValue();
    assert.match(second, /^[A-Za-z0-9_-]{64}$/);
    assert.notEqual(second, first);
    await created.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByRole('table', { name: 'Client secrets' }).locator('tbody tr').filter({ hasText: second.slice(-4) }).waitFor();

    await page.getByRole('button', { name: 'Edit settings' }).click();
    await dialog().getByLabel('First-party app (no consent screen)').check();
    await dialog().getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('The settings were saved.').waitFor();

    const app = ok(await f.api('GET', `/api/v1/apps/${appId}`), 'read the app').body;
    assert.equal(app.label, label);
    assert.equal(app.status, 'ACTIVE');
    assert.equal(app.credentials.oauthClient.token_endpoint_auth_method, 'client_secret_basic');
    assert.deepEqual(app.settings.oauthClient.redirect_uris, ['https://payroll.example.com/callback', 'http://localhost:3000/callback'], 'one URI a line, blank lines left out');
    assert.deepEqual(app.settings.oauthClient.grant_types, ['authorization_code', 'refresh_token']);
    assert.equal(app.settings.oauthClient.consent_method, 'TRUSTED', 'the edit made it first-party, keeping the rest');
    const users = ok(await f.api('GET', `/api/v1/apps/${appId}/users`), 'read the assignments').body as { id: string }[];
    assert.deepEqual(users.map((u) => u.id), [target.id]);
    const secrets = ok(await f.api('GET', `/api/v1/apps/${appId}/credentials/secrets`), 'read the secrets').body as { status: string; client_secret_hint: string }[];
    assert.deepEqual(secrets.map((s) => s.status), ['ACTIVE', 'ACTIVE']);
    assert.deepEqual(secrets.map((s) => s.client_secret_hint).sort(), [first.slice(-4), second.slice(-4)].sort(), 'the two secrets shown are the two kept');
  });

  it('has no serious or critical accessibility problems on any page of the console', async () => {
    const problems: string[] = [];
    const check = async (path: string, title: string, ready: () => Promise<unknown>) => {
      await page.goto(`${origin}${path}`);
      await heading(title).waitFor();
      await ready();
      problems.push(...(await accessibilityProblems(page)).map((p) => `${path}: ${p}`));
    };
    await check('/admin/users', 'Users', () => page.getByRole('link', { name: target.name }).waitFor());
    await check(`/admin/users/${target.id}`, target.name, () => page.getByRole('button', { name: 'Unsuspend' }).waitFor());
    await check('/admin/logs', 'System Log', () => page.locator('tbody tr').first().getByRole('button').waitFor());
    await check('/admin/settings', 'Settings', () => page.getByLabel('Protected actions: passkey within (minutes)').waitFor());
    await check('/admin/groups', 'Groups', () => page.locator('tbody tr').first().waitFor());
    await check('/admin/apps', 'Applications', () => page.locator('tbody tr').first().waitFor());
    await page.getByRole('button', { name: 'Add application' }).click();
    await dialog().getByLabel('Application type').selectOption('jwt');
    await dialog().getByLabel('Public keys (JWKS)').waitFor();
    problems.push(...(await accessibilityProblems(page)).map((p) => `the Add application dialog: ${p}`));
    await dialog().getByLabel('Application type').selectOption('native');
    await dialog().getByText(/own scheme in reverse domain notation \(com\.example\.app:\/callback\)/).waitFor();
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await check(`/admin/apps/${registered.id}`, registered.label, () => page.getByRole('link', { name: target.name }).waitFor());
    await check('/admin/policies', 'Policies', async () => {
      await page.getByText('Default Rule', { exact: true }).waitFor();
      await page.getByText('No network zones', { exact: true }).waitFor();
    });
    await check('/admin/tokens', 'API tokens', () => page.locator('tbody tr').first().waitFor());
    await check('/admin/alerts', 'Alerts', () => page.getByText('No alerts', { exact: true }).waitFor());
    assert.deepEqual(problems, []);
  });

  it('refuses the admin cookie copied into another browser, and logs the missing device proof', async () => {
    const seq = await lastSeqOf(server.db, tenant.id);
    const cookie = (await context.cookies()).find((c) => c.name === 'admin_sid');
    assert.ok(cookie, 'the admin session cookie');
    const other = await browser.newContext();
    try {
      await other.addCookies([cookie]);
      const stolen = await other.newPage();
      // A page of the tenant's origin that needs no session, so the fetch is same-origin like the console's.
      await stolen.goto(`${origin}/signin`);
      const answer = await stolen.evaluate(async () => {
        const res = await fetch('/api/v1/users', { headers: { accept: 'application/json' } });
        return { status: res.status, body: await res.text() };
      });
      assert.equal(answer.status, 401, answer.body);
      const denied = await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'user.session.context.change');
      assert.equal(denied.length, 1, JSON.stringify(denied));
      assert.equal(denied[0]!.outcome.result, 'DENY');
      assert.equal(denied[0]!.outcome.reason, 'DEVICE_PROOF_INVALID');
    } finally {
      await other.close();
    }
    // The session is kept: its owner still holds the key.
    await page.goto(`${origin}/admin/users`);
    await page.getByRole('link', { name: target.name }).waitFor();
  });

  it('asks for the passkey again before creating an API token once the last one is 6 minutes old', async () => {
    clock.advance(6 * MINUTE);
    const seq = await lastSeqOf(server.db, tenant.id);
    await page.getByRole('link', { name: 'API tokens' }).click();
    await heading('API tokens').waitFor();
    await page.getByRole('button', { name: 'Create token' }).click();
    const name = unique('SIEM export');
    await dialog().getByLabel('Name').fill(name);
    await dialog().getByRole('button', { name: 'Create token' }).click();

    const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' });
    await stepUp.getByText('This is a protected action. Confirm with your passkey.').waitFor();
    await stepUp.getByRole('button', { name: 'Confirm' }).click();
    const created = page.getByRole('dialog', { name: 'Token created' });
    await created.waitFor();
    const value = await created.getByLabel(`Token “${name}”`).inputValue();
    assert.ok(value.length >= 20, `the token is shown once: ${value}`);
    const works = await apiClient(server.url, value)('GET', '/api/v1/users?limit=1');
    assert.equal(works.status, 200, 'the new token works');
    await created.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByRole('cell', { name, exact: true }).waitFor();

    const attempts = await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'security.protected_action.attempt');
    assert.equal(attempts.length, 1, JSON.stringify(attempts));
    assert.equal(attempts[0]!.outcome.result, 'DENY');
    assert.equal((await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'bulwark.admin_session.step_up')).length, 1);
  });

  it('ends the session after 16 idle minutes and says so at the next action', async () => {
    clock.advance(16 * MINUTE);
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/users' && r.status() === 401);
    await page.getByRole('link', { name: 'Users' }).click();
    const res = await answer;
    assert.equal((await res.json()).errorCode, 'E0000005');
    const notice = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'Signed out' }) });
    await notice.waitFor();
    assert.match(await notice.textContent() ?? '', /The admin session ended after 15 minutes without activity\. Sign in again\./);
    assert.equal(await notice.getByRole('link', { name: 'Sign in again' }).getAttribute('href'), '/signin?app=admin_console&next=%2Fadmin%2Fusers');
  });
});
