/**
 * `bulwark simulate --live`: an incident played through Bulwark's real services on a real tenant, so that what
 * acts on the database (remediation above all) has real users to act on. Users are created and then live
 * `days` days (after a lead-in) on a stepping clock: the IT admin expires and resets passwords and resets
 * factors, users change their expired passwords and set up TOTP, profiles and groups change, and a support
 * staff account used from a VPN host resets passwords and factors under a grant. Every System Log event is
 * written by the service that made the change, in its transaction, with the moment the clock showed.
 *
 * The result is the ground truth: the window, the intruder, what happened to each user, and exactly which users
 * a remediation of "a password or factor changed in the window" must select, by remediation's own definition
 * (PASSWORD_OR_FACTOR_EVENTS, docs/remediation.md).
 */
import type { CaseRow } from '#src/cases/service.ts';
import type { Config } from '#src/config.ts';
import type { Db } from '#src/db/database.ts';
import { createGroup, type GroupRow } from '#src/groups/service.ts';
import { listGroups } from '#src/groups/search.ts';
import { AppError } from '#src/http/errors.ts';
import { manualClock, type Clock } from '#src/lib/clock.ts';
import type { SecretBox } from '#src/lib/secret-box.ts';
import { prng, subSeed } from '#src/lib/random.ts';
import { PASSWORD_OR_FACTOR_EVENTS } from '#src/remediation/criteria.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { assignRole } from '#src/roles/assignments.ts';
import { createTenant, findTenant, isSupportPlane, operatorServiceContext, type TenantRow } from '#src/tenants/service.ts';
import { insertNewUser, lookupUser, passwordHashFor } from '#src/users/service.ts';
import {
  adminContext, adminLifecycle, adminResetFactors, changeOwnExpiredPassword, editProfile, happened, joinGroup, newPassword, pause, setUpTotp, signIn,
  type Happened, type LiveUser, type LiveWorld,
} from './simulate-live-people.ts';
import { LIVE_LIMITS, planLive, type LiveOptions, type LivePlan, type Member, type Story, type Timed } from './simulate-live-plan.ts';
import { intrude, openAdminCase, supportSide, type IntrusionFacts, type SupportSide } from './simulate-live-support.ts';
import { addressIn, ATTACKER_AGENT, attackerNetworks, makeTenant, personOf, type Isp, type Network, type Person, type SimTenant } from './simulate-world.ts';
import { SimulationError } from './simulate.ts';

export { LIVE_DEFAULTS, LIVE_LIMITS, type LiveOptions } from './simulate-live-plan.ts';

export type LiveRequest = {
  slug: string;
  /** Add users and activity to a tenant that exists already; without it, an existing tenant is refused. */
  intoExisting: boolean;
  options: LiveOptions;
};

/** What the simulation needs of the installation: its database and clock (the end of the window), its secrets key and settings. */
export type LiveEnvironment = {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  config: Pick<Config, 'baseDomain' | 'newLocationDays' | 'helpCenterSession'>;
};

export type LiveUserTruth = { id: string; login: string; story: Story; selected: boolean; happened: Happened[] };

export type LiveTruth = {
  mode: 'live';
  seed: number;
  options: { users: number; days: number };
  tenant: { id: string; slug: string; cell: string; created: boolean };
  supportPlane: { id: string; slug: string; created: boolean };
  /** From the first user's creation to the end of the window. */
  period: { start: string; end: string };
  /** The last `days` days, `since` included, `until` excluded: what to ask remediation for. */
  window: { since: string; until: string };
  admin: { id: string; login: string };
  intruder: {
    actorId: string; actorType: 'SupportStaff'; login: string; displayName: string; supportPlane: string;
    ipAddress: string; asNumber: number; asOrg: string; userAgent: string; grantId: string; caseId: string;
  };
  remediation: {
    /** The criterion, as docs/remediation.md defines it: a successful event of these types names the user. */
    criterion: 'passwordOrFactorChange';
    eventTypes: readonly string[];
    /** Exactly the users a dry run over the window selects, sorted (in an existing tenant, besides its own users' changes). */
    users: string[];
  };
  counts: {
    users: number; selected: number; byStory: Partial<Record<Story, number>>;
    /** Users whose password or factors changed only before the window: a dry run must leave them out. */
    changedOnlyBeforeWindow: number;
    /** Users the intruder reset something of (all in the window). */
    intruderVictims: number;
    /** Users with no activity at all. */
    quiet: number;
  };
  users: LiveUserTruth[];
};

