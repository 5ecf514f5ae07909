import { ApiError } from '../api.ts';
import type { Method } from '../device-key.ts';
import { provedFetch } from './device-key.ts';

/** The Okta error object, as the management API answers failures. */
type OktaError = { errorCode: string; errorSummary: string; errorCauses?: { errorSummary: string }[] };

export type { Method };

/** A page of a list and the URL of the next one (from the `Link: <…>; rel="next"` header), if any. */
export type Page<T> = { items: T[]; next: string | null };

/** The admin session ended (timed out, signed out, or refused from a new network): sign in again. */
export class SessionEnded extends Error {}

/**
 * Asked when the server says an action is protected and the last passkey check is too old
 * (`WWW-Authenticate: … error="insufficient_user_authentication"`): the admin console asks for the passkey
 * again and resolves once the session is stepped up; rejecting gives up the action.
 */
let stepUpHandler: (() => Promise<void>) | null = null;
let sessionEndedHandler: ((reason: string) => void) | null = null;

export function onStepUp(handler: () => Promise<void>): void {
  stepUpHandler = handler;
}

export function onSessionEnded(handler: (reason: string) => void): void {
  sessionEndedHandler = handler;
}

function challengeOf(res: Response): string {
  return res.headers.get('www-authenticate') ?? '';
}

function send(method: Method, path: string, body: unknown, signal: AbortSignal | undefined, accept = 'application/json'): Promise<Response> {
  return provedFetch(method, path, {
    ...(signal ? { signal } : {}),
    headers: { accept, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

export async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  let parsed: OktaError | undefined;
  try {
    parsed = text ? (JSON.parse(text) as OktaError) : undefined;
  } catch {
    parsed = undefined;
  }
  return new ApiError(parsed ?? { errorCode: String(res.status), errorSummary: res.statusText || 'Request failed' });
}

/**
 * One call to the management API as the signed-in admin: the admin session cookie plus a device proof. A stale
 * nonce is retried once with the fresh one; a protected action steps up (passkey) and is retried once; an
 * ended session calls the session-ended handler and throws SessionEnded. `signal` cancels a read that a newer
 * one replaced (a search as the admin types), so the browser stops waiting for it.
 */
export async function adminFetch(method: Method, path: string, body?: unknown, signal?: AbortSignal, accept?: string): Promise<Response> {
  let res = await send(method, path, body, signal, accept);
  if (res.status === 403 && challengeOf(res).includes('insufficient_user_authentication') && stepUpHandler) {
    await stepUpHandler();
    res = await send(method, path, body, signal, accept);
  }
  if (res.status === 401) {
    const error = await errorOf(res);
    sessionEndedHandler?.(error.message);
    throw new SessionEnded(error.message);
  }
  return res;
}

/** A JSON call; an Okta error becomes an ApiError whose message says what went wrong. */
export async function adminCall<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await adminFetch(method, path, body, signal);
  if (!res.ok) throw await errorOf(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A page of a list; pass the previous page's `next` to get the one after it. */
export async function adminPage<T>(path: string, signal?: AbortSignal): Promise<Page<T>> {
  const res = await adminFetch('GET', path, undefined, signal);
  if (!res.ok) throw await errorOf(res);
  const link = res.headers.get('link') ?? '';
  const next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] ?? null;
  // The server writes absolute links; the path and query are what the next call needs.
  const nextPath = next === null ? null : (() => { const u = new URL(next, window.location.origin); return `${u.pathname}${u.search}`; })();
  return { items: (await res.json()) as T[], next: nextPath };
}
