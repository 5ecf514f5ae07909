/**
 * Where a simulation goes: into an investigation workspace, each event with its tenant (the one staging path,
 * staging.ts), or into an NDJSON file of one tenant's log, as `bulwark logs export` writes it.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { ingestEvents, type Counts, type TenantEvent } from './staging.ts';
import type { Simulation } from './simulate.ts';
import { saveTenants } from './tenant-directory.ts';
import type { Workspace } from './workspace.ts';

/** The `imports` row the simulation is recorded under: enough to run it again. */
function simulationLabel(sim: Simulation): string {
  const o = sim.options;
  return `bulwark simulate --scenario ${o.scenario} --tenants ${o.tenants} --events ${o.events} --touched ${o.touched} --days ${o.days} --start ${o.start.toISOString()} --seed ${o.seed}`;
}

function* serialized(sim: Simulation): Generator<TenantEvent> {
  for (const e of sim.events()) yield { tenant: e.tenant, event: JSON.stringify(e.event) };
}

/** Writes every event of the simulation into the workspace, in one transaction, and who its tenants are. */
export async function writeToWorkspace(ws: Workspace, sim: Simulation): Promise<Counts> {
  const counts = await ingestEvents(ws, simulationLabel(sim), 'simulated', serialized(sim));
  await saveTenants(ws.connection, sim.truth.tenants.map((t) => ({
    tenant: t.id, name: `${t.name} (${t.slug})`, contacts: t.adminContacts.map((email) => ({ name: null, email })), supportPlane: t.supportPlane,
  })));
  return counts;
}

/** Writes the events of one tenant's log as NDJSON (mode 0600: it holds people's names); returns how many. */
export async function writeTenantNdjson(file: string, sim: Simulation, tenant: string): Promise<number> {
  const out = createWriteStream(file, { mode: 0o600 });
  const failed = once(out, 'error').then(([err]) => Promise.reject(err as Error));
  failed.catch(() => {});
  let written = 0;
  let chunk = '';
  for (const e of sim.events()) {
    if (e.tenant !== tenant) continue;
    chunk += `${JSON.stringify(e.event)}\n`;
    written++;
    if (chunk.length >= 1 << 20) {
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
      chunk = '';
    }
  }
  out.end(chunk);
  await Promise.race([once(out, 'finish'), failed]);
  return written;
}
