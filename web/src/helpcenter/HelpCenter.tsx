import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { call, dropDeviceKey, startStaffSignIn } from './client.ts';
import { Cases } from './Cases.tsx';
import { StaffConsole } from './StaffConsole.tsx';

/** GET /help/v1/session: the customer as the Help Center knows them (src/helpcenter/routes.ts). */
type HelpCenterSession = {
  id: string;
  cell: string;
  organization: { id: string; slug: string; name: string };
  kind: 'CUSTOMER' | 'STAFF';
  user: { id: string; subject: string; name: string; email: string | null; adminRoles: string[]; staffRoles: string[] };
  amr: string[];
  createdAt: string;
  expiresAt: string;
  maxExpiresAt: string;
};

type State = { kind: 'loading' } | { kind: 'signed-out'; notice?: string } | { kind: 'signed-in'; session: HelpCenterSession } | { kind: 'failed'; message: string };

/** What the server's `?error=` means, in the page's words; the provider's own description follows where it helps. */
const PROBLEMS: Record<string, string> = {
  unknown_org: 'There is no organisation by that name.',
  wrong_cell: 'This organisation does not use this Help Center. Use the Help Center address your administrator gave you.',
  expired: 'The sign-in took too long or was started in another window. Please try again.',
  access_denied: 'Your organisation did not allow this sign-in.',
  failed: 'The sign-in could not be completed.',
  no_staff: 'This Help Center has no support staff sign-in yet.',
  no_device_key: 'Support staff sign in from this page, which binds the session to this browser. Use “sign in with your passkey” below.',
};

const ROLE_NAMES: Record<string, string> = {
  SUPER_ADMIN: 'Super administrator',
  ORG_ADMIN: 'Organisation administrator',
  HELP_DESK_ADMIN: 'Help desk administrator',
  READ_ONLY_ADMIN: 'Read-only administrator',
};

const METHODS: Record<string, string> = { hwk: 'passkey', swk: 'passkey', pwd: 'password', otp: 'authenticator app', mfa: 'more than one factor' };

/** `support-high-assurance.example.com` → `high-assurance`; `support.example.com` → the commercial cell, which needs no name. */
function cellOfPage(): string | undefined {
  return /^support-([a-z0-9-]+)\./.exec(window.location.hostname)?.[1];
}

function problemFromUrl(): string | undefined {
  const params = new URLSearchParams(window.location.search);
  const error = params.get('error');
  if (error === null) return undefined;
  const description = params.get('error_description');
  const known = PROBLEMS[error] ?? PROBLEMS['failed'];
  return description && (error === 'access_denied' || error === 'failed') ? `${known} ${description}` : known;
}

/**
 * Leaves for the organisation's sign-in as a navigation, not a form submission: the page's CSP keeps forms to
 * this origin (`form-action 'self'`), and browsers apply that to where a submission is redirected too.
 */
function goToOrganisation(event: FormEvent<HTMLFormElement>) {
  event.preventDefault();
  const org = new FormData(event.currentTarget).get('org');
  window.location.assign(`/help/signin?${new URLSearchParams({ org: String(org ?? '') })}`);
}

export function HelpCenter() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [problem] = useState(problemFromUrl);
  const cell = cellOfPage();

  useEffect(() => {
    // The error was read into state; the address bar should not keep offering it on reload.
    if (window.location.search) window.history.replaceState(null, '', '/');
    call<HelpCenterSession>('GET', '/help/v1/session')
      .then((session) => setState({ kind: 'signed-in', session }))
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 'E0000005') setState({ kind: 'signed-out', ...(e.causes[0] ? { notice: e.causes[0] } : {}) });
        else setState({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
      });
  }, []);

  async function signOut() {
    await call('DELETE', '/help/v1/session');
    await dropDeviceKey().catch(() => undefined);
    setState({ kind: 'signed-out', notice: 'You are signed out of the Help Center. You are still signed in to your organisation.' });
  }

  const title = `Bulwark Help Center${cell ? ` (${cell})` : ''}`;
  return (
    <main className={state.kind === 'signed-in' ? 'card wide' : 'card'}>
      <h1>{title}</h1>
      {state.kind === 'loading' && <p className="loading">Loading…</p>}
      {state.kind === 'failed' && <div className="error" role="alert"><p>{state.message}</p></div>}
      {state.kind === 'signed-out' && (
        <>
          {problem && <div className="error" role="alert"><p>{problem}</p></div>}
          {!problem && state.notice && <p role="status">{state.notice}</p>}
          <p>Sign in with your organisation’s account to open and follow support cases.</p>
          <form method="get" action="/help/signin" onSubmit={goToOrganisation}>
            <label>
              Organisation
              <input name="org" required autoComplete="organization" autoCapitalize="none" spellCheck={false}
                pattern="[a-z][a-z0-9\-]{1,62}" title="Your organisation's short name, as in its sign-in address: lower-case letters, digits and hyphens" />
            </label>
            <button type="submit">Continue</button>
          </form>
          <p className="staff-entry">Support staff: <a href="/help/staff/signin" onClick={(event) => { event.preventDefault(); void startStaffSignIn(); }}>sign in with your passkey</a>.</p>
        </>
      )}
      {state.kind === 'signed-in' && <SignedIn session={state.session} onSignOut={signOut} />}
    </main>
  );
}

function SignedIn({ session, onSignOut }: { session: HelpCenterSession; onSignOut: () => Promise<void> }) {
  const { user, organization } = session;
  const methods = [...new Set(session.amr.map((a) => METHODS[a]).filter((m): m is string => m !== undefined))];
  if (session.kind === 'STAFF') {
    return (
      <>
        <p role="status">Signed in as <strong>{user.name}</strong>, support staff ({user.staffRoles.join(', ') || 'no role'}).</p>
        <StaffConsole me={user} />
        <button type="button" className="secondary" onClick={() => void onSignOut()}>Sign out of the Help Center</button>
      </>
    );
  }
  return (
    <>
      <p role="status">Signed in as <strong>{user.name}</strong> of {organization.name}.</p>
      <dl>
        <dt>Organisation</dt><dd>{organization.name} ({organization.slug})</dd>
        <dt>Email</dt><dd>{user.email ?? 'none given'}</dd>
        <dt>Admin roles</dt><dd>{user.adminRoles.length === 0 ? 'none' : user.adminRoles.map((r) => ROLE_NAMES[r] ?? r).join(', ')}</dd>
        <dt>Signed in with</dt><dd>{methods.length === 0 ? 'your organisation’s sign-in' : methods.join(', ')}</dd>
        <dt>Session ends</dt><dd>{new Date(session.expiresAt).toLocaleString()} if idle</dd>
      </dl>
      <Cases seesAll={user.adminRoles.length > 0} />
      <button type="button" className="secondary" onClick={() => void onSignOut()}>Sign out of the Help Center</button>
    </>
  );
}
