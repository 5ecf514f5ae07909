import type { Tx } from '#src/db/database.ts';
import type { EventInput, LogTarget } from '#src/syslog/log-event.ts';
import { tokenReference } from './adapter.ts';
import { deleteModelsOfAccount } from './store.ts';

/** The stored models a user's revocation counts, as the event names them. */
const COUNTED: Record<string, string> = { Grant: 'grants', AccessToken: 'accessTokens', RefreshToken: 'refreshTokens', AuthorizationCode: 'codes', Session: 'sessions' };

/**
 * Revokes, inside the caller's transaction, everything the tenant's authorization server issued to `user`: their
 * grants, the codes, access and refresh tokens under them, and their sessions with the server. Returns Okta's
 * event for it, `app.oauth2.token.revoke.implicit.user` ("Tokens revoked for user"), for the caller to record:
 * written even when there was nothing to revoke, since the decision is what is audited. Tokens are named by
 * digest (tokenReference), never by value.
 */
export async function revokeOidcTokensOfUser(tx: Tx, tenantId: string, user: LogTarget): Promise<EventInput> {
  const removed = await deleteModelsOfAccount(tx, tenantId, user.id);
  const counts: Record<string, number> = Object.fromEntries(Object.values(COUNTED).map((name) => [name, 0]));
  for (const { model } of removed) {
    const name = COUNTED[model];
    if (name !== undefined) counts[name] = (counts[name] ?? 0) + 1;
  }
  const tokens = removed.filter((r) => r.model === 'AccessToken' || r.model === 'RefreshToken').map((r) => tokenReference(r.id));
  return {
    eventType: 'app.oauth2.token.revoke.implicit.user',
    displayMessage: 'Tokens revoked for user',
    target: [user],
    debugData: { ...counts, revokedTokens: tokens.join(',') },
  };
}
