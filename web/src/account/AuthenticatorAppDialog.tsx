import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, call } from '../api.ts';
import { Dialog } from '../admin/ui/Dialog.tsx';
import { TOTP } from './format.ts';
import { FailureBanner, failureOf, type Failure } from './failure.tsx';
import { FACTORS, type Factor } from './factors.ts';

type Activation = { sharedSecret?: string; _links?: { qrcode?: { href: string } } };

/**
 * Adding an authenticator app: the QR code and key (shown this once), then the code the app shows, which
 * activates the factor. Closing before that removes the unfinished enrollment.
 */
export function AuthenticatorAppDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const [pending, setPending] = useState<Factor | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(true);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    // Once, though StrictMode runs effects twice in development: each start is a new secret.
    if (started.current) return;
    started.current = true;
    call<Factor>('POST', FACTORS, { factorType: TOTP, provider: 'GOOGLE' }).then(setPending, async (err: unknown) => setFailure(await failureOf(err))).finally(() => setBusy(false));
  }, []);

  const cancel = () => {
    if (busy) return;
    if (pending) void call('DELETE', `${FACTORS}/${pending.id}`).catch(() => undefined);
    onClose();
  };

  const activate = async (e: FormEvent) => {
    e.preventDefault();
    if (!pending) return;
    setBusy(true);
    setCodeError(null);
    try {
      await call('POST', `${FACTORS}/${pending.id}/lifecycle/activate`, { passCode: code.trim() });
      onClose();
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'E0000068') setCodeError('That code did not match. Enter the code your app shows now.');
      else setFailure(await failureOf(err));
    } finally {
      setBusy(false);
    }
  };

  const activation = pending?._embedded?.activation as Activation | undefined;
  return (
    <Dialog title="Add an authenticator app" onClose={cancel} describedBy="totp-steps">
      <FailureBanner failure={failure} />
      {!pending && !failure && <p aria-busy="true">Preparing…</p>}
      {pending && (
        <form onSubmit={(e) => void activate(e)} noValidate>
          <ol id="totp-steps" className="small">
            <li>Open your authenticator app (Google Authenticator, 1Password, Authy…) and add an account.</li>
            <li>Scan this QR code, or type the setup key.</li>
            <li>Enter the 6-digit code the app shows.</li>
          </ol>
          {activation?._links?.qrcode && <img className="qr" src={activation._links.qrcode.href} alt="QR code to scan with your authenticator app" width={180} height={180} />}
          <div className="field">
            <span className="field-label" id="totp-key-label">Setup key</span>
            <code aria-labelledby="totp-key-label" data-testid="totp-secret">{activation?.sharedSecret}</code>
          </div>
          <div className="field">
            <label htmlFor="totp-code" className="field-label">Code from the app</label>
            <input
              id="totp-code"
              name="passCode"
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              aria-invalid={codeError ? true : undefined}
              aria-describedby={codeError ? 'totp-code-error' : undefined}
            />
            {codeError && <span id="totp-code-error" className="field-error" role="alert">{codeError}</span>}
          </div>
          <div className="form-actions">
            <button type="button" className="button-secondary" onClick={cancel} disabled={busy}>Cancel</button>
            <button type="submit" className="button-primary" disabled={busy || code.trim() === ''} aria-busy={busy}>{busy ? 'Checking…' : 'Add app'}</button>
          </div>
        </form>
      )}
      {failure && <div className="form-actions"><button type="button" className="button-secondary" onClick={onClose}>Close</button></div>}
    </Dialog>
  );
}
