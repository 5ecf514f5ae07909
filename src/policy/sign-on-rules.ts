import { derivedId } from '#src/lib/ids.ts';
import type { NetworkInfo } from '#src/network/resolver.ts';
import { inZone, type ZoneRow } from './zones.ts';

/**
 * The apps a sign-in can be for. Each OIDC app will join them (the single sign-on issue); until then these
 * are the ones Bulwark itself serves. Their display names are Okta's where Okta has the same app, so that
 * detection content written for Okta's System Log (e.g. Sigma's "Okta New Admin Console Behaviours", which
 * looks for `target.displayName: 'Okta Admin Console'`) works on Bulwark's unchanged.
 */
export const BUILT_IN_APPS = { admin_console: 'Okta Admin Console', dashboard: 'Okta Dashboard', help_center: 'Bulwark Help Center' } as const;
export type AppName = keyof typeof BUILT_IN_APPS;
export const APP_NAMES = Object.keys(BUILT_IN_APPS) as AppName[];
export const ADMIN_CONSOLE: AppName = 'admin_console';

type IncludeExclude = { include: string[]; exclude: string[] };

/** A rule's conditions, Okta's OKTA_SIGN_ON shape with `app` added: every condition left empty matches anything. */
export type RuleConditions = {
  people: { groups: IncludeExclude; users: IncludeExclude };
  network: { connection: 'ANYWHERE' | 'ZONE' } & IncludeExclude;
  app: IncludeExclude;
};

/**
 * What a matched rule demands. Okta's `signon` actions, with `phishingResistant` borrowed from Okta's newer
 * authentication policies (`constraints.possession.phishingResistant`): REQUIRED accepts only a passkey.
 * `factorPromptMode` ALWAYS means a session started for another app never counts for this one; SESSION
 * accepts one whose sign-in is at most `factorLifetime` minutes old.
 */
export type SignOnActions = {
  access: 'ALLOW' | 'DENY';
  requireFactor: boolean;
  phishingResistant: 'REQUIRED' | 'OPTIONAL';
  factorPromptMode: 'ALWAYS' | 'SESSION';
  factorLifetime: number;
  rememberDeviceByDefault: false;
  session: { usePersistentCookie: false; maxSessionIdleMinutes: number; maxSessionLifetimeMinutes: number };
};

export type SystemRule = 'ADMIN_CONSOLE' | 'DEFAULT';

export type SignOnRule = {
  id: string;
  name: string;
  priority: number;
  status: 'ACTIVE' | 'INACTIVE';
  system: SystemRule | null;
  conditions: RuleConditions;
  actions: { signon: SignOnActions };
  created: Date | null;
  lastUpdated: Date | null;
};

/** The most minutes a session may last: 90 days, Okta's limit too. */
export const MAX_SESSION_MINUTES = 90 * 24 * 60;

const none = (): IncludeExclude => ({ include: [], exclude: [] });

export function anyConditions(): RuleConditions {
  return { people: { groups: none(), users: none() }, network: { connection: 'ANYWHERE', ...none() }, app: none() };
}

export function signOnPolicyId(tenantId: string): string {
  return derivedId('00p', `${tenantId}:OKTA_SIGN_ON`);
}

/**
 * The rules every tenant starts with. The admin console asks for a passkey at every sign-in to it, and its
 * sessions last 15 minutes idle and 12 hours at most (the advice the provider gave every customer after the
 * 2023 incident, CONTEXT.md); everything else signs in with a password, plus any factor the user has, for
 * the installation's default session lifetimes.
 */
