/**
 * `privilege-after-reset`: an admin role granted to a user soon after their password or factors were reset.
 * It is how a takeover through the help desk becomes an admin takeover: reset the victim's credentials (in
 * 2022, through a hijacked support tool that could reset passwords and MFA on any tenant), sign in as them,
 * then have them, or an accomplice, granted a role. A reset the user did themselves through recovery counts
 * too: it is what the attacker who phished the recovery link does.
 */
import { isoOf, tenantKey, type BuiltinRule, type Observed, type RuleContext } from './alert.ts';
import { BoundedMap } from './bounded-map.ts';
import { actorOf, debugDataOf, debugText, succeeded, userTargetOf, type Entity } from './event-fields.ts';

/** Okta's and Bulwark's events for a credential taken away or replaced by someone (or a recovery). */
export const RESETS = new Set(['user.account.reset_password', 'user.account.expire_password', 'user.mfa.factor.reset_all', 'user.mfa.factor.deactivate']);
export const GRANT = 'user.account.privilege.grant';

type Reset = { time: number; uuid: string | null; type: string; by: Entity | null };

/**
 * The user a reset event is about, or null when it is no reset: one of RESETS, or a password set by someone
 * other than the user (an admin's `user.account.update_password`; the user's own change is no reset).
 */
export function resetTarget(e: Observed): Entity | null {
  const reset = RESETS.has(e.type);
  if (!reset && e.type !== 'user.account.update_password') return null;
  const user = succeeded(e.event) ? userTargetOf(e.event) : null;
  if (!user) return null;
  return reset || actorOf(e.event)?.id !== user.id ? user : null;
}

/**
 * Bulwark logs taking one role of several away as a grant of what remains (src/roles/service.ts), with
 * `privilegeRevoked`: that is no grant.
 */
export const isGrant = (e: Observed): boolean => e.type === GRANT && succeeded(e.event) && debugDataOf(e.event)['privilegeRevoked'] === undefined;

export function privilegeAfterReset(ctx: RuleContext): BuiltinRule {
  const hours = ctx.thresholds.resetWindowHours;
  const window = hours * 3_600_000;
  const resets = new BoundedMap<string, Reset>(ctx.thresholds.maxKeys);
  return {
    id: 'privilege-after-reset',
    title: 'Admin role granted soon after a reset',
    observe(e, emit) {
      const reset = resetTarget(e);
      if (reset) {
        resets.set(tenantKey(e.tenant, reset.id), { time: e.time, uuid: e.uuid, type: e.type, by: actorOf(e.event) });
        return;
      }
      if (!isGrant(e)) return;
      const user = userTargetOf(e.event);
      if (!user) return;
      const last = resets.get(tenantKey(e.tenant, user.id));
      if (!last || e.time - last.time > window || e.time < last.time) return;
      const data = debugDataOf(e.event);
      const role = debugText(data, 'roleType') ?? debugText(data, 'privilegeGranted');
      const grantedBy = actorOf(e.event);
      const minutes = Math.round((e.time - last.time) / 60_000);
      emit({
        rule: 'privilege-after-reset',
        title: 'Admin role granted soon after a reset',
        severity: 'high',
        tenant: e.tenant,
        user: user.id,
        time: isoOf(e.time),
        events: [last.uuid, e.uuid].filter((u): u is string => u !== null),
        summary: `${user.alternateId ?? user.id} was granted ${role ?? 'an admin role'} ${minutes} minutes after ${last.type}`,
        details: {
          role, grantedBy: grantedBy?.alternateId ?? grantedBy?.id ?? null, reset: last.type, resetBy: last.by?.alternateId ?? last.by?.id ?? null,
          resetAt: isoOf(last.time), minutesBetween: minutes, windowHours: hours,
        },
      });
    },
  };
}
