/**
 * The Help Center in a real browser (Debian's Chromium through playwright-core): a customer admin of tenant
 * `demo` opens the Help Center, is sent to demo's own sign-in, signs in with a passkey (Chromium's virtual
 * authenticator) because demo's sign-on rule for the Help Center asks for one, and lands signed in to the
 * Help Center; demo's System Log shows the single sign-on. axe checks every view.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { systemClock } from '../src/lib/clock.ts';
import { createSupportPlane } from '../src/tenants/service.ts';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { accessibilityProblems, enrollPasskeyByLink, launchBrowser, pageWithAuthenticator, tenantOrigin } from './support/browser.ts';
import { grant, ok, signOnPolicyIdOf, unique, type Fixture } from './support/fixtures.ts';
import type { Logged } from './support/sign-on.ts';

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

  it('lets the admin open a case and an agent of the support plane answer it, each in their own browser', async () => {
    // The commercial cell's support plane, with an agent invited, given a passkey through the link, in the agents' group.
    const plane = await createSupportPlane(server.db, systemClock, { cell: 'commercial', adminEmail: 'it@staff.example.com' });
    const planeApi = apiClient(server.url, plane.apiToken);
    const agents = ok(await planeApi('POST', '/api/v1/groups', { profile: { name: 'Support agents' } }), 'agents group').body.id as string;
    const agentLogin = `${unique('grace')}@staff.example.com`;
    const agent = ok(await planeApi('POST', '/api/v1/users?activate=false', { profile: { login: agentLogin, email: agentLogin, firstName: 'Grace', lastName: 'Hopper' } }), 'invite agent');
    ok(await planeApi('PUT', `/api/v1/groups/${agents}/users/${agent.body.id}`), 'agent joins the group');
    const agentContext = await browser.newContext();
    const { page: agentPage } = await pageWithAuthenticator(agentContext);
    await enrollPasskeyByLink(agentPage, tenantOrigin(server.url, plane.tenant.slug), ok(await planeApi('POST', `/api/v1/users/${agent.body.id}/lifecycle/activate`), 'activate agent').body.activationUrl as string);

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

    // Grace signs in to the Help Center through the support plane with her passkey and answers from the queue.
    await agentPage.goto(`${helpCenter}/`);
    await agentPage.getByRole('link', { name: 'sign in with your passkey' }).click();
    await agentPage.waitForURL((url) => url.origin === tenantOrigin(server.url, plane.tenant.slug) && url.pathname === '/signin');
    await agentPage.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await agentPage.waitForURL(`${helpCenter}/`);
    await agentPage.getByRole('status').filter({ hasText: 'Signed in as Grace Hopper, support staff (AGENT).' }).waitFor();
    await agentPage.getByRole('button', { name: title }).click();
    await agentPage.getByRole('link', { name: 'enrollment.har' }).waitFor();
    await agentPage.getByLabel('Reply to the customer').fill('Could you send us a HAR file of the enrollment?');
    assert.deepEqual(await accessibilityProblems(agentPage), [], 'the staff view of the case');
    await agentPage.getByRole('button', { name: 'Send' }).click();
    await agentPage.getByText('Grace Hopper (support)').waitFor();
    await agentContext.close();

    await page.reload();
    await page.getByRole('button', { name: title }).click();
    await page.getByText('Could you send us a HAR file of the enrollment?').waitFor();
    assert.match(await page.getByRole('article').textContent() ?? '', /Waiting on you/);
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