export function builtInRules(tenantId: string, lifetime: { idleMinutes: number; maxMinutes: number }): SignOnRule[] {
  const session = (idle: number, max: number) => ({ usePersistentCookie: false as const, maxSessionIdleMinutes: idle, maxSessionLifetimeMinutes: max });
  return [
    {
      id: derivedId('0pr', `${tenantId}:ADMIN_CONSOLE`),
      name: 'Admin Console: passkey at every sign-in',
      priority: 1,
      status: 'ACTIVE',
      system: 'ADMIN_CONSOLE',
      conditions: { ...anyConditions(), app: { include: [ADMIN_CONSOLE], exclude: [] } },
      actions: { signon: { access: 'ALLOW', requireFactor: true, phishingResistant: 'REQUIRED', factorPromptMode: 'ALWAYS', factorLifetime: 15, rememberDeviceByDefault: false, session: session(15, 720) } },
      created: null,
      lastUpdated: null,
    },
    {
      id: derivedId('0pr', `${tenantId}:DEFAULT`),
      name: 'Default Rule',
      priority: 2,
      status: 'ACTIVE',
      system: 'DEFAULT',
      conditions: anyConditions(),
      actions: {
        signon: {
          access: 'ALLOW', requireFactor: false, phishingResistant: 'OPTIONAL', factorPromptMode: 'SESSION', factorLifetime: lifetime.maxMinutes,
          rememberDeviceByDefault: false, session: session(lifetime.idleMinutes, lifetime.maxMinutes),
        },
      },
      created: null,
      lastUpdated: null,
    },
  ];
}

/** Whether the rule can ever apply to a sign-in to the admin console. */
export function reachesAdminConsole(c: RuleConditions): boolean {
  return (c.app.include.length === 0 || c.app.include.includes(ADMIN_CONSOLE)) && !c.app.exclude.includes(ADMIN_CONSOLE);
}

/** The problem with one rule's actions, or null. */
function actionsProblem(rule: Pick<SignOnRule, 'system' | 'actions'>): string | null {
  const a = rule.actions.signon;
  if (a.session.maxSessionIdleMinutes > a.session.maxSessionLifetimeMinutes) return 'actions.signon.session: maxSessionIdleMinutes cannot exceed maxSessionLifetimeMinutes';
  if (a.access === 'ALLOW' && !a.requireFactor && a.phishingResistant === 'REQUIRED') return 'actions.signon: a phishing-resistant factor is a factor; set requireFactor to true';
  if (rule.system === 'ADMIN_CONSOLE' && a.access === 'DENY') return 'actions.signon.access: the built-in admin console rule allows (with its factors); to deny some admins, add a rule before it';
  if (rule.system === 'ADMIN_CONSOLE' && (!a.requireFactor || a.phishingResistant !== 'REQUIRED')) return ADMIN_FLOOR;
  return null;
}

const ADMIN_FLOOR = 'actions.signon: the admin console always asks for a passkey (requireFactor true, phishingResistant REQUIRED)';

/**
 * The problem with a whole rule list, or null. Whatever an admin edits, only a passkey opens the admin
 * console: a password alone never does (Okta has refused one-factor admin console policies since 2024), and
 * neither does a password and a code, which an adversary in the middle relays as easily as the password
 * (CONTEXT.md). The built-in admin console rule asks for a passkey and takes every admin console sign-in no
 * earlier rule took, so the rules before it that can apply to the admin console and allow must ask for one
 * too. Rules after it never see an admin console sign-in.
 */
export function policyProblem(rules: readonly SignOnRule[]): string | null {
  for (const rule of rules) {
    const problem = actionsProblem(rule);
    if (problem) return `${rule.name}: ${problem}`;
  }
  for (const rule of rules) {
    if (rule.system === 'ADMIN_CONSOLE') break;
    const a = rule.actions.signon;
    if (rule.status === 'ACTIVE' && a.access === 'ALLOW' && a.phishingResistant !== 'REQUIRED' && reachesAdminConsole(rule.conditions)) {
      return `${rule.name}: ${ADMIN_FLOOR}; this rule comes before the admin console's and can apply to it (app "admin_console")`;
    }
  }
  return null;
}

const PLANE_FLOOR = 'actions.signon: support staff sign in with a passkey only (requireFactor true, phishingResistant REQUIRED); this is a support plane';

/**
 * The problem with a support plane's rule list, or null: there, every rule that lets anyone in asks for a
 * passkey, whatever its conditions, so that no admin of the plane can open the support tools to a password.
 */
export function supportPlaneProblem(rules: readonly SignOnRule[]): string | null {
  const weak = rules.find((r) => r.status === 'ACTIVE' && r.actions.signon.access === 'ALLOW' && !(r.actions.signon.requireFactor && r.actions.signon.phishingResistant === 'REQUIRED'));
  return weak ? `${weak.name}: ${PLANE_FLOOR}` : null;
}

