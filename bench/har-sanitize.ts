/**
 * HAR attachment sanitizing throughput and memory: a realistic HAR (~200 MB; quick mode ~20 MB) of a browser
 * session (API calls with bearer JWTs and cookies, HTML with hidden SAML forms, script and style bundles,
 * base64 images and fonts, OAuth redirects, JSON logins) is generated lazily from a seeded generator, chunk by
 * chunk, so the input is never resident, and streamed through `sanitizeAttachment` on the main thread into a
 * sink that only counts bytes, after an 8 MB warm-up (a server sanitizes upload after upload). The reference
 * is the same bytes split at the same entries and put through a bare `JSON.parse` + `JSON.stringify` (plus the
 * UTF-8 decode and encode around them). Time spent generating the input is measured and left out of both
 * figures; RSS growth is the peak sampled while sanitizing less the RSS just before.
 * Target: ≥ 100 MB/s of input on one core, < 100 MB RSS growth.
 */
import { sanitizeAttachment } from '../src/attachments/sanitize.ts';
import { log, profiled, round, runBench, sized } from './lib/bench.ts';
import { pick, prng, type Rand } from '../src/lib/random.ts';

const TARGET_MB_PER_S = 100;
const TARGET_RSS_GROWTH_MB = 100;
const INPUT_BYTES = sized(200, 20) * 1024 * 1024;
const WARMUP_BYTES = 8 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
const MB = 1024 * 1024;

const between = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo));
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Token material drawn once: a token is a slice of it at a random place, which costs the generator next to nothing. */
const MATERIAL = (() => {
  const rand = prng(99);
  return Array.from({ length: 1 << 16 }, () => B64URL[Math.floor(rand() * 64)]).join('');
})();
const token = (rand: Rand, n: number): string => {
  const at = Math.floor(rand() * (MATERIAL.length - n));
  return MATERIAL.slice(at, at + n);
};
const jwt = (rand: Rand): string => `eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJ${token(rand, 180)}.${token(rand, 342)}`;
const WORDS = ['account', 'status', 'profile', 'group', 'member', 'policy', 'factor', 'session', 'created', 'updated', 'login', 'email',
  'name', 'display', 'active', 'request', 'response', 'value', 'label', 'settings', 'data', 'items', 'state', 'key', 'token', 'config'];
/** Names as an identity console shows them: mostly ASCII, some not (which makes V8 strings two bytes wide). */
const NAMES = ['Jane', 'Ahmed', 'Priya', 'Wei', 'Olga', 'Tom', 'Lucía', 'José', 'Zoë', 'Jürgen', '東京', 'Søren'];
const personName = (rand: Rand): string => (rand() < 0.9 ? pick(rand, NAMES.slice(0, 6)) : pick(rand, NAMES));
const SURNAMES = ['Smith', 'Khan', 'Patel', 'Chen', 'Ivanova', 'Garcia', 'Müller', 'Sato', 'Okafor', 'Nielsen'];

