import { createPrivateKey, createPublicKey, generateKeyPairSync, hash, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { z } from 'zod';

/**
 * Detached Ed25519 signatures of report files. The operator's report key is kept like the System Log's
 * checkpoint key (src/syslog/checkpoints.ts) but in a file of its own: a report key handed to another
 * machine to sign reports must not be able to sign checkpoints, and either can be rotated alone.
 *
 * What is signed is a statement about the file, not the file itself: the RFC 8785 canonical JSON of
 * `{alg, bytes, keyId, sha256, signedAt}`. The file is bound through its SHA-256, so signing and verifying
 * stream any size of file, and the signing time and key id are covered by the signature too (a signature of
 * the bare file would leave `signedAt` forgeable).
 */

const KEY_DIR = 'keys';
export const REPORT_KEY_FILE = 'report-signing-ed25519.pem';
export const REPORT_PUBLIC_KEY_FILE = 'report-signing-ed25519.pub.pem';

export type ReportKey = { keyId: string; privateKey: KeyObject; publicKey: KeyObject };

/** The `.sig` file's content. */
export type ReportSignature = { alg: 'Ed25519'; keyId: string; sha256: string; bytes: number; signedAt: string; signature: string };

export type SignatureCheck = { ok: true; keyId: string; signedAt: string } | { ok: false; reason: string };

/** A key's fingerprint: base64url of the first 16 bytes of the SHA-256 of its SPKI DER encoding. */
export function reportKeyId(publicKey: KeyObject): string {
  return (hash('sha256', publicKey.export({ type: 'spki', format: 'der' }), 'buffer')).subarray(0, 16).toString('base64url');
}

export const reportKeyPaths = (dataDir: string) => ({
  privateKey: join(dataDir, KEY_DIR, REPORT_KEY_FILE),
  publicKey: join(dataDir, KEY_DIR, REPORT_PUBLIC_KEY_FILE),
});

/**
 * Loads the report key from `dataDir/keys`, creating it (mode 0600) on first use; `created` says which. Two
 * processes starting at once (a server and a CLI) must end with one key: each writes its candidate aside and
 * links it into place, which only the first one does; the other reads the winner's.
 */
export function loadReportKey(dataDir: string): ReportKey & { created: boolean } {
  const paths = reportKeyPaths(dataDir);
  let created = false;
  if (!existsSync(paths.privateKey)) {
    mkdirSync(join(dataDir, KEY_DIR), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const candidate = `${paths.privateKey}.${process.pid}.${randomBytes(6).toString('hex')}`;
    writeFileSync(candidate, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(candidate, paths.privateKey);
      created = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(candidate, { force: true });
    }
    if (created) {
      const pub = `${paths.publicKey}.${process.pid}`;
      writeFileSync(pub, createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }));
      renameSync(pub, paths.publicKey);
    }
  }
  const privateKey = createPrivateKey(readFileSync(paths.privateKey));
  const publicKey = createPublicKey(privateKey);
  return { keyId: reportKeyId(publicKey), privateKey, publicKey, created };
}

/** The installation's report public key, from its `.pub.pem` or else its private key; never creates one. */
export function readReportPublicKey(dataDir: string): KeyObject | null {
  const paths = reportKeyPaths(dataDir);
  if (existsSync(paths.publicKey)) return createPublicKey(readFileSync(paths.publicKey));
  if (existsSync(paths.privateKey)) return createPublicKey(readFileSync(paths.privateKey));
  return null;
}

export function publicKeyPem(publicKey: KeyObject): string {
  return String(publicKey.export({ type: 'spki', format: 'pem' }));
}

type Statement = Omit<ReportSignature, 'signature'>;

/** The signed bytes: canonical JSON (RFC 8785) of the statement, reproducible with any JCS library. */
export function statementBytes(s: Statement): Buffer {
  return Buffer.from(canonicalize({ alg: s.alg, bytes: s.bytes, keyId: s.keyId, sha256: s.sha256, signedAt: s.signedAt }) as string, 'utf8');
}

export function signReport(file: Buffer, key: ReportKey, signedAt: Date): ReportSignature {
  const statement: Statement = { alg: 'Ed25519', keyId: key.keyId, sha256: hash('sha256', file, 'hex'), bytes: file.length, signedAt: signedAt.toISOString() };
  return { ...statement, signature: sign(null, statementBytes(statement), key.privateKey).toString('base64url') };
}

/** The `.sig` file: the signature object as indented JSON, one field per line, for people to read. */
export function signatureFile(sig: ReportSignature): string {
  return `${JSON.stringify(sig, null, 2)}\n`;
}

const signatureSchema = z.strictObject({
  alg: z.string(),
  keyId: z.string().max(200),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  bytes: z.number().int().nonnegative(),
  signedAt: z.iso.datetime({ offset: true }),
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be 64 bytes in base64url'),
});

function parseSignature(text: string): ReportSignature | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'signature file is not JSON';
  }
  const parsed = signatureSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `signature file is malformed: ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}`;
  }
  if (parsed.data.alg !== 'Ed25519') return `unsupported signature algorithm ${JSON.stringify(parsed.data.alg)}`;
  return { ...parsed.data, alg: 'Ed25519' };
}

/**
 * Checks a file against its `.sig` and a public key: the key must be the one named, the signature must hold
 * over the statement, and the file must have the stated size and SHA-256. The statement is checked before
 * the file, so a changed file is reported as altered and a changed `.sig` as a bad signature.
 */
export function verifyReport(file: Buffer, signatureText: string, publicKey: KeyObject): SignatureCheck {
  const sig = parseSignature(signatureText);
  if (typeof sig === 'string') return { ok: false, reason: sig };
  const keyId = reportKeyId(publicKey);
  if (sig.keyId !== keyId) return { ok: false, reason: `unknown key ${sig.keyId}: the public key given is ${keyId}` };
  if (!verify(null, statementBytes(sig), publicKey, Buffer.from(sig.signature, 'base64url'))) return { ok: false, reason: 'signature does not verify' };
  if (file.length !== sig.bytes || hash('sha256', file, 'hex') !== sig.sha256) {
    return { ok: false, reason: `file was altered: sha256 differs${file.length === sig.bytes ? '' : ` (${file.length} bytes, ${sig.bytes} signed)`}` };
  }
  return { ok: true, keyId, signedAt: sig.signedAt };
}
