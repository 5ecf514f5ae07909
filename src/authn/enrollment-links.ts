import type { Tx } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import type { AuditContext, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { newOneTimeLink } from './one-time-links.ts';

/** How long an enrollment link works: long enough for an invitation to be read, not for it to lie around. */
export const ENROLLMENT_LINK_TTL_MS = 24 * 3_600_000;

export type EnrollmentLink = { url: string; token: string; expiresAt: Date };

/**
 * Issues a one-time link for `user` to enroll a passkey, inside the caller's transaction; earlier links of the
 * user stop working. The token travels in the URL's fragment, which browsers never send to a server, so it
 * stays out of access logs and Referer headers; the sign-in page hands it to `POST /api/v1/authn`.
 */
export async function issueEnrollmentLink(tx: Tx, clock: Clock, tenantId: string, audit: AuditContext, user: LogTarget, tenantOrigin: string): Promise<EnrollmentLink> {
  const { token, expiresAt } = await newOneTimeLink(tx, 'enrollment_links', tenantId, user.id, clock.now(), ENROLLMENT_LINK_TTL_MS);
  await recordEvents(tx, clock, tenantId, audit, [{
    eventType: 'bulwark.user.enrollment_link.issue', displayMessage: 'Issue a passkey enrollment link', target: [user], debugData: { expiresAt: expiresAt.toISOString() },
  }]);
  return { url: `${tenantOrigin}/welcome#token=${token}`, token, expiresAt };
}
