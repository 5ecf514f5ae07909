import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';

export type HttpAnswer = { status: number; headers: IncomingHttpHeaders; text: string };

/** One HTTP request with the headers given, Host included (which fetch cannot set), and a text body. */
export function sendHttp(url: string, opts: { method: string; headers: Record<string, string>; body?: string; agent?: Agent }): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: opts.method,
      ...(opts.agent ? { agent: opts.agent } : {}),
      headers: { ...opts.headers, ...(opts.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(opts.body)) }) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** One JSON request naming a tenant's host; for a benchmark's set-up steps. */
export function hostRequest(url: string, host: string, method: string, body?: unknown): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return sendHttp(url, {
    method,
    headers: { host, accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { body: payload }),
  });
}
