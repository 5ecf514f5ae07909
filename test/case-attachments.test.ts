/**
 * Files attached to support cases over real HTTP: every real HAR in ../shared/data and a generated HAR with
 * more than fifty kinds of secrets (src/attachments/test-hars.ts), uploaded as a .har, as JSON in a .txt, as its
 * entries in a bare JSON array and as a text log of the same traffic, go through the sanitizer as they upload.
 * Afterwards no secret value of theirs is anywhere in storage: not in any row of any table of the database
 * (bytea contents read raw, HAR bodies decoded), not in any file of PostgreSQL's data directory (WAL and server
 * log included), not in the server's own log, nor in what the customer or an agent downloads; each stored HAR
 * still parses as a HAR. What is not a HAR, JSON or text, is too large or is broken is refused, storing nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { harAsTextLog, plantedHar, searchableText } from '../src/attachments/test-hars.ts';
import { manualClock } from '../src/lib/clock.ts';
import { apiClient, assertOktaError, createTestTenant, sharedDataDir, startTestServer, type TestServer, type TestTenant } from './helpers.ts';
import { ok, type Fixture } from './support/fixtures.ts';
import { helpCenterCustomer, newStaffMember, newSupportPlane, type SupportPlane } from './support/help-center.ts';
import type { HostClient } from './support/host-client.ts';
import { lastSeqOf } from './support/sign-on.ts';

const SHARED = new URL(`file://${sharedDataDir()}`);
const REAL_HARS = [
  'har-mitmproxy/test/mitmproxy/data/har_files/chrome.har',
  'har-mitmproxy/test/mitmproxy/data/har_files/firefox.har',
  'har-mitmproxy/test/mitmproxy/data/har_files/safari.har',
  'har-mitmproxy/test/mitmproxy/data/har_files/charles.har',
  'har-mitmproxy/test/mitmproxy/data/har_files/insomnia.har',
  'har-mitmproxy/test/mitmproxy/data/har_files/postdata.har',
  'har-mitmproxy/test/mitmproxy/data/har_files/with-bom.har',
  'har-mitmproxy/test/mitmproxy/data/har_files/head-content-length.har',
  'har-mitmproxy/test/mitmproxy/data/flows/successful_log.har',
  'har-mitmproxy/test/mitmproxy/data/flows/diff_data.har',
  'har-mitmproxy/test/mitmproxy/data/flows/incomplete_log.har',
  'har-mitmproxy/test/mitmproxy/data/flows/corrupted_gzip_body.har',
  'har-mitmproxy/test/mitmproxy/data/flows/error_log.har',
  'har-mitmproxy/test/mitmproxy/data/flows/websocket.har',
  'har-mitmproxy/test/mitmproxy/data/flows/event_stream.har',
  'har-sanitizer-samples/jfromaniello-har-sanitizer/__test__/example.har',
  'jupiterone-graph-okta/src/steps/__recordings__/steps_741716276/recording.har',
  'jupiterone-graph-okta/src/steps/__recordings__/callfakeuser_296306811/recording.har',
];

const SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'x-auth-token']);
const SECRET_PARAMS = new Set(['access_token', 'id_token', 'refresh_token', 'code', 'state', 'password', 'samlresponse', 'client_secret', 'token', 'sessiontoken', 'api_key']);

type NameValue = { name: string; value: string };
type Har = {
  log: {
    version: string;
    entries: { request?: { method: string; url: string; headers?: NameValue[]; cookies?: NameValue[]; queryString?: NameValue[]; postData?: { params?: NameValue[] } }; response?: { status: number; headers?: NameValue[]; cookies?: NameValue[] } }[];
  };
};

/** The secret values a HAR carries where the sanitizer must find them: long enough not to occur by chance. */
function secretsOf(text: string): string[] {
  const har = JSON.parse(text.replace(/^\uFEFF/, '')) as Har;
  const found = new Set<string>();
  // Values the recording tool already redacted are no secret.
  const add = (v: string | undefined) => {
    if (v !== undefined && v.length >= 8 && !/redacted/i.test(v)) found.add(v);
  };
  for (const { request, response } of har.log.entries) {
    for (const h of [...(request?.headers ?? []), ...(response?.headers ?? [])]) if (SECRET_HEADERS.has(h.name.toLowerCase())) add(h.value.replace(/^(Bearer|Basic|SSWS)\s+/i, ''));
    for (const c of [...(request?.cookies ?? []), ...(response?.cookies ?? [])]) add(c.value);
    for (const p of [...(request?.queryString ?? []), ...(request?.postData?.params ?? [])]) if (SECRET_PARAMS.has(p.name.toLowerCase())) add(p.value);
  }
  for (const jwt of text.match(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g) ?? []) add(jwt);
  return [...found];
}

