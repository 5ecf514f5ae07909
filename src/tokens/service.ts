import type { Tx } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { EventInput, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvent } from '#src/syslog/service.ts';
import { deleteToken, deleteTokensOfUser, getToken, insertToken, listTokens, type ApiTokenRow } from './store.ts';
import { hashToken, newTokenValue } from './token-secret.ts';

export type { ApiTokenRow };

function tokenTarget(token: ApiTokenRow): LogTarget {
  return { id: token.id, type: 'Token', alternateId: token.name, displayName: token.name, detailEntry: null };
}

export type CreatedToken = { token: ApiTokenRow; value: string };

/**
 * Creates an SSWS token for `owner` inside the caller's transaction. The value is returned once and only its
 * SHA-256 is kept. `presetValue` is the operator's BULWARK_BOOTSTRAP_API_TOKEN, used once at first start.
 */
export async function issueToken(tx: Tx, ctx: ServiceContext, owner: LogTarget, name: string, presetValue?: string): Promise<CreatedToken> {
  const value = presetValue ?? newTokenValue();
  const now = ctx.clock.now();
  const token: ApiTokenRow = { id: newId('00T'), name, userId: owner.id, created: now, lastUpdated: now, lastUsed: null, expiresAt: null };
  await insertToken(tx, ctx.tenantId, token, hashToken(value));
  await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, {
    eventType: 'system.api_token.create',
    displayMessage: 'Create API token',
    target: [tokenTarget(token), owner],
  });
  return { token, value };
}

/** Creates a token for `owner` in its own transaction (the API's and the CLI's entry point). */
export function createApiToken(ctx: ServiceContext, owner: LogTarget, name: string): Promise<CreatedToken> {
  return ctx.db.transaction().execute((tx) => issueToken(tx, ctx, owner, name));
}

export function listApiTokens(ctx: ServiceContext): Promise<ApiTokenRow[]> {
  return listTokens(ctx.db, ctx.tenantId);
}

export async function getApiToken(ctx: ServiceContext, id: string): Promise<ApiTokenRow> {
  const token = await getToken(ctx.db, ctx.tenantId, id);
  if (!token) throw OktaErrors.notFound(`${id} (ApiToken)`);
  return token;
}

export async function revokeApiToken(ctx: ServiceContext, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const token = await getToken(tx, ctx.tenantId, id);
    if (!token || !(await deleteToken(tx, ctx.tenantId, id))) throw OktaErrors.notFound(`${id} (ApiToken)`);
    await recordEvent(tx, ctx.clock, ctx.tenantId, ctx.audit, { eventType: 'system.api_token.revoke', displayMessage: 'Revoke API token', target: [tokenTarget(token)] });
  });
  ctx.authChanged();
}

/**
 * Removes every token of a user (deactivated, deleted, or remediated after an incident: `reason`) and returns the
 * revoke events for the caller to record.
 */
export async function revokeTokensOfUser(tx: Tx, ctx: ServiceContext, owner: LogTarget, reason = 'owner deactivated'): Promise<EventInput[]> {
  const removed = await deleteTokensOfUser(tx, ctx.tenantId, owner.id);
  return removed.map((token) => ({
    eventType: 'system.api_token.revoke',
    displayMessage: 'Revoke API token',
    target: [tokenTarget(token), owner],
    debugData: { reason },
  }));
}