const CHANGES: ReadonlySet<string> = new Set(PASSWORD_OR_FACTOR_EVENTS);

/** A hotel's network abroad: the refused enrollment comes from one the account has never signed in from. */
const TRAVEL: readonly Isp[] = [
  { asn: 1221, org: 'Telstra Limited', country: 'AU', first: '1.120.0.0', size: 2_621_440 },
  { asn: 3320, org: 'Deutsche Telekom AG', country: 'DE', first: '79.192.0.0', size: 4_194_304 },
];

/** Whether something that happened selects its user for remediation: a successful password or factor change. */
const changes = (h: Happened) => h.outcome === 'SUCCESS' && h.eventTypes.some((t) => CHANGES.has(t));

function checkOptions(o: LiveOptions): void {
  for (const key of ['users', 'days', 'seed'] as const) {
    const [min, max] = LIVE_LIMITS[key];
    if (!Number.isInteger(o[key]) || o[key] < min || o[key] > max) throw new SimulationError(`${key} must be an integer from ${min} to ${max}, got ${o[key]}`);
  }
}

/** The tenant's address, for recovery links and the passkeys' relying party; plain http only for a local base domain. */
function tenantOriginOf(baseDomain: string, slug: string): string {
  const scheme = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(baseDomain) ? 'http' : 'https';
  return `${scheme}://${slug}.${baseDomain}`;
}

const titleOf = (slug: string) => slug.split('-').map((w) => `${w[0]?.toUpperCase()}${w.slice(1)}`).join(' ');

/** Creates the tenant; a slug it refuses is the operator's to fix. */
async function newTenant(db: Db, clock: Clock, slug: string, adminEmail: string): Promise<TenantRow> {
  try {
    return (await createTenant(db, clock, { slug, name: titleOf(slug), adminEmail })).tenant;
  } catch (err) {
    if (err instanceof AppError && err.status === 400) throw new SimulationError(`tenant "${slug}" cannot be created: ${err.causes.join('; ')}`);
    throw err;
  }
}

/** The user's login, or the first free one like it when an existing tenant already has it. */
async function freeLogin(db: Db, tenantId: string, login: string): Promise<string> {
  const [local, domain] = login.split('@') as [string, string];
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? login : `${local}${n}@${domain}`;
    if (!(await lookupUser(db, tenantId, candidate))) return candidate;
  }
}

/**
 * Runs the simulation. A tenant that exists without `intoExisting`, or options out of range, are refused with a
 * SimulationError before anything is written; `env.clock`'s now is the end of the window.
 */
