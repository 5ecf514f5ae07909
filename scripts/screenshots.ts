/**
 * `npm run screenshots [-- DIR]`: renders the web app's main pages to PNG (default docs/screenshots/), the way a
 * new user meets the product: a first start of `npm start`'s server on a fresh embedded database, the printed
 * one-time enrollment link opened in headless Chromium, a passkey made with Chromium's virtual authenticator,
 * then the admin console. Each page is shot only once its content is on screen, so a page that breaks fails
 * the run (test/screenshots.test.ts runs it).
 */
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../src/config.ts';
import { serve } from '../src/server.ts';
import { launchBrowser, pageWithAuthenticator } from '../test/support/browser.ts';

const outDir = resolve(process.argv[2] ?? 'docs/screenshots');
const VIEWPORT = { width: 1360, height: 860 };

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

const dataDir = await mkdtemp(join(tmpdir(), 'bulwark-screenshots-'));
const port = await freePort();
// Always a database of its own: the first start is what creates `demo` and prints its enrollment link.
const env = { ...process.env, DATABASE_URL: undefined, BULWARK_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', BASE_DOMAIN: 'localhost' };
const loaded = loadConfig(env);
if (!loaded.ok) throw new Error(loaded.message);
const printed: string[] = [];
const server = await serve(loaded.config, (line) => printed.push(line));
const browser = await launchBrowser();
const shots: string[] = [];

try {
  const enrollment = /(http:\/\/\S+\/welcome#token=\S+)/.exec(printed.join('\n'))?.[1];
  const token = /API token:\s+(\S+)/.exec(printed.join('\n'))?.[1];
  if (!enrollment || !token) throw new Error(`the first start printed no enrollment link or API token:\n${printed.join('\n')}`);
  const origin = new URL(enrollment).origin;
  await mkdir(outDir, { recursive: true });

  const api = async (method: string, path: string, body?: unknown): Promise<Record<string, any>> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `SSWS ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
  const shoot = async (page: Page, name: string, ready: () => Promise<unknown>) => {
    await ready();
    // Fonts and the last re-render settle before the picture.
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(outDir, `${name}.png`) });
    shots.push(name);
  };
  const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { name, level: 1 }).waitFor();

  // Some history for the System Log and the policy pages, made through the API as an admin would.
  const contractor = await api('POST', '/api/v1/users?activate=true', {
    profile: { firstName: 'Mary', lastName: 'Jackson', login: 'mary.jackson@demo.example.com', email: 'mary.jackson@demo.example.com', title: 'Contractor', department: 'Finance' },
    credentials: { password: { value: `Screenshot-${crypto.randomUUID()}` } },
  });
  await api('POST', `/api/v1/users/${contractor['id']}/lifecycle/suspend`);
  const groups = await api('GET', '/api/v1/groups') as unknown as { id: string; profile: { name: string } }[];
  const finance = groups.find((g) => g.profile.name === 'Finance')!;
  // An OpenID Connect app for the Applications pages, with a person and a group assigned.
  const expenses = await api('POST', '/api/v1/apps', {
    name: 'oidc_client', label: 'Expense reports', signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
    settings: { oauthClient: { redirect_uris: ['https://expenses.demo.example.com/callback'], grant_types: ['authorization_code', 'refresh_token'], application_type: 'web', consent_method: 'TRUSTED' } },
  });
  await api('POST', `/api/v1/apps/${expenses['id']}/users`, { id: contractor['id'] });
  await api('PUT', `/api/v1/apps/${expenses['id']}/groups/${finance.id}`, {});
  await api('POST', '/api/v1/zones', { type: 'IP', name: 'Head office', gateways: [{ type: 'CIDR', value: '203.0.113.0/24' }] });
  const [policy] = await api('GET', '/api/v1/policies?type=OKTA_SIGN_ON') as unknown as { id: string }[];
  await api('POST', `/api/v1/policies/${policy!.id}/rules`, {
    type: 'SIGN_ON', name: 'Finance: a second factor every 8 hours',
    conditions: { people: { groups: { include: [finance.id] } } },
    actions: { signon: { access: 'ALLOW', requireFactor: true, factorPromptMode: 'SESSION', session: { maxSessionIdleMinutes: 30, maxSessionLifetimeMinutes: 480 } } },
  });

  // Sign-in as a stranger sees it, with a wrong password tried first (a failed sign-in in the log).
  const visitor = await browser.newContext({ viewport: VIEWPORT });
  const signIn = await visitor.newPage();
  await signIn.goto(`${origin}/signin`);
  await signIn.getByLabel('Username').fill('admin@demo.example.com');
  await signIn.getByLabel('Password').fill('not-the-password');
  await signIn.getByRole('button', { name: 'Sign in', exact: true }).click();
  await shoot(signIn, 'signin-error', () => signIn.getByRole('alert').waitFor());
  await signIn.goto(`${origin}/signin`);
  await shoot(signIn, 'signin', () => signIn.getByRole('button', { name: 'Sign in with a passkey' }).waitFor());
  await visitor.close();

  // The bootstrap admin: the one-time link, a passkey, their own account page, then the admin console.
  const context = await browser.newContext({ viewport: VIEWPORT });
  const { page } = await pageWithAuthenticator(context);
  await page.goto(`${origin}${new URL(enrollment).pathname}${new URL(enrollment).hash}`);
  await shoot(page, 'welcome', () => page.getByRole('button', { name: 'Create a passkey' }).waitFor());
  await page.getByRole('button', { name: 'Create a passkey' }).click();
  await page.waitForURL(`${origin}/account`);
  // The account page opens on its profile section; its second panel appears once the profile is read.
  await shoot(page, 'account', () => page.getByRole('heading', { name: 'Personal information', level: 2 }).waitFor());
  await page.goto(`${origin}/account/security`);
  await shoot(page, 'account-security', () => page.locator('tbody tr').first().waitFor());
  await page.goto(`${origin}/account/sessions`);
  await shoot(page, 'account-sessions', () => page.getByText('This device').first().waitFor());

  await page.goto(`${origin}/admin`);
  await page.waitForURL((u) => u.pathname === '/signin');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/admin'));
  const rows = page.locator('tbody tr');
  await shoot(page, 'admin-users', async () => {
    await heading(page, 'Users');
    await rows.nth(10).waitFor();
  });
  await page.goto(`${origin}/admin/users/${contractor['id']}`);
  await shoot(page, 'admin-user', () => page.getByRole('button', { name: 'Unsuspend' }).waitFor());
  await page.goto(`${origin}/admin/groups`);
  await shoot(page, 'admin-groups', () => page.getByRole('link', { name: 'Finance' }).waitFor());
  await page.goto(`${origin}/admin/apps`);
  await shoot(page, 'admin-apps', () => page.getByRole('link', { name: 'Expense reports' }).waitFor());
  await page.goto(`${origin}/admin/apps/${expenses['id']}`);
  await shoot(page, 'admin-app', async () => {
    await page.getByRole('link', { name: 'Mary Jackson' }).waitFor();
    await page.getByRole('link', { name: 'Finance' }).waitFor();
  });
  await page.goto(`${origin}/admin/policies`);
  await shoot(page, 'admin-policies', () => page.getByText('Finance: a second factor every 8 hours').first().waitFor());
  await page.goto(`${origin}/admin/logs`);
  await shoot(page, 'admin-logs', async () => {
    await heading(page, 'System Log');
    await rows.filter({ hasText: 'user.lifecycle.suspend' }).first().getByRole('button').first().click();
    await page.getByText('"eventType": "user.lifecycle.suspend"').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
  });
  // The investigation the demo ships with (src/tenants/demo-incident.ts), opened from the list.
  await page.goto(`${origin}/admin/investigations`);
  await page.getByRole('link', { name: 'Support account takeover (demo)' }).click();
  await shoot(page, 'admin-investigation', () => page.getByRole('table', { name: 'Users targeted by the suspects' }).getByRole('row').nth(4).waitFor());
  await page.goto(`${origin}/admin/tokens`);
  await shoot(page, 'admin-tokens', () => rows.first().waitFor());
  await page.goto(`${origin}/admin/alerts`);
  await shoot(page, 'admin-alerts', () => heading(page, 'Alerts'));
  await page.goto(`${origin}/admin/settings`);
  await shoot(page, 'admin-settings', () => page.getByLabel('Protected actions: passkey within (minutes)').waitFor());
  await context.close();
  console.log(`wrote ${shots.length} screenshots to ${outDir}: ${shots.join(', ')}`);
} finally {
  await browser.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}
