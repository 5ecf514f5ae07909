import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { PLACEHOLDER } from './redactions.ts';
import { sanitizeBytes, searchableText } from './test-hars.ts';
import { sharedDataDir } from '../../test/helpers.ts';

/**
 * The HAR files in the shared data folder: browser and proxy exports (Chrome, Firefox, Safari, Charles,
 * Insomnia, mitmproxy), a sanitizer project's fixture and Okta API recordings. Read where they lie, never
 * copied into the repository.
 */
const DATA = sharedDataDir();

function harFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return harFiles(path);
    return name.endsWith('.har') ? [path] : [];
  }).sort();
}

type Pair = { name: string; value: string };
type Entry = {
  request: { method: string; url: string; headers?: Pair[]; cookies?: Pair[]; queryString?: Pair[] };
  response: { status: number; headers?: Pair[]; cookies?: Pair[] };
};

const JWT = /eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
const SENSITIVE_HEADER = /^(?:authorization|proxy-authorization|x-api-key|x-goog-api-key|api-key|apikey|x-auth-token|x-csrf-token|x-xsrf-token)$/i;
const SENSITIVE_PARAM = /^(?:access_token|id_token|refresh_token|code|state|api_key|apikey|password|token|client_secret|session_id|sessionToken|SAMLResponse|SAMLRequest|RelayState)$/;
const ALREADY_MASKED = /redacted|^\*+$/i;

/** The secrets a reader can point at in a capture, found independently of the sanitizer's own rules. */
function knownSecrets(text: string): string[] {
  const found = new Set<string>(text.match(JWT) ?? []);
  // Entries wherever they are: a HAR may also sit inside other JSON (har_extractor.har).
  const entries: Entry[] = [];
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if ('request' in value && 'response' in value) entries.push(value as Entry);
    else for (const v of Object.values(value)) walk(v);
  };
  walk(JSON.parse(text.replace(/^\uFEFF/, '')));
  for (const entry of entries) {
    const { request, response } = entry;
    for (const cookie of [...request.cookies ?? [], ...response.cookies ?? []]) found.add(cookie.value);
    for (const header of [...request.headers ?? [], ...response.headers ?? []]) {
      const name = header.name.toLowerCase();
      if (name === 'cookie') for (const pair of header.value.split(';')) found.add(pair.slice(pair.indexOf('=') + 1).trim());
      else if (name === 'set-cookie') for (const line of header.value.split('\n')) found.add((line.split(';')[0] ?? '').slice(line.indexOf('=') + 1).trim());
      else if (SENSITIVE_HEADER.test(name)) found.add(header.value.replace(/^(?:Bearer|Basic|SSWS|Digest)\s+/i, ''));
    }
    for (const param of request.queryString ?? []) if (SENSITIVE_PARAM.test(param.name)) found.add(param.value);
  }
  return [...found].filter((value) => value.length > 0 && !ALREADY_MASKED.test(value));
}

const files = harFiles(DATA);

describe('sanitizing the real HAR files in shared/data', () => {
  it('finds the real HAR files to test with', () => {
    assert.ok(files.length >= 19, `found ${files.length}`);
  });

  for (const path of files) {
    const name = relative(DATA, path);
    const input = readFileSync(path);
    const text = input.toString('utf8');

    if (name.endsWith('corrupted_har/brokenfile.har')) {
      it(`refuses ${name} as malformed JSON without quoting it`, async () => {
        const { outcome } = await sanitizeBytes(input);
        assert.ok(!outcome.ok);
        assert.equal(outcome.reason, 'malformed');
        assert.ok(!outcome.message.includes('request'));
      });
      continue;
    }

    it(`keeps ${name} valid and shaped as it was`, async () => {
      const { outcome, output } = await sanitizeBytes(input);
      assert.ok(outcome.ok, JSON.stringify(outcome));
      const before = JSON.parse(text.replace(/^\uFEFF/, '')) as { log?: { entries: Entry[] } };
      const after = JSON.parse(output.toString('utf8')) as { log?: { entries: Entry[]; version: string } };
      if (!before.log) {
        assert.equal(outcome.kind, 'json');
        return;
      }
      assert.equal(outcome.kind, 'har');
      assert.equal(after.log?.version, '1.2');
      assert.equal(after.log?.entries.length, before.log.entries.length);
      after.log?.entries.forEach((entry, i) => {
        const original = before.log?.entries[i] as Entry;
        const [was, is] = [new URL(original.request.url), new URL(entry.request.url)];
        assert.equal(is.host, was.host);
        assert.equal(is.pathname, was.pathname);
        assert.equal(entry.request.method, original.request.method);
        assert.equal(entry.response.status, original.response.status);
      });
    });

    it(`leaves no cookie, authorization or token of ${name} in the output`, async () => {
      const { outcome, output } = await sanitizeBytes(input, 4093);
      assert.ok(outcome.ok);
      const searchable = searchableText(output);
      const long = knownSecrets(text).filter((value) => value.length >= 8);
      assert.deepEqual(long.filter((value) => searchable.includes(value)), []);
      // Short values (`BAR`) can occur anywhere by chance: where they were, there must be the placeholder.
      const entries = (JSON.parse(output.toString('utf8')) as { log?: { entries: Entry[] } }).log?.entries ?? [];
      for (const entry of entries) {
        for (const cookie of [...entry.request.cookies ?? [], ...entry.response.cookies ?? []]) {
          assert.ok(cookie.value === '' || cookie.value === PLACEHOLDER || ALREADY_MASKED.test(cookie.value), `cookie ${cookie.name} kept its value`);
        }
      }
    });
  }

  it('counts what it removed from the har-sanitizer example by kind', async () => {
    const path = files.find((f) => f.endsWith('jfromaniello-har-sanitizer/__test__/example.har')) as string;
    const { outcome } = await sanitizeBytes(readFileSync(path));
    assert.ok(outcome.ok);
    // Three entries: three request cookies twice, two more once, one Set-Cookie twice, one Bearer token, the
    // OAuth state in a Referer and in a JSON login body, and the password of that body.
    assert.deepEqual(outcome.removed, { cookie: 8, set_cookie: 2, authorization_header: 1, oauth_parameter: 2, password: 1 });
  });
});
