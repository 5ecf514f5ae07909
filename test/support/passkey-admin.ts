/**
 * An admin for the browser tests: a new user of the fixture's tenant, invited and enrolled with a passkey on the
 * virtual authenticator of a new page of `context` (through the enrollment link, as a person would), then given
 * `role`.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { enrollPasskeyByLink, pageWithAuthenticator } from './browser.ts';
import { grant, ok, unique, type Fixture } from './fixtures.ts';

export async function passkeyAdmin(f: Fixture, context: BrowserContext, origin: string, role: string, firstName: string): Promise<{ id: string; page: Page }> {
  const login = `${unique(firstName.toLowerCase())}@fixture.example.com`;
  const created = ok(await f.api('POST', '/api/v1/users?activate=false', { profile: { login, email: login, firstName, lastName: 'Admin' } }), 'create admin');
  const activation = ok(await f.api('POST', `/api/v1/users/${created.body.id}/lifecycle/activate`), 'activate admin');
  const { page } = await pageWithAuthenticator(context);
  await enrollPasskeyByLink(page, origin, activation.body.activationUrl as string);
  await grant(f, created.body.id as string, role);
  return { id: created.body.id as string, page };
}
