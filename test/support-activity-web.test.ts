/**
 * Access transparency end to end, in real browsers (Debian's Chromium through playwright-core) against a real
 * server and database: an agent of the support plane, signed in to the Help Center with a passkey, asks for
 * access to a tenant from a customer's case; the tenant's super admin, watching the admin console's Support
 * activity page, sees the request arrive, approves it on the Support access page with their passkey (the
 * last check is 6 minutes old, so the console asks again) and finds the approval in the live view on coming
 * back; the agent takes a token and reads the tenant's users; the read appears in the live view within 2
 * seconds of its answer. The history export holds it all.
 * axe-core finds nothing serious on the page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { accessibilityProblems, enrollPasskeyByLink, launchBrowser, pageWithAuthenticator, tenantOrigin } from './support/browser.ts';
import { ok, unique, type Fixture } from './support/fixtures.ts';
import { helpCenterCustomer, newSupportPlane } from './support/help-center.ts';
import { hostClient } from './support/host-client.ts';
import { passkeyAdmin } from './support/passkey-admin.ts';

const MINUTE = 60_000;

describe('support activity in the admin console, live, in Chromium', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let browser: Browser;
  let staffPage: Page;
  let live: Page;
  let origin: string;
  let kase: { id: string; number: number; title: string };

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    origin = tenantOrigin(server.url, tenant.slug);
    const plane = await newSupportPlane(server, clock, 'commercial');
    const customer = await helpCenterCustomer(server, f, tenant.slug);
    const title = unique('Sales cannot sign in');
    const opened = ok(await customer.hc('POST', '/help/v1/cases', { title, description: 'Since this morning nobody in Sales can sign in.', severity: 'SEV2', productArea: 'SIGN_IN' }), 'open a case').body;
    kase = { id: opened.id as string, number: opened.number as number, title };
    browser = await launchBrowser();

    // The agent: a passkey on Chromium's virtual authenticator, signed in to the Help Center through the plane.
    const login = `${unique('grace')}@staff.example.com`;
    const agent = ok(await plane.api('POST', '/api/v1/users?activate=false', { profile: { login, email: login, firstName: 'Grace', lastName: 'Hopper' } }), 'invite the agent');
    ok(await plane.api('PUT', `/api/v1/groups/${plane.groups.get('Support agents')}/users/${agent.body.id}`), 'the agent joins the group');
    ({ page: staffPage } = await pageWithAuthenticator(await browser.newContext({ viewport: { width: 1280, height: 900 } })));
    staffPage.setDefaultTimeout(10_000);
    await enrollPasskeyByLink(staffPage, tenantOrigin(server.url, plane.slug), ok(await plane.api('POST', `/api/v1/users/${agent.body.id}/lifecycle/activate`), 'activate').body.activationUrl as string);
    const helpCenter = tenantOrigin(server.url, 'support');
    await staffPage.goto(`${helpCenter}/`);
    await staffPage.getByRole('link', { name: 'sign in with your passkey' }).click();
    await staffPage.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await staffPage.waitForURL(`${helpCenter}/`);

    // The tenant's super admin, with a passkey, signed in to the admin console.
    ({ page: live } = await passkeyAdmin(f, await browser.newContext({ viewport: { width: 1360, height: 900 } }), origin, 'SUPER_ADMIN', 'Ada'));
    live.setDefaultTimeout(10_000);
    await live.goto(`${origin}/admin`);
    await live.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await live.waitForURL((u) => u.pathname.startsWith('/admin'));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the request, the approval with a passkey, and the agent\'s read as they happen', { timeout: 90_000 }, async () => {
    await live.getByRole('link', { name: 'Support activity', exact: true }).click();
    await live.getByRole('heading', { name: 'Support activity', level: 1 }).waitFor();
    await live.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await live.getByText('Nobody from support has access now.').waitFor();
    assert.deepEqual(await accessibilityProblems(live), [], 'the Support activity page');
    const feed = live.getByRole('table', { name: 'Support activity, newest first' });

    // The agent asks from the case.
    await staffPage.getByRole('button', { name: kase.title }).click();
    const ask = staffPage.getByRole('region', { name: 'Ask for access to this organization' });
    await ask.getByRole('group', { name: 'Scopes' }).getByRole('checkbox', { name: /okta\.users\.read/ }).check();
    await ask.getByLabel('Why you need it').fill('Sales users are locked out; I need to see their accounts.');
    await ask.getByRole('button', { name: 'Ask for access' }).click();
    await feed.getByRole('row').filter({ hasText: 'Support staff asked for access to the organization' }).waitFor({ timeout: 2000 });

    // The admin approves on the Support access page with the passkey again (6 minutes on), and comes back.
    clock.advance(6 * MINUTE);
    await live.getByRole('link', { name: 'Support access', exact: true }).click();
    await live.locator('tbody tr').filter({ hasText: kase.id }).getByRole('button', { name: /^Approve/ }).click();
    await live.getByRole('dialog', { name: /^Approve access for Grace Hopper/ }).getByRole('button', { name: 'Approve access' }).click();
    await live.getByRole('dialog', { name: 'Confirm it is you' }).getByRole('button', { name: 'Confirm' }).click();
    await live.getByRole('status').filter({ hasText: `(case ${kase.id}) was approved until` }).waitFor();
    await live.getByRole('link', { name: 'Support activity', exact: true }).click();
    await live.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await feed.getByRole('row').filter({ hasText: 'Enable impersonation grant' }).waitFor();
    await live.getByRole('listitem').filter({ hasText: `Grace Hopper for case ${kase.id}` }).waitFor();

    // The agent takes a token from My access and reads the tenant's users with it.
    await staffPage.getByRole('navigation', { name: 'Support console' }).getByRole('button', { name: 'My access' }).click();
    const card = staffPage.getByRole('region', { name: new RegExp(`^Case #${kase.number}\\b`) });
    await card.getByRole('button', { name: 'Get a token' }).click();
    const token = await card.getByRole('group', { name: 'Support token' }).getByLabel('Token', { exact: true }).inputValue();
    const read = await hostClient(server.url, tenant.slug)('GET', '/api/v1/users?limit=5', undefined, { authorization: `Support ${token}` });
    assert.equal(read.status, 200, read.text);
    const answered = Date.now();
    const row = feed.getByRole('row').filter({ hasText: 'Read /api/v1/users?limit=5' });
    await row.waitFor({ timeout: 2000 });
    const shownAfter = Date.now() - answered;
    assert.ok(shownAfter < 2000, `shown ${shownAfter} ms after the answer`);
    assert.match(await row.textContent() ?? '', /Grace Hopper \(support\)/);
    assert.deepEqual(await accessibilityProblems(live), [], 'the page with activity');

    const exported = await f.api('GET', '/api/v1/support-access/history?format=ndjson');
    const types = exported.text.trim().split('\n').map((l) => (JSON.parse(l) as { eventType: string }).eventType);
    for (const t of ['bulwark.support.access.request', 'user.session.impersonation.grant', 'user.session.impersonation.initiate', 'bulwark.support.api.read']) assert.ok(types.includes(t), `${t} is in the history`);
  });
});
