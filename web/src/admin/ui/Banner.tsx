import type { ReactNode } from 'react';

/** A failure, announced as it appears; nothing when there is no message. */
export function ErrorBanner({ message, onDismiss }: { message: string | null; onDismiss?: () => void }) {
  if (!message) return null;
  return (
    <div role="alert" className="banner banner-error">
      <span>{message}</span>
      {onDismiss && <button type="button" className="link-button" onClick={onDismiss}>Dismiss</button>}
    </div>
  );
}

/** A result worth reading (a saved form, a finished action), announced politely. */
export function Notice({ children }: { children: ReactNode }) {
  return <div role="status" className="banner banner-info">{children}</div>;
}
