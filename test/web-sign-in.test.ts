/**
 * The web app's sign-in page in a real browser (Debian's Chromium through playwright-core) against a real
 * server and database: password, password + TOTP code, a wrong password, and a passkey set up during sign-in
 * (the tenant's rule asks for a factor) then used alone, through Chromium's virtual authenticator.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { addMember, newRule, newTotpUser, newUser, nextCode, PASSWORD, profileOf, unique, type Fixture } from './support/fixtures.ts';
import { accessibilityProblems, enrollPasskeyByLink, launchBrowser, pageWithAuthenticator, signInSettingUpPasskey, tenantOrigin } from './support/browser.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';

describe('the sign-in page, in Chromium', () => {
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

  it('signs in with a password and lands on the account page with an HttpOnly session cookie', async () => {
    const user = await newUser(f, 'ACTIVE');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/signin`);
    assert.deepEqual(await accessibilityProblems(page), [], 'the sign-in page');
    await page.getByLabel('Username').fill(user.login);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${origin}/account`);
    assert.equal(await page.getByTestId('login').textContent(), user.login);
    assert.equal(await page.getByTestId('amr').getAttribute('data-amr'), 'pwd');
    assert.deepEqual(await accessibilityProblems(page), [], 'the account page');
    const cookie = (await context.cookies()).find((c) => c.name === 'sid');
    assert.ok(cookie?.httpOnly, 'the session cookie is HttpOnly');
    assert.equal(await page.evaluate(() => document.cookie), '', 'and out of the page script\'s reach');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${origin}/signin`);
    await context.close();
  });

  it('asks for the code of a user with TOTP, and refuses a wrong password with a clear message', async () => {
    const t = await newTotpUser(f);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/signin`);
    await page.getByLabel('Username').fill(t.user.login);
    await page.getByLabel('Password').fill('Not-The-Password-9');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    assert.equal(await page.getByRole('alert').textContent(), 'Authentication failed');
    assert.deepEqual(await accessibilityProblems(page), [], 'the sign-in page with an error');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Authenticator app code').fill(nextCode(t));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${origin}/account`);
    assert.equal(await page.getByTestId('amr').getAttribute('data-amr'), 'pwd, otp');
    await context.close();
  });

  it('opens an admin-issued enrollment link, sets up a passkey, and signs the invited user in', async () => {
    const login = `${unique('invited')}@fixture.example.com`;
    const created = await f.api('POST', '/api/v1/users?activate=false', { profile: profileOf(login) });
    const activation = await f.api('POST', `/api/v1/users/${created.body.id}/lifecycle/activate`);
    assert.equal(new URL(activation.body.activationUrl as string).pathname, '/welcome');
    const context = await browser.newContext();
    const { page } = await pageWithAuthenticator(context);
    await enrollPasskeyByLink(page, origin, activation.body.activationUrl as string);
    assert.equal(await page.getByTestId('login').textContent(), login);
    assert.match(await page.getByTestId('amr').getAttribute('data-amr') ?? '', /^(hwk|swk), mfa$/);
    const user = await f.api('GET', `/api/v1/users/${created.body.id}`);
    assert.equal(user.body.status, 'ACTIVE', 'the invited user is active');
    await context.close();
  });

  it('offers the passkey in the username field\'s autofill, and picking it signs in', async () => {
    const login = `${unique('autofill')}@fixture.example.com`;
    const created = await f.api('POST', '/api/v1/users?activate=false', { profile: profileOf(login) });
    const activation = await f.api('POST', `/api/v1/users/${created.body.id}/lifecycle/activate`);
    const context = await browser.newContext();
    const { page } = await pageWithAuthenticator(context);
    await enrollPasskeyByLink(page, origin, activation.body.activationUrl as string);
    await context.clearCookies();

    await page.goto(`${origin}/signin`);
    const seq = await lastSeqOf(server.db, tenant.id);
    // Chromium's virtual authenticator answers a conditional request at once, as a user picking the suggestion would.
    await page.getByLabel('Username').focus();
    await page.waitForURL(`${origin}/account`);
    assert.equal(await page.getByTestId('login').textContent(), login);
    assert.match(await page.getByTestId('amr').getAttribute('data-amr') ?? '', /^(hwk|swk), mfa$/);
    const types = (await eventsAfterOf<Logged>(server.db, tenant.id, seq)).map((e) => e.eventType);
    assert.ok(types.includes('user.session.start'), `the sign-in is logged: ${types.join(', ')}`);
    await context.close();
  });

  it('sets up a passkey when the tenant\'s rule asks for a factor, then signs in with the passkey alone', async () => {
    const { groupId } = await newRule(f);
    const user = await newUser(f, 'ACTIVE');
    await addMember(f, groupId, user.id);
    const context = await browser.newContext();
    const { page } = await pageWithAuthenticator(context);
    await signInSettingUpPasskey(page, origin, user.login, PASSWORD);
    assert.match(await page.getByTestId('amr').getAttribute('data-amr') ?? '', /^pwd, (hwk|swk), mfa$/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${origin}/signin`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${origin}/account`);
    assert.equal(await page.getByTestId('login').textContent(), user.login);
    assert.match(await page.getByTestId('amr').getAttribute('data-amr') ?? '', /^(hwk|swk), mfa$/);
    await context.close();
  });
});
