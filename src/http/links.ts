import type { FastifyReply, FastifyRequest } from 'fastify';
import { baseUrlOf } from './request-context.ts';

/**
 * RFC 8288 `Link` headers as Okta sends them: `rel="self"` always, `rel="next"` when there is more. The next
 * link repeats the request's own query with the new cursor, so clients just follow it.
 */
export function setPageLinks(request: FastifyRequest, reply: FastifyReply, next: Record<string, string> | null): void {
  const url = new URL(request.url, baseUrlOf(request));
  const self = `<${url.href}>; rel="self"`;
  if (next === null) {
    reply.header('link', self);
    return;
  }
  for (const [k, v] of Object.entries(next)) url.searchParams.set(k, v);
  reply.header('link', [self, `<${url.href}>; rel="next"`]);
}
