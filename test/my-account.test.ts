/**
 * The "My account" page in a real browser (Debian's Chromium through playwright-core) against a real server
 * and database: profile editing with the API's field messages, adding an authenticator app and a passkey
 * (Chromium's virtual authenticator), removing a factor and being refused the last passkey an admin needs,
 * two sessions from two browsers with one signed out from the other, signing out everywhere, recovery
 * codes, the new-location refusal, and axe-core on every section and dialog.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { grant, newTotpUser, newUser, nextCode, PASSWORD, totpCode, type Fixture, type UserRef } from './support/fixtures.ts';
import { accessibilityProblems, launchBrowser, pageWithAuthenticator, tenantOrigin } from './support/browser.ts';

describe('the My account page, in Chromium', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let browser: Browser;
  let origin: string;

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    browser = await launchBrowser();
    origin = tenantOrigin(server.url, tenant.slug);
  });
  after(async () => {
    await browser.close();
    await server.close();
  });

  async function signInWithPassword(page: Page, user: UserRef, next = '/account'): Promise<void> {
    await page.goto(`${origin}/signin?next=${encodeURIComponent(next)}`);
    await page.getByLabel('Username').fill(user.login);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  async function noAxeProblems(page: Page, what: string): Promise<void> {
    assert.deepEqual(await accessibilityProblems(page), [], what);
  }

  /** The page's own call, with its cookie: what the page's next request would get. */
  const statusOfMe = (page: Page) => page.evaluate(async () => (await fetch('/api/v1/sessions/me')).status);

  it('edits the profile, adds an authenticator app and a passkey, keeps the admin\'s last passkey, and manages sessions', async () => {
    const user = await newUser(f, 'ACTIVE');
    await grant(f, user.id, 'ORG_ADMIN');

    // Another browser signs in first: its sign-in also makes this network one the user is known to come from.
    const other: BrowserContext = await browser.newContext();
    const otherPage = await other.newPage();
    await signInWithPassword(otherPage, user);
    await otherPage.waitForURL(`${origin}/account`);

    const context = await browser.newContext();
    const { page } = await pageWithAuthenticator(context);
    await signInWithPassword(page, user);
    await page.waitForURL(`${origin}/account`);
    assert.equal(await page.getByTestId('login').textContent(), user.login);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Profile');
    await noAxeProblems(page, 'the profile section');

    // Profile: the API's message appears next to its field, then a good change is saved.
    await page.getByRole('button', { name: 'Edit profile' }).click();
    await page.getByLabel('First name').fill('');
    await page.getByLabel('Display name').fill('Ada L.');
    await page.getByRole('button', { name: 'Save profile' }).click();
    const firstName = page.getByLabel('First name');
    await page.locator('.field-error').first().waitFor();
    assert.equal(await firstName.getAttribute('aria-invalid'), 'true');
    // The message is the field's description, so a screen reader reads it with the field.
    const description = await firstName.evaluate((input) => (input.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent).join(' '));
    assert.match(description, /blank|fewer/);
    await noAxeProblems(page, 'the profile form with a field error');
    await firstName.fill('Ada');
    await page.getByLabel('Mobile phone').fill('+44 20 7946 0000');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor();
    const saved = await f.api('GET', `/api/v1/users/${user.id}`);
    assert.equal(saved.body.profile.firstName, 'Ada');
    assert.equal(saved.body.profile.displayName, 'Ada L.');
    assert.equal(saved.body.profile.mobilePhone, '+44 20 7946 0000');
    const logged = await f.api('GET', `/api/v1/logs?filter=${encodeURIComponent('eventType eq "user.account.update_profile"')}`);
    const update = (logged.body as { actor: { id: string }; target: { id: string }[]; debugContext: { debugData: { changedAttributes: string } } }[])
      .find((e) => e.target.some((t) => t.id === user.id));
    assert.ok(update, 'the System Log has the change');
    assert.equal(update.actor.id, user.id, 'made by the user');
    assert.equal(update.debugContext.debugData.changedAttributes, 'displayName,firstName,mobilePhone');

    // Security methods, by its link; an empty list says what to do.
    await page.getByRole('link', { name: 'Security methods' }).click();
    await page.waitForURL(`${origin}/account/security`);
    await page.getByText('No security methods yet').waitFor();
    await noAxeProblems(page, 'the security section, empty');

    // An authenticator app: QR code and key, then the app's code.
    await page.getByRole('button', { name: 'Add an authenticator app' }).click();
    const appDialog = page.getByRole('dialog', { name: 'Add an authenticator app' });
    await appDialog.getByRole('img', { name: /QR code/ }).waitFor();
    const secret = (await appDialog.getByTestId('totp-secret').textContent()) ?? '';
    await noAxeProblems(page, 'the authenticator app dialog');
    const wrong = String((Number(totpCode(secret, new Date())) + 500_000) % 1_000_000).padStart(6, '0');
    await appDialog.getByLabel('Code from the app').fill(wrong);
    await appDialog.getByRole('button', { name: 'Add app' }).click();
    await appDialog.getByText('That code did not match').waitFor();
    await appDialog.getByLabel('Code from the app').fill(totpCode(secret, new Date()));
    await appDialog.getByRole('button', { name: 'Add app' }).click();
    await page.getByRole('status').filter({ hasText: 'Your authenticator app was added.' }).waitFor();

    // A passkey, through the virtual authenticator.
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('status').filter({ hasText: 'Your passkey was added.' }).waitFor();
    const rows = page.getByRole('table', { name: 'Your security methods' }).getByRole('row');
    assert.equal(await rows.count(), 3, 'a header row and two methods');
    await noAxeProblems(page, 'the security section with methods');

    // The admin's only passkey: refused, and the page says what to do.
    await page.getByRole('button', { name: /^Remove passkey/ }).click();
    const removeDialog = page.getByRole('dialog', { name: 'Remove passkey?' });
    await removeDialog.getByRole('button', { name: 'Remove', exact: true }).click();
    const refusal = removeDialog.getByRole('alert');
    assert.match(await refusal.textContent() ?? '', /last passkey.*Add another passkey first/);
    await noAxeProblems(page, 'the refusal in the remove dialog');
    await removeDialog.getByRole('button', { name: 'Cancel' }).click();

    // The authenticator app may go.
    await page.getByRole('button', { name: /^Remove authenticator app/ }).click();
    await page.getByRole('dialog', { name: 'Remove authenticator app?' }).getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Authenticator app was removed.' }).waitFor();
    assert.equal(await rows.count(), 2, 'the passkey is left');
    const factors = await f.api('GET', `/api/v1/users/${user.id}/factors`);
    assert.deepEqual((factors.body as { factorType: string }[]).map((x) => x.factorType), ['webauthn']);

    // A reload keeps the section; then sign out and back in with the passkey alone.
    await page.reload();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Security methods');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${origin}/signin`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${origin}/account`);
    assert.match(await page.getByTestId('amr').getAttribute('data-amr') ?? '', /^(hwk|swk), mfa$/);

    // Sessions: this browser and the other one.
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.waitForURL(`${origin}/account/sessions`);
    const sessions = page.getByRole('table', { name: 'Your signed-in sessions' });
    await sessions.getByText('This device', { exact: true }).waitFor();
    assert.equal(await sessions.getByRole('row').count(), 3, 'a header row and two sessions');
    assert.match(await sessions.textContent() ?? '', /Chrome on Linux/);
    assert.match(await sessions.textContent() ?? '', /127\.0\.0\.1/);
    await noAxeProblems(page, 'the sessions section');
    await sessions.getByRole('button', { name: /^Sign out of Chrome on Linux/ }).click();
    await page.getByRole('status').filter({ hasText: 'Signed out of' }).waitFor();
    assert.equal(await sessions.getByRole('row').count(), 2);
    assert.equal(await statusOfMe(otherPage), 404, 'the other browser\'s session ended');
    await otherPage.reload();
    await otherPage.waitForURL(`${origin}/signin?next=%2Faccount`);

    // Everywhere, this one included.
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    const everywhere = page.getByRole('dialog', { name: 'Sign out everywhere?' });
    await noAxeProblems(page, 'the sign out everywhere dialog');
    await everywhere.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL(`${origin}/signin`);
    assert.equal(await statusOfMe(page), 404);
    await other.close();
    await context.close();
  });

  it('opens a section by its address after a password and code sign-in, removes the last factor no rule needs, and makes recovery codes', async () => {
    const t = await newTotpUser(f);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/account/security`);
    await page.waitForURL(`${origin}/signin?next=%2Faccount%2Fsecurity`);
    await page.getByLabel('Username').fill(t.user.login);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Authenticator app code').fill(nextCode(t));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${origin}/account/security`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Security methods');
    await page.getByRole('button', { name: /^Remove authenticator app/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove authenticator app?' });
    await noAxeProblems(page, 'the remove dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: /^Remove authenticator app/ }).click();
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByText('No security methods yet').waitFor();

    // Recovery codes, shown this once; the list then says how many are left.
    await page.getByRole('button', { name: 'Get recovery codes' }).click();
    const codesDialog = page.getByRole('dialog', { name: 'Get recovery codes' });
    await codesDialog.getByRole('button', { name: 'Get codes' }).click();
    const codes = page.getByRole('dialog', { name: 'Your recovery codes' }).getByTestId('recovery-codes').getByRole('listitem');
    await codes.first().waitFor();
    assert.equal(await codes.count(), 10);
    await noAxeProblems(page, 'the recovery codes dialog');
    await page.getByRole('button', { name: 'I saved them' }).click();
    await page.getByText('10 codes left').waitFor();
    const factors = await f.api('GET', `/api/v1/users/${t.user.id}/factors`);
    assert.deepEqual((factors.body as { factorType: string }[]).map((x) => x.factorType), ['recovery_code']);
    await context.close();
  });

  it('says clearly why a method cannot be added from a network the account never signed in from, and that the session ended', async () => {
    const user = await newUser(f, 'ACTIVE');
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithPassword(page, user, '/account/security');
    await page.waitForURL(`${origin}/account/security`);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText(/cannot be added from a network this account has not signed in from/).waitFor();
    assert.match(await alert.textContent() ?? '', /You have been signed out\./);
    await noAxeProblems(page, 'the new-location refusal');
    await alert.getByRole('button', { name: 'Sign in again' }).click();
    await page.waitForURL(`${origin}/signin?next=%2Faccount%2Fsecurity`);
    const factors = await f.api('GET', `/api/v1/users/${user.id}/factors`);
    assert.deepEqual(factors.body, [], 'nothing was added');
    await context.close();
  });
});

