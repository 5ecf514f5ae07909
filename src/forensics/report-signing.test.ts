import assert from 'node:assert/strict';
import { generateKeyPairSync, hash, verify } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadReportKey, readReportPublicKey, reportKeyId, reportKeyPaths, signatureFile, signReport, verifyReport, type ReportSignature } from './report-signing.ts';

const root = mkdtempSync(join(tmpdir(), 'bulwark-report-key-'));
after(() => rmSync(root, { recursive: true, force: true }));
const dataDir = join(root, 'signing');

const SIGNED_AT = new Date('2022-03-22T09:00:00.000Z');
const file = Buffer.from('{"schema":"bulwark.impact-report/1","tenant":{"id":"ten_acme"}}\n');

describe('report signing key', () => {
  it('is created on first use as a mode 0600 PEM of its own beside its public key, and loaded after that', () => {
    const dataDir = join(root, 'fresh');
    assert.equal(readReportPublicKey(dataDir), null, 'reading never creates a key');
    const first = loadReportKey(dataDir);
    const paths = reportKeyPaths(dataDir);
    assert.equal(first.created, true);
    assert.equal(statSync(paths.privateKey).mode & 0o777, 0o600);
    assert.match(paths.privateKey, /keys\/report-signing-ed25519\.pem$/);
    assert.ok(existsSync(paths.publicKey));
    assert.equal(existsSync(join(dataDir, 'keys', 'log-signing-ed25519.pem')), false, 'the checkpoint key is another file');
    const again = loadReportKey(dataDir);
    assert.equal(again.created, false);
    assert.equal(again.keyId, first.keyId);
    assert.equal(reportKeyId(readReportPublicKey(dataDir)!), first.keyId);
  });

  it('is named by 16 bytes of the SHA-256 of its SPKI encoding, in base64url', () => {
    const key = loadReportKey(dataDir);
    const der = key.publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(key.keyId, hash('sha256', der, 'buffer').subarray(0, 16).toString('base64url'));
    assert.match(key.keyId, /^[A-Za-z0-9_-]{22}$/);
  });
});

describe('report signatures', () => {
  const key = loadReportKey(dataDir);
  const sig = signReport(file, key, SIGNED_AT);
  const sigText = signatureFile(sig);
  const edit = (change: Partial<ReportSignature>) => signatureFile({ ...sig, ...change });

  it('signs a statement of the file\'s size and SHA-256 that any Ed25519 tool can check over its canonical JSON', () => {
    assert.deepEqual(Object.keys(JSON.parse(sigText)), ['alg', 'keyId', 'sha256', 'bytes', 'signedAt', 'signature']);
    assert.equal(sig.sha256, hash('sha256', file, 'hex'));
    assert.equal(sig.bytes, file.length);
    const statement = `{"alg":"Ed25519","bytes":${file.length},"keyId":"${key.keyId}","sha256":"${sig.sha256}","signedAt":"2022-03-22T09:00:00.000Z"}`;
    assert.ok(verify(null, Buffer.from(statement), key.publicKey, Buffer.from(sig.signature, 'base64url')));
  });

  it('verifies an unchanged file', () => {
    assert.deepEqual(verifyReport(file, sigText, key.publicKey), { ok: true, keyId: key.keyId, signedAt: '2022-03-22T09:00:00.000Z' });
  });

  it('verifies the signature of an empty file', () => {
    assert.equal(verifyReport(Buffer.alloc(0), signatureFile(signReport(Buffer.alloc(0), key, SIGNED_AT)), key.publicKey).ok, true);
  });

  it('finds a file altered by one flipped byte, or made longer', () => {
    const flipped = Buffer.from(file);
    flipped[10] = (flipped[10] as number) ^ 0x01;
    assert.deepEqual(verifyReport(flipped, sigText, key.publicKey), { ok: false, reason: 'file was altered: sha256 differs' });
    const longer = Buffer.concat([file, Buffer.from(' ')]);
    assert.deepEqual(verifyReport(longer, sigText, key.publicKey), { ok: false, reason: `file was altered: sha256 differs (${file.length + 1} bytes, ${file.length} signed)` });
  });

  it('refuses a .sig whose statement or signature was changed, even to match an altered file', () => {
    const altered = Buffer.concat([file, Buffer.from('x')]);
    const forged = edit({ sha256: hash('sha256', altered, 'hex'), bytes: altered.length });
    assert.deepEqual(verifyReport(altered, forged, key.publicKey), { ok: false, reason: 'signature does not verify' });
    assert.deepEqual(verifyReport(file, edit({ signedAt: '2021-01-01T00:00:00.000Z' }), key.publicKey), { ok: false, reason: 'signature does not verify' });
    const bytes = Buffer.from(sig.signature, 'base64url');
    bytes[0] = (bytes[0] as number) ^ 0x80;
    assert.deepEqual(verifyReport(file, edit({ signature: bytes.toString('base64url') }), key.publicKey), { ok: false, reason: 'signature does not verify' });
  });

  it('refuses a signature checked against another public key, naming both keys', () => {
    const other = generateKeyPairSync('ed25519').publicKey;
    const result = verifyReport(file, sigText, other);
    assert.deepEqual(result, { ok: false, reason: `unknown key ${key.keyId}: the public key given is ${reportKeyId(other)}` });
  });

  it('refuses a signature made by another key that claims this key\'s id', () => {
    const impostor = { ...generateKeyPairSync('ed25519'), keyId: key.keyId };
    assert.deepEqual(verifyReport(file, signatureFile(signReport(file, impostor, SIGNED_AT)), key.publicKey), { ok: false, reason: 'signature does not verify' });
  });

  it('explains a .sig that is not a signature', () => {
    const reason = (text: string) => { const r = verifyReport(file, text, key.publicKey); return r.ok ? 'valid' : r.reason; };
    assert.equal(reason('not json'), 'signature file is not JSON');
    assert.equal(reason('[]'), 'signature file is malformed: top level: Invalid input: expected object, received array');
    assert.match(reason(edit({ sha256: 'abc' })), /^signature file is malformed: sha256: must be 64 lower-case hex digits$/);
    assert.match(reason(edit({ signature: 'short' })), /^signature file is malformed: signature: must be 64 bytes in base64url$/);
    assert.match(reason(`${sigText.slice(0, -2)}, "extra": 1}`), /^signature file is malformed: /);
    assert.equal(reason(edit({ alg: 'RS256' as 'Ed25519' })), 'unsupported signature algorithm "RS256"');
  });
});
