import { OktaErrors } from '#src/http/errors.ts';
import { sha256Hex } from '#src/lib/secrets.ts';
import { clearSessionsOfUser } from '#src/sessions/service.ts';
import type { EventInput } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { hashPassword } from '#src/users/password.ts';
import { lookupUser, newPasswordProblem, rememberPreviousPassword, userTarget } from '#src/users/service.ts';
import { lockUserForSignIn, recordNewPassword } from '#src/users/sign-in.ts';
import { complexityRefused } from './password.ts';
import { deleteLinksOf, deleteRecoveryTransaction } from './store.ts';
import { type AuthnOutcome, nextStep, PASSWORD_AUTH, type SignInContext, wrongState } from './transaction.ts';
import { liveRecovery, RECOVERABLE } from './recovery.ts';

/** A recovery ends where a sign-in that names no app does: the dashboard's sign-on rule decides what follows. */
const RECOVERY_APP = 'dashboard';

/**
 * Sets the new password of a recovered account (POST /api/v1/authn/credentials/reset_password) and goes on
 * as a sign-in that has passed the recovery's methods and the password: the tenant's policy (rules, common
 * passwords, history) is checked first, then in one transaction the password replaced (the old one kept for
 * the history), the account ACTIVE again (unlocked, if it was locked), every session and unused sessionToken
 * of the user ended, the user's other recovery tokens voided and the recovery used up.
 *
 * Self-service recovery logs `user.account.reset_password` with the user as actor (an admin's reset logged
 * it when it issued the token), then `user.account.update_password`.
 */
export async function resetRecoveredPassword(ctx: SignInContext, stateToken: string, newPassword: string): Promise<AuthnOutcome> {
  const t = await liveRecovery(ctx.db, ctx, stateToken, false);
  if (t.status !== 'RECOVERY' || t.userId === null) throw wrongState();
  const found = await lookupUser(ctx.db, ctx.tenant.id, t.userId);
  if (!found) throw OktaErrors.invalidToken();
  const problem = await newPasswordProblem(ctx.db, ctx.tenant.id, newPassword, String(found.profile['login'] ?? ''), found);
  if (problem) throw complexityRefused(`password: ${problem}`);
  const newHash = await hashPassword(newPassword);
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const locked = await liveRecovery(tx, ctx, stateToken, true);
    const user = await lockUserForSignIn(tx, ctx.tenant.id, 'id', found.id);
    // The history was checked against the password read above: one changed since makes that check moot.
    if (locked.status !== 'RECOVERY' || !user || user.passwordHash !== found.passwordHash || !RECOVERABLE.has(user.status)) throw OktaErrors.invalidToken();
    await deleteRecoveryTransaction(tx, ctx.tenant.id, sha256Hex(stateToken));
    await deleteLinksOf(tx, 'recovery_tokens', ctx.tenant.id, user.id);
    const changed = await recordNewPassword(tx, ctx.tenant.id, user, now, newHash);
    if (user.passwordHash !== null) await rememberPreviousPassword(tx, ctx.tenant.id, user.id, user.passwordHash, now);
    const target = userTarget(changed);
    const audit = ctx.audit(target);
    const events: EventInput[] = [];
    if (user.status === 'LOCKED_OUT') events.push({ eventType: 'user.account.unlock', displayMessage: 'Unlock user account by password recovery', target: [target] });
    if (locked.selfService) {
      events.push({ eventType: 'user.account.reset_password', displayMessage: 'Reset Okta user password', target: [target], debugData: { recoveryType: 'PASSWORD', amr: locked.amr.join(',') } });
    }
    events.push({ eventType: 'user.account.update_password', displayMessage: 'User update password for Okta', target: [target], authenticationContext: PASSWORD_AUTH });
    await recordEvents(tx, ctx.clock, ctx.tenant.id, audit, events);
    await clearSessionsOfUser(tx, ctx.clock, ctx.tenant.id, audit, target, 'lifecycle');
    return nextStep(tx, ctx, changed, { app: RECOVERY_APP, amr: [...locked.amr, 'pwd'] }, now);
  });
}
