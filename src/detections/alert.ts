/**
 * What the detection engine consumes and what it produces, shared by the rules, the engine and its two feeds
 * (a workspace, the live System Log).
 */
import type { SigmaLevel } from './sigma-load.ts';
import type { SigmaEvent } from './sigma-match.ts';
import type { Thresholds } from './thresholds.ts';

/** Sigma's levels, which the built-in rules use too. */
export type Severity = SigmaLevel;

/**
 * One LogEvent with the tenant whose log it is in (live: the tenant id; a workspace: the import's `--tenant`,
 * or null) and its time in epoch milliseconds (read once by the feed, which knows how its source spells it).
 */
export type DetectionEvent = { tenant: string | null; time: number; event: SigmaEvent };

/** A DetectionEvent with what every rule looks at first, read once by the engine. */
export type Observed = DetectionEvent & { type: string; uuid: string | null };

export type Alert = {
  /** The built-in rule's id, or `sigma:` and the Sigma rule's id. */
  rule: string;
  title: string;
  severity: Severity;
  /** The tenant concerned; null for a rule across tenants (one support principal acting on many). */
  tenant: string | null;
  /** The user the alert is about (a target user, or the support staff member), when there is one. */
  user: string | null;
  /** The time of the event that raised it, ISO 8601. */
  time: string;
  /** The uuids of the events it links to, the one that raised it last. */
  events: string[];
  summary: string;
  details: Record<string, unknown>;
  /**
   * Set when Bulwark itself raised an alert of this type in the transaction that logged the event: the live
   * worker raises no second one for the same thing, a workspace (which holds no alerts of Bulwark's) keeps it.
   */
  raisedByBulwark?: string;
};

export type Emit = (alert: Alert) => void;

/** What a built-in rule is told: its thresholds, and which tenants are support planes (not customers). */
export type RuleContext = { thresholds: Thresholds; isSupportPlane(tenant: string): boolean };

/** A built-in rule: stateful, fed events in time order; its state is bounded by `thresholds.maxKeys`. */
export type BuiltinRule = { id: string; title: string; observe(event: Observed, emit: Emit): void };

export const isoOf = (ms: number): string => new Date(ms).toISOString();

/** A key per tenant: the same user or session id in two tenants' logs is two things. */
export const tenantKey = (tenant: string | null, id: string): string => `${tenant ?? ''}\u0000${id}`;
