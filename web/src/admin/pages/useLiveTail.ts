import { useEffect, useLayoutEffect, useRef } from 'react';
import { adminPage } from '../client.ts';
import type { LogEvent } from '../types.ts';
import { PAGE_SIZE } from './log-query.ts';

const POLL_MS = 2000;

/**
 * Follows a polling query's `next` link every two seconds while `startPath` is set, handing each batch of
 * new events (oldest first) to `onEvents`. A full page means more are waiting: the next is asked for at once.
 * Stops on failure, telling `onError`.
 */
export function useLiveTail(startPath: string | null, onEvents: (events: LogEvent[]) => void, onError: (err: unknown) => void): void {
  // The latest callbacks, without restarting the poll each time the page renders new ones.
  const handlers = useRef({ onEvents, onError });
  useLayoutEffect(() => {
    handlers.current = { onEvents, onError };
  });

  useEffect(() => {
    if (startPath === null) return;
    let stopped = false;
    let timer: number | undefined;
    let path = startPath;
    const poll = async () => {
      try {
        const page = await adminPage<LogEvent>(path);
        if (stopped) return;
        if (page.items.length > 0) handlers.current.onEvents(page.items);
        path = page.next ?? path;
        timer = window.setTimeout(() => void poll(), page.items.length >= PAGE_SIZE ? 0 : POLL_MS);
      } catch (err) {
        if (!stopped) handlers.current.onError(err);
      }
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [startPath]);
}
