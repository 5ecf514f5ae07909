import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { sha256Hex } from '#src/lib/secrets.ts';
import { canonicalJson } from './chain.ts';
import { headsNeedingCheckpoint, insertBatch, lockSigner, nextBatchId } from './checkpoint-store.ts';
import { buildTree, headLeaf } from './merkle.ts';

export type SigningKey = { keyId: string; privateKey: KeyObject; publicKey: KeyObject };

const KEY_FILE = 'log-signing-ed25519.pem';

/** The id of a public key: the first 16 hex digits of the SHA-256 of its SPKI DER encoding. */
export function keyIdOf(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16);
}

/** Loads the Ed25519 checkpoint key from `dataDir/keys`, creating it (mode 0600) on first use. */
export function loadSigningKey(dataDir: string): SigningKey {
  const dir = join(dataDir, 'keys');
  const file = join(dir, KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    chmodSync(file, 0o600);
    const publicKey = createPublicKey(privateKey);
    writeFileSync(join(dir, 'log-signing-ed25519.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  }
  const privateKey = createPrivateKey(readFileSync(file));
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

/** What one signature covers: the Merkle root over the heads of every tenant whose log moved. */
export type BatchStatement = { batchId: number; root: string; size: number; signedAt: string; keyId: string };

/** The signed bytes: canonical JSON of the statement, so any Ed25519 tool can check it. */
export function batchPayload(s: BatchStatement): Buffer {
  return Buffer.from(canonicalJson({ batchId: s.batchId, root: s.root, size: s.size, signedAt: s.signedAt, keyId: s.keyId }), 'utf8');
}

/** A checkpoint signed on its own, before batches (migration 2026-11-23T01-00); still verified as such. */
export type LegacyCheckpoint = { tenantId: string; seq: number; hash: string; signedAt: string; keyId: string };

export function legacyCheckpointPayload(c: LegacyCheckpoint): Buffer {
  return Buffer.from(canonicalJson({ tenantId: c.tenantId, seq: c.seq, hash: c.hash, signedAt: c.signedAt, keyId: c.keyId }), 'utf8');
}

export function verifySignature(payload: Buffer, signatureB64: string, publicKey: KeyObject): boolean {
  return verify(null, payload, publicKey, Buffer.from(signatureB64, 'base64'));
}

/**
 * Checkpoints the chain head of every tenant whose log moved since its last checkpoint, all under one
 * signature: the heads are the leaves of a Merkle tree whose root is signed, and each tenant's row keeps its
 * audit path. Run at start, on a timer (BULWARK_CHECKPOINT_INTERVAL_SECONDS, at most 300) and at shutdown.
 * One transaction: a batch exists with all its rows or not at all. A checkpoint is evidence about the log,
 * not a change to it, so it is not itself a System Log event. Returns the number of heads checkpointed.
 */
export async function signCheckpoints(db: Db, clock: Clock, key: SigningKey): Promise<number> {
  return db.transaction().execute(async (tx) => {
    await lockSigner(tx);
    const heads = await headsNeedingCheckpoint(tx);
    if (heads.length === 0) return 0;
    const tree = buildTree(heads.map((h) => headLeaf(h.tenantId, h.seq, h.hash)));
    const signedAt = clock.now();
    const statement: BatchStatement = { batchId: await nextBatchId(tx), root: tree.root, size: heads.length, signedAt: signedAt.toISOString(), keyId: key.keyId };
    const signature = sign(null, batchPayload(statement), key.privateKey).toString('base64');
    await insertBatch(tx, { id: statement.batchId, signedAt, keyId: key.keyId, root: tree.root, size: heads.length, signature }, heads, tree.proofs);
    return heads.length;
  });
}
