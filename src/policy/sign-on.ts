import { appIdsAmong, isAssigned } from '#src/apps/service.ts';
import type { Executor, Tx } from '#src/db/database.ts';
import { existingGroupIds, groupsOfUserAmong } from '#src/groups/service.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import type { NetworkInfo } from '#src/network/resolver.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { findTenantOfId, isSupportPlane } from '#src/tenants/service.ts';
import type { EventInput, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { existingUserIds } from '#src/users/service.ts';
import {
  amrSatisfies, policyProblem, supportPlaneProblem, anyConditions, APP_NAMES, ADMIN_CONSOLE, BUILT_IN_APPS, builtInRules, matchingRule, referencedIds, rulesDemandingFactors, signOnPolicyId,
  type RuleConditions, type SignOnActions, type SignOnRule,
} from './sign-on-rules.ts';
import { listRuleRows, lockRuleList, replaceRuleRows, type RuleRow } from './store.ts';
import { listZones, zonesById } from './zones.ts';

export { ADMIN_CONSOLE, isPhishingResistant, signOnPolicyId, type SignOnRule } from './sign-on-rules.ts';

/** Plenty for any tenant; every sign-in reads the list whole. */
export const MAX_RULES = 50;

let sessionDefaults = { idleMinutes: 120, maxMinutes: 720 };

/** The installation's default session lifetimes (BULWARK_SESSION_*), which the built-in default rule starts with. */
export function configureSignOnDefaults(session: { idleMinutes: number; maxHours: number }): void {
  sessionDefaults = { idleMinutes: session.idleMinutes, maxMinutes: session.maxHours * 60 };
}

function fromRow(r: RuleRow): SignOnRule {
  return { ...r, conditions: r.conditions as RuleConditions, actions: r.actions as { signon: SignOnActions } };
}

function toRow(r: SignOnRule, now: Date): RuleRow {
  return { ...r, created: r.created ?? now, lastUpdated: r.lastUpdated ?? now };
}

/** The tenant's rules in priority order: its own once an admin changed any, else the built-in two. */
export async function signOnRules(db: Executor, tenantId: string, lock = false): Promise<SignOnRule[]> {
  const rows = await listRuleRows(db, tenantId, lock);
  return rows.length > 0 ? rows.map(fromRow) : builtInRules(tenantId, sessionDefaults);
}

export function policyTarget(tenantId: string): LogTarget {
  return { alternateId: 'unknown', detailEntry: { policyType: 'OKTA_SIGN_ON' }, displayName: 'Default Policy', id: signOnPolicyId(tenantId), type: 'PolicyEntity' };
}

export function ruleTarget(rule: Pick<SignOnRule, 'id' | 'name'>): LogTarget {
  return { alternateId: 'unknown', detailEntry: { policyType: 'OKTA_SIGN_ON' }, displayName: rule.name, id: rule.id, type: 'PolicyRule' };
}

export function appTarget(app: string): LogTarget {
  const name = BUILT_IN_APPS[app as keyof typeof BUILT_IN_APPS] ?? app;
  return { alternateId: name, detailEntry: null, displayName: name, id: app, type: 'AppInstance' };
}

/** Rule actions as a client sends them: the lifetimes may be left out. */
type SignOnActionsInput = Omit<SignOnActions, 'factorLifetime' | 'session'> & {
  factorLifetime?: number;
  session: { usePersistentCookie: false; maxSessionIdleMinutes?: number; maxSessionLifetimeMinutes?: number };
};

/** What a client sends to create or replace a rule, after the route's schema has checked its shape. */
export type RuleInput = {
  name: string;
  priority?: number;
  status?: 'ACTIVE' | 'INACTIVE';
  conditions?: Partial<RuleConditions> | null;
  actions: { signon: SignOnActionsInput };
};

/** Fills lifetimes a client left out with the installation's defaults, and re-authentication with the session's maximum. */
function actionsOf(input: RuleInput['actions']): { signon: SignOnActions } {
  const a = input.signon;
  const max = a.session.maxSessionLifetimeMinutes ?? sessionDefaults.maxMinutes;
  const idle = a.session.maxSessionIdleMinutes ?? Math.min(sessionDefaults.idleMinutes, max);
  return { signon: { ...a, factorLifetime: a.factorLifetime ?? max, session: { usePersistentCookie: false, maxSessionIdleMinutes: idle, maxSessionLifetimeMinutes: max } } };
}

const invalid = (cause: string) => OktaErrors.validation('rule', [cause]);

/** Fills the conditions a client left out with "anything", as Okta reads a missing condition. */
function conditionsOf(input: RuleInput['conditions']): RuleConditions {
  const any = anyConditions();
  const c = input ?? {};
  return {
    people: { groups: { ...any.people.groups, ...c.people?.groups }, users: { ...any.people.users, ...c.people?.users } },
    network: { ...any.network, ...c.network },
    app: { ...any.app, ...c.app },
  };
}

/** The OpenID Connect apps (by id) a rule's app condition names, built-in apps left out. */
function oidcAppsNamed(c: RuleConditions): string[] {
  return [...c.app.include, ...c.app.exclude].filter((a) => !(APP_NAMES as readonly string[]).includes(a));
}

/** Every group, user, zone and app a rule names must be the tenant's own: an id from elsewhere is refused by name. */
async function checkReferences(tx: Tx, tenantId: string, c: RuleConditions): Promise<void> {
  const groups = [...c.people.groups.include, ...c.people.groups.exclude];
  const users = [...c.people.users.include, ...c.people.users.exclude];
  const zones = [...c.network.include, ...c.network.exclude].filter((z) => z !== 'ALL_ZONES');
  const apps = oidcAppsNamed(c);
  const knownGroups = await existingGroupIds(tx, tenantId, groups);
  const knownUsers = await existingUserIds(tx, tenantId, users);
  const knownZones = zones.length === 0 ? new Set<string>() : new Set((await listZones(tx, tenantId)).map((z) => z.id));
  const knownApps = await appIdsAmong(tx, tenantId, apps);
  const missing = [
    ...groups.filter((g) => !knownGroups.has(g)).map((g) => `conditions.people.groups: ${g} is not a group of this organization`),
    ...users.filter((u) => !knownUsers.has(u)).map((u) => `conditions.people.users: ${u} is not a user of this organization`),
    ...zones.filter((z) => !knownZones.has(z)).map((z) => `conditions.network: ${z} is not a network zone of this organization`),
    ...apps.filter((a) => !knownApps.has(a)).map((a) => `conditions.app: ${a} is not an app of this organization`),
  ];
  if (c.network.connection === 'ANYWHERE' && c.network.include.length + c.network.exclude.length > 0) {
    missing.push('conditions.network: include and exclude need connection ZONE');
  }
  if (c.network.connection === 'ZONE' && c.network.include.length + c.network.exclude.length === 0) {
    missing.push('conditions.network: connection ZONE needs zones to include or exclude');
  }
  if (missing.length > 0) throw OktaErrors.validation('conditions', missing);
}

// Both sides rebuilt in one key order: a stored rule comes back from jsonb with its keys reordered.
const sameConditions = (a: RuleConditions, b: RuleConditions) => JSON.stringify(conditionsOf(a)) === JSON.stringify(conditionsOf(b));

/** Puts `rule` at its priority among `others` and numbers the list 1..n, with the default rule always last. */
function ordered(others: readonly SignOnRule[], rule: SignOnRule | undefined, priority: number | undefined): SignOnRule[] {
  const list = others.filter((r) => r.system !== 'DEFAULT');
  const last = others.find((r) => r.system === 'DEFAULT');
  if (rule && rule.system !== 'DEFAULT') list.splice(Math.max(0, Math.min((priority ?? list.length + 1) - 1, list.length)), 0, rule);
  const all = rule?.system === 'DEFAULT' ? [...list, rule] : last ? [...list, last] : list;
  return all.map((r, i) => (r.priority === i + 1 ? r : { ...r, priority: i + 1 }));
}

type Change = { event: EventInput['eventType']; message: string; rule: SignOnRule; from?: SignOnRule };

/**
 * Runs one change to the tenant's rule list in a transaction: the list (built-in or stored) is read under a
 * lock, `change` returns the new list and what to log, and the whole list is written back. Changes to
 * priorities move other rules, so the list is the unit.
 */
async function changeRules(ctx: ServiceContext, change: RuleChange): Promise<SignOnRule> {
  return ctx.db.transaction().execute((tx) => changeRulesIn(tx, ctx, change));
}

type RuleChange = (rules: SignOnRule[], tx: Tx, now: Date) => Promise<{ rules: SignOnRule[]; logged: Change }>;

/** Whether the tenant is a cell's support plane, whose staff sign in with passkeys only (its creation sets that up, outside this check). */
async function inSupportPlane(ctx: ServiceContext): Promise<boolean> {
  const tenant = await findTenantOfId(ctx.db, ctx.tenantId);
  return tenant !== undefined && isSupportPlane(tenant);
}

async function changeRulesIn(tx: Tx, ctx: ServiceContext, change: RuleChange): Promise<SignOnRule> {
  await lockRuleList(tx, ctx.tenantId);
  const now = ctx.clock.now();
  const before = await signOnRules(tx, ctx.tenantId, true);
  const { rules, logged } = await change(before, tx, now);
  const names = new Set<string>();
  for (const r of rules) {
    if (names.has(r.name)) throw invalid(`name: A rule named "${r.name}" already exists in this policy`);
    names.add(r.name);
  }
  const problem = policyProblem(rules) ?? (await inSupportPlane(ctx) ? supportPlaneProblem(rules) : null);
  if (problem) throw invalid(problem);
  await replaceRuleRows(tx, ctx.tenantId, rules.map((r) => toRow(r, now)));
  const target: LogTarget = { ...ruleTarget(logged.rule), ...(logged.from ? { changeDetails: { from: ruleShape(logged.from), to: ruleShape(logged.rule) } } : {}) };
  await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{ eventType: logged.event, displayMessage: logged.message, target: [policyTarget(ctx.tenantId), target] }]);
  return rules.find((r) => r.id === logged.rule.id) ?? logged.rule;
}

