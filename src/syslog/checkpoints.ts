import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import { sha256Hex } from '#src/lib/secrets.ts';
import { canonicalJson } from './chain.ts';
import { headsNeedingCheckpoint, insertCheckpoint } from './checkpoint-store.ts';

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

export type Checkpoint = { tenantId: string; seq: number; hash: string; signedAt: string; keyId: string };

/** The signed statement: canonical JSON of the checkpoint's fields, so any Ed25519 tool can check it. */
export function checkpointPayload(c: Checkpoint): Buffer {
  return Buffer.from(canonicalJson({ tenantId: c.tenantId, seq: c.seq, hash: c.hash, signedAt: c.signedAt, keyId: c.keyId }), 'utf8');
}

export function verifyCheckpointSignature(c: Checkpoint, signatureB64: string, publicKey: KeyObject): boolean {
  return verify(null, checkpointPayload(c), publicKey, Buffer.from(signatureB64, 'base64'));
}

/**
 * Signs the chain head of every tenant whose log moved since its last checkpoint. Run at start, on a timer
 * (BULWARK_CHECKPOINT_INTERVAL_SECONDS, at most 300) and at shutdown. A checkpoint is evidence about the log,
 * not a change to it, so it is not itself a System Log event.
 */
export async function signCheckpoints(db: Db, clock: Clock, key: SigningKey): Promise<number> {
  const heads = await headsNeedingCheckpoint(db);
  const signedAt = clock.now();
  for (const head of heads) {
    const c: Checkpoint = { tenantId: head.tenantId, seq: head.seq, hash: head.hash, signedAt: signedAt.toISOString(), keyId: key.keyId };
    const signature = sign(null, checkpointPayload(c), key.privateKey).toString('base64');
    await insertCheckpoint(db, c, signedAt, signature);
  }
  return heads.length;
}
