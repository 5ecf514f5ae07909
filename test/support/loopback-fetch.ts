/**
 * fetch for `{slug}.localhost` URLs from Node, whose resolver (unlike browsers) does not map them to the
 * loopback address, and whose fetch will not send another Host: the request goes to 127.0.0.1 over node:http
 * with the tenant's host name, and the answer comes back as a fetch Response. For relying-party libraries
 * (openid-client's customFetch) talking to a tenant's provider in tests.
 */
import { request as httpRequest } from 'node:http';
import { bodyBytes, fetchResponse } from '../../src/http/in-process.ts';

type Init = { method?: string; headers?: HeadersInit | Headers; body?: string | ArrayBuffer | ReadableStream | Uint8Array | URLSearchParams | null };

export async function loopbackFetch(input: string | URL | Request, init: Init = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const headers = new Headers(init.headers);
  headers.set('host', url.host);
  const body = await bodyBytes(init.body);
  if (body) headers.set('content-length', String(body.length));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: url.port, path: `${url.pathname}${url.search}`, method: init.method ?? 'GET', headers: Object.fromEntries(headers) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(fetchResponse(res.statusCode ?? 500, res.headers, Buffer.concat(chunks))));
    });
    req.on('error', reject);
    req.end(body);
  });
}
