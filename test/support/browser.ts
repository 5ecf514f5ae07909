/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), headless, for the web app's tests.
 * Pages are opened on a tenant's own host, `{slug}.localhost:{port}`, which Chromium resolves to the loopback
 * address itself.
 */
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
