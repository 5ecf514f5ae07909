import type { LinkChallenge } from './link.ts';
import { statusOf, type Choices, type VerificationLink, type VerificationRow } from './service.ts';

const post = (href: string) => ({ href, hints: { allow: ['POST'] } });

/**
 * A verification as admins see it: for whom and what, who asked, where it stands, who verified, denied or withdrew
 * it and how. `_links` name what the caller may do with it now (`attest`, `deny`: for the admin who asked, a
 * withdrawal), as Okta's users name their lifecycle operations; `base` is the request's base URL.
 */
export const toPublicVerification = (v: VerificationRow, now: Date, base: string, may: Choices, link?: VerificationLink | null) => {
  const self = `${base}/api/v1/users/${v.userId}/verifications/${v.id}`;
  return {
    id: v.id,
    status: statusOf(v, now),
    action: v.action,
    method: v.method,
    userId: v.userId,
    requestedBy: v.requestedBy,
    created: v.created.toISOString(),
    verifyBy: v.verifyBy.toISOString(),
    decision: v.decision && { outcome: outcomeOf(v), by: v.decision.by, at: v.decision.at.toISOString(), statement: v.decision.statement },
    useBy: v.useBy?.toISOString() ?? null,
    used: v.used?.toISOString() ?? null,
    // Shown once, to the admin who asked: they hand it to the person out of band.
    ...(link ? { verificationUrl: link.url } : {}),
    _links: {
      self: { href: self },
      user: { href: `${base}/api/v1/users/${v.userId}` },
      ...(may.attest ? { attest: post(`${self}/attest`) } : {}),
      ...(may.deny ? { deny: post(`${self}/deny`) } : {}),
    },
  };
};

/** Denied by the admin who asked is a withdrawal (service.ts, denyVerification). */
function outcomeOf(v: VerificationRow): 'VERIFIED' | 'DENIED' | 'WITHDRAWN' {
  if (v.status !== 'DENIED') return 'VERIFIED';
  return v.decision?.by.id === v.requestedBy.id ? 'WITHDRAWN' : 'DENIED';
}

/** What the user's page shows before asking for the passkey: who asked, for what, until when, and the challenge. */
export const toLinkChallenge = ({ verification: v, user, challenge }: LinkChallenge) => ({
  id: v.id,
  action: v.action,
  expiresAt: v.verifyBy.toISOString(),
  requestedBy: { name: v.requestedBy.name },
  user: { login: String(user.profile['login'] ?? '') },
  challenge,
});
