import { hash as sha } from 'node:crypto';

/**
 * The Merkle tree of RFC 6962 §2.1 (Certificate Transparency; RFC 9162 §2.1): leaf = SHA-256(0x00 || data),
 * node = SHA-256(0x01 || left || right), and a tree of n leaves splits at the largest power of two below n.
 * Hashes are 64 lower-case hex digits; an audit path is its sibling hashes from the leaf up, as raw bytes
 * (32 per hash). Any RFC 6962 implementation computes the same roots and accepts the same proofs.
 *
 * The tree is hand-written rather than taken from merkletreejs, whose default pairing and unprefixed hashes
 * are not RFC 6962 (merkletreejs issue #77), which an outside verifier would then have to reproduce.
 */

export const HASH_BYTES = 32;

/** One reused buffer for node hashes: 0x01, left, right. crypto.hash with hex output is the cheapest call. */
const pair = Buffer.alloc(1 + 2 * HASH_BYTES);
pair[0] = 0x01;

export function hashLeaf(data: Buffer): string {
  return sha('sha256', Buffer.concat([Buffer.of(0x00), data]), 'hex');
}

function hashNode(left: string, right: string): string {
  pair.write(left, 1, 'hex');
  pair.write(right, 1 + HASH_BYTES, 'hex');
  return sha('sha256', pair, 'hex');
}

let leafInput = Buffer.alloc(256);

/**
 * The leaf for a tenant's chain head in a checkpoint batch: SHA-256(0x00 || canonical JSON of `{hash, seq,
 * tenantId}`). Written out by hand because the verifier computes one per checkpoint: the keys are already in
 * RFC 8785 order, and RFC 8785 serializes strings and numbers exactly as JSON.stringify does.
 */
export function headLeaf(tenantId: string, seq: number, hash: string): string {
  const json = `{"hash":${JSON.stringify(hash)},"seq":${JSON.stringify(seq)},"tenantId":${JSON.stringify(tenantId)}}`;
  if (1 + json.length * 3 > leafInput.length) leafInput = Buffer.alloc(1 + json.length * 3);
  leafInput[0] = 0x00;
  const length = 1 + leafInput.write(json, 1, 'utf8');
  return sha('sha256', leafInput.subarray(0, length), 'hex');
}

export type Tree = { root: string; proofs: Buffer[] };

/**
 * The root of the tree over `leaves` (leaf hashes) and every leaf's audit path. Built bottom-up: pairing
 * neighbours and carrying a level's odd last node up unchanged yields exactly RFC 6962's recursive split.
 */
export function buildTree(leaves: readonly string[]): Tree {
  if (leaves.length === 0) throw new RangeError('a Merkle tree needs at least one leaf');
  const levels: string[][] = [[...leaves]];
  for (let level = levels[0] as string[]; level.length > 1; ) {
    const up: string[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(i + 1 < level.length ? hashNode(level[i] as string, level[i + 1] as string) : level[i] as string);
    levels.push(up);
    level = up;
  }
  const proofs = leaves.map((_, index) => {
    const path: string[] = [];
    let i = index;
    for (let l = 0; l < levels.length - 1; l += 1) {
      const sibling = (levels[l] as string[])[i ^ 1];
      if (sibling !== undefined) path.push(sibling);
      i = Math.floor(i / 2);
    }
    return Buffer.from(path.join(''), 'hex');
  });
  return { root: (levels.at(-1) as string[])[0] as string, proofs };
}

/**
 * The root an audit path leads to from leaf `index` of a tree of `size` leaves (RFC 9162 §2.1.3.2), or
 * undefined when the path cannot belong to such a tree (index out of range, too short or too long). The
 * caller compares the result with the signed root.
 */
export function rootFromProof(leaf: string, index: number, size: number, proof: Buffer): string | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size || proof.length % HASH_BYTES !== 0) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (let offset = 0; offset < proof.length; offset += HASH_BYTES) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      proof.copy(pair, 1, offset, offset + HASH_BYTES);
      pair.write(r, 1 + HASH_BYTES, 'hex');
      r = sha('sha256', pair, 'hex');
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      pair.write(r, 1, 'hex');
      proof.copy(pair, 1 + HASH_BYTES, offset, offset + HASH_BYTES);
      r = sha('sha256', pair, 'hex');
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** An audit path as the hex strings exports carry. */
export function proofToHex(proof: Buffer): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < proof.length; offset += HASH_BYTES) out.push(proof.toString('hex', offset, offset + HASH_BYTES));
  return out;
}
