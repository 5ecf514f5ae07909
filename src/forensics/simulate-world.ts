/**
 * Who and where the simulator's events come from: customer tenants of very different sizes, their people, the
 * networks they sign in from, and the support plane's staff. Everything is derived from the seed by index, so a
 * tenant or a person is the same however many others are drawn and in whatever order.
 */
import { base62, between, chance, pick, prng, sample, subSeed, weighted, type Rand } from '#src/lib/random.ts';

/**
 * Access networks: each an autonomous system with one address block it really announces (taken from the
 * bundled @ip-location-db/asn table), so an address resolves to the AS its event names.
 */
export type Isp = { asn: number; org: string; country: string; first: string; size: number };

const ISPS: readonly Isp[] = [
  { asn: 7922, org: 'Comcast Cable Communications, LLC', country: 'US', first: '73.0.0.0', size: 16_777_216 },
  { asn: 701, org: 'Verizon Business', country: 'US', first: '71.98.0.0', size: 1_900_000 },
  { asn: 7018, org: 'AT&T Enterprises, LLC', country: 'US', first: '99.23.0.0', size: 3_400_000 },
  { asn: 20115, org: 'Charter Communications', country: 'US', first: '75.132.0.0', size: 550_000 },
  { asn: 22773, org: 'Cox Communications Inc.', country: 'US', first: '68.0.0.0', size: 1_048_576 },
  { asn: 209, org: 'CenturyLink Communications, LLC', country: 'US', first: '97.115.0.0', size: 819_200 },
  { asn: 577, org: 'Bell Canada', country: 'CA', first: '142.180.0.0', size: 655_360 },
  { asn: 812, org: 'Rogers Communications Canada Inc.', country: 'CA', first: '99.224.0.0', size: 2_097_152 },
  { asn: 2856, org: 'British Telecommunications PLC', country: 'GB', first: '86.128.0.0', size: 4_194_304 },
  { asn: 5089, org: 'Virgin Media Limited', country: 'GB', first: '86.0.0.0', size: 2_097_152 },
  { asn: 3320, org: 'Deutsche Telekom AG', country: 'DE', first: '79.192.0.0', size: 4_194_304 },
  { asn: 3209, org: 'Vodafone GmbH', country: 'DE', first: '88.64.0.0', size: 1_048_576 },
  { asn: 3215, org: 'Orange S.A.', country: 'FR', first: '90.0.0.0', size: 2_392_064 },
  { asn: 12322, org: 'Free SAS', country: 'FR', first: '82.224.0.0', size: 2_097_152 },
  { asn: 3352, org: 'TELEFONICA DE ESPANA S.A.U.', country: 'ES', first: '83.32.0.0', size: 2_097_152 },
  { asn: 3269, org: 'Telecom Italia S.p.A.', country: 'IT', first: '79.0.0.0', size: 4_194_304 },
  { asn: 1136, org: 'KPN B.V.', country: 'NL', first: '77.160.0.0', size: 1_048_576 },
  { asn: 2119, org: 'Telenor Norge AS', country: 'NO', first: '88.88.0.0', size: 524_288 },
  { asn: 1221, org: 'Telstra Limited', country: 'AU', first: '1.120.0.0', size: 2_621_440 },
];

/** A hosting network that commercial VPNs exit from; the intruder's addresses are one /24 of it. */
export const VPN_ISP: Isp = { asn: 9009, org: 'M247 Europe SRL', country: 'NL', first: '146.70.8.0', size: 53_248 };
export const ATTACKER_CIDR = '146.70.117.0/24';

/** Customer countries, weighted, with a representative UTC offset for working hours. */
const COUNTRIES: readonly (readonly [{ code: string; utcOffset: number }, number])[] = [
  [{ code: 'US', utcOffset: -6 }, 50], [{ code: 'GB', utcOffset: 0 }, 10], [{ code: 'DE', utcOffset: 1 }, 8], [{ code: 'FR', utcOffset: 1 }, 6],
  [{ code: 'CA', utcOffset: -5 }, 6], [{ code: 'AU', utcOffset: 10 }, 5], [{ code: 'NL', utcOffset: 1 }, 4], [{ code: 'ES', utcOffset: 1 }, 4],
  [{ code: 'IT', utcOffset: 1 }, 4], [{ code: 'NO', utcOffset: 1 }, 3],
];

export type Network = { ip: string; asNumber: number; asOrg: string; country: string };

function ipv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

const toNumber = (ip: string): number => ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);