/** Bodies are drawn from pools built once: building them per entry would measure the generator, not the sanitizer. */
function bodyPools(rand: Rand) {
  const sentence = (n: number) => Array.from({ length: n }, () => pick(rand, WORDS.slice(0, 20))).join(' ');
  const html = (withSaml: boolean) => {
    const parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="csrf-token" content="', token(rand, 43), '"><title>', sentence(4), '</title></head><body>'];
    const size = between(rand, 30_000, 120_000);
    for (let length = 0; length < size;) {
      const piece = `<div class="row col-${between(rand, 1, 12)}"><a href="/app/${token(rand, 8)}?page=${between(rand, 1, 99)}">${sentence(8)}</a><span data-id="${token(rand, 12)}">${sentence(12)}</span></div>\n`;
      parts.push(piece);
      length += piece.length;
    }
    if (withSaml) parts.push(`<form method="post" action="https://app.example.com/sso/saml"><input type="hidden" name="SAMLResponse" value="PHNhbWxwOlJlc3BvbnNl${token(rand, 4000)}"/><input type="hidden" name="RelayState" value="${token(rand, 32)}"/></form>`);
    return parts.join('') + '</body></html>';
  };
  // Minified bundle text: about ten quotes per kilobyte, as in the bundles under node_modules.
  const script = () => {
    const parts: string[] = ['!function(e){"use strict";'];
    let length = 0;
    const size = between(rand, 50_000, 300_000);
    const id = () => token(rand, 1).replace(/[-_\d]/, 'x') + token(rand, 1).replace(/[-_]/, 'y');
    while (length < size) {
      const [a, b, c, w] = [id(), id(), id(), pick(rand, WORDS)];
      const piece = rand() < 0.3
        ? `function ${id()}(${a},${b}){var ${c}=${a}.${w}||"${pick(rand, WORDS)}";return ${b}.${pick(rand, WORDS)}(${c},${between(rand, 0, 999)})}`
        : `function ${id()}(${a},${b}){if(${a}.${w}>${between(rand, 0, 99)})return ${b}[${between(rand, 0, 9)}];for(var ${c}=0;${c}<${a}.length;${c}++)${b}.push(${a}[${c}].${w});return ${b}.length?${a}.${pick(rand, WORDS)}:null}`;
      parts.push(piece);
      length += piece.length;
    }
    return parts.join('') + '}(window);';
  };
  const css = () => {
    const parts: string[] = [];
    const size = between(rand, 20_000, 80_000);
    for (let length = 0; length < size;) {
      const piece = `.c-${token(rand, 5)}:hover{color:#${between(rand, 0x100000, 0xffffff).toString(16)};margin:${between(rand, 0, 20)}px}`;
      parts.push(piece);
      length += piece.length;
    }
    return parts.join('');
  };
  const apiJson = () => JSON.stringify(Array.from({ length: between(rand, 2, 40) }, () => ({
    id: `00u${token(rand, 17)}`, status: 'ACTIVE', created: '2026-01-02T03:04:05.000Z',
    passwordChanged: '2026-03-04T05:06:07.000Z', lastLogin: '2026-11-29T08:09:10.000Z',
    profile: { firstName: personName(rand), lastName: pick(rand, SURNAMES), email: `${token(rand, 8)}@example.com`, login: `${token(rand, 8)}@example.com` },
    credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `https://acme.bulwark.example/api/v1/users/00u${token(rand, 17)}` } },
  })));
  // Compressed media look random after their format's signature (the sanitizer checks the signature).
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const WOFF2 = Buffer.from('wOF2\0\x01\0\0', 'latin1');
  const binary = (signature: Buffer, lo: number, hi: number) =>
    Buffer.concat([signature, Buffer.from(Array.from({ length: between(rand, lo, hi) }, () => Math.floor(rand() * 256)))]).toString('base64');
  // Each body is kept as the JSON string literal it becomes in the file, so that making an entry copies bytes.
  const literal = (body: string): Body => ({ literal: Buffer.from(JSON.stringify(body)), size: Buffer.byteLength(body) });
  const n = 24;
  return {
    html: Array.from({ length: n }, (_, i) => literal(html(i % 6 === 0))),
    script: Array.from({ length: n }, () => literal(script())),
    css: Array.from({ length: n }, () => literal(css())),
    api: Array.from({ length: n * 4 }, () => literal(apiJson())),
    image: Array.from({ length: n }, () => literal(binary(PNG, 2_000, 60_000))),
    font: Array.from({ length: 4 }, () => literal(binary(WOFF2, 20_000, 80_000))),
  };
}

type Body = { literal: Buffer; size: number };

type Pools = ReturnType<typeof bodyPools>;

const BODY = 'bench-body-goes-here';

