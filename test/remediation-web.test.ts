/**
 * Remediation in the admin console, in Chromium against a real server and database: one super admin plans a
 * remediation (the dry run lists the user whose password was reset in the window, and not the one who did
 * nothing), and may not approve it; a second super admin approves it with their passkey (the last check is 6
 * minutes old, so the console asks again), applies it, follows it to the end and downloads the final report.
 * axe-core finds nothing serious on the pages.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { accessibilityProblems, launchBrowser, tenantOrigin } from './support/browser.ts';
import { newUser, ok, type Fixture, type UserRef } from './support/fixtures.ts';
import { passkeyAdmin } from './support/passkey-admin.ts';

const MINUTE = 60_000;

/** A time as the page's datetime-local field takes it: local time, to the minute. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function signInToConsole(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/admin`);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/admin'));
}

describe('remediation in the admin console, in Chromium', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let browser: Browser;
  let ada: Page;
  let grace: Page;
  let origin: string;
  let struck: UserRef;
  let quiet: UserRef;
  let since: number;

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    origin = tenantOrigin(server.url, tenant.slug);
    browser = await launchBrowser();
    ({ page: ada } = await passkeyAdmin(f, await browser.newContext({ viewport: { width: 1360, height: 900 } }), origin, 'SUPER_ADMIN', 'Ada'));
    ({ page: grace } = await passkeyAdmin(f, await browser.newContext({ viewport: { width: 1360, height: 900 } }), origin, 'SUPER_ADMIN', 'Grace'));
    for (const page of [ada, grace]) page.setDefaultTimeout(10_000);
    struck = await newUser(f, 'ACTIVE');
    quiet = await newUser(f, 'ACTIVE');
    // The window opens after the admins set up their passkeys (a factor change too), then the incident.
    clock.advance(10 * MINUTE);
    since = clock.now().getTime() - 2 * MINUTE;
    ok(await f.api('POST', `/api/v1/users/${struck.id}/lifecycle/reset_password`), 'the reset under suspicion');
    clock.advance(MINUTE);
    await signInToConsole(ada, origin);
    await signInToConsole(grace, origin);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('plans a dry run, approves it with a second admin\'s passkey, applies it and gives the report', { timeout: 90_000 }, async () => {
    await ada.getByRole('link', { name: 'Remediation', exact: true }).click();
    await ada.getByRole('heading', { name: 'Remediation', level: 1 }).waitFor();
    await ada.getByText('No remediation plans').waitFor();
    await ada.getByRole('button', { name: 'Plan a remediation' }).click();
    await ada.getByLabel('Name').fill('Password resets during the incident');
    await ada.getByLabel('Window start').fill(localInput(since));
    await ada.getByRole('group', { name: 'Then do this to each of them' }).getByRole('checkbox', { name: 'Clear sessions' }).check();
    assert.deepEqual(await accessibilityProblems(ada), [], 'the plan form');
    await ada.getByRole('button', { name: 'Run the dry run' }).click();
    await ada.getByRole('heading', { name: 'Password resets during the incident', level: 1 }).waitFor();
    const users = ada.getByRole('table', { name: /The users of the plan/ });
    await users.getByRole('row').filter({ hasText: struck.login }).waitFor();
    assert.equal(await users.getByRole('row').filter({ hasText: quiet.login }).count(), 0, 'the user who did nothing is not in the plan');
    assert.match(await users.getByRole('row').filter({ hasText: struck.login }).textContent() ?? '', /Password or factor changed.*user\.account\.reset_password/);
    await ada.getByText('Another super admin approves this plan').waitFor();
    assert.equal(await ada.getByRole('button', { name: 'Approve' }).count(), 0, 'nobody approves their own plan');
    assert.deepEqual(await accessibilityProblems(ada), [], 'the dry run');
    const planUrl = ada.url();

    // The second admin approves: 6 minutes after their passkey sign-in, the console asks for it again.
    clock.advance(6 * MINUTE);
    await grace.getByRole('link', { name: 'Remediation', exact: true }).click();
    await grace.getByRole('link', { name: 'Password resets during the incident' }).click();
    await grace.waitForURL(planUrl);
    await grace.getByRole('button', { name: 'Approve' }).click();
    await grace.getByRole('dialog', { name: 'Approve this remediation?' }).getByRole('button', { name: 'Approve' }).click();
    await grace.getByRole('dialog', { name: 'Confirm it is you' }).getByRole('button', { name: 'Confirm' }).click();
    await grace.getByRole('status').filter({ hasText: 'The plan is approved' }).waitFor();

    await grace.getByRole('button', { name: 'Apply' }).click();
    await grace.getByRole('dialog', { name: 'Apply this remediation?' }).getByRole('button', { name: 'Apply now' }).click();
    await grace.getByRole('status').filter({ hasText: 'The plan was applied' }).waitFor();
    await grace.getByText('Completed', { exact: true }).first().waitFor();
    const row = grace.getByRole('table', { name: /The users of the plan/ }).getByRole('row').filter({ hasText: struck.login });
    assert.match(await row.textContent() ?? '', /Force a password reset: Done.*Clear sessions: Done/);
    assert.deepEqual(await accessibilityProblems(grace), [], 'the applied plan');

    const [download] = await Promise.all([grace.waitForEvent('download'), grace.getByRole('button', { name: 'Download the report (CSV)' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8').trimEnd().split('\n');
    assert.equal(csv[0], 'remediationId,userId,login,displayName,adminRoles,matched,action,state,reason,finished,eventIds');
    assert.ok(csv.some((line) => line.includes(struck.id) && line.includes('FORCE_PASSWORD_RESET,DONE')), csv.join('\n'));

    // What the console did is what the API shows: the user's password is reset, by the second admin.
    assert.equal((await f.api('GET', `/api/v1/users/${struck.id}`)).body.status, 'RECOVERY');
    const planId = new URL(planUrl).pathname.split('/').at(-1) as string;
    const plan = (await f.api('GET', `/api/v1/remediations/${planId}`)).body;
    assert.equal(plan.status, 'COMPLETED');
    assert.notEqual(plan.approval.by.id, plan.createdBy.id);
  });
});
