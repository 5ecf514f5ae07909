import { useId, useState, type ReactNode } from 'react';
import { messageOf } from '../errors.ts';
import { ErrorBanner } from './Banner.tsx';
import { Dialog } from './Dialog.tsx';

/**
 * A button whose action is asked about first, in a dialog that says what will happen. The dialog stays open
 * while the action runs and shows why it failed; it closes once the action is done.
 */
export function ConfirmButton({ label, title, children, confirmLabel, onConfirm, danger = true, className, disabled }: {
  label: ReactNode;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  danger?: boolean;
  className?: string;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const messageId = useId();
  const close = () => {
    if (busy) return;
    setOpen(false);
    setError(null);
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setOpen(false);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className={className ?? (danger ? 'button-danger-quiet' : 'button-secondary')} disabled={disabled} onClick={() => setOpen(true)}>{label}</button>
      {open && (
        <Dialog title={title} onClose={close} describedBy={messageId}>
          <div id={messageId} className="confirm-message">{children}</div>
          <ErrorBanner message={error} />
          <div className="form-actions">
            <button type="button" className="button-secondary" onClick={close} disabled={busy}>Cancel</button>
            <button type="button" className={danger ? 'button-danger' : 'button-primary'} onClick={() => void confirm()} disabled={busy} aria-busy={busy}>
              {busy ? 'Working…' : confirmLabel}
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
