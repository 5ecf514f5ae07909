import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, call } from './api.ts';
import { TOTP, WEBAUTHN, type Factor, type Transaction } from './transaction.ts';

/** Okta's recovery transaction, the parts this page reads (docs/authentication.md, "Password recovery"). */
type RecoveryTransaction = {
  status: 'RECOVERY' | 'RECOVERY_CHALLENGE';
  stateToken: string;
  _embedded?: { user?: { profile: { login: string } }; factors?: Factor[]; challenge?: PublicKeyCredentialRequestOptionsJSON };
};

const RECOVERY_CODE = 'recovery_code';
/** The ways a user may prove it is them, in the order offered. */
const METHODS = [
  { factorType: TOTP, name: 'Authenticator app code' },
  { factorType: RECOVERY_CODE, name: 'Recovery code' },
  { factorType: WEBAUTHN, name: 'Passkey' },
] as const;

/** What ended a recovery, said the way the user can act on it. */
const ENDED = {
  wrongAnswer: 'That answer did not match, so this password reset has ended. You can start again.',
  expired: 'This password reset has expired or was already finished. You can start again.',
  linkUsed: 'This reset link has already been used or has expired. Ask your administrator for a new one, or reset your password yourself.',
} as const;

export type RecoveryProps = {
  /** The token of an admin's reset link, or null for a user who forgot their password. */
  token: string | null;
  /** Hands the sign-in transaction that follows the new password to the sign-in page. */
  signIn: (tx: Transaction) => Promise<void>;
  cancel: () => void;
};

/**
 * Password recovery through Okta's Classic API: a username (or an admin's reset link), a factor's answer, a
 * new password; then the sign-in page takes over. A self-service recovery takes one answer: a wrong one ends it.
 */
export function Recovery({ token, signIn, cancel }: RecoveryProps) {
  const [byLink, setByLink] = useState(token !== null);
  const [rtx, setRtx] = useState<RecoveryTransaction | null>(null);
  const [ended, setEnded] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A link is opened at once: busy from the first render, so that nothing but "opening" shows before the answer.
  const [busy, setBusy] = useState(token !== null);
  const opened = useRef(false);

  /** Runs one call; a refusal that ends the recovery ends the view, any other is shown where it happened. */
  async function run(work: () => Promise<void>, onError?: (err: ApiError) => boolean): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      if (err instanceof ApiError && onError?.(err)) return;
      if (err instanceof ApiError && err.code === 'E0000011') setEnded(ENDED.expired);
      else if (err instanceof ApiError && err.code === 'E0000068' && !byLink) setEnded(ENDED.wrongAnswer);
      else if (err instanceof ApiError && err.code === 'E0000068') setError('That answer did not match. Try again.');
      else if (err instanceof ApiError) setError(err.message);
      else if (err instanceof DOMException && err.name === 'NotAllowedError') setError('No passkey was used. Try again.');
      else setError('Something went wrong. Try again.');
    } finally {
      setBusy(false);
    }
  }

  // Opening the link uses the token up, so it is sent once: React's development double run of effects finds
  // the ref set. The address bar then drops the token, which is worth nothing any more, out of the history.
  useEffect(() => {
    if (token === null || opened.current) return;
    opened.current = true;
    window.history.replaceState(null, '', '/signin');
    // Any refusal of the link (used up, expired, an admin with no factor to answer) leaves nothing to go on with.
    void run(async () => setRtx(await call<RecoveryTransaction>('POST', '/api/v1/authn/recovery/token', { recoveryToken: token })), (err) => {
      setEnded(err.code === 'E0000011' ? ENDED.linkUsed : err.message);
      return true;
    });
  }, []);

  const again = () => {
    setByLink(false);
    setRtx(null);
    setEnded(null);
    setError(null);
  };

  let body: ReactNode;
  if (ended !== null) {
    body = (
      <div className="ended">
        <p role="alert" className="error">{ended}</p>
        <button type="button" onClick={again}>Start again</button>
      </div>
    );
  } else if (rtx === null && byLink) {
    // Not busy any more and still nothing: the call failed on the way (the error above); what is left is to start over.
    body = busy ? <p role="status">Opening your reset link…</p> : <div className="ended"><button type="button" onClick={again}>Start again</button></div>;
  }
  else if (rtx === null) body = <Username busy={busy} run={run} started={setRtx} />;
  else if (rtx.status === 'RECOVERY_CHALLENGE') body = <Challenge rtx={rtx} byLink={byLink} busy={busy} run={run} answered={setRtx} />;
  else body = <NewPassword rtx={rtx} busy={busy} run={run} signIn={signIn} />;

  return (
    <>
      {error && <p role="alert" className="error">{error}</p>}
      {body}
      <button type="button" className="link" onClick={cancel}>Back to sign in</button>
    </>
  );
}

