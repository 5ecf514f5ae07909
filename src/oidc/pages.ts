import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_DIST } from '#src/web/routes.ts';

/**
 * The few pages the OpenID Connect provider shows itself (consent, sign-out, errors): plain HTML forms that
 * work without JavaScript, styled by the sign-in page's stylesheet, under a policy that allows nothing else.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** What each scope lets an app read, in the words the consent page uses. */
const SCOPE_WORDS: Record<string, string> = {
  openid: 'Know who you are (your user ID)',
  profile: 'Your name, username, locale and time zone',
  email: 'Your email address',
  phone: 'Your phone number',
  groups: 'The names of the groups you are in',
  offline_access: 'Stay connected when you are not using it (until you sign out of it)',
};

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function stylesheet(): string {
  const index = join(WEB_DIST, 'index.html');
  const href = existsSync(index) ? /<link rel="stylesheet"[^>]*href="(\/assets\/[^"]+\.css)"/.exec(readFileSync(index, 'utf8'))?.[1] : undefined;
  return href ? `<link rel="stylesheet" href="${escapeHtml(href)}">` : '';
}

const STYLESHEET = stylesheet();

/** `body` is HTML the caller built from escaped parts. */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>${STYLESHEET}</head>
<body>
<main class="card" aria-labelledby="title">
<h1 id="title">${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}

/** The consent screen of an app that is not first-party: who asks, for what, and the decision posted back. */
export function consentPage(p: { appLabel: string; login: string; scopes: readonly string[]; action: string }): string {
  const items = p.scopes.map((s) => `<li>${escapeHtml(SCOPE_WORDS[s] ?? s)}</li>`).join('');
  return page(`Allow ${p.appLabel}?`, `<p>Signed in as <strong>${escapeHtml(p.login)}</strong>. ${escapeHtml(p.appLabel)} asks to:</p>
<ul>${items}</ul>
<form method="post" action="${escapeHtml(p.action)}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`);
}

/**
 * RP-initiated logout's question. `form` is oidc-provider's own form (its action and anti-forgery field); the
 * buttons submit it, with `logout=yes` only from the first.
 */
export function logoutPage(form: string): string {
  return page('Sign out?', `${form}
<p>An application asks to sign you out of your organization. You will be signed out of every app that uses this sign-in.</p>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>`);
}

export function signedOutPage(): string {
  return page('You are signed out', '<p>You can close this window, or <a href="/signin">sign in again</a>.</p>');
}

/** An authorization that cannot go back to the app (an unknown app or redirect URI): what went wrong. */
export function errorPage(error: string, description: string | undefined): string {
  return page('Sign-in could not continue', `<p role="alert">${escapeHtml(description ?? error)}</p>
<p>Error: <code>${escapeHtml(error)}</code>. Go back to the application and try again; if it keeps happening, tell its administrator.</p>`);
}
