import { call } from '../api.ts';
import { messageOf, sessionGone, signInAgain } from './session.ts';

/** What to do about a failed change: a sentence to show, and whether the user must sign in again. */
export type Failure = { message: string; signedOut: boolean };

/**
 * After a failed change, whether the session survived it: the new-location rule ends every session of the
 * account when it refuses a factor, and the page then says so beside the reason instead of failing later.
 */
async function stillSignedIn(): Promise<boolean> {
  try {
    await call('GET', '/api/v1/sessions/me');
    return true;
  } catch (err) {
    return !sessionGone(err);
  }
}

export async function failureOf(err: unknown): Promise<Failure> {
  return { message: messageOf(err), signedOut: !(await stillSignedIn()) };
}

/** A failure, announced as it appears, with the way to sign in again when it ended the session. */
export function FailureBanner({ failure, onDismiss }: { failure: Failure | null; onDismiss?: () => void }) {
  if (!failure) return null;
  return (
    <div role="alert" className="banner banner-error">
      <span>
        {failure.message}
        {failure.signedOut && <> You have been signed out.</>}
      </span>
      {failure.signedOut
        ? <button type="button" className="button-primary button-small" onClick={signInAgain}>Sign in again</button>
        : onDismiss && <button type="button" className="link-button" onClick={onDismiss}>Dismiss</button>}
    </div>
  );
}
