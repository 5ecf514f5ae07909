/**
 * The web UI's two figures:
 * - first load: the compressed JavaScript a browser fetches before the admin console (admin.html) and the
 *   sign-in page (index.html) can run: the entry script and every module it preloads, from the built
 *   web/dist, gzip level 6 as servers send it (target < 300 KB);
 * - search as you type: the admin console's users page over a tenant of 10,000 users, each keystroke of a
 *   name sent as the page sends it (`profile.login sw "…" or profile.email sw "…" or profile.firstName sw "…"
 *   or profile.lastName sw "…"`, 25 a page), one request at a time, timed at the client on loopback: the
 *   server's time plus a loopback round trip (target p95 < 100 ms). The reference, in the same run, is the
 *   first page of the same list without a search.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { systemClock } from '../src/lib/clock.ts';
import { createTenant } from '../src/tenants/service.ts';
import { WEB_DIST } from '../src/web/routes.ts';
import { log, percentile, round, runBench, sized } from './lib/bench.ts';
import { startBenchDatabase } from './lib/database.ts';
import { startServerProcess } from './lib/server-process.ts';

const USERS = 10_000;
const TYPED = sized(['maria', 'johnson', 'wei', 'schmidt', 'nakamura', 'olu', 'garcia', 'kowalski', 'dubois', 'rossi'], ['maria', 'johnson', 'wei', 'schmidt']);
const TARGET_KB = 300;
const TARGET_MS = 100;
const FIRST = ['Maria', 'John', 'Wei', 'Anna', 'Olu', 'Kenji', 'Fatima', 'Lucas', 'Sofia', 'Ahmed', 'Elena', 'Noah', 'Priya', 'Mateo', 'Ines', 'Tomasz', 'Chloe', 'Yusuf', 'Hana', 'Diego'];
const LAST = ['Johnson', 'Schmidt', 'Nakamura', 'Garcia', 'Kowalski', 'Dubois', 'Rossi', 'Okafor', 'Chen', 'Silva', 'Novak', 'Haddad', 'Larsen', 'Patel', 'Murphy', 'Costa', 'Weber', 'Ivanova', 'Tanaka', 'Moreau'];

/** The JavaScript a page loads before it runs: its module entry and the modules it preloads. */
function firstLoadKb(html: string): { kb: number; files: number } {
  const doc = readFileSync(join(WEB_DIST, html), 'utf8');
  const srcs = [...doc.matchAll(/<script[^>]+src="([^"]+\.js)"/g), ...doc.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1] as string);
  const bytes = [...new Set(srcs)].reduce((sum, src) => sum + gzipSync(readFileSync(join(WEB_DIST, src.replace(/^\//, ''))), { level: 6 }).length, 0);
  return { kb: bytes / 1024, files: new Set(srcs).size };
}

function searchFor(text: string): string {
  const term = JSON.stringify(text);
  return `profile.login sw ${term} or profile.email sw ${term} or profile.firstName sw ${term} or profile.lastName sw ${term}`;
}

await runBench('ui', async () => {
  const admin = firstLoadKb('admin.html');
  const signIn = firstLoadKb('index.html');
  log(`first load: admin console ${round(admin.kb, 1)} KB gzip in ${admin.files} files, sign-in ${round(signIn.kb, 1)} KB in ${signIn.files}`);

  const { db, url } = await startBenchDatabase(4);
  const created = await createTenant(db, systemClock, { slug: 'bench', adminEmail: 'admin@bench.example.com' });
  const tenantId = created.tenant.id;
  // Scenery, not the thing measured: ten thousand users in one statement (the services would hash and log each).
  await sql`
    insert into users (tenant_id, id, status, login_lower, profile, created, activated, status_changed, last_updated)
    select ${tenantId}, '00ubench' || lpad(i::text, 12, '0'), 'ACTIVE', lower(f || '.' || l || i || '@bench.example.com'),
      jsonb_build_object('login', lower(f || '.' || l || i || '@bench.example.com'), 'email', lower(f || '.' || l || i || '@bench.example.com'), 'firstName', f, 'lastName', l),
      now(), now(), now(), now()
    from generate_series(1, ${USERS}::int) i,
      lateral (select (${sql.val(FIRST)}::text[])[1 + i % ${FIRST.length}] f, (${sql.val(LAST)}::text[])[1 + (i / ${FIRST.length}) % ${LAST.length}] l) n`.execute(db);
  await sql`analyze users`.execute(db);

  const server = await startServerProcess('bulwark', { BENCH_DATABASE_URL: url });
  const headers = { authorization: `SSWS ${created.apiToken}`, accept: 'application/json' };
  const get = async (query: string) => {
    const began = performance.now();
    const res = await fetch(`${server.url}/api/v1/users?${query}`, { headers });
    const body = (await res.json()) as unknown[];
    const ms = performance.now() - began;
    if (res.status !== 200) throw new Error(`GET /api/v1/users?${query}: ${res.status}`);
    return { ms, count: body.length };
  };
  for (let i = 0; i < 20; i++) await get('limit=25');

  const keystrokes: number[] = [];
  const plain: number[] = [];
  for (const word of TYPED) {
    for (let n = 1; n <= word.length; n++) {
      const typed = await get(`limit=25&search=${encodeURIComponent(searchFor(word.slice(0, n)))}`);
      if (typed.count === 0) throw new Error(`no user matches "${word.slice(0, n)}"`);
      keystrokes.push(typed.ms);
      plain.push((await get('limit=25')).ms);
    }
  }
  await server.stop();
  keystrokes.sort((a, b) => a - b);
  plain.sort((a, b) => a - b);
  const p50 = percentile(keystrokes, 50);
  const p95 = percentile(keystrokes, 95);
  log(`search as you type over ${USERS} users: p50 ${round(p50, 1)} ms, p95 ${round(p95, 1)} ms over ${keystrokes.length} keystrokes; first page without search p50 ${round(percentile(plain, 50), 1)} ms`);
  return {
    figures: {
      admin_first_load_kb: round(admin.kb, 1),
      signin_first_load_kb: round(signIn.kb, 1),
      search_p50_ms: round(p50, 1),
      search_p95_ms: round(p95, 1),
      list_p50_ms: round(percentile(plain, 50), 1),
      search_to_list: round(p50 / percentile(plain, 50), 2),
      keystrokes: keystrokes.length,
    },
    target: `first_load_kb<${TARGET_KB},search_p95_ms<${TARGET_MS}`,
    met: admin.kb < TARGET_KB && signIn.kb < TARGET_KB && p95 < TARGET_MS,
  };
});