/** An address `offset` into the ISP's block (wrapped into it), never a network or broadcast address. */
export function addressIn(isp: Isp, offset: number): Network {
  const n = toNumber(isp.first) + (offset % isp.size);
  const last = n & 255;
  const ip = ipv4(last === 0 || last === 255 ? n - last + 1 + (last & 1) : n);
  return { ip, asNumber: isp.asn, asOrg: isp.org, country: isp.country };
}

const FIRST = [
  'james', 'mary', 'wei', 'fatima', 'lucas', 'sofia', 'noah', 'amara', 'liam', 'priya', 'mateo', 'yuki', 'oliver', 'chloe', 'arjun', 'elena', 'daniel',
  'grace', 'omar', 'hannah', 'leon', 'ines', 'samuel', 'aisha', 'felix', 'julia', 'marco', 'nora', 'tomas', 'zara', 'ethan', 'laura', 'kenji', 'maya',
  'david', 'emma', 'ali', 'clara', 'victor', 'lea', 'hugo', 'anna', 'ravi', 'ingrid', 'pablo', 'sara', 'jonas', 'mila', 'kofi', 'alice',
];
const LAST = [
  'smith', 'garcia', 'chen', 'muller', 'rossi', 'dubois', 'kowalski', 'nguyen', 'patel', 'jensen', 'silva', 'tanaka', 'brown', 'martin', 'schmidt',
  'lopez', 'wilson', 'moreau', 'kim', 'larsen', 'okafor', 'bianchi', 'fischer', 'hansen', 'ahmed', 'novak', 'taylor', 'romero', 'walsh', 'berg',
  'khan', 'costa', 'murphy', 'weber', 'santos', 'ivanova', 'clarke', 'haddad', 'lindqvist', 'oconnor', 'mendes', 'sato', 'fontaine', 'reyes', 'dekker',
  'evans', 'popescu', 'nakamura', 'horvat', 'quinn',
];
/** Staff names are drawn apart from customers' people: a login like a staff member's in a tenant is a planted near miss, never chance. */
const STAFF_FIRST = ['rosa', 'dmitri', 'aylin', 'bruno', 'keiko', 'tariq', 'freya', 'matteo', 'nadia', 'oskar', 'selin', 'joaquin', 'hana', 'idris', 'vera'];
const STAFF_LAST = ['alvarado', 'brennan', 'castellano', 'dragomir', 'esposito', 'fairweather', 'gallagher', 'hollis', 'iglesias', 'jankowski', 'kearney', 'lombardi', 'marchetti', 'navarro', 'okonkwo'];
const COMPANY_A = [
  'acme', 'northwind', 'bluepeak', 'granite', 'silverline', 'harbor', 'redwood', 'cobalt', 'summit', 'lumen', 'oakridge', 'meridian', 'pioneer', 'vertex',
  'brightwater', 'ironclad', 'evergreen', 'starling', 'copperfield', 'tidewater', 'falcon', 'juniper', 'keystone', 'orchard', 'quartz', 'riverbend',
  'sable', 'trident', 'uplands', 'westgate',
];
const COMPANY_B = [
  'logistics', 'health', 'labs', 'foods', 'capital', 'energy', 'media', 'systems', 'retail', 'insurance', 'legal', 'robotics', 'partners', 'apparel',
  'biotech', 'freight', 'studios', 'analytics', 'holdings', 'dental', 'mining', 'security', 'travel', 'clinics', 'software', 'farms', 'bank', 'motors',
  'homes', 'networks',
];
const APPS = ['Slack', 'Zoom', 'Salesforce', 'Workday', 'GitHub', 'Jira', 'Google Workspace', 'Microsoft 365', 'Box', 'DocuSign', 'ServiceNow', 'Zendesk', 'Tableau', 'Atlassian Confluence'];
const GROUPS = ['Engineering', 'Sales', 'Finance', 'People', 'Support', 'Marketing', 'Operations', 'Legal', 'Contractors', 'IT'];

/** The browsers and apps people really sign in with, early 2022 and later. */
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/97.0.4692.71 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/97.0.4692.71 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.2 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/97.0.4692.71 Safari/537.36 Edg/97.0.1072.62',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:96.0) Gecko/20100101 Firefox/96.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 15_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 12; Pixel 6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/97.0.4692.87 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/97.0.4692.71 Safari/537.36',
];
/** What the intruder's remote desktop session showed: an older browser on a Windows machine. */
export const ATTACKER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.110 Safari/537.36';

export type Factor = { id: string; factorType: 'token:software:totp' | 'webauthn'; provider: 'GOOGLE' | 'FIDO' };