/** One HAR entry as Chrome writes it (two-space indentation), with fresh secrets in the usual places, in pieces. */
function entryPieces(rand: Rand, pools: Pools, i: number): Buffer[] {
  const roll = rand();
  const host = 'acme.bulwark.example';
  const session = token(rand, 43);
  const headers = [
    { name: ':authority', value: host }, { name: 'accept', value: 'application/json, text/plain, */*' },
    { name: 'accept-language', value: 'en-US,en;q=0.9' }, { name: 'user-agent', value: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' },
    { name: 'cookie', value: `sid=${session}; JSESSIONID=${token(rand, 32)}; _ga=GA1.1.${between(rand, 1e8, 1e9)}.1700000000` },
  ];
  const cookies = [{ name: 'sid', value: session }, { name: 'JSESSIONID', value: token(rand, 32) }];
  let method = 'GET';
  let url = `https://${host}/api/v1/users?limit=${between(rand, 1, 200)}&after=${token(rand, 12)}`;
  let postData: object | undefined;
  let status = 200;
  let content: Record<string, unknown> = { size: 0, mimeType: 'application/json' };
  let body: Body | undefined;
  const pooled = (from: Body[], mimeType: string, extra: object = {}) => {
    body = pick(rand, from);
    return { size: body.size, mimeType, text: BODY, ...extra };
  };
  const responseHeaders = [{ name: 'content-type', value: 'application/json' }, { name: 'x-okta-request-id', value: token(rand, 24) }, { name: 'date', value: 'Mon, 30 Nov 2026 10:00:00 GMT' }];
  if (roll < 0.45) {
    headers.push({ name: 'authorization', value: `Bearer ${jwt(rand)}` });
    content = pooled(pools.api, 'application/json');
    if (rand() < 0.2) {
      body = undefined;
      method = 'POST';
      postData = { mimeType: 'application/json', text: JSON.stringify({ username: 'jane@example.com', password: token(rand, 16), options: { warnBeforePasswordExpired: true } }) };
      content = { size: 200, mimeType: 'application/json', text: JSON.stringify({ stateToken: token(rand, 40), sessionToken: token(rand, 40), status: 'SUCCESS', expiresAt: '2026-11-30T11:00:00.000Z' }) };
    }
  } else if (roll < 0.5) {
    url = `https://${host}/app/dashboard`;
    content = pooled(pools.html, 'text/html; charset=utf-8');
    responseHeaders.push({ name: 'set-cookie', value: `sid=${token(rand, 43)}; Path=/; Secure; HttpOnly; SameSite=Lax` });
  } else if (roll < 0.6) {
    url = `https://cdn.${host}/assets/app-${token(rand, 8)}.js`;
    content = pooled(pools.script, 'application/javascript');
  } else if (roll < 0.65) {
    url = `https://cdn.${host}/assets/app-${token(rand, 8)}.css`;
    content = pooled(pools.css, 'text/css');
  } else if (roll < 0.8) {
    url = `https://cdn.${host}/img/${token(rand, 8)}.png`;
    content = pooled(pools.image, 'image/png', { encoding: 'base64' });
  } else if (roll < 0.82) {
    url = `https://cdn.${host}/fonts/inter.woff2`;
    content = pooled(pools.font, 'font/woff2', { encoding: 'base64' });
  } else if (roll < 0.86) {
    const tokens = JSON.stringify({ access_token: jwt(rand), id_token: jwt(rand), refresh_token: token(rand, 40), token_type: 'Bearer', expires_in: 3600 });
    method = 'POST';
    url = `https://${host}/oauth2/v1/token`;
    postData = { mimeType: 'application/x-www-form-urlencoded', text: `grant_type=authorization_code&code=${token(rand, 43)}&code_verifier=${token(rand, 43)}&client_id=0oa${token(rand, 17)}`, params: [] };
    content = { size: tokens.length, mimeType: 'application/json', text: Buffer.from(tokens).toString('base64'), encoding: 'base64' };
  } else {
    status = 302;
    url = `https://${host}/oauth2/v1/authorize?client_id=0oa${token(rand, 17)}&response_type=code&state=${token(rand, 22)}&nonce=${token(rand, 22)}`;
    responseHeaders.push({ name: 'location', value: `https://app.example.com/callback?code=${token(rand, 43)}&state=${token(rand, 22)}` });
  }
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1).split('&').map((p) => ({ name: p.slice(0, p.indexOf('=')), value: p.slice(p.indexOf('=') + 1) })) : [];
  const entry = {
    _initiator: { type: 'script' }, _priority: 'High', _resourceType: 'fetch', cache: {}, connection: String(between(rand, 1000, 9999)), pageref: 'page_1',
    request: { method, url, httpVersion: 'http/2.0', headers, queryString: query, cookies, headersSize: -1, bodySize: 0, ...(postData ? { postData } : {}) },
    response: { status, statusText: '', httpVersion: 'http/2.0', headers: responseHeaders, cookies: [], content, redirectURL: '', headersSize: -1, bodySize: -1, _transferSize: 1234, _error: null },
    serverIPAddress: '203.0.113.7', startedDateTime: new Date(1_790_000_000_000 + i * 250).toISOString(), time: rand() * 300,
    timings: { blocked: 1.2, dns: -1, ssl: -1, connect: -1, send: 0.1, wait: rand() * 200, receive: 0.5, _blocked_queueing: 0.8 },
  };
  const text = JSON.stringify(entry, null, 2).replaceAll('\n', '\n    ');
  if (!body) return [Buffer.from(text)];
  const at = text.indexOf(`"${BODY}"`);
  return [Buffer.from(text.slice(0, at)), body.literal, Buffer.from(text.slice(at + BODY.length + 2))];
}

const HEAD = '{\n  "log": {\n    "version": "1.2",\n    "creator": { "name": "WebInspector", "version": "537.36" },\n    "pages": [{ "startedDateTime": "2026-09-21T10:13:20.000Z", "id": "page_1", "title": "https://acme.bulwark.example/app/dashboard", "pageTimings": { "onContentLoad": 812, "onLoad": 1630 } }],\n    "entries": [\n    ';
const TAIL = '\n    ]\n  }\n}\n';

type Generated = { generatingMs: number };

/**
 * The HAR as 64 KB chunks, each entry made only when the consumer asks for more, written into one buffer that
 * is reused for every chunk (as a file or socket reader may do). Generator time is tallied.
 */
