/**
 * `bulwark simulate`: realistic multi-tenant System Log activity with one of the two incidents (CONTEXT.md)
 * embedded, and the ground truth an investigation of it must find. Deterministic: the same options give the
 * same events (uuids included) and the same truth on every machine.
 */
import { between, prng, subSeed } from '#src/lib/random.ts';
import { PASSWORD_OR_FACTOR_EVENTS } from '#src/remediation/criteria.ts';
import type { LogEvent } from '#src/syslog/log-event.ts';
import { activityWeight, MIN_TENANT_EVENTS, planTenantActivity, type Period } from './simulate-background.ts';
import { byTime, createTimeline, toLogEvent, type Planned } from './simulate-events.ts';
import { planExport, type ExportTruth } from './simulate-export.ts';
import { makeSupportPlane, planRoutineSupport, planStaffDays } from './simulate-support.ts';
import { planTakeover } from './simulate-takeover.ts';
import { ATTACKER_AGENT, ATTACKER_CIDR, attackerNetworks, makePlane, makeStaff, makeTenant, personOf, SUPPORT_CELL, VPN_ISP, type SimTenant } from './simulate-world.ts';

export const SCENARIOS = ['2022-support-takeover', '2023-help-center-export'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export type SimulateOptions = { scenario: Scenario; tenants: number; events: number; touched: number; days: number; start: Date; seed: number };

/** Where each scenario starts by default, and how many tenants its intruder reaches: the incidents' own. */
export const SCENARIO_DEFAULTS: Record<Scenario, { start: string; touched: number }> = {
  '2022-support-takeover': { start: '2022-01-16T00:00:00.000Z', touched: 366 },
  '2023-help-center-export': { start: '2023-09-28T00:00:00.000Z', touched: 25 },
};
export const DEFAULTS = { scenario: '2022-support-takeover' as Scenario, tenants: 14_600, events: 125_000, days: 5, seed: 1 };
/** Every planned event is held in memory until it is sorted, about 1.3 KB each: half a million is some 700 MB. */
export const LIMITS = { tenants: [1, 100_000], events: [100, 500_000], days: [1, 31], seed: [0, 4_294_967_295] } as const;

/**
 * The events that count for remediation: a password reset or changed, a factor added or removed (outcome
 * SUCCESS). Remediation's own list (docs/remediation.md), so the truth says whom remediation must select.
 */
export const REMEDIATION_EVENT_TYPES = PASSWORD_OR_FACTOR_EVENTS;

export class SimulationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationError';
  }
}

/** Fills in the defaults and checks the options; a SimulationError names what is wrong. */
export function simulationOptions(input: Partial<SimulateOptions>): SimulateOptions {
  const scenario = input.scenario ?? DEFAULTS.scenario;
  if (!SCENARIOS.includes(scenario)) throw new SimulationError(`scenario must be one of ${SCENARIOS.join(', ')}, got "${String(scenario)}"`);
  const opts: SimulateOptions = {
    scenario,
    tenants: input.tenants ?? DEFAULTS.tenants,
    events: input.events ?? DEFAULTS.events,
    touched: input.touched ?? Math.min(SCENARIO_DEFAULTS[scenario].touched, input.tenants ?? DEFAULTS.tenants),
    days: input.days ?? DEFAULTS.days,
    start: input.start ?? new Date(SCENARIO_DEFAULTS[scenario].start),
    seed: input.seed ?? DEFAULTS.seed,
  };
  for (const key of ['tenants', 'events', 'days', 'seed'] as const) {
    const [min, max] = LIMITS[key];
    if (!Number.isInteger(opts[key]) || opts[key] < min || opts[key] > max) throw new SimulationError(`${key} must be an integer from ${min} to ${max}, got ${opts[key]}`);
  }
  if (!Number.isInteger(opts.touched) || opts.touched < 1 || opts.touched > opts.tenants) throw new SimulationError(`touched must be an integer from 1 to the number of tenants (${opts.tenants}), got ${opts.touched}`);
  if (Number.isNaN(opts.start.getTime())) throw new SimulationError('start must be a valid date');
  return opts;
}

export type TenantInfo = { id: string; slug: string; name: string; domain: string | null; country: string | null; adminContacts: string[]; supportPlane: boolean };

export type AttackerEvents = { uuids: string[]; byType: Record<string, number> };