export async function simulateLive(env: LiveEnvironment, request: LiveRequest): Promise<LiveTruth> {
  const { options } = request;
  checkOptions(options);
  const existing = await findTenant(env.db, request.slug);
  if (existing && isSupportPlane(existing)) throw new SimulationError(`tenant "${request.slug}" is the support plane of the ${existing.cell} cell: its users are support staff; play the simulation on a customer tenant`);
  if (existing && !request.intoExisting) {
    throw new SimulationError(`tenant "${request.slug}" exists; the simulation would add ${options.users} users and their activity to it: give --into-existing to mean that, or name a new tenant`);
  }
  // The offline simulator's first tenant of the seed lends its people: names, home and office networks, browsers, time zone.
  const world = makeTenant(options.seed, 0, new Set());
  world.domain = `${request.slug}.example`;
  const plan = planLive(options, env.clock.now().getTime(), world.utcOffset);
  const clock = manualClock(new Date(plan.start));
  const tenant = existing ?? await newTenant(env.db, clock, request.slug, `it@${world.domain}`);
  const tenantOrigin = tenantOriginOf(env.config.baseDomain, tenant.slug);
  const w: LiveWorld = {
    db: env.db, clock, gaps: prng(subSeed(options.seed, 0x9a95)), secrets: env.secrets, tenant, tenantOrigin,
    rp: { name: tenant.slug, id: new URL(tenantOrigin).hostname, origin: tenantOrigin }, newLocationDays: env.config.newLocationDays,
  };
  const side = await supportSide(w, options.seed);
  const { users, groups } = await createRoster(w, plan, world);
  const admin = users[0] as LiveUser;
  const intruderNetwork = attackerNetworks(options.seed)[0] as Network;
  let intrusion: IntrusionFacts | undefined;
  let kase: CaseRow | undefined;

  for (const step of plan.steps) {
    // Never back: a step that took minutes may run into the moment planned for the next.
    clock.set(new Date(Math.max(clock.now().getTime(), step.at)));
    if (step.kind === 'openCase') kase = await openAdminCase(w, env.config.helpCenterSession, admin);
    else if (step.kind === 'intrusion') {
      if (!kase) throw new Error('simulate --live: the intrusion was planned before its case');
      const victims = step.victims.map((v) => ({ ...v, target: users[v.user] as LiveUser }));
      intrusion = await intrude(w, env.config.helpCenterSession, side, kase, admin, victims, intruderNetwork, ATTACKER_AGENT);
    } else await playStep(w, step, admin, users[step.user] as LiveUser, groups);
  }
  // The plan leaves hours between its last step and the end; were they used up, the truth would not be whole.
  if (clock.now().getTime() >= plan.window.until) throw new Error('simulate --live: the activity ran past the end of the window');
  if (!intrusion) throw new Error('simulate --live: the intruder never came');
  return truthOf({ options, plan, tenant, created: !existing, side, users, intrusion, intruderNetwork });
}

/** One planned step of the tenant's people, through the helpers in simulate-live-people.ts. */
async function playStep(w: LiveWorld, step: Exclude<Timed, { kind: 'openCase' | 'intrusion' }>, admin: LiveUser, user: LiveUser, groups: GroupRow[]): Promise<void> {
  switch (step.kind) {
    case 'signIn':
      await signIn(w, user, user.person.network);
      return;
    case 'expirePassword': return adminLifecycle(w, admin, user, 'expire_password');
    case 'resetPassword': return adminLifecycle(w, admin, user, 'reset_password');
    case 'changeExpiredPassword': return changeOwnExpiredPassword(w, user);
    case 'enrollTotp': return setUpTotp(w, user, step.away ? awayFrom(user.person) : user.person.network, step.activate);
    case 'resetFactors': return adminResetFactors(w, admin, user);
    case 'updateProfile': return editProfile(w, admin, user, step);
    case 'addToGroup': return joinGroup(w, admin, user, groups[step.group] as GroupRow);
  }
}

/** A network in a country the person is not in, on an AS they never use. */
function awayFrom(person: Person): Network {
  const isp = TRAVEL.find((i) => i.country !== person.network.country) as Isp;
  return addressIn(isp, Number.parseInt(person.id.slice(-4), 36));
}

/**
 * The roster: user 0, the IT admin, made by the operator and given SUPER_ADMIN; the admin's groups (found, in an
 * existing tenant); then the other users, made by that admin seconds apart, each in one group. One password for
 * all at first, hashed once: argon2 is slow by design, and a user's creation is the same with any hash
 * (insertNewUser, createUser's own transactional half).
 */
