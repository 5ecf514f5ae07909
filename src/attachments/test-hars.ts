import { randomBytes } from 'node:crypto';
import type { RemovalKind } from './redactions.ts';
import { sanitizeAttachment, type SanitizeOptions, type SanitizeOutcome } from './sanitize.ts';

/**
 * Test support: HAR files with secrets planted in every place a browser or proxy puts them, each secret a
 * fresh random value, with the tally the sanitizer must report, and values that must come through unchanged.
 */

export type Planted = { har: object; secrets: Map<string, string>; expected: Partial<Record<RemovalKind, number>>; innocuous: string[] };

/** Feeds `input` to the sanitizer in chunks of `chunkBytes`; the outcome and everything written to the sink. */
export async function sanitizeBytes(input: Buffer, chunkBytes = 64 * 1024, opts?: SanitizeOptions): Promise<{ outcome: SanitizeOutcome; output: Buffer }> {
  async function* chunks() {
    for (let at = 0; at < input.length; at += chunkBytes) yield input.subarray(at, at + chunkBytes);
  }
  const out: Buffer[] = [];
  const outcome = await sanitizeAttachment(chunks(), (chunk) => {
    out.push(chunk);
  }, opts);
  return { outcome, output: Buffer.concat(out) };
}

const b64url = (bytes: number): string => randomBytes(bytes).toString('base64url').replace(/^[-_]/, 'Q');
const alnum = (length: number): string => randomBytes(length * 2).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, length).padEnd(length, 'Z');
const jwtValue = (): string => `eyJhbGciOiJSUzI1NiIsImtpZCI6IiR7${b64url(6)}In0.eyJzdWIiOiIwMHUx${b64url(60)}.${b64url(64)}`;

/** Pads a body past the size from which bodies are read as raw bytes (json-scan.ts LONG_BODY_BYTES). */
const filler = (label: string): string => `<p>${label} — lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n`.repeat(40);

function entry(request: object, response: object, extra: object = {}): object {
  return {
    startedDateTime: '2026-11-29T10:00:00.000Z', time: 42,
    request: { method: 'GET', httpVersion: 'HTTP/2', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0, ...request },
    response: {
      status: 200, statusText: 'OK', httpVersion: 'HTTP/2', headers: [], cookies: [], redirectURL: '', headersSize: -1, bodySize: -1,
      content: { size: 0, mimeType: 'text/plain' }, ...response,
    },
    cache: {}, timings: { send: 0, wait: 40, receive: 2 }, ...extra,
  };
}

