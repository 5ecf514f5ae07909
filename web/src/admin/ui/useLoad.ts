import { useCallback, useEffect, useRef, useState } from 'react';
import { adminCall } from '../client.ts';
import { messageOf } from '../errors.ts';

export type Loaded<T> = { data: T | null; error: string | null; loading: boolean; reload: () => void; replace: (data: T) => void };

/**
 * One record read from `path` (null: not yet known what to read); `reload` reads it again, `replace` puts in
 * the record a change was answered with.
 */
export function useLoad<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setLoading(true);
    adminCall<T>('GET', path, undefined, controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
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
  return { data, error, loading, reload: useCallback(() => setVersion((v) => v + 1), []), replace: setData };
}

/**
 * Calls `reload` whenever `changes` moves on after the first render: a card reads again when a sibling card
 * changed what it shows (a reset that verified a person, a verification that allows a reset).
 */
export function useReloadOn(changes: unknown, reload: () => void): void {
  const seen = useRef(changes);
  useEffect(() => {
    if (seen.current === changes) return;
    seen.current = changes;
    reload();
  }, [changes, reload]);
}