async function* harChunks(seed: number, size: number, pools: Pools, stats: Generated, onEntry?: (pieces: Buffer[]) => void): AsyncGenerator<Buffer> {
  const rand = prng(seed);
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let filled = 0;
  let produced = 0;
  const pending: Buffer[] = [Buffer.from(HEAD)];
  for (let i = 0; produced < size; i++) {
    const began = performance.now();
    const pieces = entryPieces(rand, pools, i);
    if (i > 0) pending.push(SEPARATOR);
    pending.push(...pieces);
    stats.generatingMs += performance.now() - began;
    onEntry?.(pieces);
    for (let piece = pending.shift(); piece !== undefined; piece = pending.shift()) {
      let at = 0;
      while (at < piece.length) {
        const copied = piece.copy(chunk, filled, at);
        filled += copied;
        at += copied;
        if (filled === CHUNK_BYTES) {
          produced += filled;
          filled = 0;
          yield chunk;
        }
      }
    }
  }
  yield Buffer.concat([chunk.subarray(0, filled), Buffer.from(TAIL)]);
}

const SEPARATOR = Buffer.from(',\n    ');

/** Peak resident memory, sampled between chunks (the work is synchronous, so a timer would never fire). */
function rssSampler(): { sample(): void; peakMb(): number } {
  let peak = 0;
  return {
    sample() {
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
    },
    peakMb: () => peak / MB,
  };
}

await runBench('har-sanitize', async () => {
  const pools = bodyPools(prng(7));
  log(`input: a generated HAR of ${round(INPUT_BYTES / MB)} MB in ${CHUNK_BYTES / 1024} KB chunks, sanitized on the main thread after an ${WARMUP_BYTES / MB} MB warm-up`);

  // A server sanitizes upload after upload: measure with the code already compiled, as it would be.
  const warmup = await sanitizeAttachment(harChunks(7, WARMUP_BYTES, pools, { generatingMs: 0 }), () => {});
  if (!warmup.ok) throw new Error(`warm-up failed: ${warmup.reason}`);
  const rssBefore = process.memoryUsage.rss() / MB;
  const rss = rssSampler();
  const gen: Generated = { generatingMs: 0 };
  let bytesOut = 0;
  let chunks = 0;
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  const outcome = await profiled('har-sanitize', () => sanitizeAttachment(harChunks(42, INPUT_BYTES, pools, gen), (chunk) => {
    bytesOut += chunk.length;
    if (++chunks % 8 === 0) rss.sample();
  }, { maxBytes: INPUT_BYTES * 2 }));
  const wallMs = performance.now() - began;
  const cpu = process.cpuUsage(cpuBefore);
  if (!outcome.ok) throw new Error(`sanitizing failed: ${outcome.reason}: ${outcome.message}`);
  rss.sample();
  const sanitizeMs = wallMs - gen.generatingMs;
  const mbPerS = outcome.bytesIn / MB / (sanitizeMs / 1000);
  const growth = rss.peakMb() - rssBefore;
  log(`sanitized ${round(outcome.bytesIn / MB, 1)} MB into ${round(bytesOut / MB, 1)} MB (${outcome.kind}) in ${round(sanitizeMs)} ms (+${round(gen.generatingMs)} ms generating): ${round(mbPerS, 1)} MB/s`);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  log(`CPU ${round(cpuMs)} ms for ${round(wallMs)} ms of wall time (${round(outcome.bytesIn / MB / ((cpuMs - gen.generatingMs) / 1000), 1)} MB/s of this process's CPU time, GC threads included); RSS ${round(rssBefore)} MB before, peak ${round(rss.peakMb())} MB`);
  log(`removed: ${Object.entries(outcome.removed).map(([k, v]) => `${k} ${v}`).join(', ')}`);

  // The reference: the same entries, parsed and re-serialized one by one with nothing else.
  const refGen: Generated = { generatingMs: 0 };
  let refMs = 0;
  let refBytes = 0;
  const reference = (pieces: Buffer[]): void => {
    const bytes = Buffer.concat(pieces);
    const t = performance.now();
    Buffer.from(JSON.stringify(JSON.parse(bytes.toString('utf8'))));
    refMs += performance.now() - t;
    refBytes += bytes.length;
  };
  for await (const _ of harChunks(42, INPUT_BYTES, pools, refGen, reference));
  const refMbPerS = refBytes / MB / (refMs / 1000);
  log(`reference (JSON.parse + JSON.stringify per entry, same bytes): ${round(refMbPerS, 1)} MB/s`);

  const met = mbPerS >= TARGET_MB_PER_S && growth < TARGET_RSS_GROWTH_MB;
  return {
    figures: { mb_per_s: round(mbPerS, 1), rss_growth_mb: round(growth, 1), reference_mb_per_s: round(refMbPerS, 1), ratio: round(mbPerS / refMbPerS, 2) },
    target: `mb_per_s>=${TARGET_MB_PER_S},rss_growth_mb<${TARGET_RSS_GROWTH_MB}`,
    met,
  };
});
