/**
 * The Help Center in a real browser (Debian's Chromium through playwright-core): a customer admin of tenant
 * `demo` opens the Help Center, is sent to demo's own sign-in, signs in with a passkey (Chromium's virtual
 * authenticator) because demo's sign-on rule for the Help Center asks for one, and lands signed in to the
 * Help Center; demo's System Log shows the single sign-on. She opens a case; an agent of the support plane takes
 * it, finds it in their own queue, moves it along and answers; a senior agent sees it in the assignment list. axe
 * checks every view.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { systemClock } from '../src/lib/clock.ts';
import { createSupportPlane } from '../src/tenants/service.ts';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { accessibilityProblems, enrollPasskeyByLink, launchBrowser, pageWithAuthenticator, tenantOrigin } from './support/browser.ts';
import { grant, ok, signOnPolicyIdOf, unique, type Fixture } from './support/fixtures.ts';
import type { Logged } from './support/sign-on.ts';

/** A case's details as the page shows them (`<dt>` → `<dd>`). */
async function caseDetails(page: Page): Promise<Record<string, string>> {
  return page.getByRole('article').locator('dl').first().evaluate((dl) => {
    const out: Record<string, string> = {};
    for (const dt of dl.querySelectorAll('dt')) out[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? '';
    return out;
  });
}

/** The cells of the queue's row of the case titled `title`, by column header. */
async function queueRow(page: Page, title: string): Promise<Record<string, string>> {
  const row = page.getByRole('row').filter({ has: page.getByRole('button', { name: title, exact: true }) });
  await row.waitFor();
  const headers = await page.getByRole('columnheader').allTextContents();
  const cells = await row.getByRole('cell').allTextContents();
  return Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? '']));
}