const ruleShape = (r: SignOnRule) => ({ name: r.name, priority: r.priority, status: r.status, conditions: r.conditions, actions: r.actions });

function findRule(rules: readonly SignOnRule[], id: string): SignOnRule {
  const rule = rules.find((r) => r.id === id);
  if (!rule) throw OktaErrors.notFound(`${id} (PolicyRule)`);
  return rule;
}

export async function listSignOnRules(db: Executor, tenantId: string): Promise<SignOnRule[]> {
  return signOnRules(db, tenantId);
}

export async function getSignOnRule(db: Executor, tenantId: string, id: string): Promise<SignOnRule> {
  return findRule(await signOnRules(db, tenantId), id);
}

export function createSignOnRule(ctx: ServiceContext, input: RuleInput): Promise<SignOnRule> {
  return changeRules(ctx, async (rules, tx, now) => {
    if (rules.length >= MAX_RULES) throw invalid(`rules: a policy has at most ${MAX_RULES} rules`);
    const conditions = conditionsOf(input.conditions);
    await checkReferences(tx, ctx.tenantId, conditions);
    const rule: SignOnRule = {
      id: newId('0pr'), name: input.name, priority: 0, status: input.status ?? 'ACTIVE', system: null, conditions, actions: actionsOf(input.actions), created: now, lastUpdated: now,
    };
    const list = ordered(rules, rule, input.priority);
    return { rules: list, logged: { event: 'policy.rule.add', message: 'Add policy rule', rule: findRule(list, rule.id) } };
  });
}