/** A HAR 1.2 log with more than fifty secrets, each where some real capture has had one. */
export function plantedHar(): Planted {
  const secrets = new Map<string, string>();
  const expected: Partial<Record<RemovalKind, number>> = {};
  /** A fresh secret for one placement, counted under `kind` (once: an echo of it in the same entry is not counted again). */
  const plant = (label: string, kind: RemovalKind, value: string = `S${b64url(18)}`): string => {
    secrets.set(label, value);
    expected[kind] = (expected[kind] ?? 0) + 1;
    return value;
  };
  const innocuous = ['Mozilla/5.0 (X11; Linux x86_64) Bulwark-Test/1.0', 'limit=25', 'after=00u1cursor42', '"code":"E0000011"', '"state":"CA"',
    'Welcome back, Jane', 'application/json, text/plain, */*', '.banner:hover{color:#123456}', 'function getUser(id){return id}', 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB'];

  const sid = plant('cookie sid (header and cookies array)', 'cookie');
  const jsession = plant('cookie JSESSIONID (header and cookies array)', 'cookie');
  const accessQuery = plant('access_token in url and queryString', 'oauth_parameter');
  const apiKeyQuery = plant('api_key in url and queryString', 'api_key');
  const passwordQuery = plant('password in url and queryString', 'password');
  const codeReferer = plant('code in Referer', 'oauth_parameter');
  const stateReferer = plant('state in Referer', 'oauth_parameter');
  const setCookieSid = plant('Set-Cookie sid (header and cookies array)', 'set_cookie');
  const first = entry({
    url: `https://acme.bulwark.example/api/v1/users?limit=25&after=00u1cursor42&access_token=${accessQuery}&api_key=${apiKeyQuery}&password=${passwordQuery}`,
    queryString: [{ name: 'limit', value: '25' }, { name: 'after', value: '00u1cursor42' }, { name: 'access_token', value: accessQuery }, { name: 'api_key', value: apiKeyQuery },
      { name: 'password', value: passwordQuery }],
    headers: [
      { name: 'User-Agent', value: 'Mozilla/5.0 (X11; Linux x86_64) Bulwark-Test/1.0' },
      { name: 'Accept', value: 'application/json, text/plain, */*' },
      { name: 'Authorization', value: `Bearer ${plant('Authorization bearer', 'authorization_header')}` },
      { name: 'X-API-Key', value: plant('X-API-Key header', 'api_key') },
      { name: 'api-key', value: plant('api-key header', 'api_key') },
      { name: 'apikey', value: plant('apikey header', 'api_key') },
      { name: 'X-CSRF-Token', value: plant('X-CSRF-Token header', 'csrf_token') },
      { name: 'X-Okta-XsrfToken', value: plant('X-Okta-XsrfToken header', 'csrf_token') },
      { name: 'X-Auth-Token', value: plant('X-Auth-Token header', 'secret_field') },
      { name: 'X-Amz-Security-Token', value: plant('X-Amz-Security-Token header', 'api_key') },
      { name: 'X-Debug-Trace', value: `trace ${plant('JWT in an ordinary header', 'jwt', jwtValue())} end` },
      { name: 'Cookie', value: `sid=${sid}; JSESSIONID=${jsession}` },
      { name: 'Referer', value: `https://acme.bulwark.example/callback?code=${codeReferer}&state=${stateReferer}` },
    ],
    cookies: [{ name: 'sid', value: sid, httpOnly: true }, { name: 'JSESSIONID', value: jsession }],
  }, {
    headers: [
      { name: 'Content-Type', value: 'application/json' },
      { name: 'Set-Cookie', value: `sid=${setCookieSid}; Path=/; Secure; HttpOnly; SameSite=Lax` },
      { name: 'Set-Cookie', value: `DT=${plant('Set-Cookie DT', 'set_cookie')}; Path=/; Secure` },
    ],
    cookies: [{ name: 'sid', value: setCookieSid, path: '/', secure: true }],
    content: {
      size: 120, mimeType: 'application/json',
      text: JSON.stringify({ errorCode: 'E0000011', code: 'E0000011', address: { state: 'CA' }, sessionId: plant('sessionId in JSON body', 'session_id'),
        stateToken: plant('stateToken in JSON body', 'session_id'), apiToken: plant('apiToken in JSON body', 'api_key', `00${b64url(30)}`),
        redirect: `https://acme.bulwark.example/cb?code=${plant('code in a URL inside a JSON value', 'oauth_parameter')}`,
        variables: [{ key: 'client_secret', value: plant('Postman-style key/value pair', 'oauth_parameter') }] }),
    },
  });

  const second = entry({
    method: 'POST',
    url: `https://user:${plant('password in URL credentials', 'url_credentials')}@legacy.example.com/sso;jsessionid=${plant('jsessionid matrix parameter', 'session_id')}?sessionToken=${plant('sessionToken query', 'session_id')}&id_token_hint=${plant('id_token_hint query', 'oauth_parameter', jwtValue())}&sig=${plant('sig query (SAS)', 'secret_field')}&X-Amz-Signature=${plant('X-Amz-Signature query', 'secret_field')}`,
    headers: [
      { name: 'Authorization', value: `Basic ${plant('Authorization basic', 'authorization_header', Buffer.from(`jane:${b64url(9)}`).toString('base64'))}` },
      { name: 'Proxy-Authorization', value: `Basic ${plant('Proxy-Authorization', 'authorization_header', Buffer.from(`proxy:${b64url(9)}`).toString('base64'))}` },
      { name: 'Content-Type', value: 'application/x-www-form-urlencoded' },
    ],
    postData: (() => {
      const password = plant('password form field (text and params)', 'password');
      const clientSecret = plant('client_secret form field', 'oauth_parameter');
      const verifier = plant('code_verifier form field', 'oauth_parameter');
      const code = plant('code form field', 'oauth_parameter');
      return {
        mimeType: 'application/x-www-form-urlencoded',
        text: `username=jane&password=${password}&client_secret=${clientSecret}&code_verifier=${verifier}&code=${code}&grant_type=authorization_code`,
        params: [{ name: 'username', value: 'jane' }, { name: 'password', value: password }, { name: 'client_secret', value: clientSecret },
          { name: 'code_verifier', value: verifier }, { name: 'code', value: code }, { name: 'grant_type', value: 'authorization_code' }],
      };
    })(),
  }, {
    status: 302,
    headers: [{ name: 'Location', value: `https://app.example.com/cb#access_token=${plant('access_token in a Location fragment', 'oauth_parameter')}&id_token=${plant('id_token in a Location fragment', 'oauth_parameter', jwtValue())}&state=${plant('state in a Location fragment', 'oauth_parameter')}` }],
    content: {
      size: 300, mimeType: 'application/json', encoding: 'base64',
      text: Buffer.from(JSON.stringify({ access_token: plant('access_token in a base64 JSON body', 'oauth_parameter'), refresh_token: plant('refresh_token in a base64 JSON body', 'oauth_parameter'),
        id_token: plant('id_token in a base64 JSON body', 'oauth_parameter', jwtValue()), token_type: 'Bearer', expires_in: 3600 })).toString('base64'),
    },
  });

  const third = entry({
    method: 'POST', url: 'https://acme.bulwark.example/api/v1/authn',
    postData: {
      mimeType: 'application/json',
      text: JSON.stringify({ username: 'jane@example.com', password: plant('password in JSON post data', 'password'), options: { multiOptionalFactorEnroll: false },
        credentials: { password: { value: plant('Okta credentials.password.value', 'password') } },
        data: { items: [{ apiKey: plant('apiKey deep in JSON post data', 'api_key') }] },
        client_assertion: plant('client_assertion', 'oauth_parameter', jwtValue()), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' }),
    },
  }, {
    content: {
      size: 200, mimeType: 'application/json',
      text: JSON.stringify({ access_token: plant('access_token in JSON body', 'oauth_parameter'), refresh_token: plant('refresh_token in JSON body', 'oauth_parameter'),
        id_token: plant('id_token in JSON body', 'oauth_parameter', jwtValue()), token_type: 'Bearer', expires_in: 3600,
        privateKey: plant('privateKey JSON field', 'private_key', `-----BEGIN PRIVATE KEY-----\nMIIE${b64url(48)}\n-----END PRIVATE KEY-----`),
        resetPasswordUrl: `https://acme.okta.com/reset_password/${plant('Okta resetPasswordUrl token', 'secret_field')}`,
        ...(() => {
          // Okta answers an activation with the token twice: in the URL and on its own (counted once).
          const activation = plant('Okta activation token (activationUrl and activationToken)', 'secret_field');
          return { activationUrl: `https://acme.okta.com/welcome/${activation}`, activationToken: activation };
        })() }),
    },
  });

  const fourth = entry({
    method: 'POST', url: 'https://acme.bulwark.example/oauth2/v1/token',
    postData: { mimeType: 'application/json', text: JSON.stringify({ grant_type: 'authorization_code', code: plant('code in a JSON OAuth token request', 'oauth_parameter'), redirect_uri: 'https://app.example.com/cb' }) },
  }, {
    content: {
      size: 5000, mimeType: 'text/html; charset=utf-8',
      text: `<!doctype html><html><head><meta name="csrf-token" content="${plant('csrf meta tag', 'csrf_token')}"><title>Signing in</title></head><body>${filler('Welcome back, Jane')}`
        + `<form method="post" action="https://app.example.com/saml/acs"><input type="hidden" name="SAMLResponse" value="${plant('SAMLResponse auto-post form', 'saml', `PHNhbWxwOlJlc3BvbnNl${b64url(120)}`)}"/>`
        + `<input type="hidden" name="RelayState" value="${plant('RelayState auto-post form', 'saml')}"/></form>`
        + `<form method="post" action="https://app.example.com/oidc/cb"><input type="hidden" name="id_token" value="${plant('id_token form_post', 'oauth_parameter', jwtValue())}">`
        + `<input type="hidden" name="state" value="${plant('state form_post', 'oauth_parameter')}"></form>`
        + `<div data-claims="${plant('JWT in an HTML attribute', 'jwt', jwtValue())}">Jane</div>`
        + `<script>window.__CONFIG__ = {"apiKey":"${plant('apiKey in an inline script', 'api_key')}","region":"eu"};</script>`
        + `<a href="https://acme.bulwark.example/signin/reset-password/${plant('password reset link token', 'secret_field')}">Reset</a>`
        + `<pre>Authorization: Bearer ${plant('Authorization line in HTML text', 'authorization_header')}</pre>${filler('more')}</body></html>`,
    },
  });

  const bundle = `!function(){function getUser(id){return id}var k=${JSON.stringify('x'.repeat(10))};`.padEnd(40_000, ';') + `var t="Bearer ${plant('bearer token in a large script', 'bearer_token')}",j="${plant('JWT in a large script', 'jwt', jwtValue())}";}();`;
  const fifth = entry({ url: 'https://cdn.example.com/app.js' }, {
    content: { size: bundle.length, mimeType: 'application/javascript', text: bundle },
  }, {
    _webSocketMessages: [{ type: 'receive', time: 1, opcode: 1, data: JSON.stringify({ token: plant('token in a websocket message', 'secret_field') }) }],
  });

  const sixth = entry({ url: 'https://acme.bulwark.example/jsonp?callback=cb' }, {
    content: { size: 80, mimeType: 'application/javascript', text: `cb({"access_token":"${plant('access_token in JSONP', 'oauth_parameter')}","expires_in":3600})` },
  });

  const seventh = entry({
    method: 'POST', url: 'https://acme.bulwark.example/upload',
    postData: { mimeType: 'multipart/form-data; boundary=XyZ', text: `--XyZ\r\nContent-Disposition: form-data; name="user"\r\n\r\njane\r\n--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\n${plant('password multipart field', 'password')}\r\n--XyZ--\r\n` },
  }, {
    content: {
      size: 4000, mimeType: 'application/samlassertion+xml',
      text: `<?xml version="1.0"?><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${filler('xml')}<saml:Assertion ID="_${plant('SAML assertion in XML', 'saml')}"><saml:Subject>jane</saml:Subject></saml:Assertion></samlp:Response>`,
    },
  });

  const eighth = entry({
    method: 'POST', url: 'https://acme.bulwark.example/sso/saml',
    postData: {
      mimeType: 'application/x-www-form-urlencoded',
      text: `SAMLResponse=${plant('SAMLResponse form post', 'saml', `PHNhbWxwOlJlc3BvbnNl${b64url(90)}`)}&RelayState=${plant('RelayState form post', 'saml')}`,
    },
  }, {
    content: {
      size: 3000, mimeType: 'text/plain',
      text: `${filler('log')}2026-11-29 INFO calling api with SSWS ${plant('SSWS token in text', 'api_key', `00${b64url(30)}`)}\n`
        + `2026-11-29 INFO git clone with ${plant('GitHub token in text', 'api_key', `ghp_${alnum(36)}`)}\n`
        + `${plant('PEM key in text', 'private_key', `-----BEGIN RSA PRIVATE KEY-----\nMIIC${b64url(60)}\n-----END RSA PRIVATE KEY-----`)}\n`,
    },
  });

  const ninth = entry({ url: 'https://acme.bulwark.example/preview' }, {
    content: {
      size: 3000, mimeType: 'text/html', encoding: 'base64',
      text: Buffer.from(`<html><body>${filler('base64 page')}<p>token ${plant('JWT in a base64 HTML body', 'jwt', jwtValue())}</p></body></html>`).toString('base64'),
    },
  });

  const clean = entry({ url: 'https://cdn.example.com/logo.png' }, {
    content: { size: 67, mimeType: 'image/png', encoding: 'base64', text: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' },
  });
  const styles = entry({ url: 'https://cdn.example.com/site.css' }, { content: { size: 30, mimeType: 'text/css', text: '.banner:hover{color:#123456}' } });

  const har = {
    log: {
      version: '1.2', creator: { name: 'Bulwark test', version: '1.0' },
      pages: [{ startedDateTime: '2026-11-29T10:00:00.000Z', id: 'page_1', title: 'Sign in', pageTimings: { onLoad: 100 } }],
      entries: [first, second, third, fourth, fifth, sixth, seventh, eighth, ninth, clean, styles],
    },
  };
  return { har, secrets, expected, innocuous };
}

/**
 * Every string an output could show a value through: the text itself, every string in it once unescaped
 * (a body is JSON inside JSON), and each base64 body decoded (a secret re-encoded in base64 would not show
 * in the text).
 */
export function searchableText(output: Buffer): string {
  const text = output.toString('utf8');
  const strings: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) collect(v);
  };
  for (const line of text.split('\n')) if (line.trim()) collect(JSON.parse(line));
  for (const m of text.matchAll(/"text":"([A-Za-z0-9+/=]{16,})"/g)) strings.push(Buffer.from(m[1] as string, 'base64').toString('latin1'));
  return [text, ...strings].join('\n');
}
