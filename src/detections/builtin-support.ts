/**
 * `support-principal-many-tenants`: one support staff member acting on many customer tenants in a short time.
 * In January 2022 one support engineer's hijacked session acted on 366 customers in five days (CONTEXT.md,
 * incident 1); a real support engineer works a handful of cases an hour. Any event whose actor is of type
 * `SupportStaff` in a tenant's log counts as acting on that tenant (an access request, a read under a grant, a
 * reset); the support plane's own log does not, since staff work there all day.
 */
import { isoOf, type BuiltinRule, type RuleContext } from './alert.ts';
import { BoundedMap } from './bounded-map.ts';
import { actorCellOf, actorOf, actorTypeOf } from './event-fields.ts';

type Seen = { time: number; uuid: string | null };
type Staff = { tenants: Map<string, Seen>; alerted: number | null };

export const SUPPORT_STAFF = 'SupportStaff';

export function supportPrincipalManyTenants(ctx: RuleContext): BuiltinRule {
  const { supportTenants, supportWindowMinutes, maxKeys } = ctx.thresholds;
  const window = supportWindowMinutes * 60_000;
  const staff = new BoundedMap<string, Staff>(maxKeys);
  return {
    id: 'support-principal-many-tenants',
    title: 'Support staff acting on many tenants',
    observe(e, emit) {
      if (e.tenant === null || actorTypeOf(e.event) !== SUPPORT_STAFF || ctx.isSupportPlane(e.tenant)) return;
      const actor = actorOf(e.event);
      if (!actor) return;
      const state = staff.get(actor.id) ?? { tenants: new Map<string, Seen>(), alerted: null };
      staff.set(actor.id, state);
      // Re-inserted so the map stays in time order and the expired entries are at its front.
      state.tenants.delete(e.tenant);
      state.tenants.set(e.tenant, { time: e.time, uuid: e.uuid });
      for (const [tenant, seen] of state.tenants) {
        if (seen.time > e.time - window) break;
        state.tenants.delete(tenant);
      }
      if (state.tenants.size < supportTenants) return;
      // One alert per window per staff member: the count keeps growing through an intrusion, the alert does not repeat.
      if (state.alerted !== null && e.time - state.alerted < window) return;
      state.alerted = e.time;
      const tenants = [...state.tenants.keys()];
      emit({
        rule: 'support-principal-many-tenants',
        title: 'Support staff acting on many tenants',
        severity: 'high',
        tenant: null,
        user: actor.id,
        time: isoOf(e.time),
        events: [...state.tenants.values()].flatMap((s) => (s.uuid === null ? [] : [s.uuid])),
        summary: `${actor.alternateId ?? actor.id} acted on ${tenants.length} tenants within ${supportWindowMinutes} minutes`,
        details: {
          staff: { id: actor.id, alternateId: actor.alternateId, displayName: actor.displayName },
          cell: actorCellOf(e.event),
          tenants,
          tenantCount: tenants.length,
          windowMinutes: supportWindowMinutes,
          threshold: supportTenants,
          firstSeen: isoOf([...state.tenants.values()][0]?.time ?? e.time),
        },
      });
    },
  };
}