export type GroundTruth = {
  scenario: Scenario;
  seed: number;
  period: { start: string; end: string };
  /** The intruder's first event to one second after its last: `since` included, `until` excluded. */
  window: { since: string; until: string };
  counts: { events: number; tenants: number };
  supportPlane: { id: string; slug: string };
  suspect: { actorId: string; login: string; displayName: string };
  attacker: { ips: string[]; cidr: string; asn: number; asOrg: string; userAgent: string };
  /**
   * 2022: the customer tenants in whose own System Log the suspect's account acted in the window.
   * 2023: the organizations whose support cases the intruder read (its events are all in the plane's log).
   */
  touchedTenants: string[];
  /** Per tenant log (the support plane's included), the suspect's events in the window: uuids in time order, counts by type. */
  attackerEvents: Record<string, AttackerEvents>;
  /** Per tenant, the users whose password was reset or changed, or whose factors changed, in the window, by anyone. */
  remediation: { eventTypes: readonly string[]; users: Record<string, string[]> };
  nearMisses: {
    /** Other staff who acted in customer tenants in the window, and where. */
    otherStaffInWindow: { actorId: string; login: string; tenants: string[] }[];
    /** Customer tenants where the suspect's account acted before the window (its owner, at work). */
    suspectBeforeWindow: string[];
    similarLogin: { tenant: string; userId: string; login: string }[];
    sameAsn: { tenant: string; userId: string; ip: string }[];
  };
  /** 2022: tenants whose support token was still live at the end, and got a token revocation. */
  liveTokenTenants: string[];
  /** 2023: the export the intruder took, as the download was logged. */
  export: (ExportTruth & { ordinaryDownloads: number }) | null;
  tenants: TenantInfo[];
};

export type SimulatedEvent = { tenant: string; event: LogEvent };

export type Simulation = {
  options: SimulateOptions;
  truth: GroundTruth;
  /** How many events `events()` yields. */
  count: number;
  /** Every event in time order, each with the tenant whose log it is in. */
  events(): Generator<SimulatedEvent>;
};

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();

/** Plans the whole simulation in memory (about 1.3 KB an event) and returns its truth and its events. */
export function simulate(options: SimulateOptions): Simulation {
  const { seed, scenario } = options;
  const period: Period = { start: options.start.getTime(), end: options.start.getTime() + options.days * DAY };
  const rand = prng(subSeed(seed, 0x5ce7a));
  const slugs = new Set<string>();
  const tenants: SimTenant[] = Array.from({ length: options.tenants }, (_, i) => makeTenant(seed, i, slugs));
  const planeInfo = makePlane(seed);
  const plane = makeSupportPlane(planeInfo.id, SUPPORT_CELL);
  const staff = makeStaff(seed, 14);
  const suspect = staff[0] as (typeof staff)[number];
  const colleagues = staff.slice(1);
  const attacker = attackerNetworks(seed);
  const tl = createTimeline(seed);

  // Which tenants the intruder reaches: a seeded shuffle, so neither the largest nor the first.
  const order = tenants.map((t) => t);
  for (let i = order.length - 1; i > 0; i--) {
    const j = between(rand, 0, i);
    [order[i], order[j]] = [order[j] as SimTenant, order[i] as SimTenant];
  }
  const touched = order.slice(0, options.touched);
  const others = order.slice(options.touched);

  for (const s of colleagues) planStaffDays(tl, rand, plane, s, period.start, period.end);
  planRoutineSupport(tl, rand, plane, colleagues, tenants, period, Math.max(1, Math.round(options.tenants * 0.016)));
  const takeover = scenario === '2022-support-takeover' ? planTakeover(tl, rand, plane, suspect, attacker, touched, others, period) : null;
  const exported = scenario === '2023-help-center-export'
    ? planExport(tl, rand, plane, suspect, staff.find((s) => s.roles.includes('SENIOR_AGENT')) ?? colleagues[0] ?? suspect, colleagues, attacker, touched, tenants, period)
    : null;
  const window = (takeover ?? exported as NonNullable<typeof exported>).window;

  const fixed = tl.events.length;
  const budget = options.events - fixed;
  if (budget < options.tenants * MIN_TENANT_EVENTS) {
    throw new SimulationError(`events: ${options.events} is too few; the scenario itself takes ${fixed} and each of the ${options.tenants} tenants needs at least ${MIN_TENANT_EVENTS}: ask for at least ${fixed + options.tenants * MIN_TENANT_EVENTS}`);
  }
  // Every tenant gets a small share; the rest goes by size, so most tenants have few events and a few have many.
  const weights = tenants.map(activityWeight);
  const total = weights.reduce((a, b) => a + b, 0);
  const spare = budget - options.tenants * MIN_TENANT_EVENTS;
  let carry = 0;
  tenants.forEach((t, i) => {
    const target = MIN_TENANT_EVENTS + spare * (weights[i] as number) / total + carry;
    carry = target - planTenantActivity(tl, t, period, target);
  });

  const planned = tl.events.sort(byTime);
  const facts = factsOf(planned, { window, planeId: plane.id, suspectId: suspect.id });
  const truth: GroundTruth = {
    scenario,
    seed,
    period: { start: iso(period.start), end: iso(period.end) },
    window: { since: iso(window.since), until: iso(window.until) },
    counts: { events: planned.length, tenants: options.tenants },
    supportPlane: { id: planeInfo.id, slug: planeInfo.slug },
    suspect: { actorId: suspect.id, login: suspect.login, displayName: suspect.displayName },
    attacker: { ips: attacker.map((n) => n.ip), cidr: ATTACKER_CIDR, asn: VPN_ISP.asn, asOrg: VPN_ISP.org, userAgent: ATTACKER_AGENT },
    touchedTenants: exported ? [...exported.casesRead].sort() : facts.touched,
    attackerEvents: facts.attackerEvents,
    remediation: { eventTypes: REMEDIATION_EVENT_TYPES, users: facts.remediation },
    nearMisses: {
      otherStaffInWindow: facts.otherStaffInWindow,
      suspectBeforeWindow: facts.suspectBeforeWindow,
      similarLogin: takeover?.similarLogin ?? [],
      sameAsn: takeover?.sameAsn ?? [],
    },
    liveTokenTenants: takeover?.liveTokens ?? [],
    export: exported ? { ...exported.export, ordinaryDownloads: exported.ordinaryDownloads } : null,
    tenants: [
      ...tenants.map((t) => ({
        id: t.id, slug: t.slug, name: t.name, domain: t.domain, country: t.country, supportPlane: false,
        adminContacts: Array.from({ length: t.admins }, (_, i) => personOf(t, i).login),
      })),
      { id: planeInfo.id, slug: planeInfo.slug, name: planeInfo.name, domain: null, country: null, adminContacts: [], supportPlane: true },
    ],
  };

  return {
    options,
    truth,
    count: planned.length,
    *events() {
      for (const p of planned) yield { tenant: p.tenant, event: toLogEvent(p) };
    },
  };
}

