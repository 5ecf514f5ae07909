import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
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

describe('canonical JSON fast path', () => {
  it('matches the canonicalize package on any JSON value, integer-like keys and unicode included', () => {
    const key = fc.oneof(fc.string(), fc.nat().map(String), fc.constantFrom('10', '9', '0', 'é', '\u{1F600}', 'a\u0000'));
    const value = fc.letrec((tie) => ({
      json: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }),
        fc.array(tie('json'), { maxLength: 4 }), fc.dictionary(key, tie('json'), { maxKeys: 5 })),
    })).json;
    fc.assert(fc.property(value, (v) => {
      assert.equal(canonicalJson(v), canonicalize(v));
    }), { numRuns: 2000 });
  });

  it('drops undefined members and orders keys by UTF-16 code units', () => {
    assert.equal(canonicalJson({ b: undefined, a: [1, 'x'], Z: { y: 1, x: 2 } }), '{"Z":{"x":2,"y":1},"a":[1,"x"]}');
    assert.equal(canonicalJson({ '\u{1F600}': 1, '\uFB33': 2 }), canonicalize({ '\u{1F600}': 1, '\uFB33': 2 }));
  });
});
