import type { LinkChallenge } from './link.ts';
import { statusOf, type VerificationLink, type VerificationRow } from './service.ts';

/** A verification as admins see it: for whom and what, who asked, where it stands, who verified (or denied) it and how. */
export const toPublicVerification = (v: VerificationRow, now: Date, link?: VerificationLink | null) => ({
  id: v.id,
  status: statusOf(v, now),
  action: v.action,
  method: v.method,
  userId: v.userId,
  requestedBy: v.requestedBy,
  created: v.created.toISOString(),
  verifyBy: v.verifyBy.toISOString(),
  decision: v.decision && { outcome: v.status === 'DENIED' ? 'DENIED' : 'VERIFIED', by: v.decision.by, at: v.decision.at.toISOString(), statement: v.decision.statement },
  useBy: v.useBy?.toISOString() ?? null,
  used: v.used?.toISOString() ?? null,
  // Shown once, to the admin who asked: they hand it to the person out of band.
  ...(link ? { verificationUrl: link.url } : {}),
});

/** What the user's page shows before asking for the passkey: who asked, for what, until when, and the challenge. */
export const toLinkChallenge = ({ verification: v, user, challenge }: LinkChallenge) => ({
  id: v.id,
  action: v.action,
  expiresAt: v.verifyBy.toISOString(),
  requestedBy: { name: v.requestedBy.name },
  user: { login: String(user.profile['login'] ?? '') },
  challenge,
});
