import { useCallback, useEffect, useState } from 'react';
import { adminPage } from '../client.ts';
import { messageOf } from '../errors.ts';

type PagedList<T> = {
  items: T[];
  loading: boolean;
  error: string | null;
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  previous: () => void;
  next: () => void;
  reload: () => void;
};

/**
 * A cursor-paged list, read page by page from `firstPath` (null: nothing to read yet). Previous goes back
 * through the cursors already followed. A new path starts again from its first page, and a request that a
 * newer one replaced is cancelled, so a slow answer never overwrites a newer one.
 */
export function usePagedList<T>(firstPath: string | null): PagedList<T> {
  const [basis, setBasis] = useState(firstPath);
  const [cursors, setCursors] = useState<string[]>([]);
  const [items, setItems] = useState<T[]>([]);
  const [nextPath, setNextPath] = useState<string | null>(null);
  const [loading, setLoading] = useState(firstPath !== null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  if (basis !== firstPath) {
    setBasis(firstPath);
    setCursors([]);
  }
  const path = cursors.at(-1) ?? firstPath;

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setLoading(true);
    adminPage<T>(path, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setItems(page.items);
        setNextPath(page.next);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(messageOf(err));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [path, version]);

  return {
    items,
    loading,
    error,
    page: cursors.length + 1,
    hasPrevious: cursors.length > 0,
    hasNext: nextPath !== null,
    previous: useCallback(() => setCursors((c) => c.slice(0, -1)), []),
    next: () => {
      if (nextPath !== null) setCursors((c) => [...c, nextPath]);
    },
    reload: useCallback(() => setVersion((v) => v + 1), []),
  };
}
