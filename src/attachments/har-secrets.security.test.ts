import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PLACEHOLDER } from './redactions.ts';
import { harAsTextLog, plantedHar, sanitizeBytes, searchableText } from './test-hars.ts';

type Har = { log: { version: string; creator: object; entries: Entry[] } };
type Pair = { name: string; value: string };
type Entry = {
  request: { method: string; url: string; headers: Pair[]; cookies: Pair[]; queryString: Pair[]; postData?: { text?: string; params?: Pair[] } };
  response: { status: number; headers: Pair[]; cookies: Pair[]; content: { text?: string; encoding?: string; size: number } };
};

describe('HAR sanitizing of planted secrets', () => {
  it('removes every one of more than fifty planted secrets, wherever it was put', async () => {
    const planted = plantedHar();
    assert.ok(planted.secrets.size >= 50, `only ${planted.secrets.size} secrets planted`);
    const { outcome, output } = await sanitizeBytes(Buffer.from(JSON.stringify(planted.har, null, 2)));
    assert.equal(outcome.ok, true);
    const text = searchableText(output);
    const leaked = [...planted.secrets].filter(([, value]) => text.includes(value)).map(([label]) => label);
    assert.deepEqual(leaked, []);
  });

  it('removes every planted secret from the same HAR in a .txt, from its entries as a bare JSON array, and from the traffic as a text log', async () => {
    const planted = plantedHar();
    const entries = (planted.har as Har).log.entries;
    const variants: [string, Buffer, string][] = [
      ['pretty-printed HAR', Buffer.from(JSON.stringify(planted.har, null, 1)), 'har'],
      ['entries as a JSON array', Buffer.from(JSON.stringify(entries)), 'json'],
      ['entries as JSON Lines', Buffer.from(entries.map((e) => JSON.stringify(e)).join('\n')), 'json'],
      ['text log', Buffer.from(harAsTextLog(planted.har)), 'text'],
    ];
    for (const [label, input, kind] of variants) {
      const { outcome, output } = await sanitizeBytes(input, 4096);
      assert.ok(outcome.ok && outcome.kind === kind, `${label}: ${JSON.stringify(outcome)}`);
      const text = kind === 'text' ? output.toString('utf8') : searchableText(output);
      const leaked = [...planted.secrets].filter(([, value]) => text.includes(value)).map(([l]) => l);
      assert.deepEqual(leaked, [], label);
      for (const value of ['Mozilla/5.0 (X11; Linux x86_64) Bulwark-Test/1.0', 'limit=25', 'page=3&per_page=50', 'nonce=n-0S6_WzA2Mj', 'X-Amz-Expires=300']) {
        assert.ok(text.includes(value), `${label} lost ${value}`);
      }
    }
  });

  it('reports exactly the planted secrets, counted by kind', async () => {
    const planted = plantedHar();
    const { outcome } = await sanitizeBytes(Buffer.from(JSON.stringify(planted.har)));
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.removed, planted.expected);
  });

  it('keeps innocuous values as they were', async () => {
    const planted = plantedHar();
    const { output } = await sanitizeBytes(Buffer.from(JSON.stringify(planted.har)));
    const text = searchableText(output);
    for (const value of planted.innocuous) assert.ok(text.includes(value), `lost: ${value}`);
  });

  it('keeps the file a HAR 1.2 log with the same entries, methods, statuses and sizes', async () => {
    const planted = plantedHar();
    const { outcome, output } = await sanitizeBytes(Buffer.from(JSON.stringify(planted.har)));
    assert.ok(outcome.ok && outcome.kind === 'har');
    const before = planted.har as Har;
    const after = JSON.parse(output.toString('utf8')) as Har;
    assert.equal(after.log.version, '1.2');
    assert.deepEqual(after.log.creator, before.log.creator);
    assert.equal(after.log.entries.length, before.log.entries.length);
    after.log.entries.forEach((entry, i) => {
      const original = before.log.entries[i] as Entry;
      assert.equal(entry.request.method, original.request.method);
      assert.equal(entry.response.status, original.response.status);
      assert.equal(entry.response.content.size, original.response.content.size);
      assert.equal(entry.request.headers.length, original.request.headers.length);
      assert.deepEqual(entry.request.headers.map((h) => h.name), original.request.headers.map((h) => h.name));
      assert.deepEqual(entry.request.cookies.map((c) => c.name), original.request.cookies.map((c) => c.name));
    });
  });

  it('keeps cookie names and Set-Cookie attributes, and the authorization scheme', async () => {
    const planted = plantedHar();
    const { output } = await sanitizeBytes(Buffer.from(JSON.stringify(planted.har)));
    const first = (JSON.parse(output.toString('utf8')) as Har).log.entries[0] as Entry;
    const header = (list: Pair[], name: string) => list.filter((h) => h.name === name).map((h) => h.value);
    assert.deepEqual(header(first.request.headers, 'Cookie'), [`sid=${PLACEHOLDER}; JSESSIONID=${PLACEHOLDER}`]);
    assert.deepEqual(header(first.request.headers, 'Authorization'), [`Bearer ${PLACEHOLDER}`]);
    assert.deepEqual(header(first.response.headers, 'Set-Cookie')[0], `sid=${PLACEHOLDER}; Path=/; Secure; HttpOnly; SameSite=Lax`);
    assert.deepEqual(first.request.cookies.map((c) => c.value), [PLACEHOLDER, PLACEHOLDER]);
  });

  it('makes the url and its queryString agree, and postData.text and its params', async () => {
    const planted = plantedHar();
    const { output } = await sanitizeBytes(Buffer.from(JSON.stringify(planted.har)));
    const entries = (JSON.parse(output.toString('utf8')) as Har).log.entries;
    const first = entries[0] as Entry;
    const fromUrl = [...new URL(first.request.url).searchParams].map(([name, value]) => ({ name, value }));
    assert.deepEqual(fromUrl, first.request.queryString);
    const form = (entries[1] as Entry).request.postData;
    assert.deepEqual([...new URLSearchParams(form?.text)].map(([name, value]) => ({ name, value })), form?.params);
  });

  it('writes a base64 body back as valid base64 of the scrubbed text', async () => {
    const planted = plantedHar();
    const { output } = await sanitizeBytes(Buffer.from(JSON.stringify(planted.har)));
    const content = ((JSON.parse(output.toString('utf8')) as Har).log.entries[1] as Entry).response.content;
    assert.equal(content.encoding, 'base64');
    const body = JSON.parse(Buffer.from(content.text ?? '', 'base64').toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(body, { access_token: PLACEHOLDER, refresh_token: PLACEHOLDER, id_token: PLACEHOLDER, token_type: 'Bearer', expires_in: 3600 });
  });

  it('finds nothing more to remove in its own output', async () => {
    const planted = plantedHar();
    const once = await sanitizeBytes(Buffer.from(JSON.stringify(planted.har)));
    const twice = await sanitizeBytes(once.output);
    assert.ok(twice.outcome.ok);
    assert.deepEqual(twice.outcome.removed, {});
    assert.equal(twice.output.toString('utf8'), once.output.toString('utf8'));
  });
});
