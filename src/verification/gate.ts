import type { Db, Tx } from '#src/db/database.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import { mayActOn, mayActOnVerified } from '#src/roles/permissions.ts';
import { roleTypesOf } from '#src/roles/service.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { EventInput, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { takeVerified, type VerificationRow, type VerifiedAction } from './store.ts';

export type { VerifiedAction };

/** Who is resetting: the parts of a request's service context the check needs. */
export type ResetContext = Pick<ServiceContext, 'clock' | 'tenantId' | 'audit' | 'actor'>;

const DOING: Record<VerifiedAction, string> = { RESET_PASSWORD: 'resetting the password', RESET_FACTORS: 'resetting the factors' };

export function verificationTarget(v: Pick<VerificationRow, 'id' | 'action' | 'method'>): LogTarget {
  return { id: v.id, type: 'PrivilegedVerification', alternateId: v.action, displayName: 'Verification of the person', detailEntry: { action: v.action, method: v.method } };
}

/**
 * A help-desk reset of a user who holds an admin role, refused for want of a verified person. Thrown inside the
 * reset's transaction; `refusalsLogged` logs it once that transaction has rolled back.
 */
export class VerificationRequired extends AppError {
  readonly user: LogTarget;
  readonly action: VerifiedAction;

  constructor(user: LogTarget, action: VerifiedAction) {
    super(403, 'E0000006', 'You do not have permission to perform the requested action', [
      `verification: ${DOING[action]} of a user who holds an admin role needs the person verified first: POST /api/v1/users/${user.id}/verifications `
      + `with {"action": "${action}", "method": "TARGET_PASSKEY" or "ADMIN_ATTESTATION"}, then try again once it is VERIFIED`,
    ]);
    this.user = user;
    this.action = action;
  }
}

/**
 * Decides, inside the reset's transaction, whether the actor may do `action` to `user`, and returns what the
 * reset's own event carries: `{ verificationId }` when a verification was used, else nothing.
 *
 * mayActOn decides as before; beyond it, a help-desk admin may reset a user who holds an admin role only with a
 * verification of the person they asked for, VERIFIED, unused and in its time, for exactly this user and action:
 * it is used up here, with the reset, and logged as `bulwark.user.verification.use`. Without one the answer is
 * VerificationRequired. Support staff never get that far (their grants say "users who hold no admin role").
 * An admin who needs no verification but asked for one anyway has it used, and named, all the same.
 */
export async function authorizeReset(tx: Tx, ctx: ResetContext, user: LogTarget, action: VerifiedAction): Promise<Record<string, string>> {
  const targetRoles = await roleTypesOf(tx, ctx.tenantId, user.id);
  const allowed = mayActOn(ctx.actor.roles, targetRoles);
  if (!allowed && (ctx.actor.support || !mayActOnVerified(ctx.actor.roles, targetRoles))) throw OktaErrors.forbidden();
  // Only users who hold an admin role are ever verified (service.ts refuses the rest).
  const used = targetRoles.size === 0 || ctx.actor.userId === null ? undefined
    : await takeVerified(tx, ctx.tenantId, { userId: user.id, requestedBy: ctx.actor.userId, action }, ctx.clock.now());
  if (!used) {
    if (allowed) return {};
    throw new VerificationRequired(user, action);
  }
  await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
    eventType: 'bulwark.user.verification.use', displayMessage: 'Use a verification of the person for a reset', target: [user, verificationTarget(used)],
    debugData: { verificationId: used.id, action, method: used.method, verifiedBy: used.decision?.by.name ?? null },
  }]);
  return { verificationId: used.id };
}

/**
 * Runs a reset (`work`, its own transaction); a VerificationRequired refusal is logged (outcome DENY) in a
 * transaction of its own, since the reset's rolled back with everything it would have written.
 */
export async function refusalsLogged<T>(db: Db, ctx: ResetContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof VerificationRequired)) throw err;
    const refused: EventInput = {
      eventType: 'bulwark.user.verification.use', displayMessage: 'Reset of a privileged user refused: the person is not verified', severity: 'WARN',
      outcome: { result: 'DENY', reason: 'VERIFICATION_REQUIRED' }, target: [err.user], debugData: { action: err.action },
    };
    await db.transaction().execute((tx) => recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [refused]));
    throw err;
  }
}
