import type { Tx } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newOneTimeLink } from './one-time-links.ts';

/** How long a recovery token works: Okta's default for a password reset link. */
export const RECOVERY_TOKEN_TTL_MS = 60 * 60_000;

export type RecoveryLink = { url: string; token: string; expiresAt: Date };

/**
 * Issues a one-time recovery token for `userId` inside the caller's transaction (an admin's reset_password,
 * which logs the reset); the user's earlier ones stop working. The link has Okta's form, the token in its
 * path: the sign-in page that opens it hands the token to `POST /api/v1/authn/recovery/token`.
 */
export async function issueRecoveryLink(tx: Tx, clock: Clock, tenantId: string, userId: string, tenantOrigin: string): Promise<RecoveryLink> {
  const { token, expiresAt } = await newOneTimeLink(tx, 'recovery_tokens', tenantId, userId, clock.now(), RECOVERY_TOKEN_TTL_MS);
  return { url: `${tenantOrigin}/signin/reset-password/${token}`, token, expiresAt };
}
