import { browserSupportsWebAuthnAutofill, startAuthentication, startRegistration, WebAuthnAbortService } from '@simplewebauthn/browser';
import { lazy, Suspense, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, call } from './api.ts';
import { finish, TOTP, WEBAUTHN, type Factor, type Transaction } from './transaction.ts';

// Password recovery is a few screens most visits never open: loaded when asked for, so signing in stays light.
const Recovery = lazy(() => import('./Recovery.tsx').then((m) => ({ default: m.Recovery })));

const FACTOR_NAMES: Record<string, string> = { [TOTP]: 'Authenticator app code', [WEBAUTHN]: 'Passkey', recovery_code: 'Recovery code' };

/**
 * The app the sign-in is for, from `?app=`: the admin console sends admin_console, an OpenID Connect app's
 * authorization sends the app's id; the dashboard otherwise.
 */
function audience(): string | undefined {
  const app = new URLSearchParams(window.location.search).get('app');
  return app === 'admin_console' || app === 'help_center' || /^0oa[0-9A-Za-z]{17}$/.test(app ?? '') ? (app ?? undefined) : undefined;
}

/** The token of an admin's password reset link, `/signin/reset-password/{token}` (Okta's form), if this is one. */
function resetLinkToken(): string | null {
  return /^\/signin\/reset-password\/([^/]+)\/?$/.exec(window.location.pathname)?.[1] ?? null;
}

/**
 * The sign-in page: identifier and password, or a passkey alone; then whatever the tenant's sign-on rule asks
 * for (a factor, setting one up, a new password), one step at a time, through the Classic Authentication API.
 */
export function SignIn() {
  const [tx, setTx] = useState<Transaction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [resetToken, setResetToken] = useState(resetLinkToken);
  const [recovering, setRecovering] = useState(resetToken !== null);

  /** Runs one step; a finished sign-in leaves the page, anything else is the next step to show. */
  async function step(work: () => Promise<Transaction>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const next = await work();
      if (next.status === 'SUCCESS' && next.sessionToken) return await finish(next.sessionToken, audience());
      setTx(next);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong. Try again.');
    } finally {
      setBusy(false);
    }
  }

  // An enrollment link (/welcome#token=…): the token is in the fragment, which no server ever sees; opening it
  // uses it up and asks for the passkey.
  // The hash is cleared before the call, so React's development double run of effects finds no token the second time.
  useEffect(() => {
    const token = window.location.pathname === '/welcome' ? new URLSearchParams(window.location.hash.slice(1)).get('token') : null;
    if (token === null) return;
    window.history.replaceState(null, '', '/welcome');
    void step(() => call<Transaction>('POST', '/api/v1/authn', { token }));
  }, []);

  // Forgot password? starts a self-service recovery: a reset link this page opened before is used up.
  const forgot = () => {
    setError(null);
    setResetToken(null);
    setRecovering(true);
  };
  const app = audience();
  let body: ReactNode;
  if (tx === null && recovering) {
    const signIn = (next: Transaction) => step(async () => next);
    body = <Suspense fallback={<p role="status">Loading…</p>}><Recovery token={resetToken} signIn={signIn} cancel={() => setRecovering(false)} /></Suspense>;
  } else if (tx === null) body = <Credentials busy={busy} step={step} app={app} forgot={forgot} />;
  else if (tx.status === 'MFA_REQUIRED' || tx.status === 'MFA_CHALLENGE') body = <Verify tx={tx} busy={busy} step={step} />;
  else if (tx.status === 'MFA_ENROLL' || tx.status === 'MFA_ENROLL_ACTIVATE') body = <Enroll tx={tx} busy={busy} step={step} />;
  else body = <NewPassword tx={tx} busy={busy} step={step} />;

  return (
    <main className="card" aria-labelledby="title">
      <h1 id="title">{title(recovering && tx === null, app)}</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {body}
      {tx !== null && <button type="button" className="link" onClick={() => { setTx(null); setError(null); setRecovering(false); }}>Start over</button>}
    </main>
  );
}

function title(recovering: boolean, app: string | undefined): string {
  if (recovering) return 'Reset your password';
  if (window.location.pathname === '/welcome') return 'Welcome';
  return app === 'admin_console' ? 'Sign in to the admin console' : 'Sign in';
}

type StepProps = { busy: boolean; step: (work: () => Promise<Transaction>) => Promise<void> };

