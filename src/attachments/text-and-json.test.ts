import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sanitizeBytes } from './test-hars.ts';
import { sharedDataDir } from '../../test/helpers.ts';

const secret = (): string => `S${randomBytes(15).toString('base64url')}`;

describe('text log attachments', () => {
  it('scrubs tokens, header lines and secret fields from a log and keeps every other byte', async () => {
    const s = Array.from({ length: 14 }, secret);
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${s[7]}`;
    const okta = `00${randomBytes(30).toString('base64url')}`;
    const log = [
      `2026-11-29T10:00:00Z INFO GET /api/v1/users?limit=25&access_token=${s[0]} 200`,
      `> Authorization: Bearer ${s[1]}`,
      `> Cookie: sid=${s[2]}; theme=${s[3]}`,
      `< Set-Cookie: JSESSIONID=${s[4]}; Path=/; HttpOnly`,
      `config password=${s[5]} retries=3 state=running error code=42`,
      `client_secret: ${s[6]}`,
      `body {"user":"jane","password":"${s[8]}"}`,
      `token ${jwt} seen`,
      `dsn https://admin:${s[9]}@db.example.com:5432/app`,
      `curl -H "x-api-key: ${s[10]}" -H "Authorization: SSWS ${okta}"`,
      `callback https://app.example.com/cb?code=${s[11]}&state=${s[12]}`,
      '-----BEGIN RSA PRIVATE KEY-----', `MIIEow${s[13]}`, '-----END RSA PRIVATE KEY-----',
      'Grüße, Zoë — 東京 😀',
      '',
    ].join('\n');
    const { outcome, output } = await sanitizeBytes(Buffer.from(log), 11);
    assert.ok(outcome.ok && outcome.kind === 'text');
    const text = output.toString('utf8');
    for (const value of [...s, okta]) assert.ok(!text.includes(value), `kept ${value}`);
    assert.deepEqual(text.split('\n'), [
      '2026-11-29T10:00:00Z INFO GET /api/v1/users?limit=25&access_token=[redacted] 200',
      '> Authorization: Bearer [redacted]',
      '> Cookie: sid=[redacted]; theme=[redacted]',
      '< Set-Cookie: JSESSIONID=[redacted]; Path=/; HttpOnly',
      'config password=[redacted] retries=3 state=running error code=42',
      'client_secret: [redacted]',
      'body {"user":"jane","password":"[redacted]"}',
      'token [redacted] seen',
      'dsn https://admin:[redacted]@db.example.com:5432/app',
      'curl -H "x-api-key: [redacted]" -H "Authorization: SSWS [redacted]"',
      'callback https://app.example.com/cb?code=[redacted]&state=[redacted]',
      '[redacted]',
      'Grüße, Zoë — 東京 😀',
      '',
    ]);
    assert.deepEqual(outcome.removed, {
      oauth_parameter: 4, authorization_header: 2, cookie: 2, set_cookie: 1, password: 2, jwt: 1, url_credentials: 1, api_key: 1, private_key: 1,
    });
  });

  it('counts every occurrence in a log, not every distinct value', async () => {
    const token = secret();
    const { outcome } = await sanitizeBytes(Buffer.from(`a password=${token}\nb password=${token}\n`));
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.removed, { password: 2 });
  });

  it('removes a private key and a SAML assertion whole, even across batch and chunk boundaries', async () => {
    const inside = [secret(), secret(), secret()];
    // Batches end at the first newline after each 256 KiB; the key and the assertion straddle the first.
    const before = 'x'.repeat(99) + '\n';
    const log = `${before.repeat(2620)}-----BEGIN PRIVATE KEY-----\n${inside[0]}\n${'A'.repeat(76)}\n${inside[1]}\n-----END PRIVATE KEY-----\n`
      + `${before.repeat(2600)}<saml:Assertion ID="a">\n  <saml:Subject>${inside[2]}</saml:Subject>\n</saml:Assertion>\nafter\n`;
    const reference = await sanitizeBytes(Buffer.from(log), 1 << 20);
    for (const size of [7, 4096, 65536]) {
      const { outcome, output } = await sanitizeBytes(Buffer.from(log), size);
      assert.ok(outcome.ok);
      assert.deepEqual(outcome.removed, { private_key: 1, saml: 1 });
      assert.ok(output.equals(reference.output));
      for (const value of inside) assert.ok(!output.toString('latin1').includes(value));
      assert.ok(output.toString('latin1').endsWith('[redacted]\nafter\n'));
    }
  });

  it('scrubs what a debug log of HTTP traffic carries without a name to say so', async () => {
    const s = Array.from({ length: 12 }, secret);
    const basic = Buffer.from(`svc:${s[0]}`).toString('base64');
    const akia = 'AKIAQ7RSTUVWXYZ23456';
    const log = [
      `> Authorization: Digest username="jane", realm="x", nonce="abc", uri="/", response="${s[1]}"`,
      `curl -H "X-Upstream: Basic ${basic}" https://up.example.com`,
      `body code=${s[2]}&state=${s[3]}`,
      `{"grant_type":"authorization_code","code":"${s[4]}","redirect_uri":"https://app.example.com/cb"}`,
      `POST /api/v1/users {"profile":{"login":"jane"},"credentials":{"password":{"value":"${s[5]}"}},"recovery":{"codes":["x"]}}`,
      `{"variables":[{"key":"client_secret","value":"${s[6]}"},{"key":"baseUrl","value":"https://x.example"}]}`,
      `created {"kty":"oct","kid":"hmac-1","k":"${s[7]}"}`,
      `form utf8=%E2%9C%93&user%5Bemail%5D=jane%40example.com&user%5Bpassword%5D=${s[8]}`,
      `GET https://exports.s3.amazonaws.com/a.csv?X-Amz-Credential=${akia}%2F20261129%2Fus-east-1%2Fs3&X-Amz-Security-Token=${s[9]}&X-Amz-Signature=${s[10]}`,
      '--XyZ', 'Content-Disposition: form-data; name="password"', '', `${s[11]}`, '--XyZ--',
      'error code=42 state=running; Basic plan, basic authentication',
      '',
    ].join('\n');
    const { outcome, output } = await sanitizeBytes(Buffer.from(log), 7);
    assert.ok(outcome.ok && outcome.kind === 'text');
    const text = output.toString('utf8');
    for (const value of [...s, basic, akia]) assert.ok(!text.includes(value), `kept ${value}`);
    assert.deepEqual(text.split('\n').slice(0, 8), [
      '> Authorization: Digest [redacted]',
      'curl -H "X-Upstream: Basic [redacted]" https://up.example.com',
      'body code=[redacted]&state=[redacted]',
      '{"grant_type":"authorization_code","code":"[redacted]","redirect_uri":"https://app.example.com/cb"}',
      'POST /api/v1/users {"profile":{"login":"jane"},"credentials":{"password":{"value":"[redacted]"}},"recovery":{"codes":["x"]}}',
      '{"variables":[{"key":"client_secret","value":"[redacted]"},{"key":"baseUrl","value":"https://x.example"}]}',
      'created {"kty":"oct","kid":"hmac-1","k":"[redacted]"}',
      'form utf8=%E2%9C%93&user%5Bemail%5D=jane%40example.com&user%5Bpassword%5D=[redacted]',
    ]);
    assert.ok(text.endsWith('error code=42 state=running; Basic plan, basic authentication\n'));
  });

  it('removes PGP secret key blocks as it removes PEM private keys', async () => {
    const inside = secret();
    const { outcome, output } = await sanitizeBytes(Buffer.from(`key:\n-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF${inside}\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----\nafter\n`), 5);
    assert.ok(outcome.ok);
    assert.equal(output.toString('utf8'), 'key:\n[redacted]\nafter\n');
    assert.deepEqual(outcome.removed, { private_key: 1 });
  });

  it('refuses a line longer than the limit as too large', async () => {
    const { outcome } = await sanitizeBytes(Buffer.from(`${'y'.repeat(50_000)}\n`), 4096, { maxUnitBytes: 10_000 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.reason, 'too_large');
  });
});

