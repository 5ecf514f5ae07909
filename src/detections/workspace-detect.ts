/**
 * The detection engine over an investigation workspace (`bulwark detect --workspace`): the imported events in
 * published order, read from DuckDB chunk by chunk, and the alerts kept in the workspace's `alerts` table.
 */
import type { Workspace } from '#src/forensics/workspace.ts';
import type { Alert, DetectionEvent } from './alert.ts';
import type { Engine } from './engine.ts';
import { createAlertsTable, eventsInOrder, insertAlerts, type WindowFilter } from './workspace-store.ts';

export type WorkspaceDetection = { events: number; alerts: Alert[]; stored: number; seconds: number };

export async function detectInWorkspace(ws: Workspace, engine: Engine, window: WindowFilter, now: Date): Promise<WorkspaceDetection> {
  const began = performance.now();
  await createAlertsTable(ws.connection);
  const alerts: Alert[] = [];
  let events = 0;
  for await (const rows of eventsInOrder(ws.connection, window)) {
    const batch: DetectionEvent[] = rows.map(([tenant, time, text]) => ({ tenant, time, event: JSON.parse(text) as Record<string, unknown> }));
    events += batch.length;
    for (const alert of engine.process(batch)) alerts.push(alert);
  }
  const stored = await insertAlerts(ws.connection, alerts, now);
  return { events, alerts, stored, seconds: (performance.now() - began) / 1000 };
}
