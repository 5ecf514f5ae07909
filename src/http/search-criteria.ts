import type { RawBuilder } from 'kysely';
import { parseFilter } from '#src/lib/filter/parse.ts';
import { checkFilter, type FilterRules } from '#src/lib/filter/rules.ts';
import { filterToSql, type FieldResolver } from '#src/lib/filter/sql.ts';
import { OktaErrors } from './errors.ts';

/**
 * A directory list's `filter` or `search` expression as SQL, or Okta's E0000031 "Invalid search criteria."
 * naming what is wrong. (The System Log answers E0000053 instead; see syslog/log-filter.ts.)
 */
export function compileSearchCriteria(expression: string, rules: FilterRules, resolve: FieldResolver, caseInsensitive: boolean): RawBuilder<boolean> {
  const parsed = parseFilter(expression);
  if (!parsed.ok) throw OktaErrors.invalidSearchCriteria(parsed.error.message);
  const checked = checkFilter(parsed.value, rules);
  if (!checked.ok) throw OktaErrors.invalidSearchCriteria(checked.error.message);
  return filterToSql(parsed.value, resolve, { caseInsensitive });
}
