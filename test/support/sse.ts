/**
 * A server-sent events client for tests and benchmarks: real HTTP through fetch, parsed by eventsource-parser
 * (the parser behind the `eventsource` package), keeping every message with when it arrived.
 */
import { performance } from 'node:perf_hooks';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type SseMessage = EventSourceMessage & { at: number };

export type SseStream = {
  status: number;
  headers: Headers;
  messages: SseMessage[];
  /**
   * The first message (already here or still to come) from index `from` of `messages` on that `match` accepts;
   * rejects after `timeoutMs`.
   */
  next(match: (m: SseMessage) => boolean, timeoutMs?: number, from?: number): Promise<SseMessage>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
};

export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const messages: SseMessage[] = [];
  const waiters = new Set<() => void>();
  const parser = createParser({
    onEvent: (m) => {
      messages.push({ ...m, at: performance.now() });
      for (const w of waiters) w();
    },
  });
  const decoder = new TextDecoder();
  const ended = (async () => {
    if (!res.body) return;
    try {
      for await (const chunk of res.body) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch (e) {
      if (!abort.signal.aborted) throw e;
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    messages,
    ended,
    next(match, timeoutMs = 5000, from = 0) {
      return new Promise((resolve, reject) => {
        let seen = from;
        const check = () => {
          let found: SseMessage | undefined;
          for (; seen < messages.length && !found; seen += 1) if (match(messages[seen] as SseMessage)) found = messages[seen];
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching server-sent event within ${timeoutMs} ms; got ${messages.map((m) => m.event).join(', ')}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => abort.abort(),
  };
}
