import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson } from './chain.ts';
import { buildTree, hashLeaf, headLeaf, proofToHex, rootFromProof } from './merkle.ts';

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 6962 §2.1's recursive definition, written straight from the text, as the reference. */
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0] as Buffer;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.of(1), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

function referencePath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length === 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...referencePath(m, leaves.slice(0, k)), referenceRoot(leaves.slice(k))]
    : [...referencePath(m - k, leaves.slice(k)), referenceRoot(leaves.slice(0, k))];
}

// The Certificate Transparency reference data: inputs, roots of the trees of their first 1..8 entries, and
// two inclusion proofs (the same vectors as Go's and Trillian's RFC 6962 tests).
const CT_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_PROOFS = [
  { index: 0, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, proof: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
];

const ctLeaves = CT_INPUTS.map((hex) => hashLeaf(Buffer.from(hex, 'hex')));
const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));

describe('Merkle tree (RFC 6962)', () => {
  it('computes the Certificate Transparency reference roots and audit paths', () => {
    for (let n = 1; n <= 8; n += 1) assert.equal(buildTree(ctLeaves.slice(0, n)).root, CT_ROOTS[n - 1], `size ${n}`);
    const tree = buildTree(ctLeaves);
    for (const { index, proof } of CT_PROOFS) {
      assert.deepEqual(proofToHex(tree.proofs[index] as Buffer), proof);
      assert.equal(rootFromProof(ctLeaves[index] as string, index, 8, Buffer.from(proof.join(''), 'hex')), CT_ROOTS[7]);
    }
  });

  it('builds the same root and paths as the recursive definition, and every path leads back to the root, for every size up to 70', () => {
    for (let n = 1; n <= 70; n += 1) {
      const leaves = leavesOf(n);
      const raw = leaves.map((l) => Buffer.from(l, 'hex'));
      const tree = buildTree(leaves);
      assert.equal(tree.root, referenceRoot(raw).toString('hex'), `root of ${n}`);
      for (let i = 0; i < n; i += 1) {
        assert.deepEqual(tree.proofs[i], Buffer.concat(referencePath(i, raw)), `path ${i} of ${n}`);
        assert.equal(rootFromProof(leaves[i] as string, i, n, tree.proofs[i] as Buffer), tree.root, `proof ${i} of ${n}`);
      }
    }
  });

  it('leads a wrong leaf or index, or a changed, shortened, lengthened or ragged path elsewhere or nowhere', () => {
    for (const n of [2, 3, 5, 8, 13]) {
      const leaves = leavesOf(n);
      const tree = buildTree(leaves);
      for (let i = 0; i < n; i += 1) {
        const leaf = leaves[i] as string;
        const proof = tree.proofs[i] as Buffer;
        const wrong = (r: string | undefined) => assert.notEqual(r, tree.root);
        wrong(rootFromProof(leaves[(i + 1) % n] as string, i, n, proof));
        wrong(rootFromProof(leaf, (i + 1) % n, n, proof));
        for (let byte = 0; byte < proof.length; byte += 7) {
          const changed = Buffer.from(proof);
          changed[byte] = (changed[byte] as number) ^ 1;
          wrong(rootFromProof(leaf, i, n, changed));
        }
        wrong(rootFromProof(leaf, i, n, proof.subarray(32)));
        wrong(rootFromProof(leaf, i, n, Buffer.concat([proof, Buffer.alloc(32)])));
        wrong(rootFromProof(leaf, i, n, proof.subarray(1)));
      }
    }
    assert.equal(rootFromProof(ctLeaves[0] as string, 8, 8, Buffer.alloc(96)), undefined);
    assert.equal(rootFromProof(ctLeaves[0] as string, -1, 8, Buffer.alloc(96)), undefined);
  });

  it('makes a one-leaf tree\'s root its leaf, with an empty path, and refuses an empty tree', () => {
    const leaf = headLeaf('00oTENANT', 7, 'a'.repeat(64));
    assert.deepEqual(buildTree([leaf]), { root: leaf, proofs: [Buffer.alloc(0)] });
    assert.equal(rootFromProof(leaf, 0, 1, Buffer.alloc(0)), leaf);
    assert.throws(() => buildTree([]), RangeError);
  });

  it('hashes a chain head as SHA-256 of 0x00 and its canonical JSON, whatever the strings hold', () => {
    const json = `{"hash":"${'b'.repeat(64)}","seq":12,"tenantId":"00oABC"}`;
    assert.equal(headLeaf('00oABC', 12, 'b'.repeat(64)), sha256(Buffer.of(0), Buffer.from(json)).toString('hex'));
    for (const [tenantId, seq, hash] of [['a"b\\c\n', 1, 'Zoë 漢字 😀'], ['\u2028\u0000', 2 ** 53 - 1, 'x'.repeat(5_000)], ['', 0, '']] as const) {
      assert.equal(headLeaf(tenantId, seq, hash), hashLeaf(Buffer.from(canonicalJson({ tenantId, seq, hash }))), JSON.stringify(tenantId));
    }
  });
});
