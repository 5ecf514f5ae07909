/**
 * The live System Log as an investigation source: the events of the incident's window, of every tenant or of
 * the ones named, copied from PostgreSQL into a workspace (in memory for one investigation, or a file to keep),
 * with each tenant's name and admins. Investigating a copy keeps the analytical scans off the database that
 * serves sign-ins, and the questions are asked in one SQL dialect whatever the source (ADR 0006).
 */
import type { Db } from '#src/db/database.ts';
import { activeAdminContacts } from '#src/roles/service.ts';
import { eachEventInWindow } from '#src/syslog/query.ts';
import { isSupportPlane, listTenants } from '#src/tenants/service.ts';
import { stageSource, type Counts } from './staging.ts';
import { saveTenants, type TenantEntry } from './tenant-directory.ts';
import type { Workspace } from './workspace.ts';

const BATCH = 5_000;
/** PostgreSQL takes at most 65,535 parameters a statement; admin lookups go in slices well below. */
const CONTACT_SLICE = 5_000;

export type LiveCopy = Counts & { tenants: number };

/** Copies the live events published in [since, until) into `ws`, tenant by id; `tenantIds` null: all tenants. */
export async function copyLiveWindow(db: Db, ws: Workspace, since: Date, until: Date, tenantIds: readonly string[] | null): Promise<LiveCopy> {
  let line = 0;
  const counts = await stageSource(ws, { sourceFile: `live System Log ${since.toISOString()}/${until.toISOString()}`, format: 'bulwark', tenant: null }, (stager) =>
    eachEventInWindow(db, since, until, tenantIds, BATCH, async (rows) => {
      for (const r of rows) stager.record(++line, r.event, r.tenant_id);
      await stager.settle();
    }));
  const wanted = tenantIds === null ? null : new Set(tenantIds);
  const tenants = (await listTenants(db)).filter((t) => wanted === null || wanted.has(t.id));
  const contacts = new Map<string, TenantEntry['contacts']>();
  for (let i = 0; i < tenants.length; i += CONTACT_SLICE) {
    for (const c of await activeAdminContacts(db, tenants.slice(i, i + CONTACT_SLICE).map((t) => t.id))) {
      const list = contacts.get(c.tenant_id) ?? [];
      list.push({ name: c.name, email: c.email });
      contacts.set(c.tenant_id, list);
    }
  }
  await saveTenants(ws.connection, tenants.map((t) => ({ tenant: t.id, name: `${t.name} (${t.slug})`, contacts: contacts.get(t.id) ?? [], supportPlane: isSupportPlane(t) })));
  return { ...counts, tenants: tenants.length };
}
