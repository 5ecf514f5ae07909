/**
 * The web app's documents and assets over real HTTP: which scripts a page loads, and that each is sent
 * compressed (brotli, gzip) to a client that accepts it, byte for byte the built file once decompressed, and
 * as is to one that does not; cached for good, since its name carries its hash.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { WEB_DIST } from '../src/web/routes.ts';
import { startTestServer, type TestServer } from './helpers.ts';

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** One GET through node:http, which (unlike fetch) neither asks for nor undoes any content encoding. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('web app assets', () => {
  let server: TestServer;
  let scripts: string[];

  before(async () => {
    server = await startTestServer();
    const page = await rawGet(`${server.url}/admin/users`);
    assert.equal(page.status, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    scripts = [...page.body.toString('utf8').matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    assert.ok(scripts.length >= 1, 'the admin console page loads a script');
  });
  after(() => server.close());

  for (const [encoding, decode] of [['br', brotliDecompressSync], ['gzip', gunzipSync]] as const) {
    it(`sends a page's scripts ${encoding}-encoded to a client that accepts ${encoding}, the built bytes once decoded`, async () => {
      for (const src of scripts) {
        const built = readFileSync(join(WEB_DIST, src));
        const res = await rawGet(`${server.url}${src}`, { 'accept-encoding': encoding });
        assert.equal(res.status, 200, src);
        assert.equal(res.headers['content-encoding'], encoding, src);
        assert.match(String(res.headers['vary']), /accept-encoding/i, src);
        assert.match(String(res.headers['content-type']), /javascript/, src);
        assert.match(String(res.headers['cache-control']), /immutable/, src);
        assert.ok(res.body.length < built.length / 2, `${src}: ${res.body.length} of ${built.length} bytes`);
        assert.ok(decode(res.body).equals(built), src);
      }
    });
  }

  it('sends the file as built to a client that accepts no encoding', async () => {
    const src = scripts[0]!;
    const res = await rawGet(`${server.url}${src}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], undefined);
    assert.ok(res.body.equals(readFileSync(join(WEB_DIST, src))));
  });

  it('does not serve the compressed copies by their own names, nor anything outside the assets', async () => {
    for (const path of [`${scripts[0]}.br`, `${scripts[0]}.gz`, '/assets/..%2Findex.html', '/assets/.vite']) {
      const res = await rawGet(`${server.url}${path}`, { 'accept-encoding': 'br' });
      assert.ok(res.status === 400 || res.status === 404, `${path}: ${res.status}`);
      assert.ok(JSON.parse(res.body.toString('utf8')).errorCode, `${path}: an Okta error object`);
    }
  });
});