/**
 * Replaces a rule (Okta's PUT). A built-in rule keeps its conditions, and the default rule its place at the
 * end: they are what makes the policy total.
 */
export function replaceSignOnRule(ctx: ServiceContext, id: string, input: RuleInput): Promise<SignOnRule> {
  return changeRules(ctx, async (rules, tx, now) => {
    const before = findRule(rules, id);
    const conditions = input.conditions === undefined || input.conditions === null ? before.conditions : conditionsOf(input.conditions);
    if (before.system !== null && !sameConditions(conditions, before.conditions)) throw invalid('conditions: the conditions of a built-in rule cannot change');
    if (before.system !== null && (input.status ?? 'ACTIVE') !== 'ACTIVE') throw invalid('status: a built-in rule is always active');
    await checkReferences(tx, ctx.tenantId, conditions);
    const after: SignOnRule = { ...before, name: input.name, status: input.status ?? before.status, conditions, actions: actionsOf(input.actions), created: before.created ?? now, lastUpdated: now };
    const list = ordered(rules.filter((r) => r.id !== id), after, input.priority ?? before.priority);
    return { rules: list, logged: { event: 'policy.rule.update', message: 'Update policy rule', rule: findRule(list, id), from: before } };
  });
}

/**
 * A support plane's policy (src/support), written in the transaction that makes the plane: its default rule
 * asks for a passkey at every sign-in to anything, with short sessions, so support staff sign in with passkeys
 * only (the admin console's built-in rule already does).
 */
