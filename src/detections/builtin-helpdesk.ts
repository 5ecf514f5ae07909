/**
 * `helpdesk-reset-on-admin`: a password or factor reset of a user who holds an admin role, done by the help
 * desk or by support staff. Both incidents turn on it: in 2022 a support tool reset passwords and MFA at will;
 * afterwards the provider told customers to verify the person before a help desk resets a privileged account
 * (CONTEXT.md). Bulwark enforces that verification (docs/privileged-verification.md) and names it in its
 * events, which the rule reads first:
 * - a reset whose `debugData.verificationId` is set used a verification of the person, and only users who hold
 *   an admin role are ever verified: a reset of an admin through the help-desk path (medium: it was verified);
 * - `bulwark.user.verification.use` with outcome DENY (`VERIFICATION_REQUIRED`) is a help-desk admin's reset of
 *   an admin refused for want of one (high: what a stolen help-desk session does).
 * Without those (Okta's logs), the rule tracks the admin roles granted and revoked in the stream and fires on a
 * reset of a user it knows holds one by an actor it knows holds the help-desk role, or by support staff.
 */
import { isoOf, tenantKey, type BuiltinRule, type Observed, type RuleContext, type Severity } from './alert.ts';
import { BoundedMap } from './bounded-map.ts';
import { GRANT, resetTarget } from './builtin-privilege.ts';
import { SUPPORT_STAFF } from './builtin-support.ts';
import { actorOf, debugDataOf, debugText, reasonOf, resultOf, succeeded, userTargetOf, type Entity } from './event-fields.ts';

const REVOKE = 'user.account.privilege.revoke';
const HELP_DESK = 'HELP_DESK_ADMIN';

/**
 * Role names as Bulwark writes them (`roleType`) or Okta's labels (`privilegeGranted`, comma-separated, e.g.
 * "Help Desk administrator, Read only admin"), into a set where the help desk is HELP_DESK_ADMIN.
 */
function rolesIn(value: string | null): string[] {
  if (value === null) return [];
  return value.split(',').map((r) => r.trim()).filter((r) => r !== '').map((r) => (/^help ?desk/i.test(r) || r === HELP_DESK ? HELP_DESK : r));
}

const RULE = { id: 'helpdesk-reset-on-admin', title: 'Help desk or support reset of an admin' } as const;

export function helpdeskResetOnAdmin(ctx: RuleContext): BuiltinRule {
  const roles = new BoundedMap<string, Set<string>>(ctx.thresholds.maxKeys);
  const rolesOf = (tenant: string | null, id: string) => roles.get(tenantKey(tenant, id)) ?? new Set<string>();

  function track(e: Observed): void {
    const user = userTargetOf(e.event);
    if (!user || !succeeded(e.event)) return;
    const data = debugDataOf(e.event);
    const key = tenantKey(e.tenant, user.id);
    const held = rolesOf(e.tenant, user.id);
    const remaining = debugText(data, 'remainingRoles');
    if (e.type === REVOKE || data['privilegeRevoked'] !== undefined) {
      // Bulwark names what is left; Okta names what went.
      const after = data['remainingRoles'] !== undefined ? new Set(rolesIn(remaining)) : new Set([...held].filter((r) => !rolesIn(debugText(data, 'privilegeRevoked')).includes(r)));
      roles.set(key, after);
      return;
    }
    for (const role of rolesIn(debugText(data, 'roleType') ?? debugText(data, 'privilegeGranted'))) held.add(role);
    roles.set(key, held);
  }

  function alert(e: Observed, user: Entity, actor: Entity | null, severity: Severity, summary: string, details: Record<string, unknown>) {
    return {
      rule: RULE.id, title: RULE.title, severity, tenant: e.tenant, user: user.id, time: isoOf(e.time), events: e.uuid === null ? [] : [e.uuid], summary,
      details: { ...details, actor: actor ? { id: actor.id, type: actor.type, alternateId: actor.alternateId } : null, eventType: e.type },
    };
  }

  return {
    ...RULE,
    observe(e, emit) {
      if (e.type === GRANT || e.type === REVOKE) return track(e);
      if (e.type === 'bulwark.user.verification.use' && resultOf(e.event) === 'DENY' && reasonOf(e.event) === 'VERIFICATION_REQUIRED') {
        const actor = actorOf(e.event);
        const user = userTargetOf(e.event);
        if (!user) return;
        const action = debugText(debugDataOf(e.event), 'action');
        emit(alert(e, user, actor, 'high', `${actor?.alternateId ?? 'an admin'} tried to reset ${user.alternateId ?? user.id}, who holds an admin role, without a verification of the person`,
          { basis: 'BULWARK_VERDICT', action, verified: false, refused: true }));
        return;
      }
      const user = resetTarget(e);
      const actor = user ? actorOf(e.event) : null;
      if (!user || actor?.id === user.id) return;
      const verificationId = debugText(debugDataOf(e.event), 'verificationId');
      if (verificationId !== null) {
        emit(alert(e, user, actor, 'medium', `${actor?.alternateId ?? 'an admin'} reset ${user.alternateId ?? user.id}, who holds an admin role, after a verification of the person`,
          { basis: 'BULWARK_VERDICT', verificationId, verified: true, refused: false }));
        return;
      }
      const targetRoles = rolesOf(e.tenant, user.id);
      if (targetRoles.size === 0 || !actor) return;
      const bySupport = actor.type === SUPPORT_STAFF;
      if (!bySupport && !rolesOf(e.tenant, actor.id).has(HELP_DESK)) return;
      emit(alert(e, user, actor, 'high', `${bySupport ? 'Support staff' : 'A help-desk admin'} ${actor.alternateId ?? actor.id} reset ${user.alternateId ?? user.id}, who holds ${[...targetRoles].join(', ')}`,
        { basis: 'STREAM', targetRoles: [...targetRoles], bySupport, verified: false, refused: false }));
    },
  };
}