describe('the Help Center, in Chromium', () => {
  let server: TestServer;
  let demo: TestTenant;
  let f: Fixture;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let helpCenter: string;
  let adminLogin: string;
  let adminId: string;

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    demo = await createTestTenant(server.db, 'demo');
    await createTestTenant(server.db, 'fedcorp', 'high-assurance');
    f = { db: server.db, tenantId: demo.id, api: apiClient(server.url, demo.token) };
    browser = await launchBrowser();
    origin = tenantOrigin(server.url, 'demo');
    helpCenter = tenantOrigin(server.url, 'support');

    // demo's admin: invited, sets up a passkey through the enrollment link, made a super admin, then signed out.
    adminLogin = `${unique('ada')}@demo.example.com`;
    const created = ok(await f.api('POST', '/api/v1/users?activate=false', { profile: { login: adminLogin, email: adminLogin, firstName: 'Ada', lastName: 'Lovelace' } }), 'create admin');
    adminId = created.body.id as string;
    const activation = ok(await f.api('POST', `/api/v1/users/${adminId}/lifecycle/activate`), 'activate admin');
    context = await browser.newContext();
    ({ page } = await pageWithAuthenticator(context));
    await enrollPasskeyByLink(page, origin, activation.body.activationUrl as string);
    await grant(f, adminId, 'SUPER_ADMIN');
    // Off the account page first: signed out under it, its script would navigate to the sign-in page while the test navigates elsewhere.
    await page.goto('about:blank');
    await context.clearCookies();

    // demo's policy: the Help Center only with a phishing-resistant factor.
    ok(await f.api('POST', `/api/v1/policies/${await signOnPolicyIdOf(f)}/rules`, {
      type: 'SIGN_ON', name: 'Help Center needs a passkey',
      conditions: { app: { include: ['help_center'] } },
      actions: { signon: { access: 'ALLOW', requireFactor: true, phishingResistant: 'REQUIRED' } },
    }), 'Help Center rule');
  });
  after(async () => {
    await browser.close();
    await server.close();
  });

  it("signs demo's admin in to the Help Center with a passkey at demo's own sign-in, logged in demo's System Log", async () => {
    await page.goto(`${helpCenter}/`);
    await page.getByRole('heading', { name: 'Bulwark Help Center', level: 1 }).waitFor();
    assert.deepEqual(await accessibilityProblems(page), [], 'the organisation form');

    await page.getByLabel('Organisation').fill('demo');
    await page.getByRole('button', { name: 'Continue' }).click();
    // demo's own sign-in page, for the Help Center.
    await page.waitForURL((url) => url.origin === origin && url.pathname === '/signin');
    assert.equal(new URL(page.url()).searchParams.get('app'), 'help_center');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();

    await page.waitForURL(`${helpCenter}/`);
    const status = page.getByRole('status');
    await status.filter({ hasText: 'Signed in as' }).waitFor();
    assert.equal(await status.textContent(), `Signed in as Ada Lovelace of ${demo.slug}.`);
    assert.match(await page.locator('dl').textContent() ?? '', /Super administrator/);
    assert.match(await page.locator('dl').textContent() ?? '', /passkey/);
    assert.deepEqual(await accessibilityProblems(page), [], 'signed in');
    const cookies = await context.cookies(helpCenter);
    assert.ok(cookies.some((c) => c.name === 'help_sid' && c.httpOnly && c.sameSite === 'Lax'), 'the Help Center session cookie');

    const since = encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString());
    const sso = ok(await f.api('GET', `/api/v1/logs?since=${since}&filter=${encodeURIComponent('eventType eq "user.authentication.sso"')}`), 'SSO events').body as Logged[];
    const signedIn = sso.filter((e) => e.actor.id === adminId);
    assert.equal(signedIn.length, 1);
    assert.equal(signedIn[0]?.outcome.result, 'SUCCESS');
    assert.equal(signedIn[0]?.target?.[0]?.displayName, 'Bulwark Help Center');
    const started = ok(await f.api('GET', `/api/v1/logs?since=${since}&filter=${encodeURIComponent('eventType eq "bulwark.help_center.session.start"')}`), 'session events').body as Logged[];
    assert.deepEqual(started.map((e) => e.actor.id), [adminId]);

    await page.getByRole('button', { name: 'Sign out of the Help Center' }).click();
    await status.filter({ hasText: 'signed out of the Help Center' }).waitFor();
    await page.reload();
    await page.getByLabel('Organisation').waitFor();
  });

  it('lets the admin open a case and an agent of the support plane take it, move it along and answer it, each in their own browser', { timeout: 120_000 }, async () => {
    // The commercial cell's support plane, with an agent invited, given a passkey through the link, in the agents' group.
    const plane = await createSupportPlane(server.db, systemClock, { cell: 'commercial', adminEmail: 'it@staff.example.com' });
    const planeApi = apiClient(server.url, plane.apiToken);
    const agents = ok(await planeApi('POST', '/api/v1/groups', { profile: { name: 'Support agents' } }), 'agents group').body.id as string;
    const agentLogin = `${unique('grace')}@staff.example.com`;
    const agent = ok(await planeApi('POST', '/api/v1/users?activate=false', { profile: { login: agentLogin, email: agentLogin, firstName: 'Grace', lastName: 'Hopper' } }), 'invite agent');
    ok(await planeApi('PUT', `/api/v1/groups/${agents}/users/${agent.body.id}`), 'agent joins the group');
    const agentContext = await browser.newContext();
    const { page: agentPage } = await pageWithAuthenticator(agentContext);
    agentPage.setDefaultTimeout(15_000);
    await enrollPasskeyByLink(agentPage, tenantOrigin(server.url, plane.tenant.slug), ok(await planeApi('POST', `/api/v1/users/${agent.body.id}/lifecycle/activate`), 'activate agent').body.activationUrl as string);
    // And a senior agent, who assigns cases to anyone who works them.
    const seniors = ok(await planeApi('POST', '/api/v1/groups', { profile: { name: 'Senior support agents' } }), 'seniors group').body.id as string;
    const seniorLogin = `${unique('katherine')}@staff.example.com`;
    const senior = ok(await planeApi('POST', '/api/v1/users?activate=false', { profile: { login: seniorLogin, email: seniorLogin, firstName: 'Katherine', lastName: 'Johnson' } }), 'invite senior agent');
    ok(await planeApi('PUT', `/api/v1/groups/${seniors}/users/${senior.body.id}`), 'senior agent joins the group');
    const seniorContext = await browser.newContext();
    const { page: seniorPage } = await pageWithAuthenticator(seniorContext);
    seniorPage.setDefaultTimeout(15_000);
    await enrollPasskeyByLink(seniorPage, tenantOrigin(server.url, plane.tenant.slug), ok(await planeApi('POST', `/api/v1/users/${senior.body.id}/lifecycle/activate`), 'activate senior agent').body.activationUrl as string);

    // Ada, signed out of everything, signs in to the Help Center again and opens a case.
    await context.clearCookies();
    await page.goto(`${helpCenter}/`);
    await page.getByLabel('Organisation').fill('demo');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === origin && url.pathname === '/signin');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${helpCenter}/`);
    await page.getByRole('button', { name: 'Open a case' }).click();
    const title = unique('Passkey enrollment spins');
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('What happened').fill('Since this morning the enrollment page never finishes.');
    await page.getByLabel('Severity').selectOption('SEV2');
    await page.getByLabel('Area').selectOption('MFA');
    assert.deepEqual(await accessibilityProblems(page), [], 'the new case form');
    await page.getByRole('button', { name: 'Open the case' }).click();
    const opened = page.getByRole('article');
    await opened.getByRole('heading', { name: new RegExp(title) }).waitFor();
    assert.deepEqual(await accessibilityProblems(page), [], 'the case');

    // She attaches a HAR of the failing enrollment, with a live session cookie and bearer token in it.
    const cookie = `sid-${unique('cookie')}`;
    const bearer = `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwMHUxMjM0NTY3ODkwIn0.${unique('signature')}`;
    const har = JSON.stringify({ log: { version: '1.2', creator: { name: 'Chromium', version: '156' }, entries: [{
      startedDateTime: new Date().toISOString(), time: 5, cache: {}, timings: { send: 1, wait: 3, receive: 1 },
      request: { method: 'GET', url: 'https://demo.example.com/api/v1/users/me', httpVersion: 'HTTP/1.1', headersSize: -1, bodySize: 0, queryString: [],
        headers: [{ name: 'Cookie', value: `sid=${cookie}` }, { name: 'Authorization', value: `Bearer ${bearer}` }], cookies: [{ name: 'sid', value: cookie }] },
      response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 2, mimeType: 'application/json', text: '{}' }, redirectURL: '', headersSize: -1, bodySize: 2 },
    }] } });
    await page.getByLabel(/Attach a HAR file/).setInputFiles({ name: 'enrollment.har', mimeType: 'application/json', buffer: Buffer.from(har) });
    await page.getByRole('button', { name: 'Attach', exact: true }).click();
    const summary = page.getByRole('status').filter({ hasText: 'enrollment.har is attached.' });
    await summary.waitFor();
    assert.match(await summary.textContent() ?? '', /Removed before storing: .*cookie.*authorization header|Removed before storing: .*authorization header.*cookie/);
    await page.getByRole('link', { name: 'enrollment.har' }).waitFor();
    const stored = await server.db.selectFrom('support_case_attachments').select('content').execute();
    assert.ok(stored.every((r) => !r.content.includes(cookie) && !r.content.includes(bearer)), 'neither the cookie nor the token was stored');
    assert.deepEqual(await accessibilityProblems(page), [], 'the case with its attachment');

    /** Signs a staff member in to the Help Center through the support plane with their passkey. */
    async function staffSignIn(staffPage: Page, signedIn: string): Promise<void> {
      await staffPage.goto(`${helpCenter}/`);
      await staffPage.getByRole('link', { name: 'sign in with your passkey' }).click();
      await staffPage.waitForURL((url) => url.origin === tenantOrigin(server.url, plane.tenant.slug) && url.pathname === '/signin');
      await staffPage.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await staffPage.waitForURL(`${helpCenter}/`);
      await staffPage.getByRole('status').filter({ hasText: signedIn }).waitFor();
    }

    // Grace signs in to the Help Center through the support plane with her passkey: the case is in the queue, nobody's yet.
    await staffSignIn(agentPage, 'Signed in as Grace Hopper, support staff (AGENT).');
    const queued = await queueRow(agentPage, title);
    assert.equal(queued['Status'], 'Open');
    assert.equal(queued['Assignee'], 'Nobody');
    await agentPage.getByRole('button', { name: title }).click();
    await agentPage.getByRole('link', { name: 'enrollment.har' }).waitFor();
    // She downloads the HAR as stored: a navigation cannot carry her session's device proof, so the page takes a
    // single-use ticket for it first.
    const [harDownload] = await Promise.all([agentPage.waitForEvent('download', { timeout: 15_000 }), agentPage.getByRole('link', { name: 'enrollment.har' }).click()]);
    assert.match(harDownload.url(), /\/help\/v1\/staff\/cases\/cas[0-9A-Za-z]{17}\/attachments\/cat[0-9A-Za-z]{17}\?ticket=/);
    const downloadedHar = await readFile(await harDownload.path(), 'utf8');
    assert.ok(downloadedHar.includes('[redacted]') && !downloadedHar.includes(cookie), 'the sanitized file');
    assert.equal((await caseDetails(agentPage))['Assigned to'], 'Nobody');
    assert.equal(await agentPage.getByLabel('Assign to').count(), 0, 'an agent assigns no one else');

    // She takes it: it is hers and in progress.
    await agentPage.getByRole('button', { name: 'Take this case' }).click();
    await agentPage.getByRole('status').filter({ hasText: 'You have the case; it is in progress.' }).waitFor();
    assert.deepEqual(await caseDetails(agentPage).then((d) => [d['Status'], d['Assigned to']]), ['In progress', 'Grace Hopper']);
    await agentPage.getByRole('button', { name: 'Give back' }).waitFor();
    assert.deepEqual(await accessibilityProblems(agentPage), [], 'the staff view of a case one has taken');

    // Ada sees that someone is on it.
    await page.reload();
    assert.equal((await queueRow(page, title))['Status'], 'In progress');

    // Grace's queue: nothing unassigned left, and the case among her own.
    await agentPage.getByRole('button', { name: '← Queue' }).click();
    const filters = agentPage.getByRole('search', { name: 'Filter the queue' });
    await filters.getByLabel('Status').selectOption({ label: 'Any' });
    await filters.getByLabel('Assignee').selectOption({ label: 'Unassigned' });
    await Promise.all([
      agentPage.waitForResponse((r) => r.url().includes('/help/v1/staff/cases?') && new URL(r.url()).searchParams.get('assignee') === 'nobody'),
      filters.getByRole('button', { name: 'Show' }).click(),
    ]);
    await agentPage.getByText('No cases.').waitFor();
    await filters.getByLabel('Assignee').selectOption({ label: 'Mine' });
    await filters.getByRole('button', { name: 'Show' }).click();
    const mine = await queueRow(agentPage, title);
    assert.deepEqual([mine['Status'], mine['Assignee']], ['In progress', 'Grace Hopper']);
    assert.deepEqual(await accessibilityProblems(agentPage), [], 'the queue, filtered to her own cases');

    // Katherine, a senior agent, finds it in the queue and could give it to anyone who works cases, Grace as it is.
    await staffSignIn(seniorPage, 'Signed in as Katherine Johnson, support staff (SENIOR_AGENT).');
    await seniorPage.getByRole('search').getByLabel('Status').selectOption({ label: 'In progress' });
    await seniorPage.getByRole('search').getByRole('button', { name: 'Show' }).click();
    await queueRow(seniorPage, title);
    await seniorPage.getByRole('button', { name: title }).click();
    const assignTo = seniorPage.getByLabel('Assign to');
    await assignTo.waitFor();
    assert.deepEqual(await assignTo.locator('option').allTextContents(), ['Nobody', `Grace Hopper (${agentLogin})`, 'Katherine Johnson (you)']);
    assert.equal(await assignTo.evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent), `Grace Hopper (${agentLogin})`);
    assert.equal(await seniorPage.getByRole('button', { name: 'Take this case' }).count(), 0);
    assert.deepEqual(await accessibilityProblems(seniorPage), [], 'the senior agent\'s view of a case');
    await seniorContext.close();

    // Grace asks the customer for something: the case waits on them, and she answers.
    await agentPage.getByRole('button', { name: title }).click();
    await agentPage.getByLabel('Set status').selectOption({ label: 'Waiting on the customer' });
    await agentPage.getByRole('button', { name: 'Change status' }).click();
    await agentPage.getByRole('status').filter({ hasText: 'The case is waiting on the customer.' }).waitFor();
    assert.equal((await caseDetails(agentPage))['Status'], 'Waiting on the customer');
    await agentPage.getByLabel('Reply to the customer').fill('Could you send us a HAR file of the enrollment?');
    assert.deepEqual(await accessibilityProblems(agentPage), [], 'the staff view of the case');
    await agentPage.getByRole('button', { name: 'Send' }).click();
    await agentPage.getByText('Grace Hopper (support)').waitFor();

    await page.reload();
    await page.getByRole('button', { name: title }).click();
    await page.getByText('Could you send us a HAR file of the enrollment?').waitFor();
    assert.equal((await caseDetails(page))['Status'], 'Waiting on you');
    assert.equal((await caseDetails(page))['Assigned to'], undefined, 'customers are not told which staff member has the case');

    // Ada closes the case while Grace still has it open; Grace's give-back is refused, and the page says why.
    await page.getByRole('button', { name: 'Close the case' }).click();
    await page.getByRole('article').getByText('Closed', { exact: true }).waitFor();
    await agentPage.getByRole('button', { name: 'Give back' }).click();
    const refused = agentPage.getByRole('alert');
    await refused.waitFor();
    assert.match(await refused.textContent() ?? '', /Api validation failed: case.*the case is closed/);
    await agentPage.getByText('The case is closed: reopen it to assign it.').waitFor();
    assert.equal((await caseDetails(agentPage))['Status'], 'Closed', 'the refused view shows the case as it is now');
    assert.deepEqual(await accessibilityProblems(agentPage), [], 'the refusal');
    await agentContext.close();
  });

  it('says why when the organisation is unknown or belongs to another cell', async () => {
    const other = await browser.newPage();
    await other.goto(`${helpCenter}/`);
    await other.getByLabel('Organisation').fill('no-such-org');
    await other.getByRole('button', { name: 'Continue' }).click();
    await other.getByRole('alert').filter({ hasText: 'There is no organisation by that name.' }).waitFor();
    assert.equal(other.url(), `${helpCenter}/`, 'the error is not left in the address bar');
    assert.deepEqual(await accessibilityProblems(other), [], 'the error view');

    await other.getByLabel('Organisation').fill('fedcorp');
    await other.getByRole('button', { name: 'Continue' }).click();
    await other.getByRole('alert').filter({ hasText: 'This organisation does not use this Help Center.' }).waitFor();
    await other.close();
  });
});
