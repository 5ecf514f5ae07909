/**
 * fetch for `{slug}.localhost` URLs from Node, whose resolver (unlike browsers) does not map them to the
 * loopback address, and whose fetch will not send another Host: the request goes to 127.0.0.1 over node:http
 * with the tenant's host name, and the answer comes back as a fetch Response. For relying-party libraries
 * (openid-client's customFetch) talking to a tenant's provider in tests.
 */
import { request as httpRequest } from 'node:http';

type Init = { method?: string; headers?: HeadersInit | Headers; body?: string | ArrayBuffer | ReadableStream | Uint8Array | URLSearchParams | null };

export async function loopbackFetch(input: string | URL | Request, init: Init = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const headers = new Headers(init.headers);
  headers.set('host', url.host);
  const body = init.body === undefined || init.body === null ? undefined : init.body instanceof Uint8Array ? Buffer.from(init.body) : Buffer.from(await new Response(init.body).arrayBuffer());
  if (body) headers.set('content-length', String(body.length));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: url.port, path: `${url.pathname}${url.search}`, method: init.method ?? 'GET', headers: Object.fromEntries(headers) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) for (const one of [v ?? []].flat()) out.append(k, one);
        const status = res.statusCode ?? 500;
        resolve(new Response([101, 204, 205, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: out }));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
