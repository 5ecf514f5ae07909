/**
 * What `bulwark simulate --live` will do, decided before anything is done: who each of the users is (their
 * story), and every step of activity with its time. Who does what, and whether it falls in the window or before
 * it, is drawn from the seed alone; only the exact moments depend on when the simulation runs (working hours
 * are local times), each story drawing them from a stream of its own. So the same seed gives the same shape on
 * any day, however the moments fall.
 */
import { between, chance, pick, prng, sample, subSeed, type Rand } from '#src/lib/random.ts';
import { workTime } from './simulate-world.ts';

export type LiveOptions = { users: number; days: number; seed: number };

export const LIVE_DEFAULTS: LiveOptions = { users: 40, days: 5, seed: 1 };
/** Twenty users hold every story; 200 take about 9 s (the password operations, argon2, are slow by design), 500 under a minute. */
export const LIVE_LIMITS = { users: [20, 500], days: [1, 31], seed: [0, 4_294_967_295] } as const;
/** Days of activity before the window, so that changes there can be told apart from those in it. */
export const LEAD_DAYS = 2;

/**
 * - `admin`: user 0, the tenant's IT admin (SUPER_ADMIN), who does the admins' work below;
 * - `victim`: the intruder resets their password, their factors or both, in the window;
 * - `selfChange`: the admin expires their password, they sign in and choose a new one;
 * - `adminReset`: the admin resets their password (Okta's reset_password);
 * - `enroll`: they set up TOTP; `abandonedEnroll`: they start to and never finish (a pending factor);
 * - `lostPhone`: they set up TOTP, and later the admin resets their factors;
 * - `refusedEnroll`: they try to add TOTP from a network their account never used, and are refused;
 * - `noise`: profile changes, groups and sign-ins only; `quiet`: nothing at all.
 */
export type Story = 'admin' | 'victim' | 'selfChange' | 'adminReset' | 'enroll' | 'abandonedEnroll' | 'lostPhone' | 'refusedEnroll' | 'noise' | 'quiet';

/** Where a story's changes fall: before the window, or in it. */
export type When = 'before' | 'in';

export type Victim = { user: number; password: boolean; factors: boolean };

/** One step of activity; `user` is the index of a user of the roster. */
export type Step =
  | { kind: 'signIn'; user: number; away: boolean }
  | { kind: 'expirePassword'; user: number }
  | { kind: 'changeExpiredPassword'; user: number }
  | { kind: 'resetPassword'; user: number }
  | { kind: 'enrollTotp'; user: number; activate: boolean; away: boolean }
  | { kind: 'resetFactors'; user: number }
  | { kind: 'updateProfile'; user: number; self: boolean; attribute: 'title' | 'mobilePhone'; value: string }
  | { kind: 'addToGroup'; user: number; group: number }
  | { kind: 'openCase' }
  | { kind: 'intrusion'; victims: Victim[] };

export type Timed = Step & { at: number };

export type Member = { story: Story; when: When | null; firstGroup: number; title: string };

export type LivePlan = {
  start: number;
  /** `[since, until)`: the last `days` days. */
  window: { since: number; until: number };
  roster: Member[];
  groups: readonly string[];
  steps: Timed[];
};

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;

const GROUP_NAMES = ['Engineering', 'Sales', 'Finance', 'People'] as const;
const TITLES = ['Engineer', 'Senior Engineer', 'Account Executive', 'Analyst', 'Recruiter', 'Designer', 'Product Manager', 'Controller', 'Support Specialist'];

/** How many users each story gets, from the size of the tenant; the rest are noise. */
function storyCounts(users: number): [Story, number][] {
  const share = (p: number, min: number) => Math.max(min, Math.round(users * p));
  return [
    ['victim', Math.min(25, share(0.1, 2))], ['selfChange', share(0.1, 2)], ['adminReset', share(0.075, 2)], ['enroll', share(0.1, 2)],
    ['abandonedEnroll', 1], ['lostPhone', share(0.05, 2)], ['refusedEnroll', 1], ['quiet', share(0.1, 1)],
  ];
}

/** A third of each story whose changes may fall either side (at least one) happens before the window. */
const STORIES_BEFORE: ReadonlySet<Story> = new Set(['selfChange', 'adminReset', 'enroll', 'lostPhone']);

/**
 * Plans `options.days` days of activity ending at `until` (exclusive), after LEAD_DAYS of lead-in, for
 * `options.users` users: their stories, then each story's steps, the intruder's visit and the noise.
 */
