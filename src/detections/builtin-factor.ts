/**
 * `factor-from-new-location`: an MFA factor set up from a network the user has not signed in from. The 2022
 * intrusion ended when the attacker tried to add a factor from a new location (CONTEXT.md, incident 1).
 *
 * Bulwark refuses that enrollment itself (src/factors/new-location.ts) and logs its verdict as
 * `user.mfa.factor.activate` with outcome DENY and reason "New factor from a new location": the rule takes that
 * verdict as it is, since Bulwark judged with the user's sign-ins of the last BULWARK_NEW_LOCATION_DAYS, far
 * more than the stream holds. For logs that carry no verdict (Okta's, in a workspace), it judges from the
 * stream: the AS numbers and countries of the user's successful sign-ins (`user.session.start`), leaving out
 * the sign-in of the session the factor is set up in, as Bulwark does (an attacker's fresh sign-in must not
 * vouch for itself). A user with no other sign-in in the stream is not judged.
 */
import { isoOf, tenantKey, type BuiltinRule, type Observed, type RuleContext } from './alert.ts';
import { BoundedMap } from './bounded-map.ts';
import { actorOf, asnOf, countryOf, debugDataOf, debugText, reasonOf, resultOf, sessionOf, succeeded, userTargetOf } from './event-fields.ts';

/** The sign-in networks remembered per user: a user signs in from a few places, an attacker from one more. */
const NETWORKS_PER_USER = 16;
const ENROLLMENTS = new Set(['user.mfa.factor.activate', 'user.mfa.factor.update']);
/** src/factors/new-location.ts: the verdict's reason, and the alert Bulwark raises with it. */
const BULWARK_VERDICT = 'New factor from a new location';
const BULWARK_ALERT = 'NEW_FACTOR_FROM_NEW_LOCATION';

type Network = { asn: number | null; country: string | null; session: string | null };

const RULE = { id: 'factor-from-new-location', title: 'MFA factor set up from a new location' } as const;

export function factorFromNewLocation(ctx: RuleContext): BuiltinRule {
  const signIns = new BoundedMap<string, Network[]>(ctx.thresholds.maxKeys);
  // A factor's enrollment is logged when it starts and when it is activated: one alert per user, network and session.
  const alerted = new BoundedMap<string, string>(ctx.thresholds.maxKeys);

  function remember(e: Observed): void {
    const actor = actorOf(e.event);
    if (!actor || !succeeded(e.event)) return;
    const network: Network = { asn: asnOf(e.event), country: countryOf(e.event), session: sessionOf(e.event) };
    if (network.asn === null && network.country === null) return;
    const key = tenantKey(e.tenant, actor.id);
    const list = signIns.get(key) ?? [];
    const same = list.findIndex((n) => n.asn === network.asn && n.country === network.country && n.session === network.session);
    if (same !== -1) list.splice(same, 1);
    list.push(network);
    if (list.length > NETWORKS_PER_USER) list.shift();
    signIns.set(key, list);
  }

  return {
    ...RULE,
    observe(e, emit) {
      if (e.type === 'user.session.start') return remember(e);
      if (!ENROLLMENTS.has(e.type)) return;
      const user = userTargetOf(e.event) ?? actorOf(e.event);
      if (!user) return;
      const data = debugDataOf(e.event);
      const base = { rule: RULE.id, title: RULE.title, severity: 'high' as const, tenant: e.tenant, user: user.id, time: isoOf(e.time), events: e.uuid === null ? [] : [e.uuid] };
      const who = user.alternateId ?? user.id;
      if (resultOf(e.event) === 'DENY' && reasonOf(e.event) === BULWARK_VERDICT) {
        emit({
          ...base,
          summary: `Bulwark refused a factor for ${who} from a network the user had not signed in from`,
          details: { basis: 'BULWARK_VERDICT', factorType: debugText(data, 'factorType'), asn: asnOf(e.event) ?? data['asn'] ?? null, country: countryOf(e.event) ?? data['country'] ?? null },
          raisedByBulwark: BULWARK_ALERT,
        });
        return;
      }
      if (!succeeded(e.event)) return;
      const asn = asnOf(e.event);
      const country = countryOf(e.event);
      if (asn === null && country === null) return;
      const session = sessionOf(e.event);
      const known = (signIns.get(tenantKey(e.tenant, user.id)) ?? []).filter((n) => session === null || n.session !== session);
      if (known.length === 0) return;
      const knownAsns = new Set(known.flatMap((n) => (n.asn === null ? [] : [n.asn])));
      const knownCountries = new Set(known.flatMap((n) => (n.country === null ? [] : [n.country])));
      const newAsn = asn !== null && knownAsns.size > 0 && !knownAsns.has(asn);
      const newCountry = country !== null && knownCountries.size > 0 && !knownCountries.has(country);
      if (!newAsn && !newCountry) return;
      const userKey = tenantKey(e.tenant, user.id);
      const networkKey = `${asn} ${country} ${session}`;
      if (alerted.get(userKey) === networkKey) return;
      alerted.set(userKey, networkKey);
      emit({
        ...base,
        summary: `A factor was set up for ${who} from ${[newAsn ? `AS${asn}` : null, newCountry ? country : null].filter(Boolean).join(', ')}, where the user had not signed in`,
        details: {
          basis: 'STREAM', factorType: debugText(data, 'factorType'), asn, country, session,
          knownAsns: [...knownAsns].sort((a, b) => a - b), knownCountries: [...knownCountries].sort(), newAsn, newCountry,
        },
      });
    },
  };
}