/**
 * Finds any of many byte strings in a stream of bytes in one pass (Aho-Corasick, compiled to a table over the
 * bytes the needles use), so that hundreds of secrets can be looked for in every file of a data directory.
 */
class NeedleScanner {
  readonly labels: string[] = [];
  #classes = new Uint8Array(256);
  #width = 1;
  /** delta[state * width + class]: the next state, or its complement (~state) when a needle ends there. */
  #delta: Int32Array;
  /** The needle ending at a state (or at one of its suffixes), -1 for none. */
  #match: Int32Array;

  constructor(needles: Map<string, string>) {
    const bytes = [...needles.keys()].map((n) => Buffer.from(n, 'latin1'));
    for (const b of bytes) for (const c of b) if (this.#classes[c] === 0) this.#classes[c] = this.#width++;
    const next: Map<number, number>[] = [new Map()];
    const own: number[] = [-1];
    bytes.forEach((b, i) => {
      let st = 0;
      for (const c of b) {
        const cls = this.#classes[c] as number;
        let to = next[st]?.get(cls);
        if (to === undefined) {
          to = next.length;
          next.push(new Map());
          own.push(-1);
          next[st]?.set(cls, to);
        }
        st = to;
      }
      if (own[st] === -1) own[st] = i;
    });
    this.labels = [...needles.values()];
    const w = this.#width;
    const delta = new Int32Array(next.length * w);
    this.#match = new Int32Array(next.length).fill(-1);
    const fail = new Int32Array(next.length);
    const queue: number[] = [0];
    for (let q = 0; q < queue.length; q++) {
      const st = queue[q] as number;
      this.#match[st] = own[st] !== -1 ? (own[st] as number) : st === 0 ? -1 : (this.#match[fail[st] as number] as number);
      for (let cls = 0; cls < w; cls++) {
        const to = next[st]?.get(cls);
        const viaFail = st === 0 ? 0 : (delta[(fail[st] as number) * w + cls] as number);
        if (to === undefined) {
          delta[st * w + cls] = viaFail;
        } else {
          fail[to] = viaFail;
          delta[st * w + cls] = to;
          queue.push(to);
        }
      }
    }
    // Flag the transitions into states where a needle ends, so that the scan tests the state it already has.
    this.#delta = delta.map((to) => (this.#match[to] === -1 ? to : ~to));
  }

  /** The labels of the needles found in `chunks` (one stream: a needle may span chunks). */
  scan(chunks: Iterable<Buffer>): Set<string> {
    const found = new Set<string>();
    const delta = this.#delta;
    const match = this.#match;
    const classes = this.#classes;
    const w = this.#width;
    let st = 0;
    for (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i++) {
        st = delta[st * w + (classes[chunk[i] as number] as number)] as number;
        if (st < 0) {
          st = ~st;
          found.add(this.labels[match[st] as number] as string);
        }
      }
    }
    return found;
  }
}

