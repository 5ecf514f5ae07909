/**
 * Verification of the person in the admin console (docs/privileged-verification.md) in a real browser (Debian's
 * Chromium through playwright-core) against a real server and database, on a server clock the test moves by
 * hand. Admins sign in with passkeys on Chromium's virtual authenticator. A help-desk admin opens a super admin's
 * page and tries to reset their factors; the console, refused for want of a verified person, offers to verify
 * them; the help desk asks a second admin. A super admin, in a second browser, finds it waiting on the Alerts
 * page and attests it, the console asking for the passkey again; the help desk's reset then goes through. By the
 * other method, the person's own passkey, the link is shown once with what to tell them, and once they confirm,
 * the help desk resets the password from the card. axe-core finds nothing serious on any view.
 *
 * The `it`s share the signed-in admins and run in order: the clock only moves forward.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, createTestTenant, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { accessibilityProblems, launchBrowser, tenantOrigin } from './support/browser.ts';
import { grant, newTotpUser, ok, type UserRef, type WebFixture } from './support/fixtures.ts';
import { hostClient } from './support/host-client.ts';
import { passkeyAdmin } from './support/passkey-admin.ts';
import { eventsAfterOf, lastSeqOf, type Logged } from './support/sign-on.ts';
import { SoftAuthenticator } from './support/soft-authenticator.ts';
import { newAdminTarget } from './support/verifications.ts';

const MINUTE = 60_000;
const STATEMENT = 'Video call: face and badge matched the HR photo';
/** The card reads a waiting request again every 5 s; a little more than two rounds. */
const POLLED = { timeout: 15_000 };

type Verification = { id: string; status: string; method: string; requestedBy: { id: string }; decision: { by: { id: string }; statement: string | null } | null };

