import { ApiError } from '../../api.ts';
import { formatDate } from '../format.ts';
import type { Verification, VerificationMethod, VerifiedAction } from '../types.ts';

/** Verification of the person (docs/privileged-verification.md) in the console: its words, and how a refused reset turns into an offer to verify. */

export const ACTION_WORDS: Record<VerifiedAction, { label: string; object: string; done: string }> = {
  RESET_PASSWORD: { label: 'Reset password', object: 'password', done: 'Their password was reset' },
  RESET_FACTORS: { label: 'Reset factors', object: 'factors', done: 'Their factors were reset' },
};

export const METHOD_WORDS: Record<VerificationMethod, string> = {
  TARGET_PASSKEY: 'Their own passkey',
  ADMIN_ATTESTATION: 'A second admin',
};

/**
 * Whether the server refused a reset because the person must be verified first (src/verification/gate.ts: 403
 * E0000006, its cause naming the verification to ask for), rather than because the admin may not do it at all.
 */
export function needsVerification(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'E0000006' && err.causes.some((c) => c.startsWith('verification:') && c.includes('needs the person verified first'));
}

/**
 * Runs a call; when it is a reset (`action`) the server refused because the person must be verified first,
 * offers to verify them (`offer`) instead of failing, and resolves false. Any other failure is the caller's.
 */
export async function resetOrOffer(call: () => Promise<unknown>, action: VerifiedAction | undefined, offer: ((action: VerifiedAction) => void) | undefined): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (err) {
    if (!action || !offer || !needsVerification(err)) throw err;
    offer(action);
    return false;
  }
}

/** Where a verification stands, in a few words, and the line under them that says until when or by whom. */
export function standing(v: Verification, viewerId: string): { label: string; badge: string; detail: string } {
  const by = (id: string, name: string) => (id === viewerId ? 'you' : name);
  switch (v.status) {
    case 'PENDING':
      return v.method === 'TARGET_PASSKEY'
        ? { label: 'Waiting for the person', badge: 'pending', detail: `Their link works until ${formatDate(v.verifyBy)}.` }
        : { label: 'Waiting for a second admin', badge: 'pending', detail: `Lapses ${formatDate(v.verifyBy)} unless attested.` };
    case 'VERIFIED': {
      const d = v.decision;
      const how = !d ? '' : d.by.id === v.userId ? 'They confirmed with their passkey. ' : `Attested by ${by(d.by.id, d.by.name)}${d.statement ? `: “${d.statement}”` : ''}. `;
      return { label: `Verified until ${formatDate(v.useBy)}`, badge: 'verified', detail: `${how}Good for one reset of their ${ACTION_WORDS[v.action].object}, by ${by(v.requestedBy.id, v.requestedBy.name)}.` };
    }
    case 'USED':
      return { label: 'Used', badge: 'used', detail: `${ACTION_WORDS[v.action].done} ${formatDate(v.used)}.` };
    case 'DENIED': {
      const d = v.decision;
      const who = d ? by(d.by.id, d.by.name) : 'an admin';
      const note = d?.statement ? `: “${d.statement}”` : '.';
      return d?.outcome === 'WITHDRAWN'
        ? { label: 'Withdrawn', badge: 'expired', detail: `Withdrawn by ${who} ${formatDate(d.at)}${note}` }
        : { label: 'Denied', badge: 'denied', detail: `Denied by ${who} ${formatDate(d?.at)}${note}` };
    }
    default:
      return { label: 'Expired', badge: 'expired', detail: v.decision ? 'Verified, but not used within 15 minutes.' : 'Not verified within 30 minutes.' };
  }
}
