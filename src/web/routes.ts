import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '#src/http/errors.ts';

/** Where `npm install` (its `prepare` script) or `npm run build:web` puts the built web app. */
export const WEB_DIST = join(import.meta.dirname, '..', '..', 'web', 'dist');

/**
 * What the pages may load: their own scripts and styles only, QR codes as data URLs, calls to their own
 * origin; never framed (clickjacking a sign-in page), no <base>, no form posted elsewhere.
 */
const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The pages of the web app: the sign-in and account pages are one document, which picks the page from its
 * path; the admin console is its own (`admin.html`), so that its code never loads on the sign-in page.
 * `/signin/reset-password/{token}` is Okta's password reset link (src/authn/recovery-links.ts): the page reads
 * the token from its own path; the request log shows it redacted (src/http/request-log.ts).
 */
const DOCUMENTS = [
  { file: 'index.html', paths: ['/signin', '/signin/reset-password/:token', '/account', '/account/*', '/welcome', '/verify'] },
  { file: 'admin.html', paths: ['/admin', '/admin/*'] },
];

/** A page of the built web app, with the headers every page carries; 503 without a build. */
export function documentPage(file: string, dist = WEB_DIST): (request: unknown, reply: FastifyReply) => Promise<FastifyReply> {
  const path = join(dist, file);
  const html = existsSync(path) ? readFileSync(path) : undefined;
  return async (_request, reply) => {
    if (!html) throw new AppError(503, 'E0000009', 'The web app is not built: run `npm run build:web`.');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', CSP)
      .header('x-frame-options', 'DENY').header('referrer-policy', 'no-referrer').header('x-content-type-options', 'nosniff').send(html);
  };
}

/**
 * The web app on every host: the sign-in page and the signed-in user's page, and their hashed, immutable
 * assets. Without a build (a checkout where `npm install` has not run), the pages answer 503 saying so.
 * The Help Center's page is served by src/helpcenter, on its own hosts only.
 */
export async function webRoutes(app: FastifyInstance, opts: { distDir?: string } = {}): Promise<void> {
  const dist = opts.distDir ?? WEB_DIST;
  for (const doc of DOCUMENTS) {
    const page = documentPage(doc.file, dist);
    for (const path of doc.paths) app.get(path, page);
  }
  // @fastify/static only to send files (no routes of its own): its wildcard route would show in no route table
  // as what it is. A file name is one path segment of the build's own characters. The build writes a .br and a
  // .gz beside each script and style: sent, with Vary, to a browser that accepts them.
  await app.register(fastifyStatic, { root: join(dist, 'assets'), serve: false, serveDotFiles: false, preCompressed: true });
  const fileParams = { type: 'object', properties: { file: { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[a-z0-9]+$', maxLength: 100 } }, required: ['file'] } as const;
  app.get<{ Params: { file: string } }>('/assets/:file', { schema: { params: fileParams } }, (request, reply) =>
    reply.header('x-content-type-options', 'nosniff').sendFile(request.params.file, { maxAge: '365d', immutable: true }));
}