/** Signs the page's admin in to the admin console with their passkey. */
async function signIn(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/admin`);
  await page.waitForURL((u) => u.pathname === '/signin');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/admin'));
}

async function openUser(page: Page, origin: string, user: UserRef, name: string): Promise<void> {
  await page.goto(`${origin}/admin/users/${user.id}`);
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

/** Renames a fixture user, so that each person of the test reads as themselves on the page. */
async function rename(f: WebFixture, user: UserRef, firstName: string, lastName: string): Promise<string> {
  ok(await f.api('POST', `/api/v1/users/${user.id}`, { profile: { firstName, lastName } }), 'rename');
  return `${firstName} ${lastName}`;
}

describe('verification of the person in the admin console, in Chromium', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let f: WebFixture;
  let browser: Browser;
  let origin: string;
  let helpDesk: { id: string; page: Page };
  let superAdmin: { id: string; page: Page };
  /** A super admin with an authenticator app, whose factors the help desk resets. */
  let grace: { user: UserRef; name: string };
  /** An org admin with a passkey (on `adaKey`), whose password the help desk resets. */
  let ada: { user: UserRef; name: string };
  const adaKey = new SoftAuthenticator();

  const card = (page: Page) => page.getByRole('region', { name: 'Verification of the person' });
  const verificationsOf = async (user: UserRef) => ok(await f.api('GET', `/api/v1/users/${user.id}/verifications`), 'list').body as Verification[];
  const summary = (events: Logged[]) => events.filter((e) => e.eventType.startsWith('bulwark.user.verification.') || ['user.mfa.factor.reset_all', 'user.account.reset_password'].includes(e.eventType))
    .map((e) => `${e.eventType} ${e.outcome.result}`);

  before(async () => {
    server = await startTestServer({ clock, config: { BULWARK_RATE_LIMIT_PER_MINUTE: '100000' } });
    tenant = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token), web: () => hostClient(server.url, tenant.slug) };
    browser = await launchBrowser();
    origin = tenantOrigin(server.url, tenant.slug);

    const totp = await newTotpUser(f);
    await grant(f, totp.user.id, 'SUPER_ADMIN');
    grace = { user: totp.user, name: await rename(f, totp.user, 'Grace', 'Hopper') };
    const passkeyUser = await newAdminTarget(f, 'ORG_ADMIN', adaKey);
    ada = { user: passkeyUser, name: await rename(f, passkeyUser, 'Ada', 'Lovelace') };

    helpDesk = await passkeyAdmin(f, await browser.newContext({ viewport: { width: 1360, height: 900 } }), origin, 'HELP_DESK_ADMIN', 'Hana');
    superAdmin = await passkeyAdmin(f, await browser.newContext({ viewport: { width: 1360, height: 900 } }), origin, 'SUPER_ADMIN', 'Sam');
    await signIn(helpDesk.page, origin);
    await signIn(superAdmin.page, origin);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("offers a help-desk admin refused a super admin's factor reset to verify the person first, and asks a second admin", async () => {
    const page = helpDesk.page;
    await openUser(page, origin, grace.user, grace.name);
    assert.equal(await card(page).count(), 0, 'nothing to show before anything was asked or refused');
    const seq = await lastSeqOf(server.db, tenant.id);

    await page.getByRole('button', { name: 'Reset all factors' }).click();
    await page.getByRole('dialog', { name: 'Reset every factor?' }).getByRole('button', { name: 'Reset all factors' }).click();
    const offer = page.getByRole('dialog', { name: 'Verify the person first' });
    await offer.getByText(`Resetting ${grace.name}'s factors was refused: they hold an admin role, so the person must be verified first.`).waitFor();
    assert.ok(await offer.getByRole('radio', { name: 'Reset their factors' }).isChecked(), 'the refused reset is the one to verify for');
    // Grace has no passkey: only a second admin can verify her.
    await offer.getByText('Not possible: they have no passkey.').waitFor();
    assert.ok(await offer.getByRole('radio', { name: 'With their own passkey' }).isDisabled());
    assert.ok(await offer.getByRole('button', { name: 'Ask for verification' }).isDisabled(), 'nothing is asked before a method is chosen');
    assert.deepEqual((await accessibilityProblems(page)).map((p) => `the offer: ${p}`), []);

    await offer.getByRole('radio', { name: 'By a second admin' }).check();
    await offer.getByRole('button', { name: 'Ask for verification' }).click();
    await offer.waitFor({ state: 'detached' });
    await card(page).getByRole('status').filter({ hasText: 'Asked. A second admin' }).waitFor();
    const row = card(page).locator('tbody tr').first();
    await row.getByText('Waiting for a second admin').waitFor();
    assert.match(await row.textContent() ?? '', /Reset factors.*A second admin.*You/);
    assert.equal(await row.getByRole('button', { name: /^Withdraw/ }).count(), 1, 'the one who asked may withdraw it');
    assert.deepEqual((await accessibilityProblems(page)).map((p) => `the card: ${p}`), []);

    const [v] = await verificationsOf(grace.user);
    assert.deepEqual([v?.status, v?.method, v?.requestedBy.id], ['PENDING', 'ADMIN_ATTESTATION', helpDesk.id]);
    assert.deepEqual(summary(await eventsAfterOf<Logged>(server.db, tenant.id, seq)), ['bulwark.user.verification.use DENY', 'bulwark.user.verification.request SUCCESS']);
  });

  it('lets a super admin find it waiting under Alerts and attest it, the console asking for the passkey again', async () => {
    const page = superAdmin.page;
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    const waiting = page.getByRole('region', { name: 'Verifications waiting for you' });
    await waiting.getByText('1 verification is waiting for you.').waitFor();
    const row = waiting.locator('tbody tr').filter({ hasText: grace.name });
    await row.waitFor();
    assert.match(await row.textContent() ?? '', /Reset factors.*Hana Admin/);
    await page.getByRole('button', { name: 'A second admin is asked to verify a person' }).waitFor();
    assert.deepEqual((await accessibilityProblems(page)).map((p) => `the Alerts page: ${p}`), []);

    clock.advance(6 * MINUTE);
    const seq = await lastSeqOf(server.db, tenant.id);
    await row.getByRole('button', { name: /^Attest/ }).click();
    const attest = page.getByRole('dialog', { name: `Attest that this is ${grace.name}` });
    const statement = attest.getByLabel('How you verified them');
    await statement.fill('On a call');
    assert.ok(await attest.getByRole('button', { name: 'Attest' }).isDisabled(), 'a statement of fewer than 10 characters is not enough');
    await statement.fill(STATEMENT);
    assert.deepEqual((await accessibilityProblems(page)).map((p) => `the Attest dialog: ${p}`), []);
    await attest.getByRole('button', { name: 'Attest' }).click();
    const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' });
    await stepUp.getByText('This is a protected action. Confirm with your passkey.').waitFor();
    await stepUp.getByRole('button', { name: 'Confirm' }).click();
    await waiting.getByRole('status').filter({ hasText: `You attested the verification of ${grace.name}.` }).waitFor();
    await attest.waitFor({ state: 'detached' });
    await waiting.getByText('Nothing waits for you').waitFor();

    const [v] = await verificationsOf(grace.user);
    assert.deepEqual([v?.status, v?.decision?.by.id, v?.decision?.statement], ['VERIFIED', superAdmin.id, STATEMENT]);
    const types = (await eventsAfterOf<Logged>(server.db, tenant.id, seq)).map((e) => `${e.eventType} ${e.outcome.result}`)
      .filter((t) => !t.startsWith('user.authentication.') && !t.startsWith('policy.evaluate_sign_on'));
    assert.deepEqual(types, ['security.protected_action.attempt DENY', 'bulwark.admin_session.step_up SUCCESS', 'bulwark.user.verification.verify SUCCESS'], 'the passkey again, then the attestation');
  });

  it("shows the help desk the verification, whose factor reset then goes through; the System Log has request, verify and use", async () => {
    const page = helpDesk.page;
    const seq = await lastSeqOf(server.db, tenant.id);
    const row = card(page).locator('tbody tr').first();
    await row.getByText(/^Verified until/).waitFor(POLLED);
    assert.match(await row.textContent() ?? '', new RegExp(`Attested by Sam Admin: “${STATEMENT}”`));
    assert.deepEqual((await accessibilityProblems(page)).map((p) => `the card, verified: ${p}`), []);

    await page.getByRole('button', { name: 'Reset all factors' }).click();
    await page.getByRole('dialog', { name: 'Reset every factor?' }).getByRole('button', { name: 'Reset all factors' }).click();
    // Resetting factors is a protected action of its own, and the help desk's passkey check is 6 minutes old.
    await page.getByRole('dialog', { name: 'Confirm it is you' }).getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('region', { name: 'Factors' }).getByText('No factors enrolled').waitFor();
    await row.getByText('Used', { exact: true }).waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0, 'no verification offered this time');

    const [v] = await verificationsOf(grace.user);
    assert.equal(v?.status, 'USED');
    const events = await eventsAfterOf<Logged>(server.db, tenant.id, 0);
    assert.deepEqual(summary(events), [
      'bulwark.user.verification.use DENY', 'bulwark.user.verification.request SUCCESS', 'bulwark.user.verification.verify SUCCESS',
      'bulwark.user.verification.use SUCCESS', 'user.mfa.factor.reset_all SUCCESS',
    ]);
    const [use, reset] = (await eventsAfterOf<Logged>(server.db, tenant.id, seq)).filter((e) => ['bulwark.user.verification.use', 'user.mfa.factor.reset_all'].includes(e.eventType));
    assert.deepEqual([use?.actor.id, use?.debugContext.debugData['verificationId'], reset?.debugContext.debugData['verificationId']], [helpDesk.id, v?.id, v?.id]);
  });

  it("shows the link for the person's own passkey once, with what to tell them, and resets the password once they confirm", async () => {
    const page = helpDesk.page;
    await openUser(page, origin, ada.user, ada.name);
    const seq = await lastSeqOf(server.db, tenant.id);
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByRole('dialog', { name: `Reset ${ada.name}'s password?` }).getByRole('button', { name: 'Reset password' }).click();
    const offer = page.getByRole('dialog', { name: 'Verify the person first' });
    assert.ok(await offer.getByRole('radio', { name: 'Reset their password' }).isChecked());
    const byPasskey = offer.getByRole('radio', { name: 'With their own passkey' });
    await offer.getByText(/You get a one-time link to give them/).waitFor();
    await byPasskey.check();
    await offer.getByRole('button', { name: 'Ask for verification' }).click();

    const shown = page.getByRole('dialog', { name: 'Give them this link' });
    const field = shown.getByLabel('Verification link');
    await field.waitFor();
    const url = new URL(await field.inputValue());
    assert.equal(`${url.origin}${url.pathname}`, `${origin}/verify`);
    const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    await shown.getByText('It is shown only this once').waitFor();
    await shown.getByRole('heading', { name: 'What to tell them' }).waitFor();
    assert.match(await shown.getByRole('list').textContent() ?? '', new RegExp(`device that has your passkey for ${ada.user.login.replace(/[.]/g, '\\.')}.*Hana Admin from the help desk`));
    assert.deepEqual((await accessibilityProblems(page)).map((p) => `the link: ${p}`), []);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    const row = card(page).locator('tbody tr').first();
    await row.getByText('Waiting for the person').waitFor();
    assert.ok(!(await page.content()).includes(token), 'gone from the page once closed');
    await page.reload();
    await card(page).locator('tbody tr').first().getByText('Waiting for the person').waitFor();
    assert.ok(!(await page.content()).includes(token), 'and never shown again');

    // The person, on the call, opens the link and confirms with their passkey.
    const web = f.web();
    const challenged = ok(await web('POST', '/api/v1/verifications/challenge', { token }), 'challenge');
    ok(await web('POST', '/api/v1/verifications/verify', { token, credential: adaKey.get(challenged.body.challenge, `http://${web.host}`) }), 'verify');

    const verified = card(page).locator('tbody tr').first();
    await verified.getByText(/^Verified until/).waitFor(POLLED);
    assert.match(await verified.textContent() ?? '', /They confirmed with their passkey/);
    await verified.getByRole('button', { name: 'Reset password now' }).click();
    await page.getByRole('dialog', { name: `Reset password of ${ada.name}?` }).getByRole('button', { name: 'Reset password' }).click();
    const reveal = page.getByRole('dialog', { name: 'Password reset link' });
    assert.match(await reveal.getByLabel('Reset link').inputValue(), /\/signin\/reset-password\//);
    await reveal.getByRole('button', { name: 'Done' }).click();
    await card(page).locator('tbody tr').first().getByText('Used', { exact: true }).waitFor();
    await card(page).getByRole('status').filter({ hasText: `${ada.name}'s password was reset.` }).waitFor();

    const events = await eventsAfterOf<Logged>(server.db, tenant.id, seq);
    assert.deepEqual(summary(events), [
      'bulwark.user.verification.use DENY', 'bulwark.user.verification.request SUCCESS', 'bulwark.user.verification.verify SUCCESS',
      'bulwark.user.verification.use SUCCESS', 'user.account.reset_password SUCCESS',
    ]);
    assert.equal(events.find((e) => e.eventType === 'bulwark.user.verification.verify')?.actor.id, ada.user.id, 'verified by the person themselves');
  });

  it('lets the help desk ask from the card and withdraw its own request, which then waits for nobody', async () => {
    const page = helpDesk.page;
    // A minute later, so that the new request is the newest (the clock stands still otherwise).
    clock.advance(MINUTE);
    await card(page).getByRole('button', { name: 'Verify the person' }).click();
    const offer = page.getByRole('dialog', { name: 'Verify the person first' });
    await offer.getByRole('radio', { name: 'Reset their factors' }).check();
    await offer.getByRole('radio', { name: 'By a second admin' }).check();
    await offer.getByRole('button', { name: 'Ask for verification' }).click();
    const row = card(page).locator('tbody tr').first();
    await row.getByText('Waiting for a second admin').waitFor();
    await row.getByRole('button', { name: /^Withdraw/ }).click();
    await page.getByRole('dialog', { name: 'Withdraw your request?' }).getByRole('button', { name: 'Withdraw' }).click();
    await row.getByText('Withdrawn', { exact: true }).waitFor();
    assert.match(await row.textContent() ?? '', /Withdrawn by you/);
    const [v] = await verificationsOf(ada.user);
    assert.equal(v?.status, 'DENIED');

    await superAdmin.page.getByRole('region', { name: 'Verifications waiting for you' }).getByRole('button', { name: 'Refresh' }).click();
    await superAdmin.page.getByText('Nothing waits for you').waitFor();
    assert.deepEqual((await accessibilityProblems(page)).map((p) => `the card with every kind of row: ${p}`), []);
  });
});
