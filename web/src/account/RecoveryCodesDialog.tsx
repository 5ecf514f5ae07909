import { useState } from 'react';
import { call } from '../api.ts';
import { Dialog } from '../admin/ui/Dialog.tsx';
import { RECOVERY_CODE } from './format.ts';
import { FailureBanner, failureOf, type Failure } from './failure.tsx';
import { FACTORS, type Factor } from './factors.ts';

/**
 * New recovery codes: asked first (a new set ends the old one), then shown this once, since only their
 * hashes are kept.
 */
export function RecoveryCodesDialog({ replacing, onClose }: { replacing: boolean; onClose: () => void }) {
  const [codes, setCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [copied, setCopied] = useState<string>('');

  const make = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const set = await call<Factor>('POST', FACTORS, { factorType: RECOVERY_CODE, provider: 'BULWARK' });
      setCodes((set._embedded?.activation?.['recoveryCodes'] as string[] | undefined) ?? []);
    } catch (err) {
      setFailure(await failureOf(err));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText((codes ?? []).join('\n'));
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Could not copy: select the codes and copy them yourself.');
    }
  };

  return (
    <Dialog title={codes ? 'Your recovery codes' : replacing ? 'Replace your recovery codes?' : 'Get recovery codes'} onClose={() => { if (!busy) onClose(); }} describedBy="codes-message">
      <FailureBanner failure={failure} />
      {!codes && (
        <>
          <p id="codes-message">
            Recovery codes let you sign in when your other methods are out of reach. Each works once.
            {replacing && <strong> Your current codes will stop working.</strong>}
          </p>
          <div className="form-actions">
            <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
            <button type="button" className="button-primary" onClick={() => void make()} disabled={busy} aria-busy={busy}>{busy ? 'Making codes…' : replacing ? 'Replace codes' : 'Get codes'}</button>
          </div>
        </>
      )}
      {codes && (
        <>
          <p id="codes-message" className="banner banner-warning">Save these codes somewhere safe now, such as your password manager. They will not be shown again.</p>
          <ol className="codes" data-testid="recovery-codes" aria-label="Recovery codes">
            {codes.map((c) => <li key={c}>{c}</li>)}
          </ol>
          <span role="status" className="hint">{copied}</span>
          <div className="form-actions">
            <button type="button" className="button-secondary" onClick={() => void copy()}>Copy all</button>
            <button type="button" className="button-primary" onClick={onClose}>I saved them</button>
          </div>
        </>
      )}
    </Dialog>
  );
}
