import { sql, type RawBuilder } from 'kysely';

/**
 * Okta-style cursor paging shared by every list: by id after the last id seen, or, when the caller sorts by
 * another key, by position (an opaque offset cursor). One row beyond `limit` is read to know whether more
 * exist.
 */
export type Page = {
  limit: number;
  after?: string;
  sort?: { by: RawBuilder<unknown>; descending: boolean };
};

type Pageable<Q> = {
  where(expression: RawBuilder<boolean>): Q;
  orderBy(expression: RawBuilder<unknown>): Q;
  offset(n: number): Q;
  limit(n: number): Q;
};

export function applyPage<Q extends Pageable<Q>>(query: Q, page: Page): Q {
  let q = query;
  if (page.sort) {
    q = q.orderBy(sql`${page.sort.by} ${page.sort.descending ? sql`desc` : sql`asc`} nulls last`).orderBy(sql`id`);
    if (page.after) q = q.offset(Number(page.after));
  } else {
    if (page.after) q = q.where(sql<boolean>`id > ${page.after}`);
    q = q.orderBy(sql`id`);
  }
  return q.limit(page.limit + 1);
}

/** Cuts the extra row off and names the next page's cursor, or null at the end. */
export function splitPage<T extends { id: string }>(rows: T[], page: Page): { items: T[]; next: string | null } {
  if (rows.length <= page.limit) return { items: rows, next: null };
  const items = rows.slice(0, page.limit);
  const next = page.sort ? String(Number(page.after ?? 0) + page.limit) : (items.at(-1)?.id ?? null);
  return { items, next };
}
