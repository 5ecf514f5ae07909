import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, call } from './api.ts';

/** What the server says about the link before the passkey is asked for (docs/privileged-verification.md). */
type LinkChallenge = {
  action: 'RESET_PASSWORD' | 'RESET_FACTORS';
  expiresAt: string;
  requestedBy: { name: string };
  user: { login: string };
  challenge: PublicKeyCredentialRequestOptionsJSON;
};

const WHAT: Record<LinkChallenge['action'], string> = { RESET_PASSWORD: 'reset your password', RESET_FACTORS: 'reset your security methods' };

/**
 * The page behind a verification link (`/verify#token=…`): before the help desk resets an administrator's
 * password or security methods, the person proves it is them with a passkey they already have. The token is in
 * the fragment, which no server sees; the page drops it from the address bar and keeps it for its two calls.
 */
export function Verify() {
  const token = useRef(new URLSearchParams(window.location.hash.slice(1)).get('token'));
  const [link, setLink] = useState<LinkChallenge | null>(null);
  const [done, setDone] = useState(false);
  const [ended, setEnded] = useState<string | null>(token.current === null ? 'This verification link is not complete. Open the whole link you were given.' : null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(token.current !== null);

  /** A link that names nothing, or a verification that is over, leaves nothing to do on this page. */
  const endedBy = (err: unknown) => {
    if (err instanceof ApiError && err.code === 'E0000007') setEnded('This verification link is not valid. Ask your help desk for a new one.');
    else if (err instanceof ApiError && err.code === 'E0000001') setEnded(err.message);
    else setEnded('Something went wrong. Try opening the link again.');
  };

  useEffect(() => {
    if (token.current === null) return;
    window.history.replaceState(null, '', '/verify');
    call<LinkChallenge>('POST', '/api/v1/verifications/challenge', { token: token.current }).then(setLink, endedBy).finally(() => setBusy(false));
  }, []);

  async function confirm(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      // A challenge is answered once: a new one for each try.
      const fresh = await call<LinkChallenge>('POST', '/api/v1/verifications/challenge', { token: token.current });
      const credential = await startAuthentication({ optionsJSON: fresh.challenge });
      await call('POST', '/api/v1/verifications/verify', { token: token.current, credential });
      setDone(true);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'E0000068') setError('That passkey did not confirm it is you. Try again with a passkey of your account.');
      else if (err instanceof DOMException && err.name === 'NotAllowedError') setError('No passkey was used. Try again.');
      else endedBy(err);
    } finally {
      setBusy(false);
    }
  }

  let body: ReactNode;
  if (ended !== null) body = <p role="alert" className="error">{ended}</p>;
  else if (done) body = <p role="status">Thank you: you are verified. Tell your help desk, who can now {link ? WHAT[link.action] : 'go on'}.</p>;
  else if (link === null) body = <p role="status">Opening your verification link…</p>;
  else {
    body = (
      <>
        <p>{link.requestedBy.name} from your help desk asked to confirm it is you (<strong>{link.user.login}</strong>) before they {WHAT[link.action]}.</p>
        <p>If you did not ask your help desk for this, do not go on: tell your security team.</p>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="button" onClick={() => void confirm()} disabled={busy}>Confirm with your passkey</button>
        <p className="or">This link works until {new Date(link.expiresAt).toLocaleTimeString()}.</p>
      </>
    );
  }
  return (
    <main className="card" aria-labelledby="title">
      <h1 id="title">Confirm it is you</h1>
      {body}
    </main>
  );
}