export function requirePasskeysEverywhere(tx: Tx, ctx: ServiceContext): Promise<SignOnRule> {
  return changeRulesIn(tx, ctx, async (rules, _tx, now) => {
    const before = rules.find((r) => r.system === 'DEFAULT');
    if (!before) throw new Error('a rule list always ends with its default rule');
    const after: SignOnRule = {
      ...before,
      name: 'Support staff: passkey at every sign-in',
      actions: actionsOf({ signon: { access: 'ALLOW', requireFactor: true, phishingResistant: 'REQUIRED', factorPromptMode: 'ALWAYS', factorLifetime: 15, rememberDeviceByDefault: false, session: { usePersistentCookie: false, maxSessionIdleMinutes: 15, maxSessionLifetimeMinutes: 720 } } }),
      created: before.created ?? now,
      lastUpdated: now,
    };
    return { rules: ordered(rules.filter((r) => r.id !== before.id), after, before.priority), logged: { event: 'policy.rule.update', message: 'Update policy rule', rule: after, from: before } };
  });
}

export function deleteSignOnRule(ctx: ServiceContext, id: string): Promise<SignOnRule> {
  return changeRules(ctx, async (rules) => {
    const rule = findRule(rules, id);
    if (rule.system !== null) throw new AppError(403, 'E0000006', 'You do not have permission to perform the requested action', ['rule: a built-in rule cannot be deleted']);
    const list = ordered(rules.filter((r) => r.id !== id), undefined, undefined);
    return { rules: list, logged: { event: 'policy.rule.delete', message: 'Delete policy rule', rule } };
  });
}

export function setSignOnRuleStatus(ctx: ServiceContext, id: string, status: 'ACTIVE' | 'INACTIVE'): Promise<SignOnRule> {
  return changeRules(ctx, async (rules, _tx, now) => {
    const before = findRule(rules, id);
    if (before.system !== null && status === 'INACTIVE') throw invalid('status: a built-in rule is always active');
    const after: SignOnRule = { ...before, status, lastUpdated: before.status === status ? before.lastUpdated ?? now : now };
    const list = rules.map((r) => (r.id === id ? after : r));
    const event = status === 'ACTIVE' ? 'policy.rule.activate' : 'policy.rule.deactivate';
    return { rules: list, logged: { event, message: status === 'ACTIVE' ? 'Activate policy rule' : 'Deactivate policy rule', rule: after } };
  });
}

/**
 * Refuses to delete a group, user or zone that a rule names, inside the deleting transaction: the rule would
 * change meaning without anyone editing it (a deleted group in an exclude list would widen a DENY to its
 * members).
 */
export async function assertNotNamedByRules(tx: Tx, tenantId: string, id: string, what: 'group' | 'user' | 'zone' | 'app'): Promise<void> {
  const names = (c: RuleConditions) => [c.people.groups, c.people.users, c.network, c.app].some((l) => l.include.includes(id) || l.exclude.includes(id));
  const rules = (await signOnRules(tx, tenantId)).filter((r) => names(r.conditions)).map((r) => r.name);
  if (rules.length > 0) throw invalid(`${what}: it is named by the sign-on rule${rules.length > 1 ? 's' : ''} ${rules.join(', ')}; remove it from them first`);
}

/** The rule that decides a sign-in, and the decision. */
export type SignOnDecision = { rule: SignOnRule; actions: SignOnActions };

