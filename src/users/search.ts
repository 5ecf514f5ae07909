import { sql, type RawBuilder } from 'kysely';
import type { CompareOp } from '#src/lib/filter/ast.ts';
import type { FilterRules } from '#src/lib/filter/rules.ts';
import { compileSearchCriteria } from '#src/http/search-criteria.ts';
import { checkListQuery, type ListQuery } from '#src/http/list-query.ts';
import type { FieldSql } from '#src/lib/filter/sql.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { isOktaId } from '#src/lib/ids.ts';
import { splitPage } from '#src/db/paging.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { queryUsers, type UserQuery, type UserRow } from './store.ts';

type Op = CompareOp | 'pr';

const DATE_COLUMNS: Record<string, string> = {
  created: 'created',
  activated: 'activated',
  statusChanged: 'status_changed',
  lastLogin: 'last_login',
  lastUpdated: 'last_updated',
  passwordChanged: 'password_changed',
};

const PROFILE_ATTR = /^profile\.([A-Za-z][A-Za-z0-9_]{0,63})$/;

function resolveField(path: string): FieldSql | null {
  if (path === 'id' || path === 'status') return { kind: 'scalar', expr: sql.ref(path), type: 'text' };
  const column = DATE_COLUMNS[path];
  if (column) return { kind: 'scalar', expr: sql.ref(column), type: 'timestamptz' };
  const attr = PROFILE_ATTR.exec(path)?.[1];
  if (attr) return { kind: 'jsonb-any', jsonb: sql.ref('profile'), path: [attr] };
  return null;
}

const EQ: ReadonlySet<Op> = new Set(['eq']);
const EQ_ORDER: ReadonlySet<Op> = new Set(['eq', 'gt', 'ge', 'lt', 'le']);
const SEARCH_OPS: ReadonlySet<Op> = new Set(['eq', 'sw', 'gt', 'ge', 'lt', 'le', 'pr']);
const SEARCH_CO: ReadonlySet<Op> = new Set(['eq', 'sw', 'co', 'gt', 'ge', 'lt', 'le', 'pr']);
const FILTERABLE = new Set(['status', 'id', 'profile.login', 'profile.email', 'profile.firstName', 'profile.lastName']);
const CONTAINS_OK = new Set(['profile.firstName', 'profile.lastName', 'profile.email', 'profile.login']);

/** `filter`: Okta's narrow, case-sensitive mode. */
const filterRules: FilterRules = {
  allowNot: false,
  operatorsFor: (path) => (path === 'lastUpdated' ? EQ_ORDER : FILTERABLE.has(path) ? EQ : null),
};

/** `search`: any profile attribute and the top-level dates, case-insensitive values, no `ne`. */
const searchRules: FilterRules = {
  allowNot: false,
  operatorsFor: (path) => (resolveField(path) === null ? null : CONTAINS_OK.has(path) ? SEARCH_CO : SEARCH_OPS),
};

const compile = (expression: string, rules: FilterRules, caseInsensitive: boolean) =>
  compileSearchCriteria(expression, rules, resolveField, caseInsensitive);

function sortKey(sortBy: string): RawBuilder<unknown> {
  const field = resolveField(sortBy);
  if (field?.kind === 'scalar') return field.expr;
  const attr = PROFILE_ATTR.exec(sortBy)?.[1];
  if (attr) return sql`profile ->> ${attr}`;
  throw OktaErrors.validation('sortBy', [`sortBy: ${sortBy} is not a sortable property`]);
}

export type ListUsersQuery = ListQuery;

export type UserPage = { users: UserRow[]; next: string | null };

const MAX_PAGE = 200;

/** Okta's four listing modes: plain, `q` (people picker), `filter` and `search`. */
export async function listUsers(ctx: ServiceContext, query: ListUsersQuery): Promise<UserPage> {
  checkListQuery(query);

  const spec: UserQuery = { includeDeprovisioned: true, limit: Math.min(query.limit ?? MAX_PAGE, MAX_PAGE) };
  if (query.q !== undefined) {
    const prefix = query.q.toLowerCase();
    spec.includeDeprovisioned = false;
    spec.limit = Math.min(query.limit ?? 10, MAX_PAGE);
    spec.where = sql<boolean>`(starts_with(lower(profile->>'firstName'), ${prefix}) or starts_with(lower(profile->>'lastName'), ${prefix}) or starts_with(lower(profile->>'email'), ${prefix}))`;
  } else if (query.filter !== undefined) {
    spec.where = compile(query.filter, filterRules, false);
  } else if (query.search !== undefined) {
    spec.where = compile(query.search, searchRules, true);
    if (query.sortBy !== undefined) spec.sort = { by: sortKey(query.sortBy), descending: query.sortOrder?.toLowerCase() === 'desc' };
  } else {
    spec.includeDeprovisioned = false;
  }
  if (query.after !== undefined) spec.after = query.after;

  const { items, next } = splitPage(await queryUsers(ctx.db, ctx.tenantId, spec), spec);
  // The people picker (`q`) is a single page, as in Okta.
  return { users: items, next: query.q === undefined ? next : null };
}

/**
 * A page of users (every status, in id order) matching a predicate over `users` that another capability
 * supplies, such as group membership; no predicate lists them all.
 */
export async function listUsersWhere(ctx: ServiceContext, where: RawBuilder<boolean> | undefined, page: { after?: string; limit: number }): Promise<UserPage> {
  if (page.after !== undefined && !isOktaId(page.after)) throw OktaErrors.invalidPaging();
  const spec: UserQuery = { includeDeprovisioned: true, limit: page.limit };
  if (where) spec.where = where;
  if (page.after !== undefined) spec.after = page.after;
  const { items, next } = splitPage(await queryUsers(ctx.db, ctx.tenantId, spec), spec);
  return { users: items, next };
}
