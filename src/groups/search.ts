import { sql, type RawBuilder } from 'kysely';
import type { CompareOp } from '#src/lib/filter/ast.ts';
import type { FilterRules } from '#src/lib/filter/rules.ts';
import { compileSearchCriteria } from '#src/http/search-criteria.ts';
import { checkListQuery, type ListQuery } from '#src/http/list-query.ts';
import type { FieldSql } from '#src/lib/filter/sql.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { splitPage } from '#src/db/paging.ts';
import type { ServiceContext } from '#src/service-context.ts';
import { queryGroups, type GroupQuery, type GroupRow } from './store.ts';

type Op = CompareOp | 'pr';

const text = (column: string): FieldSql => ({ kind: 'scalar', expr: sql.ref(column), type: 'text' });
const date = (column: string): FieldSql => ({ kind: 'scalar', expr: sql.ref(column), type: 'timestamptz' });

/** Every attribute of a group Okta lets `search` address; an OKTA_GROUP profile has just name and description. */
const FIELDS: Record<string, FieldSql> = {
  id: text('id'),
  type: text('type'),
  created: date('created'),
  lastUpdated: date('last_updated'),
  lastMembershipUpdated: date('last_membership_updated'),
  'profile.name': text('name'),
  'profile.description': text('description'),
};

const resolveField = (path: string): FieldSql | null => (Object.hasOwn(FIELDS, path) ? (FIELDS[path] ?? null) : null);

const EQ: ReadonlySet<Op> = new Set(['eq']);
const EQ_ORDER: ReadonlySet<Op> = new Set(['eq', 'gt', 'ge', 'lt', 'le']);
const SEARCH_OPS: ReadonlySet<Op> = new Set(['eq', 'sw', 'gt', 'ge', 'lt', 'le', 'pr']);
const SEARCH_CO: ReadonlySet<Op> = new Set(['eq', 'sw', 'co', 'gt', 'ge', 'lt', 'le', 'pr']);

/** `filter`: Okta's narrow mode over id, type and the two update times; case-sensitive values. */
const filterRules: FilterRules = {
  allowNot: false,
  operatorsFor: (path) => (path === 'id' || path === 'type' ? EQ : path === 'lastUpdated' || path === 'lastMembershipUpdated' ? EQ_ORDER : null),
};

/** `search`: every field above, case-insensitive values; `co` only on the profile's name and description, as in Okta. */
const searchRules: FilterRules = {
  allowNot: false,
  operatorsFor: (path) => (resolveField(path) === null ? null : path.startsWith('profile.') ? SEARCH_CO : SEARCH_OPS),
};

const compile = (expression: string, rules: FilterRules, caseInsensitive: boolean) =>
  compileSearchCriteria(expression, rules, resolveField, caseInsensitive);

function sortKey(sortBy: string): RawBuilder<unknown> {
  // Names sort the way people read them, not by code point of their capitals.
  if (sortBy === 'profile.name') return sql.ref('name_lower');
  const field = resolveField(sortBy);
  if (field?.kind === 'scalar') return field.expr;
  throw OktaErrors.validation('sortBy', [`sortBy: ${sortBy} is not a sortable property`]);
}

export type ListGroupsQuery = ListQuery;

export type GroupPage = { groups: GroupRow[]; next: string | null };

/** Okta pages groups by 10,000 by default; Bulwark caps a page at 200 (Okta's recommendation) and links to the next. */
export const MAX_PAGE = 200;
/** `q` is a single page, 300 groups by default, as in Okta. */
const Q_LIMIT = 300;

/** Okta's four listing modes: plain, `q` (name picker), `filter` and `search`. */
export async function listGroups(ctx: ServiceContext, query: ListGroupsQuery): Promise<GroupPage> {
  checkListQuery(query);

  const spec: GroupQuery = { limit: Math.min(query.limit ?? MAX_PAGE, MAX_PAGE) };
  if (query.q !== undefined) {
    const prefix = query.q.toLowerCase();
    spec.limit = Math.min(query.limit ?? Q_LIMIT, Q_LIMIT);
    spec.where = sql<boolean>`starts_with(name_lower, ${prefix})`;
    // Exact matches first, as Okta returns them.
    spec.sort = { by: sql`name_lower <> ${prefix}`, descending: false };
  } else if (query.filter !== undefined) {
    spec.where = compile(query.filter, filterRules, false);
  } else if (query.search !== undefined) {
    spec.where = compile(query.search, searchRules, true);
    if (query.sortBy !== undefined) spec.sort = { by: sortKey(query.sortBy), descending: query.sortOrder?.toLowerCase() === 'desc' };
  }
  if (query.after !== undefined && query.q === undefined) spec.after = query.after;

  const { items, next } = splitPage(await queryGroups(ctx.db, ctx.tenantId, spec), spec);
  // `q` is a single page, as in Okta.
  return { groups: items, next: query.q === undefined ? next : null };
}