/**
 * The ways a stored secret could be written: as is, JSON-escaped, URL-encoded and, for a generated secret, its
 * longest run of base64url characters alone (a secret cut short, or re-encoded around its random part, still
 * shows). Each maps to what the report names.
 */
function needlesFor(secrets: Iterable<[label: string, value: string]>, opts: { runs: boolean }): Map<string, string> {
  const needles = new Map<string, string>();
  for (const [label, value] of secrets) {
    const forms = [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)];
    if (opts.runs) {
      const run = (value.match(/[A-Za-z0-9_-]{16,}/g) ?? []).sort((a, b) => b.length - a.length)[0];
      if (run) forms.push(run);
    }
    for (const form of forms) if (!needles.has(form)) needles.set(form, label);
  }
  return needles;
}

/** Every regular file under `dir`, read a chunk at a time; files that vanish meanwhile (PostgreSQL's own) are skipped. */
function* filesUnder(dir: string, problems: string[]): Generator<{ path: string; chunks: () => Generator<Buffer> }> {
  let names;
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') problems.push(`${dir}: ${code}`);
    return;
  }
  for (const entry of names) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path, problems);
    else if (entry.isFile()) yield { path, chunks: () => readChunks(path, problems) };
  }
}

function* readChunks(path: string, problems: string[]): Generator<Buffer> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') problems.push(`${path}: ${code}`);
    return;
  }
  try {
    const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

describe('attachments of support cases', () => {
  const clock = manualClock(new Date());
  let server: TestServer;
  let tenant: TestTenant;
  let other: TestTenant;
  let f: Fixture;
  let otherF: Fixture;
  let plane: SupportPlane;
  /** What the server logged, at info level, as it went. */
  const serverLog: string[] = [];
  /** Every secret uploaded by the tests below, by a label that says where it came from; the storage scan looks for them all. */
  const uploaded = new Map<string, string>();
  const generated = new Map<string, string>();

  before(async () => {
    server = await startTestServer({ clock, config: { LOG_LEVEL: 'info' }, logStream: { write: (line: string) => void serverLog.push(line) } });
    tenant = await createTestTenant(server.db);
    other = await createTestTenant(server.db);
    f = { db: server.db, tenantId: tenant.id, api: apiClient(server.url, tenant.token) };
    otherF = { db: server.db, tenantId: other.id, api: apiClient(server.url, other.token) };
    plane = await newSupportPlane(server, clock, 'commercial');
  });
  after(() => server.close());

  /** The file's bytes posted as they are, as the Help Center page sends them. */
  function upload(hc: HostClient, caseId: string, name: string, body: Buffer | string, contentType = 'application/octet-stream'): Promise<{ status: number; body: Record<string, unknown> & { errorCode?: string } }> {
    return new Promise((resolve, reject) => {
      const cookie = [...hc.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const req = httpRequest(`${server.url}/help/v1/cases/${caseId}/attachments?name=${encodeURIComponent(name)}`, {
        method: 'POST', agent: false, headers: { host: hc.host, cookie, 'content-type': contentType, accept: 'application/json', connection: 'close' },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { text += c; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      });
      // The server may answer and close before a refused upload is fully sent.
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
      req.end(body);
    });
  }

  async function openCase(hc: HostClient): Promise<string> {
    return ok(await hc('POST', '/help/v1/cases', { title: 'Sign-in loops', description: 'HAR attached.', severity: 'SEV3', productArea: 'SIGN_IN' }), 'open').body.id as string;
  }

  it('keeps no secret of any real HAR file: the stored and downloaded files are still HAR, and the log says what was removed', async () => {
    const { hc } = await helpCenterCustomer(server, f, tenant.slug);
    const caseId = await openCase(hc);
    let count = 0;
    for (const path of REAL_HARS) {
      const bytes = readFileSync(new URL(path, SHARED));
      const secrets = secretsOf(bytes.toString('utf8'));
      secrets.forEach((secret, i) => uploaded.set(secret, `${path.split('/').pop()} secret #${i + 1}`));
      count += secrets.length;
      const res = await upload(hc, caseId, path.split('/').pop()!, bytes);
      assert.equal(res.status, 201, `${path}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body['kind'], 'har', path);
      const original = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) as Har;
      const download = await hc('GET', `/help/v1/cases/${caseId}/attachments/${res.body['id']}`, undefined, { accept: '*/*' });
      assert.equal(download.status, 200, path);
      assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
      assert.match(download.headers.get('content-disposition') ?? '', /^attachment; /);
      const stored = JSON.parse(download.text) as Har;
      assert.equal(stored.log.entries.length, original.log.entries.length, `${path}: every entry is kept`);
      for (const secret of secrets) assert.ok(!download.text.includes(secret), `${path}: a secret survived in the download`);
    }
    assert.ok(count >= 10, `the real files carry secrets to look for (${count})`);
    // Named .har but not one (mitmproxy's extractor fixture): taken for the JSON it is.
    const notHar = await upload(hc, caseId, 'har_extractor.har', readFileSync(new URL('har-mitmproxy/test/mitmproxy/data/har_extractor.har', SHARED)));
    assert.deepEqual([notHar.status, notHar.body['kind']], [201, 'json']);
    const listed = ok(await hc('GET', `/help/v1/cases/${caseId}`), 'case').body.attachments as { removed: Record<string, number> }[];
    assert.equal(listed.length, REAL_HARS.length + 1);
    assert.ok(listed.some((a) => Object.values(a.removed).some((n) => n > 0)), 'removals are reported');
  });

  it('removes every planted secret of a generated HAR, as a .har, as JSON in a .txt, as bare entries and as a text log; reports them by kind, in the System Log too', async () => {
    const { hc } = await helpCenterCustomer(server, f, tenant.slug);
    const caseId = await openCase(hc);
    const planted = plantedHar();
    const har = planted.har as Har;
    assert.ok(planted.secrets.size >= 50, `${planted.secrets.size} secrets planted`);
    for (const [label, value] of planted.secrets) generated.set(label, value);
    const variants: { name: string; body: string; kind: string }[] = [
      { name: 'sign-in.har', body: JSON.stringify(har), kind: 'har' },
      { name: 'sign-in-har.txt', body: JSON.stringify(har, null, 2), kind: 'har' },
      { name: 'entries.txt', body: JSON.stringify(har.log.entries), kind: 'json' },
      { name: 'sign-in-traffic.log', body: harAsTextLog(har), kind: 'text' },
    ];
    const stored: { id: string; sha256: string }[] = [];
    for (const variant of variants) {
      const seq = await lastSeqOf(server.db, tenant.id);
      const res = await upload(hc, caseId, variant.name, variant.body);
      assert.equal(res.status, 201, `${variant.name}: ${JSON.stringify(res.body)}`);
      stored.push({ id: res.body['id'] as string, sha256: res.body['sha256'] as string });
      assert.equal(res.body['kind'], variant.kind, variant.name);
      const removed = res.body['removed'] as Record<string, number>;
      // In a HAR a value counts once per entry wherever it appears; in a log every occurrence counts.
      if (variant.kind === 'har') assert.deepEqual(removed, planted.expected, variant.name);
      else assert.ok(Object.values(removed).reduce((a, b) => a + b, 0) >= planted.secrets.size, `${variant.name}: ${JSON.stringify(removed)}`);
      const download = await hc('GET', `/help/v1/cases/${caseId}/attachments/${res.body['id']}`, undefined, { accept: '*/*' });
      assert.equal(download.status, 200, variant.name);
      const text = variant.kind === 'text' ? download.text : searchableText(download.bytes);
      const leaked = [...planted.secrets].filter(([, value]) => text.includes(value)).map(([label]) => label);
      assert.deepEqual(leaked, [], `${variant.name}: planted secrets survived`);
      for (const value of ['Mozilla/5.0 (X11; Linux x86_64) Bulwark-Test/1.0', 'limit=25', 'page=3&per_page=50', 'nonce=n-0S6_WzA2Mj']) assert.ok(text.includes(value), `${variant.name} lost ${value}`);
      if (variant.kind === 'har') {
        // Still a HAR: the same entries, methods, hosts and paths, statuses, and header names.
        const back = JSON.parse(download.text) as Har;
        assert.equal(back.log.version, '1.2');
        assert.equal(back.log.entries.length, har.log.entries.length);
        back.log.entries.forEach((entry, i) => {
          const original = har.log.entries[i]!;
          const where = (url: string | undefined) => { const u = new URL(url ?? ''); return `${u.host}${u.pathname.replace(/;.*/, '')}`; };
          assert.deepEqual([entry.request?.method, where(entry.request?.url), entry.response?.status], [original.request?.method, where(original.request?.url), original.response?.status]);
          assert.deepEqual(entry.request?.headers?.map((h) => h.name), original.request?.headers?.map((h) => h.name));
        });
        for (const value of planted.innocuous) assert.ok(text.includes(value), `${variant.name} lost ${value}`);
      }
      const [event] = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', tenant.id).where('seq', '>', String(seq)).execute();
      const logged = JSON.parse(event!.event) as { eventType: string; debugContext: { debugData: { sha256: string; size: number; removed: Record<string, number> } } };
      assert.equal(logged.eventType, 'bulwark.support.case.attachment.add');
      assert.deepEqual(logged.debugContext.debugData.removed, removed);
      assert.equal(logged.debugContext.debugData.size, download.bytes.length);
    }

    // An agent downloads the same sanitized bytes; the support plane's log says so, with their size and hash.
    const first = stored[0]!;
    const agent = await newStaffMember(server, plane, 'commercial', 'Support agents');
    const planeSeq = await lastSeqOf(server.db, plane.id);
    const customerCopy = await hc('GET', `/help/v1/cases/${caseId}/attachments/${first.id}`, undefined, { accept: '*/*' });
    const staffCopy = await agent.hc('GET', `/help/v1/staff/cases/${caseId}/attachments/${first.id}`, undefined, { accept: '*/*' });
    assert.equal(staffCopy.status, 200);
    assert.equal(staffCopy.text, customerCopy.text);
    const [read] = await server.db.selectFrom('log_events').select('event').where('tenant_id', '=', plane.id).where('seq', '>', String(planeSeq)).execute();
    const readEvent = JSON.parse(read!.event) as { eventType: string; debugContext: { debugData: { sha256: string } } };
    assert.deepEqual([readEvent.eventType, readEvent.debugContext.debugData.sha256], ['bulwark.support.attachment.read', first.sha256]);
    assertOktaError(await agent.hc('GET', `/help/v1/cases/${caseId}/attachments/${first.id}`), 403, 'E0000006');
  });

  it('refuses what is not a HAR, JSON or text, a broken file, a file too large, a closed case and another tenant\'s case, storing nothing', async () => {
    const { hc } = await helpCenterCustomer(server, f, tenant.slug);
    const stranger = await helpCenterCustomer(server, otherF, other.slug);
    const caseId = await openCase(hc);
    const count = async () => Number((await server.db.selectFrom('support_case_attachments').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const seq = await lastSeqOf(server.db, tenant.id);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);
    assert.equal((await upload(hc, caseId, 'screenshot.har', png)).status, 415, 'a PNG named .har is still a PNG');
    assert.equal((await upload(hc, caseId, 'broken.har', readFileSync(new URL('har-mitmproxy/test/mitmproxy/data/corrupted_har/brokenfile.har', SHARED)))).status, 400);
    assert.equal((await upload(hc, caseId, 'half.json', '{"log": {"entries": [')).status, 400);
    assert.equal((await upload(hc, caseId, 'huge.log', Buffer.alloc(51 * 1024 * 1024, 'a'))).status, 413);
    assert.equal((await upload(hc, caseId, 'x.har', '{}', 'application/json')).status, 400, 'only the file itself, as octet-stream');
    assert.equal((await upload(hc, caseId, 'a/b.har', '{}')).status, 400, 'a name with a path');
    assert.equal((await upload(stranger.hc, caseId, 'x.log', 'hello')).status, 404, 'another tenant\'s case');
    ok(await hc('POST', `/help/v1/cases/${caseId}/lifecycle/close`), 'close');
    assert.equal((await upload(hc, caseId, 'late.log', 'hello')).status, 400, 'a closed case');
    assert.equal(await count(), before);
    assert.equal(await lastSeqOf(server.db, tenant.id), seq + 1, 'only the close was logged');
    assertOktaError(await stranger.hc('GET', `/help/v1/cases/${caseId}/attachments/cat${'0'.repeat(17)}`), 404, 'E0000007');
  });
  // Last, once everything above is stored: the whole of storage, read as bytes, holds none of it.
  it('holds no uploaded secret anywhere in storage: every row of every table, PostgreSQL\'s data directory and WAL, and the server\'s log', async (t) => {
    assert.ok(uploaded.size >= 10 && generated.size >= 50, `the uploads above ran (${uploaded.size} real, ${generated.size} generated secrets)`);
    // A value that is stored on purpose, to show that each scan below does see what is stored: an attachment's
    // name goes into its row, the System Log, the WAL, and (in the request's URL) the server's log.
    const canary = `canary-${randomBytes(12).toString('hex')}`;
    const { hc } = await helpCenterCustomer(server, f, tenant.slug);
    const caseId = await openCase(hc);
    assert.equal((await upload(hc, caseId, `${canary}.log`, 'nothing to hide here\n')).status, 201);
    const scanner = new NeedleScanner(new Map([
      ...needlesFor([...generated].map(([label, value]) => [`generated: ${label}`, value]), { runs: true }),
      ...needlesFor([...uploaded].map(([value, label]) => [`real: ${label}`, value]), { runs: false }),
      [canary, 'CANARY'],
    ]));
    const leaks = (found: Set<string>) => [...found].filter((label) => label !== 'CANARY');

    // 1. The database: every row of every table of every schema of the app's database as text, every bytea
    //    column raw, and what is stored as JSON (HAR bodies in base64 decoded).
    const tables = await sql<{ schema: string; name: string }>`
      select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'm') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
      order by 1, 2`.execute(server.db);
    assert.ok(tables.rows.some((r) => r.name === 'support_case_attachments') && tables.rows.some((r) => r.name === 'log_events'), 'the app\'s tables are listed');
    const rows: Buffer[] = [];
    for (const { schema, name } of tables.rows) {
      const result = await sql<{ row: string }>`select t::text as row from ${sql.id(schema, name)} t`.execute(server.db);
      for (const { row } of result.rows) rows.push(Buffer.from(row));
    }
    const byteaColumns = await sql<{ schema: string; name: string; column: string }>`
      select table_schema as schema, table_name as name, column_name as column from information_schema.columns
      where data_type = 'bytea' and table_schema not in ('pg_catalog', 'information_schema')`.execute(server.db);
    assert.ok(byteaColumns.rows.some((c) => c.name === 'support_case_attachments'), 'the attachments\' bytea column is listed');
    for (const { schema, name, column } of byteaColumns.rows) {
      const result = await sql<{ value: Buffer | null }>`select ${sql.id(column)} as value from ${sql.id(schema, name)}`.execute(server.db);
      for (const { value } of result.rows) {
        if (!value) continue;
        rows.push(value);
        try {
          rows.push(Buffer.from(searchableText(value)));
        } catch {
          // Not JSON (a text log): its raw bytes are all there is.
        }
      }
    }
    const largeObjects = await sql<{ data: Buffer }>`select data from pg_largeobject`.execute(server.db);
    rows.push(...largeObjects.rows.map((r) => r.data));
    const inDatabase = scanner.scan(rows);
    t.diagnostic(`database: ${tables.rows.length} tables, ${byteaColumns.rows.length} bytea columns, ${rows.reduce((n, b) => n + b.length, 0)} bytes scanned`);

    // 2. The server's own log, at info level.
    const inLog = scanner.scan(serverLog.map((line) => Buffer.from(line)));
    t.diagnostic(`server log: ${serverLog.length} lines`);

    // 3. PostgreSQL's data directory, every file after a checkpoint: heap, indexes, WAL (pg_wal), temporary files
    //    and the server log inside it, and the log pg_ctl -l writes beside it (.ci/run's $PGT/log).
    await sql`checkpoint`.execute(server.db);
    const dataDirectory = (await sql<{ dir: string }>`select current_setting('data_directory') as dir`.execute(server.db)).rows[0]!.dir;
    const logFile = (await sql<{ file: string | null }>`select pg_current_logfile() as file`.execute(server.db)).rows[0]?.file;
    const problems: string[] = [];
    let readable = true;
    try {
      readdirSync(dataDirectory);
      readFileSync(join(dataDirectory, 'PG_VERSION'));
    } catch (err) {
      readable = false;
      problems.push(`${dataDirectory}: ${(err as NodeJS.ErrnoException).code}`);
    }
    const leaked = [...leaks(inDatabase).map((label) => `database: ${label}`), ...leaks(inLog).map((label) => `server log: ${label}`)];
    const seen = { database: inDatabase.has('CANARY'), serverLog: inLog.has('CANARY'), dataDirectory: !readable };
    if (!readable) {
      const warning = `!!! PostgreSQL's data directory ${dataDirectory} cannot be read by this test process (uid ${process.getuid?.()}): ${problems.join(', ')}. `
        + 'Its files (WAL, server log) were NOT scanned; only the database, through SQL, and the server\'s log were. '
        + 'Run the tests as the data directory\'s owner or as root (as .ci/run does), or on the embedded PostgreSQL.';
      console.log(warning);
      t.diagnostic(warning);
    }
    const files = readable ? [...filesUnder(dataDirectory, problems)] : [];
    const besides = !readable ? [] : readdirSync(dirname(dataDirectory), { withFileTypes: true })
      .filter((e) => e.isFile() && /(?:^|\.)log$/.test(e.name)).map((e) => join(dirname(dataDirectory), e.name));
    if (readable && logFile && !logFile.startsWith('/')) besides.push(join(dataDirectory, logFile));
    else if (readable && logFile) besides.push(logFile);
    let bytes = 0;
    let walBytes = 0;
    for (const file of [...files, ...besides.map((path) => ({ path, chunks: () => readChunks(path, problems) }))]) {
      const size = (() => { try { return statSync(file.path).size; } catch { return 0; } })();
      bytes += size;
      if (file.path.includes('/pg_wal/')) walBytes += size;
      const found = scanner.scan(file.chunks());
      if (found.has('CANARY')) seen.dataDirectory = true;
      leaked.push(...leaks(found).map((label) => `${file.path}: ${label}`));
    }
    if (readable) t.diagnostic(`data directory ${dataDirectory}: ${files.length} files, ${bytes} bytes (WAL ${walBytes}), besides it: ${besides.join(', ') || 'no log file'}`);
    assert.deepEqual(leaked, [], 'uploaded secrets found in storage');
    assert.deepEqual(seen, { database: true, serverLog: true, dataDirectory: true }, 'each scan sees what is stored (the canary)');
    if (readable) {
      assert.deepEqual(problems, [], 'every file of the data directory could be read');
      assert.ok(walBytes > 0, 'the WAL was read');
    }
  });
});
