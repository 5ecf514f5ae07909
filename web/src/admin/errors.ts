import { ApiError } from '../api.ts';
import { SessionEnded } from './client.ts';

/** The admin declined the passkey check a protected action asked for. */
export class StepUpCancelled extends Error {
  constructor() {
    super('The action was not done: it needs your passkey.');
  }
}

/**
 * What to tell the admin about a failed call. An ended session says nothing here: the console shows its own
 * notice for that, once.
 */
export function messageOf(err: unknown): string | null {
  if (err instanceof SessionEnded) return null;
  if (err instanceof ApiError || err instanceof StepUpCancelled) return err.message;
  if (err instanceof DOMException && err.name === 'NotAllowedError') return 'The passkey check was cancelled or timed out.';
  return 'Something went wrong. Try again.';
}
