import { useEffect, useRef, useState } from 'react';
import { call } from '../api.ts';
import type { Transaction } from '../transaction.ts';
import { adminCall, onStepUp, SessionEnded } from './client.ts';
import { messageOf, StepUpCancelled } from './errors.ts';
import type { AdminSession } from './types.ts';
import { ErrorBanner } from './ui/Banner.tsx';
import { Dialog } from './ui/Dialog.tsx';

type Pending = { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void };

/** A fresh passkey sign-in to the admin console, turned into a step-up of the current admin session. */
async function stepUpWithPasskey(): Promise<AdminSession> {
  // The WebAuthn helper is loaded only when an admin first needs it.
  const { startAuthentication } = await import('@simplewebauthn/browser');
  const started = await call<Transaction>('POST', '/api/v1/authn/passkey', { audience: 'admin_console' });
  const challenge = started._embedded?.challenge;
  if (!challenge || !started.stateToken) throw new Error('The server did not ask for a passkey.');
  const credential = await startAuthentication({ optionsJSON: challenge });
  const verified = await call<Transaction>('POST', '/api/v1/authn/passkey/verify', { stateToken: started.stateToken, credential });
  if (verified.status !== 'SUCCESS' || !verified.sessionToken) throw new Error('The passkey sign-in did not finish.');
  return adminCall<AdminSession>('POST', '/api/v1/admin/session/step-up', { sessionToken: verified.sessionToken });
}

/**
 * Answers the server's "protected action" demand (client.ts's step-up handler): a dialog asks the admin to
 * confirm with their passkey; the action goes on once the session is stepped up, and is given up if the admin
 * cancels. Requests that hit the demand together share one dialog.
 */
export function StepUp({ onSession }: { onSession: (session: AdminSession) => void }) {
  const pending = useRef<Pending | null>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    onStepUp(() => {
      if (pending.current) return pending.current.promise;
      let resolve!: () => void;
      let reject!: (err: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      pending.current = { promise, resolve, reject };
      setError(null);
      setOpen(true);
      return promise;
    });
  }, []);

  const finish = (outcome: 'done' | Error) => {
    const p = pending.current;
    pending.current = null;
    setOpen(false);
    if (outcome === 'done') p?.resolve();
    else p?.reject(outcome);
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      onSession(await stepUpWithPasskey());
      finish('done');
    } catch (err) {
      // An ended session has its own notice; the action waiting on this dialog fails with it.
      if (err instanceof SessionEnded) finish(err);
      else setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (!open) return null;
  return (
    <Dialog title="Confirm it is you" onClose={() => { if (!busy) finish(new StepUpCancelled()); }} describedBy="step-up-message">
      <p id="step-up-message">This is a protected action. Confirm with your passkey.</p>
      <ErrorBanner message={error} />
      <div className="form-actions">
        <button type="button" className="button-secondary" onClick={() => finish(new StepUpCancelled())} disabled={busy}>Cancel</button>
        <button type="button" className="button-primary" onClick={() => void confirm()} disabled={busy} aria-busy={busy}>{busy ? 'Waiting for your passkey…' : 'Confirm'}</button>
      </div>
    </Dialog>
  );
}
