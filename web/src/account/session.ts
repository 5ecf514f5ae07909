import { ApiError } from '../api.ts';

/** The session the page runs in, as /api/v1/sessions/me answers it. */
export type Session = { id: string; userId: string; login: string; createdAt: string; expiresAt: string; amr: string[] };

/** Sends the browser to sign in, and back to this page after. */
export function signInAgain(): void {
  window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname)}`);
}

/**
 * Whether a failed call failed because this browser's session is gone (signed out from another device, ended
 * by an admin, or by the new-location rule): every `me` route answers that with 404 for `me (Session)`.
 */
export function sessionGone(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'E0000007' && err.summary.endsWith('me (Session)');
}

/** The sentence to show for a failed call. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof DOMException && err.name === 'NotAllowedError') return 'The passkey prompt was cancelled or timed out. Nothing was changed.';
  if (err instanceof DOMException && err.name === 'InvalidStateError') return 'This device already holds a passkey for your account.';
  return 'Something went wrong. Check your connection and try again.';
}
