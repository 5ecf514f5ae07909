import { sql, type RawBuilder } from 'kysely';
import type { CompareOp } from '#src/lib/filter/ast.ts';
import { parseFilter } from '#src/lib/filter/parse.ts';
import { checkFilter, type FilterRules } from '#src/lib/filter/rules.ts';
import { filterToSql, type FieldSql } from '#src/lib/filter/sql.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';

type Op = CompareOp | 'pr';

/** Snake-case names Okta's examples still use. */
const ALIASES: Record<string, string> = {
  event_type: 'eventType',
  display_message: 'displayMessage',
  legacy_event_type: 'legacyEventType',
};

const SCALARS = new Set(['uuid', 'eventType', 'legacyEventType', 'displayMessage', 'severity', 'version']);

/** Objects whose fields Okta fixes; a path must name one of these fields (or go below one). */
const OBJECT_FIELDS: Record<string, readonly string[]> = {
  actor: ['id', 'type', 'alternateId', 'displayName', 'detailEntry'],
  target: ['id', 'type', 'alternateId', 'displayName', 'detailEntry'],
  client: ['userAgent', 'zone', 'device', 'id', 'ipAddress', 'geographicalContext'],
  outcome: ['result', 'reason'],
  transaction: ['type', 'id', 'detail'],
  debugContext: ['debugData'],
  authenticationContext: ['authenticationProvider', 'credentialProvider', 'credentialType', 'issuer', 'interface', 'authenticationStep', 'externalSessionId', 'rootSessionId'],
  securityContext: ['asNumber', 'asOrg', 'isp', 'domain', 'isProxy', 'ipDetails', 'risk', 'userBehaviors', 'botProtection'],
  request: ['ipChain'],
  device: ['id', 'name', 'os_platform', 'os_version', 'managed', 'registered', 'jailbreak', 'secure_hardware_present', 'disk_encryption_type', 'screen_lock_type', 'device_integrator'],
};

const ALL_OPS: ReadonlySet<Op> = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'co', 'ew', 'pr']);
const NO_CONTAINS: ReadonlySet<Op> = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'ew', 'pr']);

function canonicalPath(path: string): string {
  return ALIASES[path] ?? path;
}

function isKnownPath(path: string): boolean {
  const [root, field] = path.split('.');
  if (root === undefined) return false;
  if (SCALARS.has(root)) return field === undefined;
  const fields = OBJECT_FIELDS[root];
  return fields !== undefined && field !== undefined && fields.includes(field);
}

const rules: FilterRules = {
  allowNot: true,
  operatorsFor(raw) {
    const path = canonicalPath(raw);
    // `published` belongs to since/until; changeDetails is not searchable in Okta either.
    if (path === 'published' || path.startsWith('target.changeDetails') || !isKnownPath(path)) return null;
    if (path === 'debugContext.debugData.url' || path === 'debugContext.debugData.requestUri') return NO_CONTAINS;
    return ALL_OPS;
  },
};

/** Indexed columns where they exist; any other path is read from the stored event, any array element matching. */
function resolveField(raw: string): FieldSql | null {
  const path = canonicalPath(raw);
  if (path === 'eventType') return { kind: 'scalar', expr: sql.ref('event_type'), type: 'text' };
  if (path === 'actor.id') return { kind: 'scalar', expr: sql.ref('actor_id'), type: 'text' };
  return { kind: 'jsonb-any', jsonb: sql`event::jsonb`, path: path.split('.') };
}

/** Parses and checks `filter` for /api/v1/logs, with Okta's E0000053 / E0000031 answers. */
export function compileLogFilter(expression: string): RawBuilder<boolean> {
  const parsed = parseFilter(expression);
  if (!parsed.ok) throw OktaErrors.invalidFilter(`Invalid filter '${expression}': ${parsed.error.message}`);
  const checked = checkFilter(parsed.value, rules);
  if (!checked.ok) {
    if (checked.error.kind === 'UNSUPPORTED_OPERATOR') throw OktaErrors.invalidSearch(checked.error.message);
    if (checked.error.kind === 'UNKNOWN_FIELD') throw OktaErrors.invalidFilter(`Invalid filter '${expression}': ${checked.error.message}`);
    throw new AppError(400, 'E0000053', `Invalid filter '${expression}': ${checked.error.message}`);
  }
  return filterToSql(parsed.value, resolveField);
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/** `q`: every keyword must appear as a whole token, case-insensitively (Okta's free-form search). */
export function compileKeywords(q: string): RawBuilder<boolean> | undefined {
  const words = q.split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  if (words.length > 10) throw OktaErrors.validation('q', ['Freeform search cannot contain more than 10 items.']);
  if (words.some((w) => w.length > 40)) {
    throw OktaErrors.validation('q', ['Freeform search cannot contain items longer than 40 characters. Please shorten the following terms: ' +
      words.filter((w) => w.length > 40).join(', ')]);
  }
  const parts = words.map((w) => sql<boolean>`event ~* ${`(^|[^A-Za-z0-9_])${w.replace(REGEX_SPECIAL, '\\$&')}($|[^A-Za-z0-9_])`}`);
  return sql<boolean>`(${sql.join(parts, sql` and `)})`;
}
