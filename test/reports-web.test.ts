/**
 * The support plane's reports in a real browser (Debian's Chromium through playwright-core): a report admin of
 * the commercial cell's support plane builds a report of one organisation's support users with the default
 * fields and downloads it; asks for every organisation's users with their email, which is a bulk export and
 * waits; a second person with the security role approves it in their own browser, and is refused when they try
 * to approve a bulk export of their own; the report admin downloads it; the security staff member reconciles
 * both downloads. axe checks every view.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { systemClock } from '../src/lib/clock.ts';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { accessibilityProblems, enrollPasskeyByLink, launchBrowser, pageWithAuthenticator, tenantOrigin } from './support/browser.ts';
import { ok, unique, type Fixture } from './support/fixtures.ts';
import { helpCenterCustomer, newSupportPlane, type SupportPlane } from './support/help-center.ts';

/** Zero-width characters: the invisible marker a download carries in its header's first cell. */
const INVISIBLE = /[\u200b-\u200d\u2060-\u2064\ufeff]/g;

describe('support-plane reports, in Chromium', () => {
  let server: TestServer;
  let org: TestTenant;
  let plane: SupportPlane;
  let browser: Browser;
  let helpCenter: string;
  let customerLogin: string;
  const contexts: BrowserContext[] = [];

  /** A staff member of the plane in `groups`, with a passkey in a browser of their own, signed in to the Help Center. */
  async function staffInBrowser(firstName: string, lastName: string, groups: string[]): Promise<Page> {
    const login = `${unique(firstName.toLowerCase())}@staff.example.com`;
    const created = ok(await plane.api('POST', '/api/v1/users?activate=false', { profile: { login, email: login, firstName, lastName } }), 'invite staff');
    for (const group of groups) ok(await plane.api('PUT', `/api/v1/groups/${plane.groups.get(group)}/users/${created.body.id}`), `join ${group}`);
    const activation = ok(await plane.api('POST', `/api/v1/users/${created.body.id}/lifecycle/activate`), 'activate staff').body.activationUrl as string;
    const context = await browser.newContext({ acceptDownloads: true });
    contexts.push(context);
    const { page } = await pageWithAuthenticator(context);
    page.setDefaultTimeout(15_000);
    await enrollPasskeyByLink(page, tenantOrigin(server.url, plane.slug), activation);
    await page.goto(`${helpCenter}/`);
    await page.getByRole('link', { name: 'sign in with your passkey' }).click();
    await page.waitForURL((url) => url.origin === tenantOrigin(server.url, plane.slug) && url.pathname === '/signin');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${helpCenter}/`);
    await page.getByRole('status').filter({ hasText: `Signed in as ${firstName} ${lastName}, support staff` }).waitFor();
    return page;
  }

  /** The file a click on `link` downloads, as text. */
  async function downloaded(page: Page, click: () => Promise<void>): Promise<{ download: Download; text: string }> {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), click()]);
    const path = await download.path();
    return { download, text: await readFile(path, 'utf8') };
  }

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    org = await createTestTenant(server.db);
    const f: Fixture = { db: server.db, tenantId: org.id, api: apiClient(server.url, org.token) };
    // A customer of the organisation signs in to the Help Center once: a support user of the cell.
    const customer = await helpCenterCustomer(server, f, org.slug);
    customerLogin = customer.tenantSession.user.login;
    plane = await newSupportPlane(server, systemClock, 'commercial');
    browser = await launchBrowser();
    helpCenter = tenantOrigin(server.url, 'support');
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  it('runs a scoped report at once, holds a bulk export for a second person, and reconciles its download', { timeout: 90_000 }, async () => {
    const admin = await staffInBrowser('Grace', 'Hopper', ['Support agents', 'Report admins']);
    await admin.getByRole('button', { name: 'Reports', exact: true }).click();
    await admin.getByRole('heading', { name: 'Build a report' }).waitFor();
    await admin.getByLabel(/^Template/).selectOption('support-users');

    // Defaults are ticked and never personal; personal fields carry their badge.
    const email = admin.getByRole('checkbox', { name: /^Email/ });
    assert.equal(await email.isChecked(), false);
    assert.match(await admin.locator('label.choice', { has: email }).textContent() ?? '', /Personal data/);
    assert.equal(await admin.getByRole('checkbox', { name: /^Created/ }).isChecked(), true);
    const organization = admin.getByLabel(/^Organization/);
    await organization.locator(`option[value="${org.slug}"]`).waitFor({ state: 'attached' });
    assert.deepEqual(await accessibilityProblems(admin), [], 'the report builder');

    // One organisation, default fields: ready at once.
    await organization.selectOption(org.slug);
    const tomorrow = new Date(Date.now() + 86_400_000);
    const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await admin.getByLabel(/^Created before/).fill(local);
    assert.equal(await admin.getByRole('note', { name: 'Bulk export' }).count(), 0, 'no bulk warning for one organisation');
    await admin.getByRole('button', { name: 'Run the report' }).click();
    const run = admin.getByRole('region', { name: 'The run' });
    await run.getByText('Ready', { exact: true }).waitFor();
    assert.match(await run.textContent() ?? '', /Rows1Status/);
    assert.match(await run.textContent() ?? '', /Bulk exportNo/);
    assert.deepEqual(await accessibilityProblems(admin), [], 'a ready run');
    const scoped = await downloaded(admin, () => run.getByRole('link', { name: 'Download CSV' }).click());
    // Streamed from a single-use ticket the page took with a proved call: a navigation carries no device proof.
    assert.match(scoped.download.url(), /\/download\?format=csv&ticket=[A-Za-z0-9_-]{43}$/);
    const lines = scoped.text.replace(INVISIBLE, '').trim().split(/\r?\n/);
    assert.match(lines[0] ?? '', /^Created[^,]*,Last login[^,]*,Company name,User type,Role name$/, 'a header row of the default fields, its marker invisible');
    assert.notEqual(scoped.text.split(/\r?\n/)[0], lines[0], 'the header carries the invisible marker');
    assert.equal(lines.length, 3, 'the customer\'s row and the canary row under the header');
    assert.ok(!scoped.text.includes(customerLogin), 'no personal data among the default fields');

    // Every organisation with the email field: a bulk export, which needs a reason and waits.
    await organization.selectOption('');
    await admin.getByLabel(/^Created before/).fill('');
    await email.check();
    const warning = admin.getByRole('note', { name: 'Bulk export' });
    await warning.waitFor();
    assert.match(await warning.textContent() ?? '', /bulk export/i);
    await admin.getByLabel('Reason for this bulk export').fill('Annual contact-data review, ticket SEC-1234.');
    assert.deepEqual(await accessibilityProblems(admin), [], 'the bulk warning');
    await admin.getByRole('button', { name: 'Run the report' }).click();
    await run.getByText('Waiting for approval', { exact: true }).waitFor();
    await run.getByRole('status').filter({ hasText: 'second person with the security role' }).waitFor();
    assert.equal(await run.getByRole('link', { name: 'Download CSV' }).count(), 0, 'no file before approval');
    assert.deepEqual(await accessibilityProblems(admin), [], 'a run waiting for approval');

    // A second person with the security role approves it in their own browser.
    const security = await staffInBrowser('Katherine', 'Johnson', ['Support security']);
    await security.getByRole('button', { name: 'Report approvals' }).click();
    const request = security.getByRole('article', { name: /requested by Grace Hopper/ });
    await request.waitFor();
    assert.match(await request.textContent() ?? '', /none — all organizations/);
    assert.match(await request.textContent() ?? '', /Personal fields\s*Email/);
    assert.match(await request.textContent() ?? '', /SEC-1234/);
    assert.deepEqual(await accessibilityProblems(security), [], 'the approvals inbox');
    await request.getByLabel('Note').fill('Checked with the requester; SEC-1234 is open.');
    await request.getByRole('button', { name: 'Approve' }).click();
    await security.getByRole('status').filter({ hasText: 'Approved Grace Hopper' }).waitFor();
    await request.waitFor({ state: 'detached' });

    // Nobody decides on their own request: the server's refusal is shown where they tried.
    await security.getByRole('button', { name: 'Reports', exact: true }).click();
    await security.getByLabel('Reason for this bulk export').fill('Checking the approval rule.');
    await security.getByRole('button', { name: 'Run the report' }).click();
    await security.getByRole('region', { name: 'The run' }).getByText('Waiting for approval', { exact: true }).waitFor();
    await security.getByRole('button', { name: 'Report approvals' }).click();
    const own = security.getByRole('article', { name: /requested by Katherine Johnson/ });
    await own.getByLabel('Note').fill('Approving my own request.');
    await own.getByRole('button', { name: 'Approve' }).click();
    await own.getByRole('alert').filter({ hasText: 'nobody decides on their own request' }).waitFor();
    assert.deepEqual(await accessibilityProblems(security), [], 'a refused self-approval');

    // The report admin sees it approved and downloads it: every organisation's users, the customer's email among them.
    await run.getByRole('button', { name: 'Check the run again' }).click();
    await run.getByText('Approved', { exact: true }).waitFor();
    const bulk = await downloaded(admin, () => run.getByRole('link', { name: 'Download CSV' }).click());
    assert.ok(bulk.text.includes(customerLogin), 'the approved bulk export has the customer\'s email');
    await admin.getByRole('button', { name: 'Refresh my runs' }).click();
    const myRuns = admin.getByRole('region', { name: 'My runs' }).getByRole('table');
    await myRuns.getByText('Approved (bulk export)').waitFor();
    assert.equal(await myRuns.getByRole('row').count(), 3, 'both runs, newest first, under the header');
    assert.deepEqual(await accessibilityProblems(admin), [], 'my runs');

    // The security staff member reconciles the downloads: each file served is the variant as recorded, not a wider one.
    await security.getByRole('button', { name: 'Report downloads' }).click();
    const downloads = security.getByRole('region', { name: 'Report downloads' }).getByRole('table');
    await downloads.waitFor();
    const rows = downloads.getByRole('row');
    assert.equal(await rows.count(), 3, 'the two downloads, newest first, under the header');
    assert.match(await rows.nth(1).textContent() ?? '', /Grace Hopper.*none \(all organizations\)/);
    assert.match(await rows.nth(2).textContent() ?? '', new RegExp(`Grace Hopper.*Organization = ${org.slug}`));
    assert.deepEqual(await accessibilityProblems(security), [], 'the downloads');
    const reconciled = security.getByRole('region', { name: /Reconciliation of Grace Hopper’s download/ });
    await rows.nth(1).getByRole('button', { name: 'Reconcile' }).click();
    await reconciled.getByRole('status').filter({ hasText: 'It matches the variant as recorded.' }).waitFor();
    await rows.nth(2).getByRole('button', { name: 'Reconcile' }).click();
    await reconciled.getByRole('cell', { name: org.slug, exact: false }).first().waitFor();
    await reconciled.getByRole('status').filter({ hasText: 'It matches the variant as recorded.' }).waitFor();
    const variants = reconciled.getByRole('table').getByRole('row');
    assert.equal(await variants.count(), 5, 'as recorded, without each filter in turn and with none, under the header');
    const matching = reconciled.locator('tr.match');
    assert.equal(await matching.count(), 1, 'one variant highlighted');
    assert.match(await matching.textContent() ?? '', /^as recorded Match.*Yes: size and SHA-256$/);
    assert.match(await variants.nth(2).textContent() ?? '', /^without organization.*\(all organizations\).*No$/);
    assert.match(await variants.nth(4).textContent() ?? '', /^no filters.*No$/);
    assert.deepEqual(await accessibilityProblems(security), [], 'the reconciliation');
  });
});