export function planLive(options: LiveOptions, until: number, utcOffset: number): LivePlan {
  const { users, days, seed } = options;
  const since = until - days * DAY;
  const start = since - LEAD_DAYS * DAY;
  const shape = prng(subSeed(seed, 0x11fe));
  let stream = 0;
  const timing = (): Rand => prng(subSeed(seed, 0x7100 + stream++));

  // Stories, dealt to users 1..N-1 in a seeded order.
  const order = sample(shape, Array.from({ length: users - 1 }, (_, i) => i + 1), users - 1);
  const roster: Member[] = Array.from({ length: users }, (_, i) => ({
    story: i === 0 ? 'admin' : 'noise', when: null, firstGroup: between(shape, 0, GROUP_NAMES.length - 1), title: pick(shape, TITLES),
  }));
  let next = 0;
  for (const [story, count] of storyCounts(users)) {
    const before = STORIES_BEFORE.has(story) ? Math.max(1, Math.floor(count / 3)) : 0;
    for (let k = 0; k < count; k++) {
      const member = roster[order[next++] as number] as Member;
      member.story = story;
      member.when = story === 'quiet' ? null : k < before ? 'before' : 'in';
    }
  }

  const setupEnd = start + 3 * HOUR;
  const lead = { from: setupEnd + HOUR, to: since - 2 * HOUR };
  const inWindow = { from: since + HOUR, to: until - 6 * HOUR };
  const steps: Timed[] = [];
  const at = (t: number, step: Step) => steps.push({ ...step, at: Math.round(t) });
  /** A moment at work in [from, to). */
  const during = (rand: Rand, from: number, to: number) => workTime(rand, utcOffset, from, to);
  /** A sign-in from the usual network some hours before `t`, so that a factor added at `t` comes from a known one. */
  const signedInBefore = (rand: Rand, user: number, t: number) => at(Math.max(setupEnd, t - between(rand, 30, 20 * 60) * MINUTE), { kind: 'signIn', user, away: false });
  /** Sets up TOTP at a time in the lead-in with room after it, and returns that time. */
  const enrolledInLead = (rand: Rand, user: number): number => {
    const t = during(rand, lead.from + 20 * HOUR, lead.to - 8 * HOUR);
    signedInBefore(rand, user, t);
    at(t, { kind: 'enrollTotp', user, activate: true, away: false });
    return t;
  };

  const victims: Victim[] = [];
  roster.forEach((m, user) => {
    const rand = timing();
    const span = m.when === 'before' ? lead : inWindow;
    const t = during(rand, span.from, span.to - 6 * HOUR);
    switch (m.story) {
      case 'selfChange':
        at(t, { kind: 'expirePassword', user });
        at(t + between(rand, 10, 300) * MINUTE, { kind: 'changeExpiredPassword', user });
        break;
      case 'adminReset':
        at(t, { kind: 'resetPassword', user });
        break;
      case 'enroll':
      case 'abandonedEnroll':
        signedInBefore(rand, user, t);
        at(t, { kind: 'enrollTotp', user, activate: m.story === 'enroll', away: false });
        break;
      case 'lostPhone': {
        const enrolled = enrolledInLead(rand, user);
        at(m.when === 'before' ? enrolled + between(rand, 60, 360) * MINUTE : t, { kind: 'resetFactors', user });
        break;
      }
      case 'refusedEnroll':
        at(during(rand, lead.from, lead.to), { kind: 'signIn', user, away: false });
        at(t, { kind: 'enrollTotp', user, activate: true, away: true });
        break;
      case 'victim': {
        // Every third loses their factors only, the next their password only, the third both; those who lose
        // factors had set up TOTP before the window.
        const kind = victims.length % 3;
        const factors = kind !== 1;
        if (factors) enrolledInLead(rand, user);
        victims.push({ user, password: kind !== 0, factors });
        break;
      }
      default:
        break;
    }
  });

  // The intruder: a customer's case opened in the window, then one visit with a grant, working down the victims.
  const visit = timing();
  const opened = during(visit, inWindow.from, inWindow.to - 4 * HOUR);
  at(opened, { kind: 'openCase' });
  at(opened + between(visit, 20, 120) * MINUTE, { kind: 'intrusion', victims: sample(shape, victims, victims.length) });

  // Noise: profile changes by the admin or the user, group memberships, and sign-ins of the noise-only users. Each
  // user's new groups, titles and phone numbers are all different, so each step changes something whatever
  // order the moments put them in.
  const noise = prng(subSeed(seed, 0x401e));
  const noiseTime = timing();
  const active = roster.flatMap((m, user) => (m.story === 'quiet' ? [] : [user]));
  const signers = roster.flatMap((m, user) => (m.story === 'noise' ? [user] : []));
  const joined = roster.map((m) => new Set([m.firstGroup]));
  const titles = roster.map((m) => new Set([m.title]));
  const phones = roster.map(() => new Set<string>());
  for (let i = Math.round(users * (days + LEAD_DAYS) * 0.15); i > 0; i--) {
    const user = pick(noise, active);
    const t = during(noiseTime, lead.from, inWindow.to);
    const groups = joined[user] as Set<number>;
    const used = (roster[user]?.story === 'noise' && chance(noise, 0.4) ? phones : titles)[user] as Set<string>;
    if (chance(noise, 0.4) && groups.size < GROUP_NAMES.length) {
      const group = pick(noise, GROUP_NAMES.map((_, g) => g).filter((g) => !groups.has(g)));
      groups.add(group);
      at(t, { kind: 'addToGroup', user, group });
    } else if (used === phones[user]) {
      // Users change their own profile only while they can sign in: the noise-only users, whose password stays.
      const value = `+1 555 01${String(between(noise, 0, 99)).padStart(2, '0')}`;
      if (used.has(value)) continue;
      used.add(value);
      at(t, { kind: 'updateProfile', user, self: true, attribute: 'mobilePhone', value });
    } else {
      const left = TITLES.filter((title) => !used.has(title));
      if (left.length === 0) continue;
      const value = pick(noise, left);
      used.add(value);
      at(t, { kind: 'updateProfile', user, self: false, attribute: 'title', value });
    }
  }
  for (let i = Math.min(60, Math.round(signers.length * 0.5)); i > 0; i--) at(during(noiseTime, lead.from, inWindow.to), { kind: 'signIn', user: pick(noise, signers), away: false });

  // Stable for equal times: a story's own steps keep their order.
  steps.sort((a, b) => a.at - b.at);
  return { start, window: { since, until }, roster, groups: GROUP_NAMES, steps };
}
