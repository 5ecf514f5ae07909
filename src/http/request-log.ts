import type { IncomingMessage } from 'node:http';

/**
 * Okta's password reset link carries its one-time token in the path (`/signin/reset-password/{token}`,
 * src/authn/recovery-links.ts), and secrets never go into a log: the request log shows that segment as
 * `[REDACTED]`. Anchored at the start, so the query string and the rest of the path are left as they were.
 */
const RESET_LINK = /^(\/signin\/reset-password\/)[^/?#]+/;

export function redactUrl(url: string): string {
  return url.replace(RESET_LINK, '$1[REDACTED]');
}

/**
 * What the serializer is handed: Fastify 5 passes its own request (with `host` and `ip`), which its typings
 * still declare as the raw IncomingMessage; this type fits both.
 */
type LoggedRequest = Pick<IncomingMessage, 'method' | 'url' | 'headers' | 'socket'> & { host?: string; ip?: string };

/**
 * Fastify's own request serializer (lib/logger-pino.js: the same fields), with the URL redacted. It is the
 * one place a request's URL goes into the log: "incoming request" and an errored request's line both use it
 * (the app's own not-found handler stands in for Fastify's, which would log the raw URL).
 */
export function serializeRequest(request: LoggedRequest) {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : redactUrl(request.url),
    version: request.headers['accept-version'] as string | undefined,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
