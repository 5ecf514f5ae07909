import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson, chainHash, GENESIS_HASH } from './chain.ts';

describe('System Log hash chain', () => {
  it('hashes the previous hash as raw bytes followed by the canonical event text', () => {
    const text = canonicalJson({ b: 1, a: 'x' });
    assert.equal(text, '{"a":"x","b":1}');
    const expected = createHash('sha256').update(Buffer.alloc(32)).update(text).digest('hex');
    assert.equal(chainHash(GENESIS_HASH, text), expected);
  });

  it('gives the same canonical text whatever the key order (RFC 8785)', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
      const reversed = Object.fromEntries(Object.entries(obj).reverse());
      assert.equal(canonicalJson(obj), canonicalJson(reversed));
      assert.deepEqual(JSON.parse(canonicalJson(obj)), JSON.parse(JSON.stringify(obj)));
    }));
  });

  it('changes the hash when any byte of the event changes', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), fc.nat(), (s, i) => {
      const text = canonicalJson({ s });
      const at = i % text.length;
      const mutated = text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 1) + text.slice(at + 1);
      assert.notEqual(chainHash(GENESIS_HASH, text), chainHash(GENESIS_HASH, mutated));
    }));
  });
});
