import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newId } from '#src/lib/ids.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import type { AuditContext } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { insertDownloadTicket, takeDownloadTicket, type HelpCenterSessionRow, type HelpCenterUser } from './store.ts';

/** Long enough for the browser to follow the link it was just given, too short to be worth stealing. */
const TICKET_TTL_MS = 60_000;

type Live = { session: HelpCenterSessionRow; user: HelpCenterUser };

/**
 * A download ticket for a staff session (docs/help-center.md, "Staff sessions"): a download is a navigation,
 * which cannot carry a device proof, so the console first asks for a ticket with a proved request, then
 * navigates to the download with it. The ticket is for one object (`object`, the download's path), this
 * session and this staff member, used once within 60 seconds; only its token's SHA-256 is kept. Logged in the
 * support plane as `bulwark.support.download_ticket.issue`, in the same transaction.
 */
export async function issueDownloadTicket(db: Db, clock: Clock, live: Live, object: string, audit: AuditContext): Promise<{ token: string; expires: Date }> {
  const { session, user } = live;
  const now = clock.now();
  const token = newSecret(32);
  const ticket = { id: newId('hdt'), planeId: session.tenantId, sessionId: session.id, userId: user.id, object, created: now, expires: new Date(now.getTime() + TICKET_TTL_MS) };
  await db.transaction().execute(async (tx) => {
    await insertDownloadTicket(tx, ticket, sha256Hex(token));
    await recordEvent(tx, clock, session.tenantId, audit, {
      eventType: 'bulwark.support.download_ticket.issue',
      displayMessage: 'Support staff took a download ticket',
      target: [{ alternateId: 'unknown', detailEntry: null, displayName: 'Help Center session', id: session.id, type: 'Session' }],
      authenticationContext: { externalSessionId: session.id, rootSessionId: session.id },
      debugData: { ticketId: ticket.id, object, expiresAt: ticket.expires.toISOString(), helpCenterSessionId: session.id },
    });
  });
  return { token, expires: ticket.expires };
}

/**
 * Uses up the ticket `token` for a download of `object` in this session: null when it opens it, otherwise why
 * not. A ticket presented is spent even when refused (another object, another session), so a leaked one can
 * be tried only once. The download it opens is logged as every staff download is.
 */
export async function useDownloadTicket(db: Db, clock: Clock, live: Live, object: string, token: string): Promise<string | null> {
  const ticket = await takeDownloadTicket(db, sha256Hex(token));
  if (!ticket) return 'download ticket unknown or already used';
  if (clock.now() >= ticket.expires) return 'download ticket expired';
  if (ticket.planeId !== live.session.tenantId || ticket.sessionId !== live.session.id || ticket.userId !== live.user.id) return 'download ticket issued to another session';
  if (ticket.object !== object) return 'download ticket issued for another download';
  return null;
}