export type Person = {
  id: string;
  login: string;
  firstName: string;
  lastName: string;
  displayName: string;
  network: Network;
  userAgent: string;
  /** The factor the person signs in with, if any. */
  factor: Factor | null;
};

export type App = { id: string; label: string; clientId: string };

export type SimTenant = {
  id: string;
  slug: string;
  name: string;
  domain: string;
  country: string;
  utcOffset: number;
  /** Heavy-tailed: most tenants are small, a few are very large. */
  employees: number;
  office: Isp;
  officeBase: number;
  homeIsps: Isp[];
  apps: App[];
  groups: { id: string; name: string }[];
  /** Super admins are people 0..admins-1; their addresses are the tenant's admin contacts. */
  admins: number;
  /** A help-desk admin (person `admins`), in tenants large enough to have one. */
  helpDesk: boolean;
  /** The tenant pre-approves read-only support requests (docs/support-access.md, "Pre-approval rules"). */
  preApproval: boolean;
  seed: number;
  people: Map<number, Person>;
};

const idOf = (rand: Rand, prefix: string): string => prefix + base62(rand, 17);
const cap = (s: string): string => `${s[0]?.toUpperCase()}${s.slice(1)}`;

/** Pareto(α = 1.2) tenant sizes: a median of about a dozen people, a tail of many thousands. */
function employeesOf(rand: Rand): number {
  const u = 1 - rand();
  return Math.min(25_000, Math.max(3, Math.round(8 * u ** (-1 / 1.2))));
}

/** Tenant `index` of the seed; `usedSlugs` keeps slugs unique across the tenants made so far. */
export function makeTenant(seed: number, index: number, usedSlugs: Set<string>): SimTenant {
  const tenantSeed = subSeed(seed, index);
  const rand = prng(tenantSeed);
  const { code, utcOffset } = weighted(rand, COUNTRIES);
  const local = ISPS.filter((i) => i.country === code);
  const a = pick(rand, COMPANY_A);
  const b = pick(rand, COMPANY_B);
  let n = 1;
  while (usedSlugs.has(n === 1 ? `${a}-${b}` : `${a}-${b}-${n}`)) n++;
  const slug = n === 1 ? `${a}-${b}` : `${a}-${b}-${n}`;
  usedSlugs.add(slug);
  const employees = employeesOf(rand);
  const office = pick(rand, local);
  return {
    id: idOf(rand, '00o'), slug, name: `${cap(a)} ${cap(b)}${n === 1 ? '' : ` ${n}`}`,
    domain: `${slug}.example`, country: code, utcOffset, employees, office, officeBase: Math.floor(rand() * office.size / 256) * 256, homeIsps: local,
    apps: sample(rand, APPS, between(rand, 2, 6)).map((label) => ({ id: idOf(rand, '0oa'), label, clientId: idOf(rand, '0oa') })),
    groups: ['Everyone', ...sample(rand, GROUPS, between(rand, 2, 5))].map((name) => ({ id: idOf(rand, '00g'), name })),
    admins: employees >= 200 ? 3 : employees >= 20 ? 2 : 1,
    helpDesk: employees >= 30,
    preApproval: chance(rand, 0.3),
    seed: tenantSeed,
    people: new Map(),
  };
}

/** Person `i` of a tenant (0 is its first super admin): derived from the tenant and `i` alone, then kept. */
export function personOf(tenant: SimTenant, i: number): Person {
  const known = tenant.people.get(i);
  if (known) return known;
  const rand = prng(subSeed(tenant.seed, i + 1));
  // Person i's name is a bijection of i (first name by i mod 50, last name by i div 50 shifted by the first),
  // turned per tenant: no two people of a tenant share a login.
  const x = i % FIRST.length;
  const y = Math.floor(i / FIRST.length) % LAST.length;
  const first = FIRST[(x * 7 + tenant.seed) % FIRST.length] as string;
  const last = LAST[(y + x * 11 + (tenant.seed >>> 8)) % LAST.length] as string;
  const round = Math.floor(i / (FIRST.length * LAST.length));
  // Three in five work from the office; the rest from home, each from their own address.
  const network = chance(rand, 0.6) ? addressIn(tenant.office, tenant.officeBase + between(rand, 1, 6)) : addressIn(pick(rand, tenant.homeIsps), Math.floor(rand() * 2 ** 31));
  const privileged = i < tenant.admins || (tenant.helpDesk && i === tenant.admins);
  const person: Person = {
    id: idOf(rand, '00u'),
    login: `${first}.${last}${round === 0 ? '' : round + 1}@${tenant.domain}`,
    firstName: cap(first),
    lastName: cap(last),
    displayName: `${cap(first)} ${cap(last)}`,
    network,
    userAgent: pick(rand, AGENTS),
    factor: privileged ? { id: idOf(rand, 'fwf'), factorType: 'webauthn', provider: 'FIDO' }
      : chance(rand, 0.55) ? { id: idOf(rand, 'uft'), factorType: 'token:software:totp', provider: 'GOOGLE' } : null,
  };
  tenant.people.set(i, person);
  return person;
}

