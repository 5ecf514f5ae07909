import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';

/**
 * A request one part of Bulwark makes to another through the whole HTTP stack, in process (Fastify's inject):
 * the Help Center is a relying party of every tenant's provider and talks to it as any relying party does,
 * but a cell's Help Center and its tenants are served by the same deployment, so the call needs no socket.
 * Such a call is on behalf of an origin the caller knows (a tenant's issuer); its scheme is carried here,
 * where no outside request can set it, for the callee to build the same issuer (oidc/routes.ts).
 */
export const inProcessCall = new AsyncLocalStorage<{ protocol: 'http' | 'https' }>();

type FetchInit = { method?: string; headers?: HeadersInit; body?: string | Uint8Array | URLSearchParams | ArrayBuffer | ReadableStream | null; signal?: AbortSignal | null };

/** fetch, for URLs of this deployment's own hosts, answered by `app` in process. */
export function inProcessFetch(app: FastifyInstance): (url: string, init?: FetchInit) => Promise<Response> {
  return async (input, init = {}) => {
    const url = new URL(input);
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    const headers = Object.fromEntries(new Headers(init.headers));
    headers['host'] = url.host;
    // oidc-provider (koa) builds its endpoint URLs from this when the deployment trusts a proxy.
    headers['x-forwarded-proto'] = protocol;
    const body = init.body === undefined || init.body === null ? undefined
      : init.body instanceof Uint8Array ? Buffer.from(init.body) : Buffer.from(await new Response(init.body as BodyInit).arrayBuffer());
    const res = await inProcessCall.run({ protocol }, () => app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: `${url.pathname}${url.search}`,
      headers,
      ...(body === undefined ? {} : { payload: body }),
    }));
    const out = new Headers();
    for (const [name, value] of Object.entries(res.headers)) for (const one of [value ?? []].flat()) out.append(name, String(one));
    return new Response([101, 204, 205, 304].includes(res.statusCode) ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers: out });
  };
}
