/**
 * A set of compiled Sigma rules run over parsed LogEvents. Most Okta rules pin `eventType`, so the set indexes
 * rules by the event types they can fire on: an event runs those rules plus the few that may fire on any type.
 * Type matching is case-insensitive like every Sigma string, so the lists are keyed by the lower-cased type and
 * memoised under the type as events spell it.
 */
import type { SigmaLevel, SigmaRule } from './sigma-load.ts';

/** A parsed LogEvent as the System Log or an import hands it over (imported events may lack fields). */
export type SigmaEvent = { readonly [key: string]: unknown };

export type SigmaMatch = { ruleId: string; title: string; level: SigmaLevel | null; eventUuid: string | null };

export type SigmaRuleSet = {
  /** The rules `event` fires, in rule order. */
  rulesFor(event: SigmaEvent): SigmaRule[];
  matchAll(events: Iterable<SigmaEvent>): SigmaMatch[];
};

/** Distinct spellings remembered; Okta defines about 1,200 event types, so this bounds only the abnormal. */
const MEMO_LIMIT = 4096;

/** The event's `eventType`, found case-insensitively as rules find their fields (sigma-fields.ts). */
function eventTypeOf(event: SigmaEvent): unknown {
  const direct = event['eventType'];
  if (direct !== undefined) return direct;
  for (const key in event) if (key.toLowerCase() === 'eventtype') return event[key];
  return undefined;
}

export function sigmaRuleSet(rules: readonly SigmaRule[]): SigmaRuleSet {
  const anyType: SigmaRule[] = [];
  const byType = new Map<string, SigmaRule[]>();
  for (const rule of rules) {
    if (rule.eventTypes === null) {
      anyType.push(rule);
      continue;
    }
    for (const type of rule.eventTypes) {
      const list = byType.get(type) ?? [];
      list.push(rule);
      byType.set(type, list);
    }
  }
  const order = new Map(rules.map((rule, i) => [rule, i]));
  const memo = new Map<string, SigmaRule[]>();

  const candidates = (type: unknown): readonly SigmaRule[] => {
    if (type === undefined || type === null) return anyType;
    // An odd type (a number, an array) cannot be looked up; every rule judges it for itself.
    if (typeof type !== 'string') return rules;
    const known = memo.get(type);
    if (known) return known;
    const typed = byType.get(type.toLowerCase());
    const list = typed ? [...typed, ...anyType].sort((a, b) => (order.get(a) as number) - (order.get(b) as number)) : anyType;
    if (memo.size < MEMO_LIMIT) memo.set(type, list);
    return list;
  };

  const rulesFor = (event: SigmaEvent): SigmaRule[] => candidates(eventTypeOf(event)).filter((rule) => rule.matches(event));

  return {
    rulesFor,
    matchAll(events) {
      const out: SigmaMatch[] = [];
      for (const event of events) {
        const list = candidates(eventTypeOf(event));
        for (let i = 0; i < list.length; i++) {
          const rule = list[i] as SigmaRule;
          if (!rule.matches(event)) continue;
          const uuid = event['uuid'];
          out.push({ ruleId: rule.id, title: rule.title, level: rule.level, eventUuid: typeof uuid === 'string' ? uuid : null });
        }
      }
      return out;
    },
  };
}
