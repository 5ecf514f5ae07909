import { BlockList, isIP } from 'node:net';
import type { Db, Executor, Tx } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import type { NetworkInfo } from '#src/network/resolver.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { LogTarget } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { countZones, deleteZoneRow, findZone, listZoneRows, saveZone, type Gateway, type ZoneRow } from './store.ts';

export type { Gateway, ZoneRow };

/** Enough for any real network plan; the list is read whole on every sign-in that a rule with zones judges. */
export const MAX_ZONES = 100;

export type ZoneInput = {
  type: 'IP' | 'DYNAMIC';
  name: string;
  gateways?: Gateway[] | null;
  asns?: string[] | null;
  locations?: { country: string }[] | null;
};

const bad = (cause: string) => OktaErrors.validation('zone', [cause]);

/** Adds a CIDR (`10.0.0.0/8`) or range (`10.0.0.1-10.0.0.9`) to `list`; false when it is not a valid one. */
function addGateway(list: BlockList, g: Gateway): boolean {
  try {
    if (g.type === 'CIDR') {
      const [address = '', bits = '', extra] = g.value.split('/');
      const family = isIP(address);
      const prefix = Number(bits);
      if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) return false;
      list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
      return true;
    }
    const [start = '', end = '', extra] = g.value.split('-');
    const family = isIP(start);
    if (family === 0 || isIP(end) !== family || extra !== undefined) return false;
    list.addRange(start, end, family === 4 ? 'ipv4' : 'ipv6');
    return true;
  } catch {
    // BlockList refuses a range that ends before it starts.
    return false;
  }
}

/**
 * A BlockList of CIDR blocks (`10.0.0.0/8`, `2001:db8::/32`), or the first value that is not one (for others
 * that match addresses against ranges: the admin session's network allow-list).
 */
export function cidrList(values: readonly string[]): { list: BlockList } | { invalid: string } {
  const list = new BlockList();
  const invalid = values.find((value) => !addGateway(list, { type: 'CIDR', value }));
  return invalid === undefined ? { list } : { invalid };
}

/** Checks a zone as a client sent it and puts it in the stored shape. */
function normalise(input: ZoneInput): Pick<ZoneRow, 'type' | 'name' | 'gateways' | 'asns' | 'countries'> {
  if (input.type === 'IP') {
    const gateways = input.gateways ?? [];
    if (gateways.length === 0) throw bad('gateways: an IP zone needs at least one CIDR or range');
    const invalid = gateways.find((g) => !addGateway(new BlockList(), g));
    if (invalid) throw bad(`gateways: ${invalid.value} is not a valid ${invalid.type === 'CIDR' ? 'CIDR block' : 'address range'}`);
    if (input.asns?.length || input.locations?.length) throw bad('asns, locations: only DYNAMIC zones have them');
    return { type: 'IP', name: input.name, gateways, asns: [], countries: [] };
  }
  const asns = [...new Set(input.asns ?? [])];
  const countries = [...new Set((input.locations ?? []).map((l) => l.country))];
  if (asns.length === 0 && countries.length === 0) throw bad('asns, locations: a DYNAMIC zone needs at least one ASN or country');
  if (input.gateways?.length) throw bad('gateways: only IP zones have them');
  return { type: 'DYNAMIC', name: input.name, gateways: [], asns, countries };
}

/**
 * Whether a request from `network` is in the zone. An IP zone matches its addresses; a DYNAMIC zone matches
 * when each kind of condition it sets matches (any of its ASNs, and any of its countries), as Okta's do.
 */
export function inZone(zone: ZoneRow, network: NetworkInfo): boolean {
  if (zone.type === 'IP') {
    const family = network.ip === null ? 0 : isIP(network.ip);
    if (family === 0) return false;
    const list = new BlockList();
    for (const g of zone.gateways) addGateway(list, g);
    return list.check(network.ip as string, family === 4 ? 'ipv4' : 'ipv6');
  }
  const asnOk = zone.asns.length === 0 || (network.asn !== null && zone.asns.includes(String(network.asn)));
  const countryOk = zone.countries.length === 0 || (network.country !== null && zone.countries.includes(network.country));
  return asnOk && countryOk;
}