/** A person of the tenant other than its admins, more often one of the first (Zipf-like: some people sign in a lot). */
export function memberOf(tenant: SimTenant, rand: Rand): Person {
  const first = tenant.admins + (tenant.helpDesk ? 1 : 0);
  const span = Math.max(1, tenant.employees - first);
  return personOf(tenant, first + Math.min(span - 1, Math.floor(span * rand() ** 2)));
}

export const adminOf = (tenant: SimTenant, rand: Rand): Person => personOf(tenant, Math.floor(rand() * tenant.admins));
export const helpDeskOf = (tenant: SimTenant, rand: Rand): Person => (tenant.helpDesk ? personOf(tenant, tenant.admins) : adminOf(tenant, rand));

/** A member of the cell's support staff: a person of the support plane, working from one of its offices. */
export type Staff = Person & { roles: string[] };

export const SUPPORT_CELL = 'commercial';
const STAFF_DOMAIN = 'bulwark-support.example';
/** The support contractor's two offices. */
const STAFF_OFFICES: readonly Isp[] = [ISPS.find((i) => i.asn === 3352) as Isp, ISPS.find((i) => i.asn === 7922) as Isp];

export function makeStaff(seed: number, count: number): Staff[] {
  const rand = prng(subSeed(seed, 0x5afe));
  const used = new Set<string>();
  const staff: Staff[] = [];
  while (staff.length < count) {
    const firstName = pick(rand, STAFF_FIRST);
    const lastName = pick(rand, STAFF_LAST);
    const login = `${firstName}.${lastName}@${STAFF_DOMAIN}`;
    if (used.has(login)) continue;
    used.add(login);
    const office = STAFF_OFFICES[staff.length % STAFF_OFFICES.length] as Isp;
    staff.push({
      id: idOf(rand, '00u'), login, firstName: cap(firstName), lastName: cap(lastName), displayName: `${cap(firstName)} ${cap(lastName)}`,
      network: addressIn(office, 40_000 + between(rand, 1, 12)), userAgent: pick(rand, AGENTS.slice(0, 5)),
      factor: { id: idOf(rand, 'fwf'), factorType: 'webauthn', provider: 'FIDO' },
      roles: staff.length % 5 === 4 ? ['SENIOR_AGENT'] : ['AGENT'],
    });
  }
  return staff;
}

/** The support plane of the cell: a tenant of its own whose people are the support staff (tenants/service.ts). */
export function makePlane(seed: number): Pick<SimTenant, 'id' | 'slug' | 'name'> {
  const rand = prng(subSeed(seed, 0x91a2e));
  return { id: idOf(rand, '00o'), slug: `staff-${SUPPORT_CELL}`, name: `Support staff (${SUPPORT_CELL})` };
}

/** The intruder's addresses: a handful inside ATTACKER_CIDR. */
export function attackerNetworks(seed: number): Network[] {
  const rand = prng(subSeed(seed, 0xbad));
  const base = toNumber(ATTACKER_CIDR.split('/')[0] as string) - toNumber(VPN_ISP.first);
  return sample(rand, Array.from({ length: 250 }, (_, i) => i + 3), 4).map((o) => addressIn(VPN_ISP, base + o));
}

const HOUR = 3_600_000;

/**
 * A moment in [from, to) when people at `utcOffset` are likely at work: weekdays far more than weekends, office
 * hours far more than nights (rejection sampling against that weight).
 */
export function workTime(rand: Rand, utcOffset: number, from: number, to: number): number {
  for (let i = 0; i < 40; i++) {
    const t = from + rand() * (to - from);
    const local = new Date(t + utcOffset * HOUR);
    const h = local.getUTCHours();
    const day = local.getUTCDay();
    const weight = (day === 0 || day === 6 ? 0.15 : 1) * (h >= 8 && h < 18 ? 1 : h >= 7 && h < 21 ? 0.35 : 0.04);
    if (rand() < weight) return t;
  }
  return from + rand() * (to - from);
}
