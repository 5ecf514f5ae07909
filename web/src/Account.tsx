import { useEffect, useState } from 'react';
import { ApiError, call } from './api.ts';

type Session = { id: string; login: string; createdAt: string; expiresAt: string; amr: string[] };

/** Where a signed-in user lands: who they are, how they signed in, and signing out. */
export function Account() {
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call<Session>('GET', '/api/v1/sessions/me').then(setSession, (err: unknown) => {
      if (err instanceof ApiError && err.code === 'E0000007') window.location.assign('/signin?next=/account');
      else setError('Your session could not be read.');
    });
  }, []);

  const signOut = async () => {
    await call('DELETE', '/api/v1/sessions/me').catch(() => undefined);
    window.location.assign('/signin');
  };

  return (
    <main className="card" aria-labelledby="title">
      <h1 id="title">Your account</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {session && (
        <>
          <p>Signed in as <strong data-testid="login">{session.login}</strong>.</p>
          <dl>
            <dt>Signed in with</dt><dd data-testid="amr">{session.amr.join(', ')}</dd>
            <dt>Session ends by</dt><dd>{new Date(session.expiresAt).toLocaleString()}</dd>
          </dl>
          <button type="button" onClick={() => void signOut()}>Sign out</button>
        </>
      )}
    </main>
  );
}
