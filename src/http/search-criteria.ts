import type { RawBuilder } from 'kysely';
import type { FilterNode } from '#src/lib/filter/ast.ts';
import { parseFilter } from '#src/lib/filter/parse.ts';
import { checkFilter, type FilterRules } from '#src/lib/filter/rules.ts';
import { filterToSql, isIsoDate, type FieldResolver } from '#src/lib/filter/sql.ts';
import { OktaErrors } from './errors.ts';

/** The first comparison of a date field with something that is not an ISO-8601 date-time, if any. */
function badDate(node: FilterNode, resolve: FieldResolver): string | undefined {
  switch (node.kind) {
    case 'compare': {
      const field = resolve(node.path);
      const isDate = field?.kind === 'scalar' && field.type === 'timestamptz';
      return isDate && node.value !== null && !(typeof node.value === 'string' && isIsoDate(node.value)) ? node.path : undefined;
    }
    case 'present':
      return undefined;
    case 'not':
      return badDate(node.expr, resolve);
    case 'and':
    case 'or':
      return badDate(node.left, resolve) ?? badDate(node.right, resolve);
  }
}

/**
 * A directory list's `filter` or `search` expression as SQL, or Okta's E0000031 "Invalid search criteria."
 * naming what is wrong, or E0000030 for a date that is not one. (The System Log answers E0000053 instead;
 * see syslog/log-filter.ts.)
 */
export function compileSearchCriteria(expression: string, rules: FilterRules, resolve: FieldResolver, caseInsensitive: boolean): RawBuilder<boolean> {
  const parsed = parseFilter(expression);
  if (!parsed.ok) throw OktaErrors.invalidSearchCriteria(parsed.error.message);
  const checked = checkFilter(parsed.value, rules);
  if (!checked.ok) throw OktaErrors.invalidSearchCriteria(checked.error.message);
  const date = badDate(parsed.value, resolve);
  if (date !== undefined) throw OktaErrors.invalidDateValue(date);
  return filterToSql(parsed.value, resolve, { caseInsensitive });
}
