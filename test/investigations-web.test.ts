/**
 * Investigations in the admin console, in Chromium against a real server and database: a help-desk admin's API
 * token, used from an outside address, resets two users' passwords and one's factors while the tenant's own
 * admin resets a third from the office. A super admin opens an investigation on the page with that address as
 * the suspect (a bad address first: the server's reason shows beside the field and nothing is saved), sees the
 * blast radius with those two users and their event types and not the third, pivots from the address to the
 * help-desk admin, opens an event in full, and downloads the PDF report with its signature, which verifies with
 * the installation's report key. A read-only admin sees the investigation but may neither start nor delete one;
 * the super admin deletes it. axe-core finds nothing serious on the pages.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Download, Page } from 'playwright-core';
import { readReportPublicKey, verifyReport } from '../src/forensics/report-signing.ts';
import { apiClient, createTestTenant, startTestServer, tokenWithRole, type TestServer, type TestTenant } from './helpers.ts';
import { accessibilityProblems, launchBrowser, tenantOrigin } from './support/browser.ts';
import { newUser, ok, type Fixture, type UserRef } from './support/fixtures.ts';
import { passkeyAdmin } from './support/passkey-admin.ts';

const SUSPECT_IP = '203.0.113.66';
const NAME = 'Help desk token misuse';

async function signInToConsole(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/admin`);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/admin'));
}

describe('investigations in the admin console, in Chromium', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let browser: Browser;
  let ada: Page;
  let reader: Page;
  let origin: string;
  let suspect: { userId: string; login: string };
  let ann: UserRef;
  let bob: UserRef;
  let carol: UserRef;

  before(async () => {
    // X-Forwarded-For from the loopback is believed: the suspect's calls come from an outside address.
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000', BULWARK_TRUSTED_PROXIES: '127.0.0.1' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    origin = tenantOrigin(server.url, tenant.slug);
    [ann, bob, carol] = [await newUser(f, 'ACTIVE'), await newUser(f, 'ACTIVE'), await newUser(f, 'ACTIVE')];
    const login = 'helpdesk-suspect@example.com';
    const helpDesk = await tokenWithRole(server.db, tenant.id, 'HELP_DESK_ADMIN', login);
    suspect = { userId: helpDesk.userId, login };
    const fromOutside = apiClient(server.url, helpDesk.token);
    const outside = { 'x-forwarded-for': SUSPECT_IP };
    ok(await fromOutside('POST', `/api/v1/users/${ann.id}/lifecycle/reset_password`, undefined, outside), 'the suspect resets ann');
    ok(await fromOutside('POST', `/api/v1/users/${bob.id}/lifecycle/reset_password`, undefined, outside), 'the suspect resets bob');
    ok(await fromOutside('POST', `/api/v1/users/${bob.id}/lifecycle/reset_factors`, undefined, outside), 'the suspect resets bob\'s factors');
    ok(await f.api('POST', `/api/v1/users/${carol.id}/lifecycle/reset_password`), 'the tenant\'s admin resets carol from the office');

    browser = await launchBrowser();
    ({ page: ada } = await passkeyAdmin(f, await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true }), origin, 'SUPER_ADMIN', 'Ada'));
    ({ page: reader } = await passkeyAdmin(f, await browser.newContext({ viewport: { width: 1360, height: 900 } }), origin, 'READ_ONLY_ADMIN', 'Rita'));
    for (const page of [ada, reader]) page.setDefaultTimeout(15_000);
    await signInToConsole(ada, origin);
    await signInToConsole(reader, origin);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens an investigation, shows its blast radius, pivots, and gives the signed report', { timeout: 120_000 }, async () => {
    await ada.getByRole('link', { name: 'Investigations', exact: true }).click();
    await ada.getByRole('heading', { name: 'Investigations', level: 1 }).waitFor();
    await ada.getByText('No investigations').waitFor();
    assert.deepEqual(await accessibilityProblems(ada), [], 'the empty list');

    // A bad address: the server's reason is shown beside the field, and nothing is saved.
    await ada.getByRole('button', { name: 'New investigation' }).click();
    const dialog = ada.getByRole('dialog', { name: 'New investigation' });
    await dialog.getByLabel('Name').fill(NAME);
    await dialog.getByLabel('IP addresses').fill('203.0.113.300');
    await dialog.getByRole('button', { name: 'Save investigation' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The investigation was not saved' }).waitFor();
    const ips = dialog.getByLabel('IP addresses');
    assert.equal(await ips.getAttribute('aria-invalid'), 'true');
    assert.match(await ips.getAttribute('aria-describedby').then((id) => dialog.locator(`[id="${id}"]`).textContent()) ?? '', /must be an IPv4 or IPv6 address/);
    assert.deepEqual(await accessibilityProblems(ada), [], 'the form with its error');
    assert.deepEqual((await f.api('GET', '/api/v1/investigations')).body, [], 'nothing was saved');

    await ips.fill(SUSPECT_IP);
    await dialog.getByRole('button', { name: 'Save investigation' }).click();
    await ada.getByRole('heading', { name: NAME, level: 1 }).waitFor();

    // The blast radius: the suspect's two users and what was done to them; not the admin's reset of carol.
    const users = ada.getByRole('table', { name: 'Users targeted by the suspects' });
    await users.getByRole('row').filter({ hasText: ann.login }).waitFor();
    assert.match(await users.getByRole('row').filter({ hasText: bob.login }).textContent() ?? '', /user\.account\.reset_password.*user\.mfa\.factor\.reset_all/);
    assert.equal(await users.getByRole('row').filter({ hasText: carol.login }).count(), 0, 'the office reset is not the suspect\'s');
    const actions = ada.getByRole('table', { name: 'The suspects\' actions by event type' });
    assert.deepEqual((await actions.locator('tbody tr td:first-child').allTextContents()).sort(), ['user.account.reset_password', 'user.mfa.factor.reset_all']);
    const totals = await ada.locator('.stat-card').allTextContents();
    assert.ok(totals.includes('Events3') && totals.includes('Users targeted2') && totals.includes('Actors1'), totals.join(' | '));
    await ada.getByRole('table', { name: 'The suspects\' events in time order' }).getByRole('row').nth(3).waitFor();
    assert.deepEqual(await accessibilityProblems(ada), [], 'the investigation');

    // Pivot: from the address to the actors that used it, then to that actor's sessions (an API token has none).
    await ada.getByRole('table', { name: /The actors of the suspects' events/ }).getByRole('button', { name: SUSPECT_IP }).click();
    const panel = ada.getByRole('dialog', { name: `Who used ${SUSPECT_IP}` });
    await panel.getByText(`1 actor used ${SUSPECT_IP} in the window.`).waitFor();
    const row = panel.getByRole('table', { name: 'Actors that used the address' }).getByRole('row').filter({ hasText: suspect.userId });
    assert.match(await row.textContent() ?? '', new RegExp(`${suspect.login}.*User.*3`));
    assert.deepEqual(await accessibilityProblems(ada), [], 'the pivot panel');
    await row.getByRole('button', { name: suspect.login }).click();
    const sessions = ada.getByRole('dialog', { name: `Sessions of ${suspect.login}` });
    await sessions.getByText('Nothing found').waitFor();
    await sessions.getByRole('navigation', { name: 'Pivot steps' }).getByRole('button', { name: `Who used ${SUSPECT_IP}` }).click();
    await panel.getByText(`1 actor used ${SUSPECT_IP} in the window.`).waitFor();
    await panel.getByRole('button', { name: 'Close' }).click();
    await panel.waitFor({ state: 'detached' });

    // An event of the timeline in full, from the System Log.
    await ada.getByRole('table', { name: 'The suspects\' events in time order' }).getByRole('row').nth(1).getByRole('button').first().click();
    const event = ada.getByRole('dialog', { name: 'Reset Okta user password' });
    await event.getByText(`"ipAddress": "${SUSPECT_IP}"`).waitFor();
    await event.getByRole('button', { name: 'Close' }).click();

    // The PDF and its signature, saved side by side, verify with the installation's report key.
    const downloads: Download[] = [];
    ada.on('download', (d) => downloads.push(d));
    await ada.getByRole('button', { name: 'Download PDF' }).click();
    await ada.getByRole('status').filter({ hasText: /Saved impact-report-inv\w+\.pdf and its signature/ }).waitFor({ timeout: 60_000 });
    for (let waited = 0; downloads.length < 2 && waited < 5000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    const pdf = downloads.find((d) => d.suggestedFilename().endsWith('.pdf')) as Download;
    const sig = downloads.find((d) => d.suggestedFilename().endsWith('.pdf.sig')) as Download;
    assert.equal(sig.suggestedFilename(), `${pdf.suggestedFilename()}.sig`);
    const file = readFileSync(await pdf.path());
    assert.equal(file.subarray(0, 5).toString('latin1'), '%PDF-');
    const key = readReportPublicKey(server.config.dataDir);
    assert.ok(key, 'the installation has a report key');
    assert.deepEqual(verifyReport(file, readFileSync(await sig.path(), 'utf8'), key).ok, true);
    assert.deepEqual(await accessibilityProblems(ada), [], 'the investigation after the download');
  });

  it('lets a read-only admin read investigations but not start or delete one; a super admin deletes it', { timeout: 60_000 }, async () => {
    await reader.getByRole('link', { name: 'Investigations', exact: true }).click();
    await reader.getByRole('link', { name: NAME }).waitFor();
    assert.equal(await reader.getByRole('button', { name: 'New investigation' }).count(), 0);
    assert.equal(await reader.getByRole('button', { name: /^Delete/ }).count(), 0);
    assert.deepEqual(await accessibilityProblems(reader), [], 'the list, read-only');

    await ada.getByRole('link', { name: 'Investigations', exact: true }).click();
    await ada.getByRole('button', { name: `Delete ${NAME}` }).click();
    await ada.getByRole('dialog', { name: `Delete “${NAME}”?` }).getByRole('button', { name: 'Delete' }).click();
    await ada.getByRole('status').filter({ hasText: 'was deleted' }).waitFor();
    await ada.getByText('No investigations').waitFor();
    assert.deepEqual((await f.api('GET', '/api/v1/investigations')).body, []);
  });
});
