/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), headless, for the web app's tests.
 * Pages are opened on a tenant's own host, `{slug}.localhost:{port}`, which Chromium resolves to the loopback
 * address itself.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

const CHROMIUM = process.env['BULWARK_TEST_CHROMIUM'] ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The tenant's own origin on the test server at `serverUrl`. */
export function tenantOrigin(serverUrl: string, slug: string): string {
  return `http://${slug}.localhost:${new URL(serverUrl).port}`;
}

/**
 * A page with Chromium's virtual WebAuthn authenticator attached (CDP): a platform authenticator with
 * resident keys and user verification, which answers `navigator.credentials` at once.
 */
export async function pageWithAuthenticator(context: BrowserContext): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { page, cdp };
}

/**
 * Opens an enrollment link in `page` (with its virtual authenticator) and creates the passkey it asks for:
 * signed in, on /account, with the page's first reads answered. Callers often grant a role next, which ends
 * the user's sessions; a read still in flight would then send the page to sign in, under the caller's next
 * navigation.
 */
export async function enrollPasskeyByLink(page: Page, origin: string, activationUrl: string): Promise<void> {
  const link = new URL(activationUrl);
  await page.goto(`${origin}${link.pathname}${link.hash}`);
  await page.getByRole('button', { name: 'Create a passkey' }).click();
  await page.waitForURL(`${origin}/account`);
  await page.getByTestId('login').waitFor();
  await page.waitForLoadState('networkidle');
}

/**
 * A password sign-in in `page` of a user whom the tenant's rule asks for a factor and who has none: the page
 * offers to set one up, and a passkey is made on the page's virtual authenticator. Signed in, on /account.
 */
export async function signInSettingUpPasskey(page: Page, origin: string, login: string, password: string): Promise<void> {
  await page.goto(`${origin}/signin`);
  await page.getByLabel('Username').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Passkey' }).click();
  await page.getByRole('button', { name: 'Create a passkey' }).click();
  await page.waitForURL(`${origin}/account`);
}

type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/**
 * axe-core's serious and critical findings on the page once nothing on it is loading, one line each: a table
 * that is reading again is dimmed while it does (`aria-busy`), which axe would report as poor contrast. The
 * page's CSP allows no inline scripts, so axe is added through the DevTools protocol rather than a <script> tag.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.waitForFunction(() => document.querySelector('[aria-busy="true"]') === null);
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const { violations, passes } = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[]; passes: unknown[] }> } }).axe;
    const result = await axe.run();
    return { violations: result.violations, passes: result.passes.length };
  });
  // A run that checked nothing (the page not rendered yet, axe not loaded) must not pass for a clean one.
  if (passes === 0) throw new Error('axe-core checked nothing on the page');
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
