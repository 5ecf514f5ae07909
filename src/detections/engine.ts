/**
 * The detection engine: the built-in rules (stateful, bounded) and Sigma rules (stateless, per event) over
 * LogEvents fed in time order, each with its tenant. The same engine runs over a workspace (workspace-detect.ts)
 * and over the live System Log (worker.ts); it knows nothing of either.
 */
import { isoOf, type Alert, type BuiltinRule, type DetectionEvent, type Emit, type Observed } from './alert.ts';
import { factorFromNewLocation } from './builtin-factor.ts';
import { oversizedExport } from './builtin-export.ts';
import { helpdeskResetOnAdmin } from './builtin-helpdesk.ts';
import { privilegeAfterReset } from './builtin-privilege.ts';
import { sessionNewAsn } from './builtin-session.ts';
import { supportPrincipalManyTenants } from './builtin-support.ts';
import { actorOf, eventTypeOf, userTargetOf, uuidOf } from './event-fields.ts';
import type { SigmaRule } from './sigma-load.ts';
import { sigmaRuleSet } from './sigma-match.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.ts';

export type { Alert, DetectionEvent };

/** The built-in rules, in the order they run and are listed. */
export const BUILTIN_RULES = [
  supportPrincipalManyTenants, factorFromNewLocation, sessionNewAsn, oversizedExport, privilegeAfterReset, helpdeskResetOnAdmin,
] as const;

/** The engine's own System Log events (worker.ts): never evidence of anything, or every alert would raise another. */
export const OWN_EVENT_PREFIX = 'bulwark.detection.';

export type EngineOptions = {
  /** Run the built-in rules (default true). */
  builtin?: boolean;
  sigma?: readonly SigmaRule[];
  thresholds?: Thresholds;
  /** Whether a tenant is a support plane (its staff's own log), which `support-principal-many-tenants` leaves out. */
  isSupportPlane?: (tenant: string) => boolean;
};

export type RuleInfo = { id: string; title: string; kind: 'builtin' | 'sigma' };

export type Engine = {
  rules: readonly RuleInfo[];
  /** The alerts of `events`, observed in order after every event given before. */
  process(events: Iterable<DetectionEvent>): Alert[];
};

function sigmaAlert(rule: SigmaRule, e: Observed): Alert {
  const actor = actorOf(e.event);
  const user = userTargetOf(e.event) ?? (actor?.type === 'User' ? actor : null);
  return {
    rule: `sigma:${rule.id}`,
    title: rule.title,
    severity: rule.level ?? 'medium',
    tenant: e.tenant,
    user: user?.id ?? null,
    time: isoOf(e.time),
    events: e.uuid === null ? [] : [e.uuid],
    summary: `${rule.title}: ${e.type} by ${actor?.alternateId ?? actor?.id ?? 'unknown'}`,
    details: { sigmaRuleId: rule.id, file: rule.file, level: rule.level, eventType: e.type, actor: actor?.alternateId ?? actor?.id ?? null },
  };
}

export function createEngine(options: EngineOptions = {}): Engine {
  const ctx = { thresholds: options.thresholds ?? DEFAULT_THRESHOLDS, isSupportPlane: options.isSupportPlane ?? (() => false) };
  const builtins: BuiltinRule[] = options.builtin === false ? [] : BUILTIN_RULES.map((make) => make(ctx));
  const sigmaRules = options.sigma ?? [];
  const sigma = sigmaRules.length === 0 ? null : sigmaRuleSet(sigmaRules);
  const rules: RuleInfo[] = [
    ...builtins.map((r) => ({ id: r.id, title: r.title, kind: 'builtin' as const })),
    ...sigmaRules.map((r) => ({ id: `sigma:${r.id}`, title: r.title, kind: 'sigma' as const })),
  ];

  function observeInto(event: DetectionEvent, emit: Emit): void {
    const type = eventTypeOf(event.event);
    if (type === null || type.startsWith(OWN_EVENT_PREFIX)) return;
    const observed: Observed = { ...event, type, uuid: uuidOf(event.event) };
    for (const rule of builtins) rule.observe(observed, emit);
    if (sigma) for (const rule of sigma.rulesFor(event.event)) emit(sigmaAlert(rule, observed));
  }

  return {
    rules,
    process(events) {
      const out: Alert[] = [];
      const emit: Emit = (a) => out.push(a);
      for (const event of events) observeInto(event, emit);
      return out;
    },
  };
}
