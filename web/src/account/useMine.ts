import { useCallback, useEffect, useState } from 'react';
import { call } from '../api.ts';
import { messageOf, sessionGone, signInAgain } from './session.ts';

export type Mine<T> = { data: T | null; error: string | null; loading: boolean; reload: () => Promise<void>; replace: (data: T) => void };

/**
 * One of the user's own records, read from `path`. A session that ended meanwhile (signed out from another
 * device) sends the browser to sign in; any other failure is a sentence to show.
 */
export function useMine<T>(path: string): Mine<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await call<T>('GET', path));
      setError(null);
    } catch (err) {
      if (sessionGone(err)) signInAgain();
      else setError(messageOf(err));
    } finally {
      setLoading(false);
    }
  }, [path]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload, replace: setData };
}
