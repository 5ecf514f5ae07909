/**
 * `session-new-asn`: one session (`authenticationContext.externalSessionId`) seen from a second autonomous
 * system. A session cookie stolen from an admin's browser (CONTEXT.md, incident 2: HAR files with cookies)
 * is replayed from the attacker's network, not the admin's; the provider's advice afterwards was to bind admin
 * sessions to the ASN they started on. Bulwark does so for admin sessions and logs the refusal as
 * `user.session.context.change` (DENY, `ASN_CHANGED`, both AS numbers in `debugData`): the rule reads that
 * verdict too, so it fires even when the session started before the stream did. One alert per session and
 * new AS number.
 */
import { isoOf, tenantKey, type BuiltinRule, type RuleContext } from './alert.ts';
import { BoundedMap } from './bounded-map.ts';
import { actorOf, asnOf, debugDataOf, debugNumber, reasonOf, resultOf, sessionOf, userTargetOf } from './event-fields.ts';

type Session = { first: number; firstEvent: string | null; asns: number[] };

/** AS numbers remembered per session: a session that keeps hopping networks has raised its alerts already. */
const ASNS_PER_SESSION = 8;

export function sessionNewAsn(ctx: RuleContext): BuiltinRule {
  const sessions = new BoundedMap<string, Session>(ctx.thresholds.maxKeys);
  return {
    id: 'session-new-asn',
    title: 'Session reused from a new network (AS)',
    observe(e, emit) {
      const session = sessionOf(e.event);
      if (session === null) return;
      const asn = asnOf(e.event);
      if (asn === null) return;
      const key = tenantKey(e.tenant, session);
      let state = sessions.get(key);
      if (!state && e.type === 'user.session.context.change' && resultOf(e.event) === 'DENY' && reasonOf(e.event) === 'ASN_CHANGED') {
        const started = debugNumber(debugDataOf(e.event), 'sessionAsNumber');
        if (started !== null) state = { first: started, firstEvent: null, asns: [started] };
      }
      if (!state) {
        sessions.set(key, { first: asn, firstEvent: e.uuid, asns: [asn] });
        return;
      }
      sessions.set(key, state);
      if (state.asns.includes(asn)) return;
      if (state.asns.length < ASNS_PER_SESSION) state.asns.push(asn);
      const user = userTargetOf(e.event) ?? actorOf(e.event);
      emit({
        rule: 'session-new-asn',
        title: 'Session reused from a new network (AS)',
        severity: 'high',
        tenant: e.tenant,
        user: user?.id ?? null,
        time: isoOf(e.time),
        events: [state.firstEvent, e.uuid].filter((u): u is string => u !== null),
        summary: `Session ${session}${user ? ` of ${user.alternateId ?? user.id}` : ''} began on AS${state.first} and was used from AS${asn}`,
        details: { session, startedOnAsn: state.first, newAsn: asn, asnsSeen: [...state.asns], eventType: e.type },
      });
    },
  };
}
