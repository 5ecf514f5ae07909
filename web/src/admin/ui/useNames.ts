import { useEffect, useState } from 'react';
import { adminPage } from '../client.ts';
import { quoted, withQuery } from '../format.ts';

/**
 * Display names for records a list names only by id (a token's owner, an alert's user, a rule's groups),
 * read in one search (`id eq … or id eq …`). An id the search does not find keeps showing as itself.
 */
export function useNames<T extends { id: string }>(collection: '/api/v1/users' | '/api/v1/groups', ids: readonly string[], nameOf: (item: T) => string): ReadonlyMap<string, string> {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    if (key === '') return;
    const controller = new AbortController();
    const search = key.split(',').map((id) => `id eq ${quoted(id)}`).join(' or ');
    adminPage<T>(withQuery(collection, { search, limit: 200 }), controller.signal).then(
      (page) => {
        if (!controller.signal.aborted) setNames(new Map(page.items.map((item) => [item.id, nameOf(item)])));
      },
      () => undefined,
    );
    return () => controller.abort();
    // nameOf is the caller's inline function; the ids are what change the search.
  }, [collection, key]);
  return names;
}
