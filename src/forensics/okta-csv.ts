/**
 * Okta's CSV export flattens a LogEvent into dotted column names (`actor.alternateId`,
 * `client.geographicalContext.country`); targets, a list, appear as `target.0.id` or `target[0].id`. This
 * turns one CSV record back into the nested LogEvent, so a CSV import stores the same shape an NDJSON import
 * does. Empty cells are absent fields. A column holding a whole JSON object or array (some tools write `target`
 * that way) is parsed.
 */

/** Fields the LogEvent schema types as numbers or booleans; CSV cells are all text. */
const NUMBERS = new Set(['securityContext.asNumber', 'client.geographicalContext.geolocation.lat', 'client.geographicalContext.geolocation.lon', 'authenticationContext.authenticationStep']);
const BOOLEANS = new Set(['securityContext.isProxy']);

function typed(column: string, value: string): unknown {
  if (NUMBERS.has(column) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (BOOLEANS.has(column) && (value === 'true' || value === 'false')) return value === 'true';
  if ((value.startsWith('{') && value.endsWith('}')) || (value.startsWith('[') && value.endsWith(']'))) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

/** `target[0].id` and `target.0.id` alike become ['target', 0, 'id']. */
function pathOf(column: string): (string | number)[] {
  return column.replace(/\[(\d+)\]/g, '.$1').split('.').filter((p) => p !== '').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

type Node = Record<string | number, unknown>;

export function csvRecordToEvent(record: Record<string, string>): Record<string, unknown> {
  const event: Node = {};
  for (const [column, value] of Object.entries(record)) {
    if (value === '' || value === undefined) continue;
    const path = pathOf(column.trim());
    if (path.length === 0) continue;
    let node: Node = event;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i] as string | number;
      const nextIsIndex = typeof path[i + 1] === 'number';
      if (node[key] === null || typeof node[key] !== 'object') node[key] = nextIsIndex ? [] : {};
      node = node[key] as Node;
    }
    node[path[path.length - 1] as string | number] = typed(column.trim(), value);
  }
  // A sparse list (target.2 without target.1) must not leave holes that JSON would write as null.
  for (const [key, value] of Object.entries(event)) if (Array.isArray(value)) event[key] = value.filter((v) => v !== undefined);
  return event;
}
