import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRecoveryCodes, normalizeRecoveryCode, RECOVERY_CODE_COUNT, recoveryCodeHash } from './recovery-codes.ts';

describe('recovery codes', () => {
  it('come ten to a set, all different, as three groups of five base32 characters (75 bits)', () => {
    const codes = newRecoveryCodes();
    assert.equal(codes.length, RECOVERY_CODE_COUNT);
    assert.equal(new Set(codes).size, codes.length);
    for (const code of codes) assert.match(code, /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
  });

  it('use every character of the alphabet, at every position', () => {
    const seen = Array.from({ length: 15 }, () => new Set<string>());
    for (let i = 0; i < 300; i++) for (const code of newRecoveryCodes()) [...code.replace(/-/g, '')].forEach((c, p) => seen[p]?.add(c));
    for (const [p, chars] of seen.entries()) assert.equal(chars.size, 32, `position ${p}`);
  });

  it('are read back without regard to case, spaces, dashes or look-alike letters', () => {
    assert.equal(normalizeRecoveryCode('abcde-fghjk-mn0pq'), 'abcdefghjkmn0pq');
    assert.equal(normalizeRecoveryCode(' ABCDE FGHJK MNOPQ '), 'abcdefghjkmn0pq');
    assert.equal(normalizeRecoveryCode('1l1I1-00o0O-12345'), '11111-00000-12345'.replace(/-/g, ''));
    assert.equal(recoveryCodeHash('ABCDE-FGHJK-MN0PQ'), recoveryCodeHash('abcdefghjkmnopq'));
  });

  it('refuse what cannot be a code', () => {
    for (const bad of ['', 'abcde-fghjk', 'abcde-fghjk-mn0pq-r', 'abcde-fghjk-mn0pu', 'abcde-fghjk-mn0p!', '123456']) {
      assert.equal(normalizeRecoveryCode(bad), undefined, bad);
      assert.equal(recoveryCodeHash(bad), undefined, bad);
    }
  });
});
