/**
 * `bulwark report verify` and `bulwark report public-key` as a customer and an operator run them: the real CLI
 * in a child process, over report files written by the real report writer.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeImpactReports } from '../src/forensics/report-files.ts';
import { loadReportKey } from '../src/forensics/report-signing.ts';
import { runCli } from './cli-helpers.ts';
import { acmeImpact } from './support/impact-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'bulwark-report-cli-'));
const dataDir = join(root, 'data');
const env = { BULWARK_DATA_DIR: dataDir };
const customer = join(root, 'customer');
const bulwark = (args: string[], over: Record<string, string> = env) => runCli(args, { env: over });

let json: string;
let csv: string;
let keyId: string;
let publishedKey: string;

before(async () => {
  keyId = loadReportKey(dataDir).keyId;
  const [written] = await writeImpactReports([acmeImpact()], join(root, 'reports'), { formats: ['json', 'csv'], key: loadReportKey(dataDir) });
  mkdirSync(customer);
  // The customer received the files and keeps them in a directory of their own.
  for (const f of written?.files ?? []) {
    copyFileSync(f.path, join(customer, `impact-report.${f.format}`));
    copyFileSync(f.signaturePath, join(customer, `impact-report.${f.format}.sig`));
  }
  json = join(customer, 'impact-report.json');
  csv = join(customer, 'impact-report.csv');
  publishedKey = join(customer, 'bulwark-report-key.pem');
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('bulwark report', () => {
  it('shows help for each of its commands with exit 0', async () => {
    for (const [args, usage] of [[['report'], 'report|reports'], [['report', 'verify'], 'report verify'], [['reports', 'public-key'], 'report public-key']] as const) {
      const r = await bulwark([...args, '--help'], {});
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.startsWith(`Usage: bulwark ${usage} `), r.stdout);
    }
  });
});

describe('bulwark report public-key', () => {
  it('prints the PEM and key id to publish, which a customer can save and verify with', async () => {
    const r = await bulwark(['report', 'public-key']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\nkeyId: [A-Za-z0-9_-]{22}\n$/);
    assert.ok(r.stdout.endsWith(`keyId: ${keyId}\n`));
    const j = await bulwark(['report', 'public-key', '--json']);
    assert.deepEqual(JSON.parse(j.stdout), { keyId, pem: r.stdout.slice(0, r.stdout.indexOf('keyId:')) });
  });

  it('creates the key on first use and says so', async () => {
    const fresh = join(root, 'fresh-data');
    const r = await bulwark(['report', 'public-key'], { BULWARK_DATA_DIR: fresh });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `created the report signing key ${join(fresh, 'keys', 'report-signing-ed25519.pem')}\n`);
  });
});

describe('bulwark report verify', () => {
  before(async () => {
    // The published key, as the customer saved it from `report public-key`.
    writeFileSync(publishedKey, (await bulwark(['report', 'public-key'])).stdout);
  });

  it('accepts an unaltered report against the published key, in one line, exit 0', async () => {
    const r = await bulwark(['report', 'verify', json, '--public-key', publishedKey], {});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^valid: signed by key ${keyId} at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\n$`));
  });

  it('uses the installation\'s own report key without --public-key, and reads --signature from anywhere', async () => {
    const moved = join(root, 'elsewhere.sig');
    copyFileSync(`${csv}.sig`, moved);
    const r = await bulwark(['report', 'verify', csv, '--signature', moved]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^valid: /);
  });

  it('reports a file altered by one byte, exit 1', async () => {
    const altered = join(root, 'altered.json');
    const bytes = readFileSync(json);
    bytes[100] = (bytes[100] as number) ^ 0x01;
    writeFileSync(altered, bytes);
    copyFileSync(`${json}.sig`, `${altered}.sig`);
    const r = await bulwark(['report', 'verify', altered, '--public-key', publishedKey], {});
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'invalid: file was altered: sha256 differs\n');
  });

  it('reports an altered signature file, exit 1', async () => {
    const sig = JSON.parse(readFileSync(`${json}.sig`, 'utf8'));
    const forged = join(root, 'forged.sig');
    writeFileSync(forged, JSON.stringify({ ...sig, signedAt: '2020-01-01T00:00:00.000Z' }));
    const r = await bulwark(['report', 'verify', json, '--signature', forged, '--public-key', publishedKey], {});
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'invalid: signature does not verify\n');
  });

  it('reports a signature by a key other than the published one, exit 1, and answers in JSON when asked', async () => {
    const other = join(root, 'other.pem');
    writeFileSync(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    const r = await bulwark(['report', 'verify', json, '--public-key', other, '--json'], {});
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, false);
    assert.match(out.reason, new RegExp(`^unknown key ${keyId}: the public key given is `));
  });

  for (const [name, args, message] of [
    ['a missing report', ['nope.pdf'], /^error: no such file: nope\.pdf$/],
    ['a missing signature', ['README.md'], /^error: no signature file README\.md\.sig: pass --signature FILE$/],
    ['a missing --signature', ['README.md', '--signature', 'nope.sig'], /^error: no such file: nope\.sig$/],
    ['a directory as the report', ['src'], /^error: the report is not a file: src$/],
  ] as const) {
    it(`refuses ${name} with one line, exit 2`, async () => {
      const r = await bulwark(['report', 'verify', ...args]);
      assert.equal(r.code, 2);
      assert.match(r.stderr.trim(), message);
      assert.equal(r.stdout, '');
    });
  }

  it('refuses a public key that is no PEM, or no Ed25519 key, exit 2', async () => {
    const garbage = join(root, 'garbage.pem');
    writeFileSync(garbage, '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n');
    const bad = await bulwark(['report', 'verify', json, '--public-key', garbage], {});
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: cannot read the public key .*garbage\.pem: not a PEM public key/);
    const rsa = join(root, 'rsa.pem');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }));
    const wrongType = await bulwark(['report', 'verify', json, '--public-key', rsa], {});
    assert.equal(wrongType.code, 2);
    assert.match(wrongType.stderr, /^error: .*rsa\.pem is not an Ed25519 public key \(its type is rsa\): reports are signed with Ed25519\n$/);
  });

  it('asks for --public-key when the data directory holds no report key, exit 2', async () => {
    const r = await bulwark(['report', 'verify', json], { BULWARK_DATA_DIR: join(root, 'empty') });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: no report signing key at .*report-signing-ed25519\.pub\.pem: pass --public-key FILE/);
  });
});
