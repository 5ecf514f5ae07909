/**
 * The admin console's Support access page (web/src/admin/SupportAccess.tsx, docs/support-access.md) in a real
 * browser (Debian's Chromium through playwright-core) against a real server and database, on a server clock
 * the test moves by hand: a super admin signed in with a passkey (Chromium's virtual authenticator) sees
 * support's requests with those waiting first; approves one narrower and shorter, the console asking for the
 * passkey again because the last check is 6 minutes old; sees the server's refusal of a request decided
 * meanwhile in the dialog; revokes a grant and denies a request. A read-only admin sees the page without the
 * buttons, and axe-core finds nothing serious on the page or in the dialogs. Support's requests for more time on
 * running grants wait at the top too: the admin approves one shorter (a protected action, the passkey again)
 * and denies another; and sets a pre-approval rule (read scopes only; a protected action).
 *
 * The `it`s share one signed-in admin and run in order: the clock only moves forward.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { accessibilityProblems, launchBrowser, tenantOrigin } from './support/browser.ts';
import { ok, type Fixture } from './support/fixtures.ts';
import { newAccessRequest, newExtensionRequest } from './support/help-center.ts';
import { passkeyAdmin } from './support/passkey-admin.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';

const MINUTE = 60_000;

type Grant = {
  id: string;
  status: string;
  scopes: { name: string; label: string; write: boolean }[];
  durationMinutes: number;
  expiresAt: string | null;
  decision: { by: { name: string }; note: string | null } | null;
  revocation: { by: { name: string }; kind: string } | null;
  extension: { status: string; durationMinutes: number; extendedFrom: string | null; decision: { by: { name: string }; note: string | null } | null } | null;
};
type Request = { id: string; caseId: string };

/** Signs the page's admin in to the admin console with their passkey and opens Support access from the navigation. */
async function openSupportAccess(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/admin`);
  await page.waitForURL((u) => u.pathname === '/signin');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/admin'));
  await page.getByRole('link', { name: 'Support access', exact: true }).click();
  await page.waitForURL(`${origin}/admin/support-access`);
  await page.getByRole('heading', { name: 'Support access', level: 1 }).waitFor();
}

describe('the admin console\'s Support access page, in Chromium', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let f: Fixture;
  let browser: Browser;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  /** To approve narrower (two write scopes asked), to revoke (approved by the API), to deny, and one denied behind the console's back. */
  let narrowed: Request;
  let running: Request;
  let refused: Request;
  let raced: Request;

  const row = (r: Request) => page.locator('tbody tr').filter({ hasText: r.caseId });
  const grantOf = async (r: Request) => ok(await f.api('GET', `/api/v1/support-access/grants/${r.id}`), 'read the grant').body as Grant;

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    browser = await launchBrowser();
    origin = tenantOrigin(server.url, tenant.slug);

    running = await newAccessRequest(f, ['okta.users.read', 'okta.logs.read']);
    ok(await f.api('POST', `/api/v1/support-access/grants/${running.id}/approve`, { note: 'Approved by script' }), 'approve by the API');
    narrowed = await newAccessRequest(f, ['okta.users.read', 'okta.logs.read', 'okta.users.factors.reset', 'okta.users.passwords.reset']);
    refused = await newAccessRequest(f, ['okta.policies.read']);
    raced = await newAccessRequest(f, ['okta.users.read']);

    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    ({ page } = await passkeyAdmin(f, context, origin, 'SUPER_ADMIN', 'Ada'));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists the requests waiting for a decision first and highlighted, with their scopes, write scopes marked', async () => {
    await openSupportAccess(page, origin);
    await row(narrowed).waitFor();
    const rows = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({ pending: tr.classList.contains('support-pending'), text: tr.textContent ?? '' })));
    assert.equal(rows.length, 4, 'every request and grant of the tenant');
    assert.deepEqual(rows.map((r) => r.pending), [true, true, true, false], 'the three waiting first, then the approved grant');
    for (const r of rows.filter((x) => x.pending)) assert.match(r.text, /Waiting for your decision/);
    assert.ok(rows[3]!.text.includes(running.caseId) && rows[3]!.text.includes('Approved'), rows[3]!.text);
    await page.getByText('3 requests are waiting for a decision.').waitFor();

    const asked = await grantOf(narrowed);
    const cells = row(narrowed);
    for (const s of asked.scopes) await cells.getByText(s.label, { exact: true }).waitFor();
    assert.equal(await cells.locator('.badge-write').count(), 2, 'the two write scopes say so');
    assert.equal(await row(running).locator('.badge-write').count(), 0);
    assert.match(await cells.textContent() ?? '', /Fixture Agent.*agent-[0-9a-f]+@staff\.example\.com/);
    assert.match(await cells.textContent() ?? '', /The customer cannot sign in/);
    assert.match(await cells.textContent() ?? '', /4 h/);
    assert.match(await row(running).textContent() ?? '', /Approved by .*Approved by script/);

    assert.deepEqual(await accessibilityProblems(page), []);
  });

  it('approves narrower and shorter, asking for the passkey again once the last check is 6 minutes old', async () => {
    const unticked = (await grantOf(narrowed)).scopes.find((s) => s.name === 'okta.users.passwords.reset')!.label;
    clock.advance(6 * MINUTE);
    const seq = await lastSeqOf(server.db, tenant.id);
    await row(narrowed).getByRole('button', { name: /^Approve/ }).click();
    const approve = page.getByRole('dialog', { name: 'Approve access for Fixture Agent' });
    await approve.getByRole('group', { name: 'Scopes to grant' }).waitFor();
    assert.equal(await approve.getByRole('checkbox', { checked: true }).count(), 4, 'everything asked for, ticked');
    await approve.getByLabel(/okta\.users\.passwords\.reset/).uncheck();
    const duration = approve.getByLabel('Duration (minutes)');
    assert.equal(await duration.getAttribute('max'), '240', 'never more than asked');
    await duration.fill('60');
    await approve.getByLabel('Note (optional)').fill('No password resets; one hour is enough.');
    assert.deepEqual((await accessibilityProblems(page)).map((p) => `the Approve dialog: ${p}`), []);
    await approve.getByRole('button', { name: 'Approve access' }).click();

    const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' });
    await stepUp.getByText('This is a protected action. Confirm with your passkey.').waitFor();
    await stepUp.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').filter({ hasText: `(case ${narrowed.caseId}) was approved until` }).waitFor();
    await approve.waitFor({ state: 'detached' });

    const approved = await grantOf(narrowed);
    assert.equal(approved.status, 'APPROVED');
    assert.deepEqual(approved.scopes.map((s) => s.name), ['okta.users.read', 'okta.logs.read', 'okta.users.factors.reset']);
    assert.equal(approved.durationMinutes, 60);
    assert.equal(Date.parse(approved.expiresAt ?? ''), clock.now().getTime() + 60 * MINUTE, 'the grant runs from the approval');
    assert.equal(approved.decision?.note, 'No password resets; one hour is enough.');

    const shown = row(narrowed);
    await shown.getByText('Approved', { exact: true }).waitFor();
    const text = await shown.textContent() ?? '';
    for (const s of approved.scopes) assert.ok(text.includes(s.label), `${s.label} in ${text}`);
    assert.ok(!text.includes(unticked), `the unticked scope is gone: ${text}`);
    assert.equal(await shown.locator('.badge-write').count(), 1);
    assert.match(text, /1 h/);
    assert.ok(text.includes(`Approved by ${approved.decision!.by.name}`), text);
    assert.equal(await shown.getByRole('button', { name: /^Revoke/ }).count(), 1, 'an approved grant can be revoked');

    const attempts = await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'security.protected_action.attempt');
    assert.equal(attempts.length, 1, JSON.stringify(attempts));
    assert.equal((await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'bulwark.admin_session.step_up')).length, 1);
    assert.equal((await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'user.session.impersonation.grant')).length, 1);
  });

  it('shows the server\'s refusal in the dialog when the request was decided meanwhile', async () => {
    await row(raced).getByRole('button', { name: /^Approve/ }).click();
    const approve = page.getByRole('dialog', { name: 'Approve access for Fixture Agent' });
    await approve.getByLabel('Duration (minutes)').waitFor();
    ok(await f.api('POST', `/api/v1/support-access/grants/${raced.id}/deny`, { note: 'Denied by another admin' }), 'deny behind the console\'s back');
    await approve.getByRole('button', { name: 'Approve access' }).click();
    const alert = approve.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent() ?? '', /Api validation failed: support access/, 'the errorSummary');
    assert.match(await alert.textContent() ?? '', /status: the request is DENIED, not waiting for a decision/, 'the errorCauses');
    await approve.getByRole('button', { name: 'Cancel' }).click();
    await row(raced).getByText('Denied', { exact: true }).waitFor();
    assert.equal((await grantOf(raced)).status, 'DENIED', 'the console approved nothing');
  });

  it('revokes an approved grant after a confirmation', async () => {
    const seq = await lastSeqOf(server.db, tenant.id);
    await row(running).getByRole('button', { name: /^Revoke/ }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke access for Fixture Agent?' });
    await confirm.getByText(running.caseId).waitFor();
    await confirm.getByRole('button', { name: 'Revoke access' }).click();
    await page.getByRole('status').filter({ hasText: `(case ${running.caseId}) was revoked.` }).waitFor();
    const revoked = await grantOf(running);
    assert.deepEqual([revoked.status, revoked.revocation?.kind], ['REVOKED', 'ADMIN']);
    await row(running).getByText('Revoked', { exact: true }).waitFor();
    assert.ok((await row(running).textContent() ?? '').includes(`Revoked by ${revoked.revocation!.by.name}`));
    assert.equal(await row(running).getByRole('button').count(), 0, 'nothing left to do with it');
    assert.equal((await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'user.session.impersonation.revoke')).length, 1);
    assert.equal((await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'security.protected_action.attempt')).length, 0, 'revoking is never a protected action');
  });

  it('denies a request with a note', async () => {
    await row(refused).getByRole('button', { name: /^Deny/ }).click();
    const deny = page.getByRole('dialog', { name: 'Deny access for Fixture Agent' });
    await deny.getByLabel('Note (optional)').fill('Send us a HAR file instead.');
    assert.deepEqual((await accessibilityProblems(page)).map((p) => `the Deny dialog: ${p}`), []);
    await deny.getByRole('button', { name: 'Deny request' }).click();
    await page.getByRole('status').filter({ hasText: `(case ${refused.caseId}) was denied.` }).waitFor();
    const denied = await grantOf(refused);
    assert.deepEqual([denied.status, denied.decision?.note, denied.expiresAt], ['DENIED', 'Send us a HAR file instead.', null]);
    await row(refused).getByText('Denied', { exact: true }).waitFor();
    assert.match(await row(refused).textContent() ?? '', /Denied by .*Send us a HAR file instead\./);

    assert.equal(await page.locator('tbody tr.support-pending').count(), 0, 'nothing waits any more');
    assert.equal(await page.getByText(/waiting for a decision\./).count(), 0);
    assert.deepEqual(await accessibilityProblems(page), [], 'the page with every kind of row');
  });

  it('shows a read-only admin the same list without the buttons', async () => {
    const waiting = await newAccessRequest(f, ['okta.users.read', 'okta.users.factors.reset']);
    const other = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    try {
      const { page: reader } = await passkeyAdmin(f, other, origin, 'READ_ONLY_ADMIN', 'Rita');
      await openSupportAccess(reader, origin);
      const first = reader.locator('tbody tr').first();
      await first.filter({ hasText: waiting.caseId }).waitFor();
      assert.match(await first.textContent() ?? '', /Waiting for your decision/);
      assert.equal(await reader.locator('tbody tr').count(), 5);
      assert.equal(await reader.locator('tbody').getByRole('button').count(), 0, 'no Approve, Deny or Revoke');
      assert.equal(await reader.getByRole('columnheader', { name: 'Actions' }).count(), 0);
      await reader.getByText('Approving, denying and revoking them needs the super or organization admin role.', { exact: false }).waitFor();
    } finally {
      await other.close();
    }
  });
  it('approves more time on a running grant, shorter than asked, asking for the passkey again', async () => {
    const longer = await newExtensionRequest(f, 60);
    const asked = await grantOf(longer);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row(longer).getByText('More time asked: 1 h').waitFor();
    assert.ok(await row(longer).evaluate((tr) => tr.classList.contains('support-pending')), 'it waits for a decision and stands out');
    await page.getByText(/1 request for more time/).waitFor();

    clock.advance(6 * MINUTE);
    const seq = await lastSeqOf(server.db, tenant.id);
    await row(longer).getByRole('button', { name: /^Approve more time/ }).click();
    const approve = page.getByRole('dialog', { name: 'More time for Fixture Agent' });
    const minutes = approve.getByLabel('More time (minutes)');
    assert.equal(await minutes.getAttribute('max'), '60', 'never more than asked');
    await minutes.fill('30');
    await approve.getByLabel('Note (optional)').fill('Half an hour more.');
    assert.deepEqual((await accessibilityProblems(page)).map((p) => `the more-time dialog: ${p}`), []);
    await approve.getByRole('button', { name: 'Approve more time' }).click();
    await page.getByRole('dialog', { name: 'Confirm it is you' }).getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').filter({ hasText: `More time for Fixture Agent (case ${longer.caseId}) was approved` }).waitFor();
    await approve.waitFor({ state: 'detached' });

    const extended = await grantOf(longer);
    assert.deepEqual([extended.extension?.status, extended.extension?.durationMinutes, extended.extension?.decision?.note], ['APPROVED', 30, 'Half an hour more.']);
    assert.equal(Date.parse(extended.expiresAt ?? ''), Date.parse(asked.expiresAt ?? '') + 30 * MINUTE, 'added to the grant\'s end');
    await row(longer).getByText(/Extended by 30 min by/).waitFor();
    assert.equal(await row(longer).getByRole('button', { name: /more time/ }).count(), 0);
    assert.equal((await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'security.protected_action.attempt')).length, 1);
    assert.equal((await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'user.session.impersonation.extend')).length, 1);
  });

  it('denies more time with a note, the grant keeping its end', async () => {
    const refusedMore = await newExtensionRequest(f, 120);
    const asked = await grantOf(refusedMore);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row(refusedMore).getByRole('button', { name: /^Deny more time/ }).click();
    const deny = page.getByRole('dialog', { name: 'Deny more time for Fixture Agent' });
    await deny.getByLabel('Note (optional)').fill('Finish it tomorrow.');
    assert.deepEqual((await accessibilityProblems(page)).map((p) => `the deny-more-time dialog: ${p}`), []);
    await deny.getByRole('button', { name: 'Deny more time' }).click();
    await page.getByRole('status').filter({ hasText: `More time for Fixture Agent (case ${refusedMore.caseId}) was denied` }).waitFor();
    const denied = await grantOf(refusedMore);
    assert.deepEqual([denied.status, denied.expiresAt, denied.extension?.status, denied.extension?.decision?.note], ['APPROVED', asked.expiresAt, 'DENIED', 'Finish it tomorrow.']);
    await row(refusedMore).getByText(/More time denied by/).waitFor();
    assert.equal(await row(refusedMore).getByRole('button', { name: /^Revoke/ }).count(), 1, 'still running, so it can be revoked');
  });

  it('sets a pre-approval rule of read scopes, asking for the passkey again, and shows it', async () => {
    const rules = page.getByRole('region', { name: 'Pre-approval rules' });
    await rules.getByText('No pre-approval rules').waitFor();
    clock.advance(6 * MINUTE);
    const seq = await lastSeqOf(server.db, tenant.id);
    await rules.getByRole('button', { name: 'Edit rules' }).click();
    const edit = page.getByRole('dialog', { name: 'Pre-approval rules' });
    await edit.getByRole('button', { name: 'Add a rule' }).click();
    const rule = edit.getByRole('group', { name: /^Rule 1/ });
    await rule.getByLabel('Name').fill('Severity 1: read users and logs');
    assert.equal(await rule.getByRole('checkbox', { name: /Reset/ }).count(), 0, 'no write scope is offered');
    await rule.getByRole('checkbox', { name: 'Read the System Log' }).check();
    await rule.getByRole('checkbox', { name: 'Severity 2' }).check();
    await rule.getByLabel('Longest duration (minutes)').fill('90');
    assert.deepEqual((await accessibilityProblems(page)).map((p) => `the rules dialog: ${p}`), []);
    await edit.getByRole('button', { name: 'Save rules' }).click();
    await page.getByRole('dialog', { name: 'Confirm it is you' }).getByRole('button', { name: 'Confirm' }).click();
    await rules.getByRole('status').filter({ hasText: 'The pre-approval rules were saved.' }).waitFor();
    await edit.waitFor({ state: 'detached' });

    const saved = ok(await f.api('GET', '/api/v1/support-access/policy'), 'read the policy').body as { rules: unknown[] };
    assert.deepEqual(saved.rules, [{ name: 'Severity 1: read users and logs', scopes: ['okta.users.read', 'okta.logs.read'], severities: ['SEV1', 'SEV2'], maxDurationMinutes: 90 }]);
    const shown = await rules.locator('tbody tr').first().textContent() ?? '';
    for (const words of ['Severity 1: read users and logs', 'Read users and their groups', 'Read the System Log', 'Severity 1, Severity 2', '1 h 30 min']) assert.ok(shown.includes(words), `${words} in ${shown}`);
    assert.equal((await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'security.protected_action.attempt')).length, 1);
    assert.equal((await eventsAfterOf<Logged>(server.db, tenant.id, seq, 'bulwark.support.access.policy.update')).length, 1);
    assert.deepEqual(await accessibilityProblems(page), [], 'the page with its rules');
  });
});
