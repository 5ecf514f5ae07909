import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { safeEqualHex, sha256Hex } from '#src/lib/secrets.ts';

/**
 * A request one part of Bulwark makes to another through the whole HTTP stack, in process (Fastify's inject):
 * the Help Center is a relying party of every tenant's provider and talks to it as any relying party does,
 * but a cell's Help Center and its tenants are served by the same deployment, so the call needs no socket.
 * Such a call is on behalf of an origin the caller knows (a tenant's issuer), and the callee must build the
 * same issuer from it (oidc/routes.ts), scheme included, although no TLS socket carries it. The scheme goes in
 * X-Forwarded-Proto beside a key made at start that never leaves the process: a request from outside cannot
 * name it, so its X-Forwarded-Proto is never believed on this account.
 */
const KEY_HEADER = 'x-bulwark-in-process';
const KEY = randomBytes(32).toString('base64url');

/** The scheme an in-process call was made for; undefined for any request from outside. */
export function inProcessProtocol(request: FastifyRequest): 'http' | 'https' | undefined {
  const key = request.headers[KEY_HEADER];
  if (typeof key !== 'string' || !safeEqualHex(sha256Hex(key), sha256Hex(KEY))) return undefined;
  return request.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
}

type FetchBody = string | Uint8Array | URLSearchParams | ArrayBuffer | ReadableStream | null;
type FetchInit = { method?: string; headers?: HeadersInit; body?: FetchBody; signal?: AbortSignal | null };

/** A fetch body as the bytes to send, or undefined for none. */
export async function bodyBytes(body: FetchBody | undefined): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  return body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(await new Response(body as BodyInit).arrayBuffer());
}

/** An HTTP answer (node's header shape) as a fetch Response; statuses that carry no body get none. */
export function fetchResponse(status: number, headers: Record<string, string | string[] | number | undefined>, body: Uint8Array): Response {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) for (const one of [value ?? []].flat()) out.append(name, String(one));
  return new Response([101, 204, 205, 304].includes(status) ? null : new Uint8Array(body), { status, headers: out });
}

/** fetch, for URLs of this deployment's own hosts, answered by `app` in process. */
export function inProcessFetch(app: FastifyInstance): (url: string, init?: FetchInit) => Promise<Response> {
  return async (input, init = {}) => {
    const url = new URL(input);
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    const headers = Object.fromEntries(new Headers(init.headers));
    headers['host'] = url.host;
    // oidc-provider (koa) also builds its endpoint URLs from this, when the deployment trusts a proxy.
    headers['x-forwarded-proto'] = protocol;
    headers[KEY_HEADER] = KEY;
    const body = await bodyBytes(init.body);
    const res = await app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: `${url.pathname}${url.search}`,
      headers,
      ...(body === undefined ? {} : { payload: body }),
    });
    return fetchResponse(res.statusCode, res.headers, res.rawPayload);
  };
}
