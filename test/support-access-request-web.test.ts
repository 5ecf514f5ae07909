/**
 * Support access from the support console (web/src/helpcenter/AccessGrants.tsx, docs/support-access.md) in a
 * real browser (Debian's Chromium through playwright-core) against a real server and database: a customer of a
 * tenant opens a case (over HTTP); an agent of the commercial support plane, signed in to the Help Center
 * through the plane with a passkey (Chromium's virtual authenticator), asks for access to the tenant from the
 * case, the server's refusal of a blank justification shown in place first, and sees the request pending. The
 * tenant's admin approves it through the API; the agent finds it approved under My access, gets a token (shown
 * once), and the token reads the tenant's users over HTTP; the agent asks for more time (a blank reason refused in
 * place), the admin gives less than asked and the grant's end moves; the agent ends the access and the token is refused.
 * axe-core finds nothing serious on each view.
 *
 * The `it`s share one signed-in agent and run in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { systemClock } from '../src/lib/clock.ts';
import { SUPPORT_SCOPES } from '../src/support-access/scopes.ts';
import { apiClient, assertOktaError, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { accessibilityProblems, enrollPasskeyByLink, launchBrowser, pageWithAuthenticator, tenantOrigin } from './support/browser.ts';
import { ok, unique, type Fixture } from './support/fixtures.ts';
import { helpCenterCustomer, newSupportPlane, type SupportPlane } from './support/help-center.ts';
import { hostClient } from './support/host-client.ts';

type Grant = {
  id: string;
  status: string;
  caseId: string;
  scopes: { name: string; write: boolean }[];
  durationMinutes: number;
  justification: string;
  expiresAt: string | null;
  revocation: { kind: string } | null;
  extension: { status: string; durationMinutes: number } | null;
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A `<dl>`'s terms and what each says. */
async function details(dl: Locator): Promise<Record<string, string>> {
  return dl.evaluate((el) => {
    const out: Record<string, string> = {};
    for (const dt of el.querySelectorAll(':scope > dt')) out[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? '';
    return out;
  });
}

describe('asking for support access from the support console, in Chromium', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let plane: SupportPlane;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let helpCenter: string;
  let kase: { id: string; number: number; title: string };
  let grantId: string;
  let token: string;

  /** The tenant's management API as a Support token holder: over HTTP, on the tenant's own host. */
  const asSupport = (path: string) => hostClient(server.url, tenant.slug)('GET', path, undefined, { authorization: `Support ${token}` });
  const grantOf = async () => ok(await f.api('GET', `/api/v1/support-access/grants/${grantId}`), 'the admin reads the grant').body as Grant;
  const grantCard = () => page.getByRole('region', { name: new RegExp(`^Case #${kase.number}\\b`) });

  before(async () => {
    server = await startTestServer({ config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    plane = await newSupportPlane(server, systemClock, 'commercial');
    helpCenter = tenantOrigin(server.url, 'support');

    // A customer of the tenant opens a case in the Help Center (over HTTP).
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    const title = unique('Users locked out after the policy change');
    const opened = ok(await customer.hc('POST', '/help/v1/cases', { title, description: 'Since the new password policy nobody in Sales can sign in.', severity: 'SEV2', productArea: 'SIGN_IN' }), 'open a case').body;
    kase = { id: opened.id as string, number: opened.number as number, title };

    // An agent of the plane: invited, in the agents' group, with a passkey on Chromium's virtual authenticator.
    const login = `${unique('grace')}@staff.example.com`;
    const agent = ok(await plane.api('POST', '/api/v1/users?activate=false', { profile: { login, email: login, firstName: 'Grace', lastName: 'Hopper' } }), 'invite the agent');
    ok(await plane.api('PUT', `/api/v1/groups/${plane.groups.get('Support agents')}/users/${agent.body.id}`), 'the agent joins the group');
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    ({ page } = await pageWithAuthenticator(context));
    page.setDefaultTimeout(10_000);
    const activation = ok(await plane.api('POST', `/api/v1/users/${agent.body.id}/lifecycle/activate`), 'activate the agent');
    await enrollPasskeyByLink(page, tenantOrigin(server.url, plane.slug), activation.body.activationUrl as string);

    // She signs in to the Help Center through the plane with her passkey.
    await page.goto(`${helpCenter}/`);
    await page.getByRole('link', { name: 'sign in with your passkey' }).click();
    await page.waitForURL((url) => url.origin === tenantOrigin(server.url, plane.slug) && url.pathname === '/signin');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${helpCenter}/`);
    await page.getByRole('status').filter({ hasText: 'Signed in as Grace Hopper, support staff (AGENT).' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks for access with two scopes from the case, shows the server\'s refusal in place, and shows the request pending', { timeout: 60_000 }, async () => {
    await page.getByRole('button', { name: kase.title }).click();
    const section = page.getByRole('region', { name: 'Ask for access to this organization' });
    await section.waitFor();

    // Every scope the server knows, with its label, the write scopes marked.
    const scopes = section.getByRole('group', { name: 'Scopes' });
    const entries = Object.entries(SUPPORT_SCOPES);
    assert.equal(await scopes.getByRole('checkbox').count(), entries.length);
    for (const [name, scope] of entries) {
      const label = scopes.locator('label').filter({ has: page.getByRole('checkbox', { name: new RegExp(escape(name)) }) });
      assert.ok((await label.textContent())?.includes(scope.label), `the label of ${name}`);
      assert.equal(await label.locator('.badge-write').count(), scope.write ? 1 : 0, `${name} is${scope.write ? '' : ' not'} marked as a write scope`);
    }
    const duration = section.getByLabel('For how long');
    assert.deepEqual(await duration.locator('option').allTextContents(), ['1 hour', '2 hours', '4 hours', '8 hours']);
    assert.equal(await duration.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent), '4 hours', '4 hours unless asked otherwise');
    assert.deepEqual(await accessibilityProblems(page), [], 'the case with the access request form');

    // A justification of blanks passes the browser's checks; the server's refusal is shown as it wrote it.
    await scopes.getByRole('checkbox', { name: /okta\.users\.read/ }).check();
    await section.getByLabel('Why you need it').fill(' '.repeat(12));
    await section.getByRole('button', { name: 'Ask for access' }).click();
    const refused = section.getByRole('alert');
    await refused.waitFor();
    assert.match(await refused.textContent() ?? '', /justification/);
    assert.deepEqual(await accessibilityProblems(page), [], 'the refusal');
    assert.deepEqual(ok(await f.api('GET', '/api/v1/support-access/grants'), 'grants').body, [], 'nothing was asked');

    await scopes.getByRole('checkbox', { name: /okta\.users\.factors\.reset/ }).check();
    await duration.selectOption({ label: '2 hours' });
    await section.getByLabel('Why you need it').fill('Sales users are locked out; I need to see them and reset their factors.');
    await section.getByRole('button', { name: 'Ask for access' }).click();
    await section.getByRole('status').filter({ hasText: /^Asked\. .* the request is pending/ }).waitFor();
    assert.equal(await section.getByRole('alert').count(), 0, 'the refusal is gone');
    const asked = section.getByRole('list', { name: 'Your access through this case' }).getByRole('listitem');
    assert.equal(await asked.count(), 1);
    assert.match(await asked.textContent() ?? '', /^Pending: Read users and their groups; Reset the factors of users who hold no admin role, for 2 hours\./);
    assert.equal(await scopes.getByRole('checkbox', { checked: true }).count(), 0, 'the form is cleared for another request');

    const [seen] = ok(await f.api('GET', '/api/v1/support-access/grants'), 'grants').body as Grant[];
    assert.ok(seen);
    grantId = seen.id;
    assert.deepEqual([seen.status, seen.caseId, seen.durationMinutes, seen.justification], ['PENDING', kase.id, 120, 'Sales users are locked out; I need to see them and reset their factors.']);
    assert.deepEqual(seen.scopes.map((s) => s.name), ['okta.users.read', 'okta.users.factors.reset']);
    assert.deepEqual(await accessibilityProblems(page), [], 'the case with the pending request');
  });

  it('shows the grant approved under My access, and gives a token once that reads the tenant\'s users', { timeout: 60_000 }, async () => {
    ok(await f.api('POST', `/api/v1/support-access/grants/${grantId}/approve`, {}), 'the tenant\'s admin approves');
    const approved = await grantOf();
    assert.equal(approved.status, 'APPROVED');

    await page.getByRole('navigation', { name: 'Support console' }).getByRole('button', { name: 'My access' }).click();
    await page.getByRole('heading', { name: 'My access', level: 2 }).waitFor();
    const card = grantCard();
    await card.waitFor();
    const shown = await details(card.locator('dl').first());
    assert.equal(shown['Status'], 'Approved');
    assert.equal(shown['Case'], `#${kase.number}`);
    assert.match(shown['Scopes'] ?? '', /Read users and their groups.*Reset the factors of users who hold no admin role.*Write/);
    assert.equal(shown['For'], '2 hours');
    assert.ok(shown['Expires'] && shown['Expires'] !== '—', 'when the grant ends');
    assert.match(shown['Decision'] ?? '', /^Approved by /);
    assert.ok(shown['Requested'] && shown['Decide by'], 'when it was asked and by when it had to be decided');
    assert.deepEqual(await accessibilityProblems(page), [], 'My access');

    await card.getByRole('button', { name: 'Get a token' }).click();
    const panel = card.getByRole('group', { name: 'Support token' });
    const field = panel.getByLabel('Token', { exact: true });
    await field.waitFor();
    token = await field.inputValue();
    assert.ok(token.length >= 32, 'a token');
    assert.equal(await field.getAttribute('readonly'), '', 'read-only');
    assert.ok(await field.evaluate((el) => el === document.activeElement), 'the token is focused, ready to copy');
    assert.match(await panel.textContent() ?? '', /Shown once\..*cannot show it again/);
    const api = `${tenantOrigin(server.url, tenant.slug)}/api/v1`;
    const about = await details(panel.locator('dl'));
    assert.equal(about['API'], api);
    assert.ok(about['Token expires'], 'when the token expires');
    assert.equal(await panel.getByLabel('Example').inputValue(), `curl -H "Authorization: Support ${token}" ${api}/users`);
    assert.deepEqual(await accessibilityProblems(page), [], 'the token, shown once');

    const users = await asSupport('/api/v1/users');
    assert.equal(users.status, 200, users.text);
    assert.ok(Array.isArray(users.body) && users.body.length > 0, 'the tenant\'s users');

    // Shown once: back on My access from the case, the grant is there and the token is not.
    await page.getByRole('navigation', { name: 'Support console' }).getByRole('button', { name: 'Case queue' }).click();
    await page.getByRole('article', { name: `Case ${kase.number}` }).waitFor();
    await page.getByRole('navigation', { name: 'Support console' }).getByRole('button', { name: 'My access' }).click();
    await grantCard().getByRole('button', { name: 'Get a token' }).waitFor();
    assert.equal(await page.getByLabel('Token', { exact: true }).count(), 0, 'the token is not shown again');
  });

  it('asks for more time on the running grant, and shows the admins\' answer', { timeout: 60_000 }, async () => {
    const card = grantCard();
    const before = await grantOf();
    await card.getByRole('button', { name: 'Ask for more time' }).click();
    const form = card.getByRole('form', { name: 'Ask for more time' });
    const howMuch = form.getByLabel('How much more');
    assert.ok(await howMuch.evaluate((el) => el === document.activeElement), 'the form opens on its first field');
    assert.deepEqual(await accessibilityProblems(page), [], 'the form for more time');

    await form.getByLabel('Why you need it').fill(' '.repeat(12));
    await form.getByRole('button', { name: 'Ask for more time' }).click();
    const refused = form.getByRole('alert');
    await refused.waitFor();
    assert.match(await refused.textContent() ?? '', /justification/);
    assert.equal((await grantOf()).extension, null, 'nothing was asked');

    await howMuch.selectOption({ label: '2 hours' });
    await form.getByLabel('Why you need it').fill('The factor resets for Sales are not finished yet.');
    await form.getByRole('button', { name: 'Ask for more time' }).click();
    await page.getByRole('status').filter({ hasText: /^Asked for 2 hours more\. .* decide before the grant ends/ }).waitFor();
    assert.match((await details(card.locator('dl').first()))['More time'] ?? '', /^2 hours more asked .*waiting for the organization’s admins/);
    assert.equal(await card.getByRole('button', { name: 'Ask for more time' }).count(), 0, 'one request for more time at a time');
    assert.deepEqual([(await grantOf()).extension?.status, (await grantOf()).extension?.durationMinutes], ['PENDING', 120]);

    ok(await f.api('POST', `/api/v1/support-access/grants/${grantId}/extension/approve`, { durationMinutes: 60, note: 'One hour' }), 'the tenant\'s admin gives one hour');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await card.getByText(/^1 hour more approved by .*: “One hour”\.$/).waitFor();
    const extended = await grantOf();
    assert.equal(Date.parse(extended.expiresAt ?? ''), Date.parse(before.expiresAt ?? '') + 60 * 60_000);
    assert.equal((await asSupport('/api/v1/users')).status, 200, 'the token in hand still works');
    await card.getByRole('button', { name: 'Ask for more time' }).waitFor();
    assert.deepEqual(await accessibilityProblems(page), [], 'the extended grant');
  });

  it('ends the access after asking, and the token no longer works', { timeout: 60_000 }, async () => {
    const card = grantCard();
    await card.getByRole('button', { name: 'End access', exact: true }).click();
    const confirm = card.getByRole('group', { name: /^End your access to .* now\?/ });
    await confirm.waitFor();
    assert.ok(await confirm.getByRole('button', { name: 'Keep access' }).evaluate((el) => el === document.activeElement), 'keeping it is the safe default');
    assert.deepEqual(await accessibilityProblems(page), [], 'the confirmation');
    await confirm.getByRole('button', { name: 'Keep access' }).click();
    await card.getByRole('button', { name: 'End access', exact: true }).waitFor();
    assert.equal((await grantOf()).status, 'APPROVED', 'nothing ended without confirming');
    assert.equal((await asSupport('/api/v1/users')).status, 200);

    await card.getByRole('button', { name: 'End access', exact: true }).click();
    await card.getByRole('button', { name: 'Yes, end access' }).click();
    await page.getByRole('status').filter({ hasText: /has ended; its tokens no longer work\./ }).waitFor();
    assert.equal((await details(card.locator('dl').first()))['Status'], 'Ended by you');
    assert.equal(await card.getByRole('button', { name: 'Get a token' }).count(), 0);
    assert.equal(await card.getByRole('button', { name: 'End access', exact: true }).count(), 0);
    const ended = await grantOf();
    assert.deepEqual([ended.status, ended.revocation?.kind], ['REVOKED', 'STAFF']);
    assertOktaError(await asSupport('/api/v1/users'), 401, 'E0000011');
    assert.deepEqual(await accessibilityProblems(page), [], 'the ended grant');
  });
});
