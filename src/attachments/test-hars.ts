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
const upper = (length: number): string => Array.from(randomBytes(length), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');
const base32 = upper;
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
    'Welcome back, Jane', 'application/json, text/plain, */*', '.banner:hover{color:#123456}', 'function getUser(id){return id}', 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB',
    // Not secrets: what a support engineer needs to read the capture.
    'nonce=n-0S6_WzA2Mj', 'login_hint=jane%40example.com', 'code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'okta-signin-widget-7.27.0', 'req-Y2b3c4d5e6f7',
    '"kid":"bulwark-key-1"', 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', '"type":"image/png"', '"keyLength":6', 'X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Expires=300',
    'page=3&per_page=50', 'SigAlg=http%3A%2F%2Fwww.w3.org', 'user%5Bemail%5D=jane%40example.com', '"client_id":"0oa1partner"', 'Path=/; Secure; HttpOnly; SameSite=None',
    'grant-type%3Ajwt-bearer', '"login":"jane@example.com"'];

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

  // An Okta sign-in: the authorize request with every session cookie a browser sends, the cookies the page
  // sets, and the sign-in widget's bootstrap script.
  const signIn = (() => {
    const state = plant('state in an authorize request (url, queryString, :path)', 'oauth_parameter');
    const query = `client_id=0oa1bulwark&response_type=code&scope=openid%20profile&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&state=${state}`
      + '&nonce=n-0S6_WzA2Mj&login_hint=jane%40example.com&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256';
    const cookies = [
      ['idx', plant('cookie idx', 'cookie')], ['DT', plant('cookie DT (device token)', 'cookie')],
      ['okta-oauth-state', plant('cookie okta-oauth-state', 'cookie')], ['__Host-session', plant('cookie __Host-session', 'cookie')],
      ['connect.sid', plant('cookie connect.sid (signed, URL-encoded)', 'cookie', `s%3A${b64url(24)}.${b64url(32)}`)],
      ['PHPSESSID', plant('cookie PHPSESSID', 'cookie', randomBytes(13).toString('hex'))], ['ASP.NET_SessionId', plant('cookie ASP.NET_SessionId', 'cookie')],
      ['XSRF-TOKEN', plant('cookie XSRF-TOKEN', 'cookie')],
    ] as const;
    const setCookies = [
      ['idx', plant('Set-Cookie idx', 'set_cookie'), 'Path=/; Secure; HttpOnly; SameSite=None'], ['__Host-session', plant('Set-Cookie __Host-session', 'set_cookie'), 'Path=/; Secure; HttpOnly'],
      ['connect.sid', plant('Set-Cookie connect.sid', 'set_cookie'), 'Path=/; HttpOnly'], ['XSRF-TOKEN', plant('Set-Cookie XSRF-TOKEN', 'set_cookie'), 'Path=/'],
    ] as const;
    const stateToken = plant('stateToken in the sign-in widget script (with \\x2D escapes)', 'session_id', `${b64url(12)}\\x2D${b64url(12)}`);
    return entry({
      url: `https://acme.bulwark.example/oauth2/v1/authorize?${query}`,
      queryString: query.split('&').map((pair) => ({ name: pair.split('=')[0], value: decodeURIComponent(pair.split('=')[1] as string) })),
      headers: [
        { name: ':path', value: `/oauth2/v1/authorize?${query}` },
        { name: 'Cookie', value: cookies.map(([name, value]) => `${name}=${value}`).join('; ') },
        { name: 'X-XSRF-TOKEN', value: plant('X-XSRF-TOKEN header', 'csrf_token') },
        { name: 'X-Okta-User-Agent-Extended', value: 'okta-auth-js/7.8.1 okta-signin-widget-7.27.0' },
      ],
      cookies: cookies.map(([name, value]) => ({ name, value })),
    }, {
      headers: [
        ...setCookies.map(([name, value, attributes]) => ({ name: 'Set-Cookie', value: `${name}=${value}; ${attributes}` })),
        { name: 'X-Okta-Request-Id', value: 'req-Y2b3c4d5e6f7' }, { name: 'Content-Type', value: 'text/html;charset=utf-8' },
      ],
      cookies: setCookies.map(([name, value]) => ({ name, value, path: '/', secure: true })),
      content: {
        size: 900, mimeType: 'text/html',
        text: `<!doctype html><html><head><title>Sign in</title></head><body><div id="okta-login-container"></div><script>var stateToken = '${stateToken}';`
          + ` var oktaData = {"signIn":{"interactionHandle":"${plant('interactionHandle in the sign-in page', 'oauth_parameter')}",`
          + `"stateHandle":"${plant('stateHandle in the sign-in page', 'session_id')}"},"config":{"baseUrl":"https://acme.bulwark.example"}};</script></body></html>`,
      },
    });
  })();

  // Okta Identity Engine: answering a challenge (Digest credentials on the side, as a proxy in front may ask).
  const idxAnswer = (() => {
    const stateHandle = plant('stateHandle in an IDX request, echoed in its answer', 'session_id');
    return entry({
      method: 'POST', url: 'https://acme.bulwark.example/idp/idx/challenge/answer',
      headers: [
        { name: 'Authorization', value: `Digest username="jane", realm="bulwark", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/idp/idx", qop=auth, nc=00000001, cnonce="0a4f113b", response="${plant('Authorization Digest response', 'authorization_header', randomBytes(16).toString('hex'))}"` },
        { name: 'Content-Type', value: 'application/ion+json; okta-version=1.0.0' },
      ],
      postData: { mimeType: 'application/ion+json; okta-version=1.0.0', text: JSON.stringify({ stateHandle, credentials: { passcode: plant('IDX credentials.passcode', 'password') } }) },
    }, {
      content: {
        size: 400, mimeType: 'application/ion+json; okta-version=1.0.0',
        text: JSON.stringify({ version: '1.0.0', stateHandle, intent: 'LOGIN', expiresAt: '2026-11-29T10:05:00.000Z',
          success: { name: 'success-redirect', href: `https://acme.bulwark.example/login/token/redirect?stateToken=${plant('stateToken in an IDX success-redirect href', 'session_id')}` } }),
      },
    });
  })();

  const interact = entry({
    method: 'POST', url: 'https://acme.bulwark.example/oauth2/v1/interact',
    headers: [{ name: 'X-Forwarded-Authorization', value: `Basic ${plant('X-Forwarded-Authorization basic', 'authorization_header', Buffer.from(`svc:${b64url(12)}`).toString('base64'))}` }],
    postData: { mimeType: 'application/x-www-form-urlencoded', text: 'client_id=0oa1bulwark&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256' },
  }, {
    content: { size: 60, mimeType: 'application/json', text: JSON.stringify({ interaction_handle: plant('interaction_handle in an interact answer', 'oauth_parameter') }) },
  });

  // Factors: a TOTP enrollment (its secret, also as the QR code picture), recovery codes, a question answered.
  const totpEnroll = entry({ method: 'POST', url: 'https://acme.bulwark.example/api/v1/users/me/factors', postData: { mimeType: 'application/json', text: '{"factorType":"token:software:totp","provider":"OKTA"}' } }, {
    content: {
      size: 700, mimeType: 'application/json',
      text: JSON.stringify({ id: 'uft1bulwark', factorType: 'token:software:totp', provider: 'OKTA', status: 'PENDING_ACTIVATION',
        _embedded: { activation: { timeStep: 30, sharedSecret: plant('TOTP sharedSecret', 'secret_field', base32(32)), encoding: 'base32', keyLength: 6,
          _links: { qrcode: { href: plant('TOTP QR code (data: URL)', 'secret_field', `data:image/png;base64,iVBORw0KGgo${b64url(90)}`), type: 'image/png' } } } } }),
    },
  });
  const recoveryCodes = entry({ method: 'POST', url: 'https://acme.bulwark.example/api/v1/users/me/factors', postData: { mimeType: 'application/json', text: '{"factorType":"recovery_codes"}' } }, {
    content: {
      size: 300, mimeType: 'application/json',
      text: JSON.stringify({ factorType: 'recovery_codes', status: 'ACTIVE', _embedded: { activation: { recoveryCodes: [plant('recovery code (first)', 'password', alnum(10)), plant('recovery code (second)', 'password', alnum(10))] } } }),
    },
  });
  const questionVerify = entry({
    method: 'POST', url: 'https://acme.bulwark.example/api/v1/authn/factors/ufs1bulwark/verify',
    postData: { mimeType: 'application/json', text: JSON.stringify({ stateToken: plant('stateToken in a factor verify request', 'session_id'), answer: plant('security question answer', 'password') }) },
  }, {
    content: {
      size: 300, mimeType: 'application/json',
      text: JSON.stringify({ status: 'SUCCESS', sessionToken: plant('sessionToken in an authn answer', 'session_id'), recoveryToken: plant('recoveryToken in an authn answer', 'secret_field'),
        _embedded: { user: { id: '00u1bulwark', profile: { login: 'jane@example.com' } } } }),
    },
  });

  // Keys and secrets an admin sends: a private JWK, an IdP's client secret, a PEM key and a nested refresh token.
  const jwkUpload = entry({
    method: 'POST', url: 'https://acme.bulwark.example/api/v1/apps/0oa1bulwark/credentials/jwks',
    postData: { mimeType: 'application/json', text: JSON.stringify({ kty: 'EC', crv: 'P-256', kid: 'bulwark-key-1', use: 'sig', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', d: plant('JWK private key d', 'private_key', b64url(32)) }) },
  }, { status: 201, content: { size: 200, mimeType: 'application/json', text: JSON.stringify({ kid: 'bulwark-key-1', status: 'ACTIVE' }) } });
  const idpCreate = entry({
    method: 'POST', url: 'https://acme.bulwark.example/api/v1/idps',
    postData: {
      mimeType: 'application/json',
      text: JSON.stringify({ type: 'OIDC', name: 'Partner', protocol: { credentials: { client: { client_id: '0oa1partner', client_secret: plant('IdP client_secret nested in JSON', 'oauth_parameter') } } },
        private_key: plant('private_key JSON field (PKCS#8 PEM)', 'private_key', `-----BEGIN PRIVATE KEY-----\nMIIE${b64url(60)}\n-----END PRIVATE KEY-----\n`),
        secret: plant('secret JSON field', 'secret_field'), sync: { data: { refresh_token: plant('refresh_token nested in JSON', 'oauth_parameter') } } }),
    },
  }, { status: 200, content: { size: 40, mimeType: 'application/json', text: '{"id":"0oa1partner","status":"ACTIVE"}' } });

  // A Rails-style form: bracketed names, the password twice.
  const railsForm = (() => {
    const password = plant('user[password] form field', 'password');
    const confirmation = plant('user[password_confirmation] form field', 'password');
    const csrf = plant('authenticity_token form field', 'csrf_token');
    return entry({
      method: 'POST', url: 'https://portal.example.com/users',
      postData: {
        mimeType: 'application/x-www-form-urlencoded',
        text: `utf8=%E2%9C%93&authenticity_token=${csrf}&user%5Bemail%5D=jane%40example.com&user%5Bpassword%5D=${password}&user%5Bpassword_confirmation%5D=${confirmation}`,
        params: [{ name: 'utf8', value: '✓' }, { name: 'authenticity_token', value: csrf }, { name: 'user[email]', value: 'jane@example.com' },
          { name: 'user[password]', value: password }, { name: 'user[password_confirmation]', value: confirmation }],
      },
    }, { status: 302, headers: [{ name: 'Location', value: 'https://portal.example.com/dashboard' }] });
  })();

  // Signed and token-bearing URLs.
  const presigned = (() => {
    const keyId = plant('AWS access key id in X-Amz-Credential', 'api_key', `AKIA${upper(16)}`);
    const sessionToken = plant('X-Amz-Security-Token query', 'api_key');
    const signature = plant('X-Amz-Signature in a presigned S3 URL', 'secret_field', randomBytes(32).toString('hex'));
    const params: [string, string][] = [['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['X-Amz-Credential', `${keyId}/20261129/us-east-1/s3/aws4_request`], ['X-Amz-Date', '20261129T100000Z'],
      ['X-Amz-Expires', '300'], ['X-Amz-Security-Token', sessionToken], ['X-Amz-SignedHeaders', 'host'], ['X-Amz-Signature', signature]];
    return entry({
      url: `https://exports.s3.amazonaws.com/users.csv?${params.map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('&')}`,
      queryString: params.map(([name, value]) => ({ name, value })),
    }, { content: { size: 20, mimeType: 'text/csv', text: 'id,login\n1,jane\n' } });
  })();
  const legacyApi = (() => {
    const params: [string, string][] = [['page', '3'], ['per_page', '50'], ['refresh_token', plant('refresh_token query', 'oauth_parameter')],
      ['client_secret', plant('client_secret query', 'oauth_parameter')], ['key', plant('key query (an API key by its usual parameter)', 'api_key')],
      ['access_key', plant('access_key query', 'api_key')]];
    return entry({ url: `https://api.example.com/v1/export?${params.map(([n, v]) => `${n}=${v}`).join('&')}`, queryString: params.map(([name, value]) => ({ name, value })) }, {});
  })();
  const sessionRedirect = entry({
    url: `https://acme.bulwark.example/login/sessionCookieRedirect?token=${plant('token query (sessionCookieRedirect)', 'secret_field')}&redirectUrl=https%3A%2F%2Fapp.example.com%2F`,
  }, { status: 302, redirectURL: 'https://app.example.com/' });
  const samlRedirect = entry({
    url: `https://idp.example.com/sso/saml?SAMLRequest=${plant('SAMLRequest query (redirect binding)', 'saml', `fZJdb9owFIb${b64url(60)}`)}&RelayState=${plant('RelayState query', 'saml')}`
      + `&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature=${plant('Signature query (SAML redirect binding)', 'secret_field')}`,
  }, {});
  const jwtBearer = entry({
    method: 'POST', url: 'https://acme.bulwark.example/oauth2/v1/token',
    headers: [{ name: 'Authorization', value: `Bearer ${plant('Authorization bearer JWT', 'authorization_header', jwtValue())}` }],
    postData: { mimeType: 'application/x-www-form-urlencoded', text: `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=${plant('assertion (JWT bearer grant)', 'oauth_parameter', jwtValue())}&scope=okta.users.read` },
  }, {});
  const apiCall = entry({
    url: 'https://acme.bulwark.example/api/v1/users/me',
    headers: [{ name: 'Authorization', value: `SSWS ${plant('Authorization SSWS (Okta API token)', 'authorization_header', `00${b64url(30)}`)}` }],
  }, { content: { size: 60, mimeType: 'application/json', text: '{"id":"00u1bulwark","status":"ACTIVE","profile":{"login":"jane@example.com"}}' } });
  const events = entry({ url: 'https://acme.bulwark.example/oauth2/v1/events' }, {
    content: {
      size: 500, mimeType: 'text/event-stream',
      text: `event: tokens\ndata: {"id_token":"${plant('id_token in a server-sent event', 'oauth_parameter', jwtValue())}","access_token":"${plant('access_token in a server-sent event', 'oauth_parameter')}"}\n\n`,
    },
  });

  // Keys by their shape, in a text body: a configuration dump.
  const configDump = entry({ url: 'https://acme.bulwark.example/debug/config' }, {
    content: {
      size: 6000, mimeType: 'text/plain',
      text: `${filler('config')}aws_access_key_id = ${plant('AWS access key id in text', 'api_key', `AKIA${upper(16)}`)}\n`
        + `aws_secret_access_key = ${plant('AWS secret access key', 'secret_field', b64url(30))}\n`
        + `posting to #ops with ${plant('Slack bot token', 'api_key', `xoxb-${randomBytes(6).readUIntBE(0, 6)}-${alnum(24)}`)}\n`
        + `charging with ${plant('Stripe live secret key', 'api_key', `sk_live_${alnum(24)}`)}\n`
        + `maps ${plant('Google API key', 'api_key', `AIza${b64url(30).slice(0, 35)}`)}\n`
        + `upstream curl -H "X-Upstream: Basic ${plant('Basic credentials in a curl command', 'authorization_header', Buffer.from(`svc:${b64url(12)}`).toString('base64'))}" https://up.example.com\n`
        + `created key {"kty":"oct","kid":"hmac-1","k":"${plant('JWK symmetric key k in text', 'private_key', b64url(32))}"}\n`
        + `POST /api/v1/users {"profile":{"login":"jane@example.com"},"credentials":{"password":{"value":"${plant('credentials.password.value in a logged request', 'password')}"}}}\n`
        + `${plant('PGP private key block', 'private_key', `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF${b64url(60)}\n=${b64url(3)}\n-----END PGP PRIVATE KEY BLOCK-----`)}\n`,
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
      entries: [first, second, third, fourth, fifth, sixth, seventh, eighth, ninth, signIn, idxAnswer, interact, totpEnroll, recoveryCodes, questionVerify,
        jwkUpload, idpCreate, railsForm, presigned, legacyApi, sessionRedirect, samlRedirect, jwtBearer, apiCall, events, configDump, clean, styles],
    },
  };
  return { har, secrets, expected, innocuous };
}

type LoggedPair = { name: string; value: string };
type LoggedBody = { text?: string; encoding?: string; mimeType?: string };
type LoggedEntry = {
  startedDateTime: string;
  request: { method: string; url: string; httpVersion: string; headers: LoggedPair[]; postData?: LoggedBody };
  response: { status: number; statusText: string; httpVersion: string; headers: LoggedPair[]; content: LoggedBody };
  _webSocketMessages?: { type: string; data: string }[];
};

/**
 * The same traffic as a text log: an HTTP dump of the kind a proxy or a client's debug logging writes (`>` for
 * what was sent, `<` for what came back, bodies as they were, base64 bodies decoded, WebSocket messages), so
 * that every secret of a HAR is in it, now without the HAR's structure to say what it is.
 */
export function harAsTextLog(har: object): string {
  const lines: string[] = [];
  const body = (b: LoggedBody | undefined): void => {
    if (b?.text === undefined || /^image\//.test(b.mimeType ?? '')) return;
    lines.push(b.encoding === 'base64' ? Buffer.from(b.text, 'base64').toString('utf8') : b.text);
  };
  for (const e of (har as { log: { entries: LoggedEntry[] } }).log.entries) {
    lines.push(`${e.startedDateTime} > ${e.request.method} ${e.request.url} ${e.request.httpVersion}`);
    for (const h of e.request.headers) lines.push(`> ${h.name}: ${h.value}`);
    lines.push('>');
    body(e.request.postData);
    lines.push(`< ${e.response.httpVersion} ${e.response.status} ${e.response.statusText}`);
    for (const h of e.response.headers) lines.push(`< ${h.name}: ${h.value}`);
    lines.push('<');
    body(e.response.content);
    for (const m of e._webSocketMessages ?? []) lines.push(`ws ${m.type} ${m.data}`);
  }
  return `${lines.join('\n')}\n`;
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
