import { useCallback, useState } from 'react';
import { messageOf } from '../errors.ts';

/** Runs one action at a time for a part of a page, keeping whether it is busy and why it last failed. */
export function useRunner(): { busy: boolean; error: string | null; setError: (e: string | null) => void; run: (work: () => Promise<unknown>) => Promise<boolean> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (err) {
      setError(messageOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
