import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretBox, loadSecretsKey } from './secret-box.ts';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('opens what it sealed, in the same context only', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'tenant-a/factor-1');
    assert.match(sealed, /^v1\.[A-Za-z0-9_-]+$/);
    assert.ok(!sealed.includes('JBSWY3DPEHPK3PXP'));
    assert.equal(box.open(sealed, 'tenant-a/factor-1'), 'JBSWY3DPEHPK3PXP');
    assert.throws(() => box.open(sealed, 'tenant-b/factor-1'), 'a value copied onto another row does not open');
  });

  it('seals the same secret differently each time', () => {
    assert.notEqual(box.seal('same', 'c'), box.seal('same', 'c'));
  });

  it('refuses a tampered, truncated or foreign value, and another key', () => {
    const sealed = box.seal('secret', 'c');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] = (raw[raw.length - 1] as number) ^ 1;
    assert.throws(() => box.open(`v1.${raw.toString('base64url')}`, 'c'));
    assert.throws(() => box.open(sealed.slice(0, 20), 'c'));
    assert.throws(() => box.open(`v2.${sealed.slice(3)}`, 'c'), /not a sealed secret/);
    assert.throws(() => box.open('plain', 'c'), /not a sealed secret/);
    assert.throws(() => createSecretBox(randomBytes(32)).open(sealed, 'c'));
    assert.throws(() => createSecretBox(randomBytes(16)), /32 bytes/);
  });

  it('makes the installation key once, readable by its owner only, and refuses a damaged one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-key-'));
    try {
      const key = loadSecretsKey(dir);
      assert.equal(key.length, 32);
      assert.deepEqual(loadSecretsKey(dir), key, 'the same key on every start');
      const file = join(dir, 'keys', 'secrets-aes256.key');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, 'keys')).mode & 0o777, 0o700);
      assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').length, 32);
      writeFileSync(file, 'c2hvcnQ=\n');
      assert.throws(() => loadSecretsKey(dir), /32-byte/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