function Credentials({ busy, step, app, forgot }: StepProps & { app: string | undefined; forgot: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void step(() => call<Transaction>('POST', '/api/v1/authn', { username, password, ...(app ? { audience: app } : {}) }));
  };
  // Passkey autofill (WebAuthn conditional mediation): once the username field is first focused, the browser
  // offers this site's passkeys among its suggestions, and picking one signs in as the button does. Started on
  // focus, not on load, so that a visit that never types a name asks the server for no challenge. The pending
  // request ends with the form, or when the button starts a ceremony of its own (SimpleWebAuthn aborts the
  // older one); an autofill the browser does not support, or that is aborted, is no error.
  const autofill = useRef<'idle' | 'started' | 'gone'>('idle');
  useEffect(() => () => {
    autofill.current = 'gone';
    WebAuthnAbortService.cancelCeremony();
  }, []);
  const offerPasskeys = () => {
    if (autofill.current !== 'idle') return;
    autofill.current = 'started';
    void (async () => {
      if (!(await browserSupportsWebAuthnAutofill())) return;
      const started = await call<Transaction>('POST', '/api/v1/authn/passkey', app ? { audience: app } : {});
      const credential = await startAuthentication({ optionsJSON: started._embedded?.challenge as NonNullable<Transaction['_embedded']>['challenge'] & object, useBrowserAutofill: true });
      if (autofill.current !== 'gone') await step(() => call<Transaction>('POST', '/api/v1/authn/passkey/verify', { stateToken: started.stateToken, credential }));
    })().catch(() => undefined);
  };
  const passkey = () => void step(async () => {
    const started = await call<Transaction>('POST', '/api/v1/authn/passkey', app ? { audience: app } : {});
    const credential = await startAuthentication({ optionsJSON: started._embedded?.challenge as NonNullable<Transaction['_embedded']>['challenge'] & object });
    return call<Transaction>('POST', '/api/v1/authn/passkey/verify', { stateToken: started.stateToken, credential });
  });
  return (
    <>
      <form onSubmit={submit}>
        <label>Username<input name="username" autoComplete="username webauthn" value={username} onFocus={offerPasskeys} onChange={(e) => setUsername(e.target.value)} required /></label>
        <label>Password<input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
      <button type="button" className="link forgot" onClick={forgot}>Forgot password?</button>
      <p className="or">or</p>
      <button type="button" className="secondary" disabled={busy} onClick={passkey}>Sign in with a passkey</button>
    </>
  );
}

function Verify({ tx, busy, step }: StepProps & { tx: Transaction }) {
  const factors = tx._embedded?.factors ?? (tx._embedded?.factor ? [tx._embedded.factor] : []);
  const [code, setCode] = useState('');
  const withCode = factors.find((f) => f.factorType === TOTP) ?? factors.find((f) => f.factorType === 'recovery_code');
  const passkey = factors.find((f) => f.factorType === WEBAUTHN);
  const verify = (f: Factor, body: object) => call<Transaction>('POST', `/api/v1/authn/factors/${f.id}/verify`, { stateToken: tx.stateToken, ...body });
  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    if (withCode) void step(() => verify(withCode, { passCode: code.trim() }));
  };
  const usePasskey = () => void step(async () => {
    const challenged = await verify(passkey as Factor, {});
    const credential = await startAuthentication({ optionsJSON: challenged._embedded?.challenge as NonNullable<Transaction['_embedded']>['challenge'] & object });
    return verify(passkey as Factor, { credential });
  });
  return (
    <>
      <p>Confirm it is you{tx._embedded?.user ? `, ${tx._embedded.user.profile.firstName ?? tx._embedded.user.profile.login}` : ''}.</p>
      {passkey && <button type="button" disabled={busy} onClick={usePasskey}>Use your passkey</button>}
      {withCode && (
        <form onSubmit={submitCode}>
          <label>{FACTOR_NAMES[withCode.factorType]}<input name="passCode" inputMode={withCode.factorType === TOTP ? 'numeric' : 'text'} autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required /></label>
          <button type="submit" disabled={busy}>Verify</button>
        </form>
      )}
    </>
  );
}

function Enroll({ tx, busy, step }: StepProps & { tx: Transaction }) {
  const [code, setCode] = useState('');
  const pending = tx.status === 'MFA_ENROLL_ACTIVATE' ? tx._embedded?.factor : undefined;
  if (!pending) {
    const start = (f: Factor) => step(() => call<Transaction>('POST', '/api/v1/authn/factors', { stateToken: tx.stateToken, factorType: f.factorType, provider: f.provider }));
    return (
      <>
        <p>Your organization asks for a second factor. Set one up now:</p>
        {(tx._embedded?.factors ?? []).map((f) => (
          <button key={f.factorType} type="button" disabled={busy} onClick={() => void start(f)}>{FACTOR_NAMES[f.factorType] ?? f.factorType}</button>
        ))}
      </>
    );
  }
  const activate = (body: object) => call<Transaction>('POST', `/api/v1/authn/factors/${pending.id}/lifecycle/activate`, { stateToken: tx.stateToken, ...body });
  const activation = pending._embedded?.activation;
  if (pending.factorType === WEBAUTHN) {
    const create = () => void step(async () => activate({ credential: await startRegistration({ optionsJSON: activation as Parameters<typeof startRegistration>[0]['optionsJSON'] }) }));
    return (
      <>
        <p>Create a passkey on this device or your phone.</p>
        <button type="button" disabled={busy} onClick={create}>Create a passkey</button>
      </>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void step(() => activate({ passCode: code.trim() }));
  };
  return (
    <form onSubmit={submit}>
      <p>Scan the code with your authenticator app, or type the key, then enter the code it shows.</p>
      {activation?._links?.qrcode && <img src={activation._links.qrcode.href} alt="QR code for your authenticator app" width={180} height={180} />}
      <p><code aria-label="Setup key">{activation?.sharedSecret}</code></p>
      <label>Code<input name="passCode" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required /></label>
      <button type="submit" disabled={busy}>Set up</button>
    </form>
  );
}

function NewPassword({ tx, busy, step }: StepProps & { tx: Transaction }) {
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void step(() => call<Transaction>('POST', '/api/v1/authn/credentials/change_password', { stateToken: tx.stateToken, oldPassword, newPassword }));
  };
  return (
    <form onSubmit={submit}>
      <p>Your password has expired. Choose a new one.</p>
      <label>Current password<input name="oldPassword" type="password" autoComplete="current-password" value={oldPassword} onChange={(e) => setOld(e.target.value)} required /></label>
      <label>New password<input name="newPassword" type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNew(e.target.value)} required /></label>
      <button type="submit" disabled={busy}>Change password</button>
    </form>
  );
}
