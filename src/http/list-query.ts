import { OktaErrors } from './errors.ts';
import { isOktaId } from '#src/lib/ids.ts';

/** The query of Okta's directory lists (users, groups): one of `q`, `filter`, `search`, and paging. */
export type ListQuery = {
  q?: string;
  filter?: string;
  search?: string;
  limit?: number;
  after?: string;
  sortBy?: string;
  sortOrder?: string;
};

export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 256 },
    filter: { type: 'string', minLength: 1, maxLength: 4096 },
    search: { type: 'string', minLength: 1, maxLength: 4096 },
    limit: { type: 'integer', minimum: 1, maximum: 10000 },
    after: { type: 'string', minLength: 1, maxLength: 100 },
    sortBy: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_.]{0,100}$' },
    sortOrder: { type: 'string', enum: ['asc', 'desc', 'ASC', 'DESC'] },
  },
} as const;

/**
 * Okta's rules across the modes: `q`, `filter` and `search` exclude one another (E0000033), and a cursor must
 * be one this server handed out for that kind of list (E0000029): an id, or a position when sorted.
 */
export function checkListQuery(query: ListQuery): void {
  const modes = [query.q, query.filter, query.search].filter((m) => m !== undefined).length;
  if (modes > 1) throw OktaErrors.searchAndFilter();
  const sorted = query.search !== undefined && query.sortBy !== undefined;
  if (query.after !== undefined && !(sorted ? /^\d{1,9}$/.test(query.after) : isOktaId(query.after))) throw OktaErrors.invalidPaging();
}