export function zoneTarget(z: Pick<ZoneRow, 'id' | 'name' | 'type'>): LogTarget {
  return { alternateId: 'unknown', detailEntry: { zoneType: z.type }, displayName: z.name, id: z.id, type: 'NetworkZone' };
}

export function listZones(db: Executor, tenantId: string): Promise<ZoneRow[]> {
  return listZoneRows(db, tenantId);
}

export async function getZone(db: Executor, tenantId: string, id: string): Promise<ZoneRow> {
  const zone = await findZone(db, tenantId, id);
  if (!zone) throw OktaErrors.notFound(`${id} (Zone)`);
  return zone;
}

const nameTaken = () => bad('name: A network zone with this name already exists');
const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

async function saving<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

export function createZone(ctx: ServiceContext, input: ZoneInput): Promise<ZoneRow> {
  const fields = normalise(input);
  return saving(ctx.db.transaction().execute(async (tx) => {
    if ((await countZones(tx, ctx.tenantId)) >= MAX_ZONES) throw bad(`zones: a tenant has at most ${MAX_ZONES} network zones`);
    const now = ctx.clock.now();
    const zone: ZoneRow = { id: newId('nzo'), status: 'ACTIVE', ...fields, created: now, lastUpdated: now };
    await saveZone(tx, ctx.tenantId, zone);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{ eventType: 'zone.create', displayMessage: 'Create network zone', target: [zoneTarget(zone)] }]);
    return zone;
  }));
}

async function lockZone(tx: Tx, tenantId: string, id: string): Promise<ZoneRow> {
  const zone = await findZone(tx, tenantId, id, true);
  if (!zone) throw OktaErrors.notFound(`${id} (Zone)`);
  return zone;
}

/** Replaces a zone's definition (Okta's PUT); its type cannot change. */
export function replaceZone(ctx: ServiceContext, id: string, input: ZoneInput): Promise<ZoneRow> {
  const fields = normalise(input);
  return saving(ctx.db.transaction().execute(async (tx) => {
    const before = await lockZone(tx, ctx.tenantId, id);
    if (before.type !== fields.type) throw bad(`type: a zone's type cannot change (it is ${before.type})`);
    const after: ZoneRow = { ...before, ...fields, lastUpdated: ctx.clock.now() };
    await saveZone(tx, ctx.tenantId, after);
    const shape = (z: ZoneRow) => ({ name: z.name, gateways: z.gateways, asns: z.asns, countries: z.countries });
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: 'zone.update', displayMessage: 'Update network zone', target: [{ ...zoneTarget(after), changeDetails: { from: shape(before), to: shape(after) } }],
    }]);
    return after;
  }));
}

/**
 * Deletes a zone or changes its status. `beforeDelete` refuses to delete a zone a sign-on rule names (the
 * rule would silently change meaning); such a zone may still be deactivated, which makes it match nothing.
 */
export async function changeZone(ctx: ServiceContext, id: string, op: 'delete' | 'activate' | 'deactivate', beforeDelete: (tx: Tx) => Promise<void>): Promise<ZoneRow> {
  return ctx.db.transaction().execute(async (tx) => {
    const zone = await lockZone(tx, ctx.tenantId, id);
    const now = ctx.clock.now();
    if (op === 'delete') {
      await beforeDelete(tx);
      await deleteZoneRow(tx, ctx.tenantId, id);
      await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{ eventType: 'zone.delete', displayMessage: 'Delete network zone', target: [zoneTarget(zone)] }]);
      return zone;
    }
    const status = op === 'activate' ? 'ACTIVE' : 'INACTIVE';
    if (zone.status === status) return zone;
    const after: ZoneRow = { ...zone, status, lastUpdated: now };
    await saveZone(tx, ctx.tenantId, after);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: `zone.${op}`, displayMessage: op === 'activate' ? 'Activate network zone' : 'Deactivate network zone', target: [zoneTarget(after)],
    }]);
    return after;
  });
}

/** The tenant's zones by id, for judging rules' network conditions. */
export async function zonesById(db: Db | Tx, tenantId: string): Promise<Map<string, ZoneRow>> {
  return new Map((await listZoneRows(db, tenantId)).map((z) => [z.id, z]));
}