describe('JSON attachments', () => {
  it('scrubs secret-named fields at any depth and keeps everything else', async () => {
    const s = Array.from({ length: 7 }, secret);
    const config = {
      db: { host: 'db.internal', port: 5432, password: s[0] },
      oauth: { client_id: '0oa1public', client_secret: s[1] },
      tokens: [{ token: s[2], label: 'ci' }],
      apiKey: s[3],
      nested: { a: { b: { c: { secret: s[4] } } } },
      code: 'E0000011', state: 'CA', count: 5, enabled: true,
      type: 'service_account', private_key: `-----BEGIN PRIVATE KEY-----\n${s[5]}\n-----END PRIVATE KEY-----\n`,
      client_email: 'svc@project.iam.gserviceaccount.com',
      note: `see https://app.example.com/cb?code=${s[6]}`,
    };
    const { outcome, output } = await sanitizeBytes(Buffer.from(JSON.stringify(config, null, 2)));
    assert.ok(outcome.ok && outcome.kind === 'json');
    assert.deepEqual(JSON.parse(output.toString('utf8')), {
      ...config,
      db: { host: 'db.internal', port: 5432, password: '[redacted]' },
      oauth: { client_id: '0oa1public', client_secret: '[redacted]' },
      tokens: [{ token: '[redacted]', label: 'ci' }],
      apiKey: '[redacted]',
      nested: { a: { b: { c: { secret: '[redacted]' } } } },
      private_key: '[redacted]',
      note: 'see https://app.example.com/cb?code=[redacted]',
    });
    assert.deepEqual(outcome.removed, { password: 1, oauth_parameter: 2, secret_field: 2, api_key: 1, private_key: 1 });
  });

  it('removes what grants access under other names: JWK private members, TOTP secrets and QR codes, recovery codes, IDX handles', async () => {
    const s = Array.from({ length: 9 }, secret);
    const doc = {
      keys: [{ kty: 'RSA', kid: 'k1', use: 'sig', e: 'AQAB', n: 'public-modulus', d: s[0], p: s[1], q: s[2] }],
      activation: { sharedSecret: s[3], encoding: 'base32', _links: { qrcode: { href: `data:image/png;base64,${s[4]}`, type: 'image/png' } } },
      recoveryCodes: [s[5], s[6]],
      idx: { stateHandle: s[7], interaction_handle: s[8], intent: 'LOGIN' },
      errorCode: 'E0000011', postalCode: '94105', publicKey: 'public', keyId: 'k1',
    };
    const { outcome, output } = await sanitizeBytes(Buffer.from(JSON.stringify(doc)));
    assert.ok(outcome.ok && outcome.kind === 'json');
    assert.deepEqual(JSON.parse(output.toString('utf8')), {
      ...doc,
      keys: [{ kty: 'RSA', kid: 'k1', use: 'sig', e: 'AQAB', n: 'public-modulus', d: '[redacted]', p: '[redacted]', q: '[redacted]' }],
      activation: { sharedSecret: '[redacted]', encoding: 'base32', _links: { qrcode: { href: '[redacted]', type: 'image/png' } } },
      recoveryCodes: ['[redacted]', '[redacted]'],
      idx: { stateHandle: '[redacted]', interaction_handle: '[redacted]', intent: 'LOGIN' },
    });
    assert.deepEqual(outcome.removed, { private_key: 3, secret_field: 2, password: 2, session_id: 1, oauth_parameter: 1 });
  });

  it('streams a large top-level array element by element', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ user: `u${i}`, sessionToken: `tok-${i}-${secret()}` }));
    const { outcome, output } = await sanitizeBytes(Buffer.from(JSON.stringify(rows)), 8192);
    assert.ok(outcome.ok && outcome.kind === 'json');
    const back = JSON.parse(output.toString('utf8')) as { user: string; sessionToken: string }[];
    assert.equal(back.length, 5000);
    assert.deepEqual(back[4999], { user: 'u4999', sessionToken: '[redacted]' });
    assert.deepEqual(outcome.removed, { session_id: 5000 });
  });

  it('keeps JSON Lines as lines: an Okta System Log export loses only its state tokens', async () => {
    const input = readFileSync(`${sharedDataDir()}panther-okta/extracted/okta_events.ndjson`);
    const { outcome, output } = await sanitizeBytes(input);
    assert.ok(outcome.ok && outcome.kind === 'json');
    const before = input.toString('utf8').trim().split('\n');
    const after = output.toString('utf8').split('\n');
    assert.equal(after.length, before.length);
    assert.deepEqual(outcome.removed, { session_id: 2 });
    const event = JSON.parse(after[31] as string) as { debugContext: { debugData: { url: string } } };
    assert.equal(event.debugContext.debugData.url, '/login/token/redirect?stateToken=[redacted]');
    assert.ok(output.toString('utf8').includes('"externalSessionId"'));
  });

  it('keeps numbers exactly, even past what a double holds', async () => {
    const { output } = await sanitizeBytes(Buffer.from('{"id": 12345678901234567890, "ratio": 1.0, "small": 7, "password": "hunter2hunter2"}'));
    assert.equal(output.toString('utf8'), '{"id":12345678901234567890,"ratio":1.0,"small":7,"password":"[redacted]"}');
  });

  it('handles a __proto__ member as data, not as a prototype', async () => {
    const value = secret();
    const { outcome, output } = await sanitizeBytes(Buffer.from(`{"__proto__": {"password": "${value}"}, "a": 1}`));
    assert.ok(outcome.ok);
    assert.equal(output.toString('utf8'), '{"__proto__":{"password":"[redacted]"},"a":1}');
    assert.equal(({} as Record<string, unknown>)['password'], undefined);
  });

  it('writes out only the last of duplicate members, scrubbed', async () => {
    const [first, last] = [secret(), secret()];
    const { output } = await sanitizeBytes(Buffer.from(`{"note":"a","password":"${first}","password":"${last}"}`));
    assert.equal(output.toString('utf8'), '{"note":"a","password":"[redacted]"}');
  });

  it('applies the HAR rules to a HAR pasted inside another JSON document', async () => {
    const value = secret();
    const report = { ticket: 42, capture: { log: { version: '1.2', entries: [{
      startedDateTime: '2026-11-29T10:00:00.000Z', time: 1,
      request: { method: 'GET', url: 'https://x.example/', headers: [{ name: 'Cookie', value: `sid=${value}` }], cookies: [{ name: 'sid', value }] },
      response: { status: 200, headers: [], cookies: [], content: { size: 0, mimeType: 'text/plain' } },
    }] } } };
    const { outcome, output } = await sanitizeBytes(Buffer.from(JSON.stringify(report)));
    assert.ok(outcome.ok && outcome.kind === 'json');
    assert.ok(!output.toString('utf8').includes(value));
    assert.deepEqual(outcome.removed, { cookie: 1 });
  });
});