async function createRoster(w: LiveWorld, plan: LivePlan, world: SimTenant): Promise<{ users: LiveUser[]; groups: GroupRow[] }> {
  const operator = operatorServiceContext(w.db, w.clock, w.tenant.id, `simulate-live-${w.tenant.id}`);
  const password = newPassword();
  const hash = await passwordHashFor(w.db, w.tenant.id, password, `users@${world.domain}`) as string;
  const newUser = async (i: number, ctx: ServiceContext, job: { title: string; department: string; groupIds: string[] }): Promise<LiveUser> => {
    pause(w, 5, 40);
    const person = { ...personOf(world, i) };
    person.login = await freeLogin(w.db, w.tenant.id, person.login);
    const profile = { login: person.login, email: person.login, firstName: person.firstName, lastName: person.lastName, title: job.title, department: job.department };
    const row = await w.db.transaction().execute((tx) => insertNewUser(tx, ctx, { profile, activate: true, expirePassword: false, groupIds: job.groupIds }, hash));
    return { row, person, password, log: [] };
  };
  const admin = await newUser(0, operator, { title: 'IT Administrator', department: 'IT', groupIds: [] });
  pause(w, 10, 60);
  await assignRole(operator, admin.row.id, 'SUPER_ADMIN');
  admin.log.push(happened(w, 'assignRole', 'operator', ['user.account.privilege.grant'], 'SUCCESS', 'SUPER_ADMIN'));
  const groups = await tenantGroups(w, admin, plan.groups);
  const users = [admin];
  for (const [i, member] of plan.roster.entries()) {
    if (i === 0) continue;
    const group = groups[member.firstGroup] as GroupRow;
    users.push(await newUser(i, adminContext(w, admin, '/api/v1/users'), { title: member.title, department: group.name, groupIds: [group.id] }));
  }
  return { users, groups };
}

/** The plan's groups, created by the admin, or found by name in an existing tenant. */
async function tenantGroups(w: LiveWorld, admin: LiveUser, names: readonly string[]): Promise<GroupRow[]> {
  const ctx = adminContext(w, admin, '/api/v1/groups');
  const groups: GroupRow[] = [];
  for (const name of names) {
    pause(w, 10, 60);
    groups.push((await listGroups(ctx, { q: name })).groups.find((g) => g.name === name) ?? await createGroup(ctx, { name, description: null }));
  }
  return groups;
}

type Outcome = { options: LiveOptions; plan: LivePlan; tenant: TenantRow; created: boolean; side: SupportSide; users: LiveUser[]; intrusion: IntrusionFacts; intruderNetwork: Network };

/** The ground truth, from what each step did: the users whose password or factor changed in the window are selected. */
function truthOf(o: Outcome): LiveTruth {
  const { since, until } = o.plan.window;
  const inWindow = (h: Happened) => Date.parse(h.at) >= since && Date.parse(h.at) < until;
  const users: LiveUserTruth[] = o.users.map((u, i) => {
    const story = (o.plan.roster[i] as Member).story;
    return { id: u.row.id, login: u.person.login, story, selected: u.log.some((h) => changes(h) && inWindow(h)), happened: u.log };
  });
  const byStory: Partial<Record<Story, number>> = {};
  for (const u of users) byStory[u.story] = (byStory[u.story] ?? 0) + 1;
  const selected = users.filter((u) => u.selected).map((u) => u.id).sort();
  const iso = (t: number) => new Date(t).toISOString();
  return {
    mode: 'live',
    seed: o.options.seed,
    options: { users: o.options.users, days: o.options.days },
    tenant: { id: o.tenant.id, slug: o.tenant.slug, cell: o.tenant.cell, created: o.created },
    supportPlane: { id: o.side.plane.id, slug: o.side.plane.slug, created: o.side.planeCreated },
    period: { start: iso(o.plan.start), end: iso(until) },
    window: { since: iso(since), until: iso(until) },
    admin: { id: (o.users[0] as LiveUser).row.id, login: (o.users[0] as LiveUser).person.login },
    intruder: {
      actorId: o.side.staff.id, actorType: 'SupportStaff', login: String(o.side.staff.profile['login']), displayName: o.side.person.displayName, supportPlane: o.side.plane.cell,
      ipAddress: o.intruderNetwork.ip, asNumber: o.intruderNetwork.asNumber, asOrg: o.intruderNetwork.asOrg, userAgent: ATTACKER_AGENT, ...o.intrusion,
    },
    remediation: { criterion: 'passwordOrFactorChange', eventTypes: PASSWORD_OR_FACTOR_EVENTS, users: selected },
    counts: {
      users: users.length,
      selected: selected.length,
      byStory,
      changedOnlyBeforeWindow: users.filter((u) => !u.selected && u.happened.some(changes)).length,
      intruderVictims: users.filter((u) => u.happened.some((h) => h.by === 'intruder')).length,
      quiet: users.filter((u) => u.happened.length === 0).length,
    },
    users,
  };
}
