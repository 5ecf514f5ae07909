import { join } from 'node:path';
import maxmind, { type Reader, type Response } from 'maxmind';
import type { AuditContext } from '#src/syslog/log-event.ts';
import { loadAsnTable, type AsnTable } from './asn-table.ts';

/** Where a request came from, as far as the address tells: its AS and, when the data has it, its country. */
export type NetworkInfo = { ip: string | null; asn: number | null; asOrg: string | null; country: string | null };

/** The network as a System Log event records it (its `securityContext`). */
export function auditNetwork(network: NetworkInfo): NonNullable<AuditContext['network']> {
  return { asNumber: network.asn, asOrg: network.asOrg, country: network.country };
}

type MmdbRecord = Response & {
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
  asn?: number | string;
  as_name?: string;
  country?: { iso_code?: string } | string;
  country_code?: string;
};

/** Reads the fields of the common ASN databases: MaxMind's GeoLite2-ASN, and ipinfo-style country+ASN files. */
function fromMmdb(record: MmdbRecord | null): Omit<NetworkInfo, 'ip'> {
  if (!record) return { asn: null, asOrg: null, country: null };
  const rawAsn = record.autonomous_system_number ?? record.asn;
  const asn = typeof rawAsn === 'number' ? rawAsn : typeof rawAsn === 'string' && /^AS\d+$/i.test(rawAsn) ? Number(rawAsn.slice(2)) : null;
  const country = typeof record.country === 'string' ? record.country : record.country?.iso_code ?? record.country_code ?? null;
  return { asn, asOrg: record.autonomous_system_organization ?? record.as_name ?? null, country };
}

/**
 * IP → network, from the operator's `.mmdb` when configured, else from the bundled range table. The data is
 * opened on first use, not at start: a fresh data dir spends a few seconds indexing the CSV once.
 */
export function createNetworkResolver(opts: { asnDb: string | undefined; dataDir: string }) {
  let source: Promise<{ mmdb: Reader<MmdbRecord> } | { table: AsnTable }> | undefined;
  const open = () => {
    source ??= opts.asnDb !== undefined
      ? maxmind.open<MmdbRecord>(opts.asnDb).then((mmdb) => ({ mmdb }))
      : loadAsnTable(join(opts.dataDir, 'cache')).then((table) => ({ table }));
    return source;
  };
  return async function networkOf(ip: string | null): Promise<NetworkInfo> {
    if (ip === null) return { ip, asn: null, asOrg: null, country: null };
    const s = await open();
    if ('mmdb' in s) return { ip, ...fromMmdb(s.mmdb.get(ip)) };
    const hit = s.table.lookup(ip);
    return { ip, asn: hit?.asn ?? null, asOrg: hit?.org ?? null, country: null };
  };
}

export type NetworkResolver = ReturnType<typeof createNetworkResolver>;
