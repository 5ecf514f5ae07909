/**
 * `npm run screenshots` as a new user would run it: a first start on a fresh embedded database, the printed
 * enrollment link, a passkey, the admin console. The script waits for each page's content before its picture,
 * so this test fails when a main page breaks, and it checks that every picture is a real, distinct PNG.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk, which the format puts first. */
function pngSize(file: Buffer): { width: number; height: number } {
  assert.ok(file.subarray(0, 8).equals(PNG_SIGNATURE), 'a PNG signature');
  assert.equal(file.toString('latin1', 12, 16), 'IHDR');
  return { width: file.readUInt32BE(16), height: file.readUInt32BE(20) };
}

describe('npm run screenshots', () => {
  const out = mkdtempSync(join(tmpdir(), 'bulwark-shots-test-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('renders every main page of the sign-in page, the account page and the admin console', () => {
    const run = spawnSync(`${repoRoot}node_modules/.bin/node`, ['scripts/screenshots.ts', out], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const files = readdirSync(out).sort();
    assert.deepEqual(files, [
      'account-security.png', 'account-sessions.png', 'account.png', 'admin-alerts.png', 'admin-app.png', 'admin-apps.png', 'admin-groups.png', 'admin-investigation.png', 'admin-logs.png', 'admin-policies.png', 'admin-settings.png',
      'admin-tokens.png', 'admin-user.png', 'admin-users.png', 'signin-error.png', 'signin.png', 'welcome.png',
    ]);
    const digests = new Set<string>();
    for (const name of files) {
      const png = readFileSync(join(out, name));
      assert.deepEqual(pngSize(png), { width: 1360, height: 860 }, name);
      digests.add(createHash('sha256').update(png).digest('hex'));
    }
    assert.equal(digests.size, files.length, 'no two pages render the same picture');
  });
});