type StepProps = { busy: boolean; run: (work: () => Promise<void>, onError?: (err: ApiError) => boolean) => Promise<void> };

function Username({ busy, run, started }: StepProps & { started: (rtx: RecoveryTransaction) => void }) {
  const [username, setUsername] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => started(await call<RecoveryTransaction>('POST', '/api/v1/authn/recovery/password', { username })));
  };
  return (
    <form onSubmit={submit}>
      <p>Enter your username. You will then confirm it is you with your authenticator app, a recovery code or a passkey.</p>
      <label>Username<input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required /></label>
      <button type="submit" disabled={busy}>Next</button>
    </form>
  );
}

/**
 * The factor's answer. A self-service recovery lists no factors (the server does not tell whether the user
 * exists), so every kind is offered; one opened by an admin's link lists the user's own.
 */
function Challenge({ rtx, byLink, busy, run, answered }: StepProps & { rtx: RecoveryTransaction; byLink: boolean; answered: (rtx: RecoveryTransaction) => void }) {
  const listed = rtx._embedded?.factors;
  const methods = listed ? METHODS.filter((m) => listed.some((f) => f.factorType === m.factorType)) : METHODS;
  const [method, setMethod] = useState<string>(methods[0]?.factorType ?? TOTP);
  const [code, setCode] = useState('');
  const verify = (body: object) => call<RecoveryTransaction>('POST', `/api/v1/authn/recovery/factors/${method}/verify`, { stateToken: rtx.stateToken, ...body });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (method !== WEBAUTHN) {
      void run(async () => answered(await verify({ passCode: code.trim() })));
      return;
    }
    void run(async () => {
      const challenged = await verify({});
      const credential = await startAuthentication({ optionsJSON: challenged._embedded?.challenge as PublicKeyCredentialRequestOptionsJSON });
      answered(await call<RecoveryTransaction>('POST', `/api/v1/authn/recovery/factors/${WEBAUTHN}/verify`, { stateToken: challenged.stateToken, credential }));
    });
  };
  return (
    <form onSubmit={submit}>
      <fieldset>
        <legend>Confirm it is you{byLink ? '' : ' (one try: a wrong answer ends the reset)'}</legend>
        {methods.map((m) => (
          <label key={m.factorType} className="choice">
            <input type="radio" name="method" value={m.factorType} checked={method === m.factorType} onChange={() => setMethod(m.factorType)} />
            {m.name}
          </label>
        ))}
      </fieldset>
      {/* One field for either kind of code: the choice above already says which the code is. */}
      {method !== WEBAUTHN && (
        <label>Code<input name="passCode" inputMode={method === TOTP ? 'numeric' : 'text'} autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required /></label>
      )}
      <button type="submit" disabled={busy}>{method === WEBAUTHN ? 'Use your passkey' : 'Verify'}</button>
    </form>
  );
}

/** The new password; the tenant's policy refusal (E0000080) is shown beside the field, the form kept. */
function NewPassword({ rtx, busy, run, signIn }: StepProps & { rtx: RecoveryTransaction; signIn: (tx: Transaction) => Promise<void> }) {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password !== repeat) {
      setProblems(['The two passwords are not the same.']);
      return;
    }
    setProblems([]);
    void run(async () => {
      const next = await call<Transaction>('POST', '/api/v1/authn/credentials/reset_password', { stateToken: rtx.stateToken, newPassword: password });
      await signIn(next);
    }, (err) => {
      if (err.code !== 'E0000080') return false;
      setProblems(err.causes.length > 0 ? err.causes.map((c) => c.replace(/^[a-zA-Z.]+: /, '')) : [err.summary]);
      return true;
    });
  };
  const login = rtx._embedded?.user?.profile.login;
  return (
    <form onSubmit={submit}>
      <p>Choose a new password{login ? ` for ${login}` : ''}.</p>
      {problems.length > 0 && (
        <div id="password-problems" role="alert" className="error">
          <p>That password cannot be used:</p>
          <ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul>
        </div>
      )}
      <label>New password<input name="newPassword" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required aria-invalid={problems.length > 0} aria-describedby={problems.length > 0 ? 'password-problems' : undefined} /></label>
      <label>Repeat new password<input name="repeatPassword" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required /></label>
      <button type="submit" disabled={busy}>Set new password</button>
    </form>
  );
}
