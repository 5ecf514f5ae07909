/**
 * A client for the routes that find their tenant by Host header (sign-in, sessions by cookie): fetch cannot
 * set Host, so this speaks HTTP through node:http to the test server while naming `{slug}.localhost`. It keeps
 * the cookies the server sets, like a browser tab would.
 */
import { request as httpRequest } from 'node:http';
import type { ApiResponse } from '../helpers.ts';

/** `bytes`: the body exactly as received (a file). */
export type HostResponse = ApiResponse & { setCookies: string[]; bytes: Buffer };

export type HostClient = {
  (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HostResponse>;
  /** Cookies held, by name. */
  cookies: Map<string, string>;
  host: string;
};

/**
 * `localAddress`: the loopback address to connect from (a test can play a proxy at 127.0.0.2); `headers`: sent
 * with every request, under the request's own (X-Forwarded-For places the browser on a network).
 */
export function hostClient(serverUrl: string, slug: string, opts: { localAddress?: string; headers?: Record<string, string> } = {}): HostClient {
  const url = new URL(serverUrl);
  const host = `${slug}.localhost:${url.port}`;
  const cookies = new Map<string, string>();
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => new Promise<HostResponse>((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const req = httpRequest(`${serverUrl}${path}`, {
      method,
      ...(opts.localAddress === undefined ? {} : { localAddress: opts.localAddress }),
      headers: {
        host,
        accept: 'application/json',
        ...(cookie ? { cookie } : {}),
        ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
        ...opts.headers,
        ...headers,
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => { chunks.push(c); });
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        const setCookies = res.headers['set-cookie'] ?? [];
        for (const line of setCookies) {
          const [pair, ...attrs] = line.split(';');
          const eq = (pair ?? '').indexOf('=');
          const name = (pair ?? '').slice(0, eq).trim();
          const value = (pair ?? '').slice(eq + 1).trim();
          const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || attrs.some((a) => /^\s*max-age=0\b/i.test(a));
          if (expired || value === '') cookies.delete(name);
          else cookies.set(name, value);
        }
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: new Headers(flat), body: parsed, text, setCookies, bytes });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
  return Object.assign(call, { cookies, host });
}
