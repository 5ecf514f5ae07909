import { createHash, randomBytes } from 'node:crypto';

/**
 * A download's watermark: 64 random bits, stored with the download, from which everything it puts in the file
 * follows (so reconciliation can put the very same into a re-created file).
 *  - The marker: the bits as zero-width characters between two invisible separators, after the header's first
 *    label. Spreadsheets show nothing; the text keeps it through copy and paste.
 *  - The canary row: a plausible person who does not exist, placed among the real rows by its creation time.
 *    Its email address is stored with the download, so a leaked copy without its header still names it.
 */
export const newWatermark = (): string => randomBytes(8).toString('hex');

const SEPARATOR = '\u2063';
const ZERO = '\u200b';
const ONE = '\u200c';
const MARKER = new RegExp(`${SEPARATOR}([${ZERO}${ONE}]{64})${SEPARATOR}`, 'u');

export function markerOf(watermark: string): string {
  const bits = BigInt(`0x${watermark}`).toString(2).padStart(64, '0');
  return SEPARATOR + [...bits].map((b) => (b === '1' ? ONE : ZERO)).join('') + SEPARATOR;
}

/** The watermark a marker in `text` carries, if there is one. */
export function markerIn(text: string): string | undefined {
  const found = MARKER.exec(text)?.[1];
  if (found === undefined) return undefined;
  const bits = [...found].map((c) => (c === ONE ? '1' : '0')).join('');
  return BigInt(`0b${bits}`).toString(16).padStart(16, '0');
}

const FIRST = ['Avery', 'Jordan', 'Morgan', 'Riley', 'Casey', 'Quinn', 'Rowan', 'Emerson', 'Harper', 'Reese', 'Sawyer', 'Finley', 'Hayden', 'Parker', 'Sage', 'Blair',
  'Elliot', 'Kendall', 'Logan', 'Marlow', 'Noel', 'Peyton', 'Remy', 'Shay', 'Tatum', 'Dana', 'Ari', 'Jules', 'Kai', 'Lane', 'Reagan', 'Skyler'];
const LAST = ['Whitlock', 'Ashford', 'Calloway', 'Denholm', 'Ellery', 'Fairbank', 'Galloway', 'Hollis', 'Iverson', 'Kettering', 'Lockhart', 'Merriweather', 'Northcott',
  'Oakley', 'Pemberton', 'Radcliffe', 'Sinclair', 'Thornbury', 'Underhill', 'Vance', 'Wexley', 'Yardley', 'Ainsworth', 'Blakemore', 'Carrow', 'Dunmore', 'Everly',
  'Fenwick', 'Granger', 'Holloway', 'Kingsley', 'Lindqvist'];
/** Domains reserved for documentation (RFC 2606): mail to a canary reaches no one. */
const DOMAINS = ['example.com', 'example.net', 'example.org'];
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Where the canary goes and what it looks like depends on the rows it joins (their span of creation times). */
export type CanaryContext = { asOf: Date; minCreated: Date | null; maxCreated: Date | null; companyName: string | null };

/** The canary's values by field name, its sort keys, and its email address. */
export type Canary = { values: Record<string, string | null>; created: Date; id: string; email: string };

function stream(watermark: string): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`${watermark}:${counter++}`).digest().readUInt32BE(0);
}

/** As bulwark_sheet_time writes a time: UTC, to the second. */
const sheetTime = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');

export function canaryOf(watermark: string, context: CanaryContext): Canary {
  const next = stream(watermark);
  const first = FIRST[next() % FIRST.length] as string;
  const last = LAST[next() % LAST.length] as string;
  const tag = Array.from({ length: 5 }, () => BASE32[next() % 32]).join('');
  const email = `${first}.${last}.${tag}@${DOMAINS[next() % DOMAINS.length]}`.toLowerCase();
  const earliest = context.minCreated?.getTime() ?? context.asOf.getTime() - 30 * 86_400_000;
  const latest = context.maxCreated?.getTime() ?? context.asOf.getTime();
  const created = new Date(Math.floor((earliest + (next() / 2 ** 32) * Math.max(0, latest - earliest)) / 1000) * 1000);
  const lastLogin = new Date(Math.floor((created.getTime() + (next() / 2 ** 32) * Math.max(0, context.asOf.getTime() - created.getTime())) / 1000) * 1000);
  const subject = `00u${Array.from({ length: 17 }, () => BASE32[next() % 32]).join('')}`;
  return {
    email,
    created,
    id: `hcu${watermark}`,
    values: {
      created: sheetTime(created), lastLogin: sheetTime(lastLogin), fullName: `${first} ${last}`, username: null, email, companyName: context.companyName,
      userType: 'Customer', address: null, lastPasswordChange: null, roleName: null, roleDescription: null, phone: null, mobilePhone: null, timeZone: null,
      federationId: subject,
    },
  };
}

const CANARY_EMAIL = /\b[a-z]+\.[a-z]+\.[a-z2-7]{5}@example\.(?:com|net|org)\b/gu;

/** The addresses in `text` that could be canaries (the shape canaryOf gives them). */
export function canaryEmailsIn(text: string): string[] {
  return [...new Set(text.toLowerCase().match(CANARY_EMAIL) ?? [])];
}