/** What the rule conditions are judged against: the sign-in's app, its user, and its network. */
export type SignOnRequest = {
  app: string;
  userId: string;
  /** The user's groups among those the rules name. */
  groupIds: ReadonlySet<string>;
  network: NetworkInfo;
  zones: ReadonlyMap<string, ZoneRow>;
};

function passes(list: IncludeExclude, has: (id: string) => boolean): boolean {
  return (list.include.length === 0 || list.include.some(has)) && !list.exclude.some(has);
}

/** An inactive or deleted zone matches nothing, so it neither lets a request in nor keeps one out. */
function inNamedZone(id: string, r: SignOnRequest): boolean {
  if (id === 'ALL_ZONES') return [...r.zones.values()].some((z) => z.status === 'ACTIVE' && inZone(z, r.network));
  const zone = r.zones.get(id);
  return zone !== undefined && zone.status === 'ACTIVE' && inZone(zone, r.network);
}

export function ruleMatches(rule: SignOnRule, r: SignOnRequest): boolean {
  const c = rule.conditions;
  if (rule.status !== 'ACTIVE') return false;
  if (!passes(c.app, (a) => a === r.app)) return false;
  if (!passes(c.people.users, (u) => u === r.userId)) return false;
  if (!passes(c.people.groups, (g) => r.groupIds.has(g))) return false;
  return c.network.connection === 'ANYWHERE' || passes(c.network, (z) => inNamedZone(z, r));
}

/** The first active rule, by priority, whose conditions hold; the default rule holds for everything. */
export function matchingRule(rules: readonly SignOnRule[], r: SignOnRequest): SignOnRule {
  const rule = rules.find((x) => ruleMatches(x, r)) ?? rules.find((x) => x.system === 'DEFAULT');
  if (!rule) throw new Error('a sign-on policy without its default rule');
  return rule;
}

/** A passkey (RFC 8176 hwk when bound to its device, swk when synced) answers only its own origin. */
const PHISHING_RESISTANT = new Set(['hwk', 'swk']);

export function isPhishingResistant(amr: readonly string[]): boolean {
  return amr.some((m) => PHISHING_RESISTANT.has(m));
}

/** Whether methods passed (`amr`) meet the rule's demands. */
export function amrSatisfies(amr: readonly string[], a: SignOnActions): boolean {
  if (a.phishingResistant === 'REQUIRED') return isPhishingResistant(amr);
  if (a.requireFactor) return amr.some((m) => m !== 'pwd');
  return true;
}

/**
 * The active rules that may decide a sign-in of this user to one of `apps`, from some network, and let it
 * through only with a factor: what the user's factors must go on meeting. Network conditions are not judged
 * (a rule for one zone applies whenever the user is there), but a matching rule for any network ends the
 * walk for its app: no later rule ever decides a sign-in to it.
 */
export function rulesDemandingFactors(rules: readonly SignOnRule[], r: Omit<SignOnRequest, 'app' | 'network' | 'zones'> & { apps: readonly string[] }): SignOnRule[] {
  const found = new Map<string, SignOnRule>();
  for (const app of r.apps) {
    for (const rule of rules) {
      const c = rule.conditions;
      if (rule.status !== 'ACTIVE' || !passes(c.app, (a) => a === app) || !passes(c.people.users, (u) => u === r.userId) || !passes(c.people.groups, (g) => r.groupIds.has(g))) continue;
      const a = rule.actions.signon;
      if (a.access === 'ALLOW' && (a.requireFactor || a.phishingResistant === 'REQUIRED')) found.set(rule.id, rule);
      if (c.network.connection === 'ANYWHERE') break;
    }
  }
  return [...found.values()];
}

/** Whether a factor of this type can meet the rule's demands. */
export function factorQualifies(factorType: string, a: SignOnActions): boolean {
  return a.phishingResistant !== 'REQUIRED' || factorType === 'webauthn';
}

/** Every group, user and zone id the rules name: what evaluating them needs to know about a request. */
export function referencedIds(rules: readonly SignOnRule[]): { groups: string[]; zones: boolean } {
  const groups = new Set<string>();
  let zones = false;
  for (const r of rules) {
    if (r.status !== 'ACTIVE') continue;
    for (const g of [...r.conditions.people.groups.include, ...r.conditions.people.groups.exclude]) groups.add(g);
    if (r.conditions.network.connection === 'ZONE') zones = true;
  }
  return { groups: [...groups], zones };
}
