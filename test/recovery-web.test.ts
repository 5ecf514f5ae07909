/**
 * Password recovery on the web app's sign-in page, in a real browser (Debian's Chromium through playwright-core)
 * against a real server and database: a forgotten password answered with a TOTP code, an admin's reset link
 * (and its second opening, and an admin's link, which asks for one of the admin's factors), a passkey's answer through Chromium's virtual authenticator, a wrong answer that ends a self-service recovery, axe on every view; and the
 * server's request log, captured, never holding a reset link's token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { addMember, grant, newRule, newTotpUser, newUser, nextCode, PASSWORD, totpCode, type Fixture, type TotpUser } from './support/fixtures.ts';
import { accessibilityProblems, launchBrowser, pageWithAuthenticator, signInSettingUpPasskey, tenantOrigin } from './support/browser.ts';

const NEW_PASSWORD = 'Recovered-Lantern-47';

describe('password recovery on the sign-in page, in Chromium', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let browser: Browser;
  let origin: string;
  /** Every line the server logged, at LOG_LEVEL info as it runs by default. */
  const logged: string[] = [];

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'info' }, logStream: { write: (line: string) => void logged.push(line) } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    browser = await launchBrowser();
    origin = tenantOrigin(server.url, tenant.slug);
  });
  after(async () => {
    await browser.close();
    await server.close();
  });

  /** From the sign-in page to the factor choice of a self-service recovery of `login`. */
  async function forgot(page: Page, login: string): Promise<void> {
    await page.goto(`${origin}/signin`);
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Reset your password');
    assert.deepEqual(await accessibilityProblems(page), [], 'the username view');
    await page.getByLabel('Username').fill(login);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('radio', { name: 'Authenticator app code' }).check();
    assert.deepEqual(await accessibilityProblems(page), [], 'the factor choice');
  }

  /** A six-digit code that is not one of those the server accepts now. */
  function wrongCode(t: TotpUser): string {
    const near = [-30_000, 0, 30_000].map((d) => totpCode(t.secret, new Date(Date.now() + d)));
    return ['000000', '111111', '222222', '333333'].find((c) => !near.includes(c)) as string;
  }

  it('recovers a forgotten password with a TOTP code, signs the user in, and the new password works', async () => {
    const t = await newTotpUser(f);
    const context = await browser.newContext();
    const page = await context.newPage();
    await forgot(page, t.user.login);
    await page.getByLabel('Code', { exact: true }).fill(nextCode(t));
    await page.getByRole('button', { name: 'Verify' }).click();

    // The tenant's policy refuses a weak password: its reasons beside the field, and the form still there.
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('Repeat new password').fill('short');
    await page.getByRole('button', { name: 'Set new password' }).click();
    assert.match(await page.getByRole('alert').textContent() ?? '', /^That password cannot be used:.+/);
    assert.equal(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await accessibilityProblems(page), [], 'the new password refused by the policy');

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL(`${origin}/account`);
    assert.equal(await page.getByTestId('login').textContent(), t.user.login);
    assert.deepEqual((await page.getByTestId('amr').getAttribute('data-amr'))?.split(', ').sort(), ['otp', 'pwd']);

    // Signing in again: the new password is taken (the user's TOTP code is asked for next).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${origin}/signin`);
    await page.getByLabel('Username').fill(t.user.login);
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Authenticator app code').waitFor();
    await context.close();
  });

  it('opens an admin\'s reset link, sets a new password and signs in; the link works once; its token stays out of the log', async () => {
    const user = await newUser(f, 'ACTIVE');
    const reset = await f.api('POST', `/api/v1/users/${user.id}/lifecycle/reset_password?sendEmail=false`);
    assert.equal(reset.status, 200, reset.text);
    const link = new URL(reset.body.resetPasswordUrl as string);
    const token = link.pathname.split('/').pop() as string;
    assert.equal(link.pathname, `/signin/reset-password/${token}`, 'Okta\'s link');

    const context = await browser.newContext();
    const page = await context.newPage();
    const opened = await page.goto(`${origin}${link.pathname}`);
    // The sign-in page's own headers: never cached, nothing loaded from elsewhere, no Referer carrying the path.
    const headers = opened?.headers() ?? {};
    assert.equal(headers['cache-control'], 'no-store');
    assert.equal(headers['referrer-policy'], 'no-referrer');
    assert.match(headers['content-security-policy'] ?? '', /^default-src 'self';/);
    await page.getByLabel('New password', { exact: true }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/signin', 'the used-up token leaves the address bar');
    assert.match(await page.getByText(/^Choose a new password for /).textContent() ?? '', new RegExp(user.login.replace(/[.]/g, '\\.')));
    assert.deepEqual(await accessibilityProblems(page), [], 'the new password view');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL(`${origin}/account`);
    assert.equal(await page.getByTestId('login').textContent(), user.login);

    const again = await context.newPage();
    await again.goto(`${origin}${link.pathname}`);
    assert.equal(await again.getByRole('alert').textContent(), 'This reset link has already been used or has expired. Ask your administrator for a new one, or reset your password yourself.');
    assert.deepEqual(await accessibilityProblems(again), [], 'the used-up link');
    await again.getByRole('button', { name: 'Start again' }).click();
    await again.getByLabel('Username').waitFor();
    await context.close();

    const log = logged.join('');
    assert.ok(log.includes('"url":"/signin/reset-password/[REDACTED]"'), 'the page\'s request is logged, its token redacted');
    assert.ok(!log.includes(token), 'the token is nowhere in the log');
  });

  it('asks an admin who opens a reset link for one of their own factors, and takes another answer after a wrong one', async () => {
    const t = await newTotpUser(f);
    await grant(f, t.user.id, 'READ_ONLY_ADMIN');
    const reset = await f.api('POST', `/api/v1/users/${t.user.id}/lifecycle/reset_password?sendEmail=false`);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}${new URL(reset.body.resetPasswordUrl as string).pathname}`);
    await page.getByLabel('Code', { exact: true }).waitFor();
    assert.deepEqual(await page.getByRole('radio').evaluateAll((radios) => radios.map((r) => (r as HTMLInputElement).value)), ['token:software:totp'], 'the admin\'s own factor only');
    await page.getByLabel('Code', { exact: true }).fill(wrongCode(t));
    await page.getByRole('button', { name: 'Verify' }).click();
    assert.equal(await page.getByRole('alert').textContent(), 'That answer did not match. Try again.');
    await page.getByLabel('Code', { exact: true }).fill(nextCode(t));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL(`${origin}/account`);
    assert.equal(await page.getByTestId('login').textContent(), t.user.login);
    await context.close();
  });

  it('recovers a forgotten password with a passkey', async () => {
    // The passkey is made in this browser, so that its virtual authenticator holds it: the tenant's rule asks a
    // member of the group for a factor at sign-in, and the page offers to set one up.
    const { groupId } = await newRule(f);
    const user = await newUser(f, 'ACTIVE');
    await addMember(f, groupId, user.id);
    const context = await browser.newContext();
    const { page } = await pageWithAuthenticator(context);
    await signInSettingUpPasskey(page, origin, user.login, PASSWORD);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${origin}/signin`);

    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await page.getByLabel('Username').fill(user.login);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('radio', { name: 'Passkey' }).check();
    await page.getByRole('button', { name: 'Use your passkey' }).click();
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL(`${origin}/account`);
    assert.equal(await page.getByTestId('login').textContent(), user.login);
    assert.match(await page.getByTestId('amr').getAttribute('data-amr') ?? '', /\b(hwk|swk)\b/);
    await context.close();
  });

  it('ends a self-service recovery at a wrong code, says so, and offers to start again', async () => {
    const t = await newTotpUser(f);
    const context = await browser.newContext();
    const page = await context.newPage();
    await forgot(page, t.user.login);
    await page.getByLabel('Code', { exact: true }).fill(wrongCode(t));
    await page.getByRole('button', { name: 'Verify' }).click();
    assert.equal(await page.getByRole('alert').textContent(), 'That answer did not match, so this password reset has ended. You can start again.');
    assert.equal(await page.getByLabel('Code', { exact: true }).count(), 0, 'no second answer is asked for');
    assert.deepEqual(await accessibilityProblems(page), [], 'the ended recovery');
    await page.getByRole('button', { name: 'Start again' }).click();
    await page.getByLabel('Username').waitFor();
    await page.getByRole('button', { name: 'Back to sign in' }).click();
    await page.getByLabel('Password').waitFor();
    await context.close();
  });
});
