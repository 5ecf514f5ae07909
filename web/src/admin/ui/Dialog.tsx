import { useId, useLayoutEffect, useRef, type ReactNode } from 'react';

/**
 * A modal dialog: the browser's own <dialog> shown with showModal(), which keeps focus inside it, makes the
 * page behind inert and closes on Escape. Mounting it opens it; the caller unmounts it to close, and focus
 * goes back to where it was.
 */
export function Dialog({ title, onClose, children, variant, describedBy }: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** `panel` slides in from the side, for reading a long record beside the list it came from. */
  variant?: 'panel' | 'wide';
  describedBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useLayoutEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog?.showModal();
    return () => {
      dialog?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog${variant ? ` dialog-${variant}` : ''}`}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      // The browser may close a dialog itself (Escape pressed again, ignoring preventDefault): the owner follows.
      onClose={onClose}
    >
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>×</button>
      </div>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}