type Facts = {
  touched: string[];
  attackerEvents: Record<string, AttackerEvents>;
  remediation: Record<string, string[]>;
  otherStaffInWindow: GroundTruth['nearMisses']['otherStaffInWindow'];
  suspectBeforeWindow: string[];
};

/** What the events themselves say: the suspect's events in the window, who must be remediated, the near misses. */
function factsOf(planned: readonly Planned[], c: { window: { since: number; until: number }; planeId: string; suspectId: string }): Facts {
  const inWindow = (p: Planned) => p.at >= c.window.since && p.at < c.window.until;
  const attackerEvents: Record<string, AttackerEvents> = {};
  const remediation = new Map<string, Set<string>>();
  const otherStaff = new Map<string, { login: string; tenants: Set<string> }>();
  const before = new Set<string>();
  const remediating = new Set<string>(REMEDIATION_EVENT_TYPES);
  for (const p of planned) {
    const actor = p.ctx.actor;
    if (actor.id === c.suspectId) {
      if (inWindow(p)) {
        const entry = (attackerEvents[p.tenant] ??= { uuids: [], byType: {} });
        entry.uuids.push(p.uuid);
        entry.byType[p.input.eventType] = (entry.byType[p.input.eventType] ?? 0) + 1;
      } else if (p.at < c.window.since && p.tenant !== c.planeId) {
        before.add(p.tenant);
      }
    } else if (actor.type === 'SupportStaff' && p.tenant !== c.planeId && inWindow(p)) {
      const seen = otherStaff.get(actor.id) ?? { login: actor.alternateId ?? '', tenants: new Set<string>() };
      seen.tenants.add(p.tenant);
      otherStaff.set(actor.id, seen);
    }
    const user = p.input.target?.[0];
    if (inWindow(p) && remediating.has(p.input.eventType) && (p.input.outcome?.result ?? 'SUCCESS') === 'SUCCESS' && user?.type === 'User') {
      let users = remediation.get(p.tenant);
      if (!users) remediation.set(p.tenant, users = new Set());
      users.add(user.id);
    }
  }
  const sorted = (s: Iterable<string>) => [...s].sort();
  return {
    touched: sorted(Object.keys(attackerEvents).filter((t) => t !== c.planeId)),
    attackerEvents,
    remediation: Object.fromEntries([...remediation].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, users]) => [t, sorted(users)])),
    otherStaffInWindow: [...otherStaff].map(([actorId, s]) => ({ actorId, login: s.login, tenants: sorted(s.tenants) })).sort((a, b) => (a.actorId < b.actorId ? -1 : 1)),
    suspectBeforeWindow: sorted(before),
  };
}
