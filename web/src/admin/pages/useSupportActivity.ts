import { createParser } from 'eventsource-parser';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { adminFetch, errorOf, SessionEnded } from '../client.ts';
import type { LogEvent } from '../types.ts';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

const PATH = '/api/v1/support-access/activity';
const RETRY_MS = 2000;

/**
 * Follows the tenant's support activity as the server streams it (server-sent events over fetch, because the
 * admin console signs every request with its device key and EventSource cannot send that header). The server
 * ends each stream after a minute; the hook reconnects at once from the last event it had, and after a failure
 * tries again every two seconds, so nothing is missed and nothing shown twice.
 */
export function useSupportActivity(onEvents: (events: LogEvent[]) => void): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onEvents);
  useLayoutEffect(() => {
    handler.current = onEvents;
  });

  useEffect(() => {
    const abort = new AbortController();
    let after: string | null = null;
    const follow = async () => {
      const res = await adminFetch('GET', after === null ? PATH : `${PATH}?after=${after}`, undefined, abort.signal, 'text/event-stream');
      if (!res.ok || !res.body) throw await errorOf(res);
      setState('live');
      let batch: LogEvent[] = [];
      const parser = createParser({
        onEvent: (m) => {
          if (m.event !== 'activity' || m.id === undefined) return;
          after = m.id;
          batch.push(JSON.parse(m.data) as LogEvent);
        },
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        parser.feed(value);
        if (batch.length > 0) {
          handler.current(batch);
          batch = [];
        }
      }
    };
    void (async () => {
      while (!abort.signal.aborted) {
        try {
          await follow();
        } catch (err) {
          if (abort.signal.aborted || err instanceof SessionEnded) return;
          setState('reconnecting');
          await new Promise((resolve) => window.setTimeout(resolve, RETRY_MS));
        }
      }
    })();
    return () => abort.abort();
  }, []);
  return state;
}
