/**
 * A software WebAuthn authenticator for tests: real P-256 keys, real CBOR attestation objects ("none"
 * format) and real ECDSA signatures over authenticator data and the client data hash, so that the server's
 * @simplewebauthn/server verification runs unchanged. It plays the browser's part as well (client data with
 * the page's origin), and can be told to lie (another origin, another RP ID, no user verification, a
 * counter that goes back) for the bad-input tests.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';

type CreationOptions = { challenge: string; rp: { id?: string; name: string }; user: { id: string; name: string } };
type RequestOptions = { challenge: string; rpId?: string; allowCredentials?: { id: string }[] };

const b64url = (b: Uint8Array | Buffer | string) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

export type Lies = { origin?: string; rpId?: string; userVerified?: boolean; counter?: number; type?: string; challenge?: string };

type Stored = { id: Buffer; privateKey: KeyObject; rpId: string; userHandle: string; counter: number };

export class SoftAuthenticator {
  private readonly credentials: Stored[] = [];
  /** Whether the key is marked as synced between devices (backup eligible and backed up). */
  private readonly synced: boolean;

  constructor(synced = false) {
    this.synced = synced;
  }

  private flags(userVerified: boolean, attested: boolean): number {
    let f = 0x01;
    if (userVerified) f |= 0x04;
    if (this.synced) f |= 0x08 | 0x10;
    if (attested) f |= 0x40;
    return f;
  }

  /** navigator.credentials.create: a new discoverable credential for `options`, answered from `origin`. */
  create(options: CreationOptions, origin: string, lie: Lies = {}) {
    const rpId = lie.rpId ?? options.rp.id ?? new URL(origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = new Map<number, CBORType>([[1, 2], [3, -7], [-1, 1], [-2, new Uint8Array(Buffer.from(jwk.x as string, 'base64url'))], [-3, new Uint8Array(Buffer.from(jwk.y as string, 'base64url'))]]);
    const id = randomBytes(32);
    const counter = Buffer.alloc(4);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flags(lie.userVerified ?? true, true)]), counter, Buffer.alloc(16), idLength, id, Buffer.from(encodeCBOR(cose))]);
    const attestationObject = encodeCBOR(new Map<string, CBORType>([['fmt', 'none'], ['attStmt', new Map()], ['authData', new Uint8Array(authData)]]));
    const clientData = JSON.stringify({ type: lie.type ?? 'webauthn.create', challenge: lie.challenge ?? options.challenge, origin: lie.origin ?? origin, crossOrigin: false });
    this.credentials.push({ id, privateKey, rpId, userHandle: options.user.id, counter: 0 });
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      response: { clientDataJSON: b64url(clientData), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get: an assertion by an allowed credential, or (empty allow list) the first one for the RP. */
  get(options: RequestOptions, origin: string, lie: Lies = {}) {
    const rpId = options.rpId ?? new URL(origin).hostname;
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const cred = this.credentials.find((c) => c.rpId === rpId && (allowed.size === 0 || allowed.has(b64url(c.id))));
    if (!cred) throw new Error(`no credential for ${rpId}`);
    cred.counter += 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(lie.counter ?? cred.counter);
    const authData = Buffer.concat([sha256(lie.rpId ?? rpId), Buffer.from([this.flags(lie.userVerified ?? true, false)]), counter]);
    const clientData = JSON.stringify({ type: lie.type ?? 'webauthn.get', challenge: lie.challenge ?? options.challenge, origin: lie.origin ?? origin, crossOrigin: false });
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), cred.privateKey);
    return {
      id: b64url(cred.id),
      rawId: b64url(cred.id),
      type: 'public-key',
      response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: cred.userHandle },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