/** The rule that applies to `user` signing in to `app` from `network`. */
export async function decideSignOn(db: Executor, tenantId: string, app: string, userId: string, network: NetworkInfo): Promise<SignOnDecision> {
  const rules = await signOnRules(db, tenantId);
  const needs = referencedIds(rules);
  const groupIds = await groupsOfUserAmong(db, tenantId, userId, needs.groups);
  const zones = needs.zones ? await zonesById(db, tenantId) : new Map();
  const rule = matchingRule(rules, { app, userId, groupIds, network, zones });
  return { rule, actions: rule.actions.signon };
}

/**
 * The rules whose factor demands a user's factors must keep meeting: those that may decide the user's sign-in
 * to any app they can reach, the admin console only for an admin (its built-in rule asks for a passkey).
 */
export async function rulesDemandingFactorsOf(db: Executor, tenantId: string, userId: string, isAdmin: boolean): Promise<SignOnRule[]> {
  const rules = await signOnRules(db, tenantId);
  const groupIds = await groupsOfUserAmong(db, tenantId, userId, referencedIds(rules).groups);
  const named = [...new Set(rules.flatMap((r) => oidcAppsNamed(r.conditions)))];
  const assigned = [];
  for (const appId of named) if (await isAssigned(db, tenantId, appId, userId)) assigned.push(appId);
  const apps = [...APP_NAMES.filter((a) => isAdmin || a !== ADMIN_CONSOLE), ...assigned];
  return rulesDemandingFactors(rules, { apps, userId, groupIds });
}

/** How a session signed in, as a sign-on rule judges it when the session is used for an app. */
export type SessionFacts = { userId: string; app: string; amr: readonly string[]; created: Date; lastFactorVerification: Date | null };

/**
 * Why a session may not be used for `app` now, or null if it may: the app's rule denies; it wants factors the
 * session's sign-in did not pass; or the session was signed in for another app and the rule wants a sign-in
 * for this one every time (factorPromptMode ALWAYS) or more recent than `factorLifetime` minutes.
 */
export async function sessionRefusal(db: Executor, tenantId: string, session: SessionFacts, app: string, network: NetworkInfo, now: Date): Promise<string | null> {
  const { actions } = await decideSignOn(db, tenantId, app, session.userId, network);
  if (actions.access === 'DENY') return 'app: Access to this app from here is denied by the organization\'s sign-on policy';
  if (!amrSatisfies(session.amr, actions)) return 'session: This app needs a stronger sign-in than this session had; sign in again';
  if (session.app === app) return null;
  const signedIn = (session.lastFactorVerification ?? session.created).getTime();
  if (actions.factorPromptMode === 'ALWAYS' || now.getTime() - signedIn > actions.factorLifetime * 60_000) return 'session: This app needs a fresh sign-in; sign in again';
  return null;
}

export type EvaluationOutcome = 'ALLOW' | 'CHALLENGE' | 'DENY';

/**
 * `policy.evaluate_sign_on`, as Okta writes it: the app and the user as targets (Okta's order), then the rule
 * that matched; the outcome says whether the sign-in was let through, asked for more, or refused, and
 * `behaviors` which of the request's traits are new for the user.
 */
export function evaluationEvent(tenantId: string, decision: SignOnDecision, e: { app: string; user: LogTarget; outcome: EvaluationOutcome; amr: readonly string[]; behaviors: string }): EventInput {
  const { rule, actions } = decision;
  const { app, user, outcome, amr } = e;
  return {
    eventType: 'policy.evaluate_sign_on',
    displayMessage: 'Evaluation of sign-on policy',
    outcome: { result: outcome, reason: `Sign-on policy evaluation resulted in ${outcome}` },
    target: [appTarget(app), user, { ...ruleTarget(rule), detailEntry: { policyType: 'OKTA_SIGN_ON', policyId: policyTarget(tenantId).id } }],
    debugData: {
      behaviors: e.behaviors,
      matchedRule: rule.name,
      access: actions.access,
      requirement: actions.phishingResistant === 'REQUIRED' ? 'PHISHING_RESISTANT' : actions.requireFactor ? 'ANY_FACTOR' : 'PASSWORD',
      amr: amr.join(' '),
      satisfied: amrSatisfies(amr, actions),
    },
  };
}
