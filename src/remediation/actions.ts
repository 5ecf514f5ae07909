import type { Tx } from '#src/db/database.ts';
import { resetAllFactors } from '#src/factors/service.ts';
import { revokeOidcTokensOfUser } from '#src/oidc/revocation.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { clearSessionsOfUser } from '#src/sessions/service.ts';
import type { LogTarget } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { revokeTokensOfUser } from '#src/tokens/service.ts';
import { mayTransition } from '#src/users/lifecycle.ts';
import { changeLifecycleIn, lockUserForChange, lookupUser, userTarget } from '#src/users/service.ts';
import { authorizeReset } from '#src/verification/gate.ts';
import type { RemediationAction } from './criteria.ts';

/** Why a user's items are skipped, at the dry run or when applied: the user is gone, or can no longer sign in. */
export const USER_GONE = 'USER_NOT_FOUND: the user no longer exists';
export const USER_DEACTIVATED = 'USER_DEPROVISIONED: the user is deactivated and cannot sign in';

/** What became of an item's action: done (with the user it was done to), or skipped and why. */
export type ActionOutcome = { state: 'DONE'; user: LogTarget } | { state: 'SKIPPED'; reason: string; user: LogTarget };

/**
 * Does `action` to the user inside `tx`, through the services that own it, which check the actor may act on the
 * user (mayActOn) and log the change as an admin's own call would. A user who is gone, deactivated, or is the
 * admin applying the plan (whose own reset would sign them out in the middle of it) is skipped. A password reset
 * is Okta's reset_password with the link going to the user: the password stops working at once, sessions end,
 * earlier recovery links stop working, and nobody is handed a credential.
 */
export async function performAction(tx: Tx, ctx: ServiceContext, userId: string, action: RemediationAction, tenantOrigin: string): Promise<ActionOutcome> {
  const found = await lookupUser(tx, ctx.tenantId, userId);
  const named: LogTarget = found ? userTarget(found) : { id: userId, type: 'User', alternateId: null, displayName: null, detailEntry: null };
  const skip = (reason: string): ActionOutcome => ({ state: 'SKIPPED', reason, user: named });
  if (!found) return skip(USER_GONE);
  if (found.status === 'DEPROVISIONED') return skip(USER_DEACTIVATED);
  if (found.id === ctx.actor.userId) return skip('APPLIER: the admin applying the plan is not remediated by it; another admin does it');
  if (action === 'FORCE_PASSWORD_RESET') {
    if (!mayTransition('reset_password', found.status)) return skip(`NOT_APPLICABLE: the password of a ${found.status} user cannot be reset`);
    return { state: 'DONE', user: userTarget(await changeLifecycleIn(tx, ctx, userId, 'reset_password', { tenantOrigin })) };
  }
  const user = userTarget(await lockUserForChange(tx, ctx, userId));
  if (action === 'RESET_FACTORS') {
    await resetAllFactors(tx, ctx.clock, ctx.tenantId, ctx.audit, user, await authorizeReset(tx, ctx, user, 'RESET_FACTORS'));
  } else if (action === 'REVOKE_TOKENS') {
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [...await revokeTokensOfUser(tx, ctx, user, 'remediation'), await revokeOidcTokensOfUser(tx, ctx.tenantId, user)]);
  } else {
    await clearSessionsOfUser(tx, ctx.clock, ctx.tenantId, ctx.audit, user, 'admin');
  }
  return { state: 'DONE', user };
}
