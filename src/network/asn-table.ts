import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { once } from 'node:events';
import { fork } from 'node:child_process';
import { parse } from 'csv-parse/sync';

/** An autonomous system: the network an address belongs to, as the System Log's securityContext names it. */
export type AsnInfo = { asn: number; org: string };

/**
 * IP ranges → AS number and organisation, from the CSV data of `@ip-location-db/asn` (RouteViews and DB-IP,
 * CC BY 4.0), as sorted typed arrays searched by bisection: about 410,000 IPv4 and 100,000 IPv6 ranges in
 * some 15 MB, looked up in microseconds. IPv6 bounds are split into two 64-bit halves.
 */
type Table = {
  orgs: string[];
  v4Start: Uint32Array;
  v4End: Uint32Array;
  v4Asn: Uint32Array;
  v4Org: Uint32Array;
  /** hi, lo of each start, then of each end, interleaved per range: [startHi, startLo, endHi, endLo]. */
  v6Bounds: BigUint64Array;
  v6Asn: Uint32Array;
  v6Org: Uint32Array;
};

export type AsnTable = { lookup(ip: string): AsnInfo | undefined; ranges: number };

const MASK64 = (1n << 64n) - 1n;

function packageDir(): string {
  return dirname(fileURLToPath(import.meta.resolve('@ip-location-db/asn/package.json')));
}

function build(dir: string): Table {
  const orgs: string[] = [];
  const orgIndex = new Map<string, number>();
  const orgOf = (name: string) => {
    let i = orgIndex.get(name);
    if (i === undefined) {
      i = orgs.length;
      orgs.push(name);
      orgIndex.set(name, i);
    }
    return i;
  };
  const v4 = parse(readFileSync(join(dir, 'asn-ipv4-num.csv')), { relax_column_count: true }) as string[][];
  const v4Start = new Uint32Array(v4.length);
  const v4End = new Uint32Array(v4.length);
  const v4Asn = new Uint32Array(v4.length);
  const v4Org = new Uint32Array(v4.length);
  v4.forEach((r, i) => {
    v4Start[i] = Number(r[0]);
    v4End[i] = Number(r[1]);
    v4Asn[i] = Number(r[2]);
    v4Org[i] = orgOf(r[3] ?? '');
  });
  const v6 = parse(readFileSync(join(dir, 'asn-ipv6-num.csv')), { relax_column_count: true }) as string[][];
  const v6Bounds = new BigUint64Array(v6.length * 4);
  const v6Asn = new Uint32Array(v6.length);
  const v6Org = new Uint32Array(v6.length);
  v6.forEach((r, i) => {
    const start = BigInt(r[0] ?? '0');
    const end = BigInt(r[1] ?? '0');
    v6Bounds.set([start >> 64n, start & MASK64, end >> 64n, end & MASK64], i * 4);
    v6Asn[i] = Number(r[2]);
    v6Org[i] = orgOf(r[3] ?? '');
  });
  return { orgs, v4Start, v4End, v4Asn, v4Org, v6Bounds, v6Asn, v6Org };
}

function ipv4ToNumber(ip: string): number {
  const p = ip.split('.').map(Number);
  return (((p[0] as number) * 256 + (p[1] as number)) * 256 + (p[2] as number)) * 256 + (p[3] as number);
}

/** An IPv6 address (any notation, IPv4-mapped included) as a 128-bit integer. */
function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const n = ipv4ToNumber(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function tableLookup(t: Table, ip: string): AsnInfo | undefined {
  if (isIPv4(ip)) {
    const n = ipv4ToNumber(ip);
    let lo = 0;
    let hi = t.v4Start.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((t.v4Start[mid] as number) > n) hi = mid - 1;
      else if ((t.v4End[mid] as number) < n) lo = mid + 1;
      else return { asn: t.v4Asn[mid] as number, org: t.orgs[t.v4Org[mid] as number] ?? '' };
    }
    return undefined;
  }
  if (!isIPv6(ip)) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return tableLookup(t, mapped[1]);
  const n = ipv6ToBigInt(ip);
  const nHi = n >> 64n;
  const nLo = n & MASK64;
  const below = (hi: bigint, lo: bigint) => nHi < hi || (nHi === hi && nLo < lo);
  const above = (hi: bigint, lo: bigint) => nHi > hi || (nHi === hi && nLo > lo);
  let lo = 0;
  let hi = t.v6Asn.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const b = mid * 4;
    if (below(t.v6Bounds[b] as bigint, t.v6Bounds[b + 1] as bigint)) hi = mid - 1;
    else if (above(t.v6Bounds[b + 2] as bigint, t.v6Bounds[b + 3] as bigint)) lo = mid + 1;
    else return { asn: t.v6Asn[mid] as number, org: t.orgs[t.v6Org[mid] as number] ?? '' };
  }
  return undefined;
}

function cacheFile(cacheDir: string): { dir: string; file: string } {
  const dir = packageDir();
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  return { dir, file: join(cacheDir, `asn-${version}.v8`) };
}

/** Builds the cache file from the package's CSV; a no-op when it exists. */
export function buildAsnCache(cacheDir: string): void {
  const { dir, file } = cacheFile(cacheDir);
  if (existsSync(file)) return;
  const table = build(dir);
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, serialize(table));
  renameSync(partial, file);
}

/**
 * The table, from `<cacheDir>/asn-<data version>.v8`, built there first when no earlier start did (a few
 * seconds). The build runs in a child process: parsing half a million CSV rows takes some 300 MB, which
 * goes back to the system when that process ends instead of staying in the server's resident size (a worker
 * thread's heap, freed, stays with the process).
 */
export async function loadAsnTable(cacheDir: string): Promise<AsnTable> {
  const { file } = cacheFile(cacheDir);
  if (!existsSync(file)) {
    const child = fork(fileURLToPath(new URL('./asn-build-process.ts', import.meta.url)), [cacheDir], { stdio: 'ignore' });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0 || !existsSync(file)) throw new Error(`building the ASN table in ${cacheDir} failed`);
  }
  const table = deserialize(readFileSync(file)) as Table;
  return { lookup: (ip) => tableLookup(table, ip), ranges: table.v4Asn.length + table.v6Asn.length };
}
