/**
 * The page behind a verification link (docs/privileged-verification.md) in a real browser (Debian's Chromium
 * through playwright-core) against a real server: an administrator whose passkey lives in Chromium's virtual
 * authenticator opens the link the help desk gave them, sees who asked and for what, and confirms with the
 * passkey; the help desk's reset then goes through. A link that names nothing says so. axe on every view.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiClient, createTestTenant, startTestServer, tokenWithRole, type Api, type TestServer, type TestTenant } from './helpers.ts';
import { grant, ok, profileOf, unique, type Fixture } from './support/fixtures.ts';
import { accessibilityProblems, enrollPasskeyByLink, launchBrowser, pageWithAuthenticator, tenantOrigin } from './support/browser.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';

describe('the verification page, in Chromium', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let helpDesk: { userId: string; api: Api };
  let browser: Browser;
  let origin: string;

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    const { userId, token } = await tokenWithRole(server.db, tenant.id, 'HELP_DESK_ADMIN');
    helpDesk = { userId, api: apiClient(server.url, token) };
    browser = await launchBrowser();
    origin = tenantOrigin(server.url, tenant.slug);
  });
  after(async () => {
    await browser.close();
    await server.close();
  });

  it('lets an administrator confirm it is them with their passkey, and the help desk then resets their factors', async () => {
    const login = `${unique('admin')}@fixture.example.com`;
    const created = ok(await f.api('POST', '/api/v1/users?activate=false', { profile: profileOf(login) }), 'invite');
    const userId = created.body.id as string;
    const activation = ok(await f.api('POST', `/api/v1/users/${userId}/lifecycle/activate`), 'activate');
    const context = await browser.newContext();
    const { page } = await pageWithAuthenticator(context);
    await enrollPasskeyByLink(page, origin, activation.body.activationUrl as string);
    await grant(f, userId, 'ORG_ADMIN');
    await context.clearCookies();

    const seq = await lastSeqOf(server.db, tenant.id);
    const asked = ok(await helpDesk.api('POST', `/api/v1/users/${userId}/verifications`, { action: 'RESET_FACTORS', method: 'TARGET_PASSKEY' }), 'ask');
    const link = new URL(asked.body.verificationUrl as string);
    assert.equal(link.origin, origin);
    await page.goto(link.href);
    await page.getByRole('button', { name: 'Confirm with your passkey' }).waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');
    assert.match(await page.getByRole('main').textContent() ?? '', new RegExp(`asked to confirm it is you \\(${login.replace(/[.]/g, '\\.')}\\) before they reset your security methods`));
    assert.deepEqual(await accessibilityProblems(page), [], 'the confirmation view');

    await page.getByRole('button', { name: 'Confirm with your passkey' }).click();
    await page.getByRole('status').filter({ hasText: 'you are verified' }).waitFor();
    assert.deepEqual(await accessibilityProblems(page), [], 'the done view');
    const verified = ok(await f.api('GET', `/api/v1/users/${userId}/verifications/${asked.body.id}`), 'read').body as { status: string; decision: { by: { id: string } } };
    assert.deepEqual([verified.status, verified.decision.by.id], ['VERIFIED', userId]);

    // Opened again (a new document: from /verify, the link alone would only change the fragment), the link is over.
    await page.goto('about:blank');
    await page.goto(link.href);
    assert.match(await page.getByRole('alert').textContent() ?? '', /VERIFIED/);

    const reset = await helpDesk.api('POST', `/api/v1/users/${userId}/lifecycle/reset_factors`);
    assert.equal(reset.status, 200, reset.text);
    const types = (await eventsAfterOf<Logged>(server.db, tenant.id, seq)).map((e) => `${e.eventType} ${e.outcome.result}`);
    assert.deepEqual(types, [
      'bulwark.user.verification.request SUCCESS', 'bulwark.user.verification.verify SUCCESS', 'bulwark.user.verification.use SUCCESS', 'user.mfa.factor.reset_all SUCCESS',
    ]);
    await context.close();
  });

  it('says so when the link names no verification', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/verify#token=${'A'.repeat(43)}`);
    assert.match(await page.getByRole('alert').textContent() ?? '', /not valid/);
    assert.deepEqual(await accessibilityProblems(page), [], 'the refusal');
    await page.goto(`${origin}/verify`);
    assert.match(await page.getByRole('alert').textContent() ?? '', /not complete/);
    await context.close();
  });
});
