import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import type { Clock } from '#src/lib/clock.ts';
import type { DeviceKey } from '#src/sessions/service.ts';

/**
 * Device-bound sessions (admin console sessions, docs/admin-sessions.md; support staff's Help Center sessions,
 * docs/help-center.md): every request carries a `DPoP` header, a JWT signed by the browser's non-extractable
 * key (RFC 9449's proof: `typ` dpop+jwt, ES256, the public `jwk` in its header; `htm`, `htu`, `jti`, `iat` and
 * the server's `nonce` in its body). The key is the one the session was bound to at sign-in, so a copied
 * session cookie opens nothing without the browser that holds the key.
 *
 * Freshness comes from the server's nonce, not the client's clock: a nonce is an HMAC of a five-minute window
 * of the server's clock, accepted in that window and the next, so it needs no storage and holds across
 * processes. Replay within that time is stopped by remembering each proof's `jti`.
 */
const NONCE_WINDOW_MS = 5 * 60_000;
const MAX_PROOF_CHARS = 4096;
const JTI_LIMIT = 200_000;
const KEY_CACHE_LIMIT = 10_000;

/**
 * The key a session is bound to: its public key, or only the key's RFC 7638 thumbprint (a support staff Help
 * Center session is bound at sign-in, before the server has seen the key), whose key then comes in each
 * proof's `jwk` header and must have that thumbprint.
 */
export type BoundDevice = DeviceKey | { jkt: string; jwk: null };

export type ProofRequest = { proof: string | undefined; method: string; url: string; device: BoundDevice; sessionId: string };

/** Why a proof was refused; `stale` means only the nonce was old, which the client fixes by retrying with the new one. */
export type ProofRefusal = { stale: boolean; reason: string };

type Claims = { htm?: unknown; htu?: unknown; jti?: unknown; iat?: unknown; nonce?: unknown };

export function createProofChecker(installationKey: Buffer, clock: Clock) {
  const nonceKey = Buffer.from(hkdfSync('sha256', installationKey, Buffer.alloc(0), 'bulwark admin session dpop nonce', 32));
  const keys = new Map<string, Promise<CryptoKey>>();
  /** `sessionId/jti` → when it may be forgotten (its nonce no longer accepted). */
  const seen = new Map<string, number>();
  let current = { window: -1, nonce: '' };

  function nonceFor(window: number): string {
    const mac = createHmac('sha256', nonceKey).update(String(window)).digest('base64url').slice(0, 32);
    return `${window.toString(36)}.${mac}`;
  }

  function nonce(): string {
    const window = Math.floor(clock.now().getTime() / NONCE_WINDOW_MS);
    if (window !== current.window) current = { window, nonce: nonceFor(window) };
    return current.nonce;
  }

  function nonceAccepted(value: unknown): boolean {
    if (typeof value !== 'string' || value.length > 64) return false;
    const window = Math.floor(clock.now().getTime() / NONCE_WINDOW_MS);
    const given = Buffer.from(value);
    return [window, window - 1].some((w) => {
      const expected = Buffer.from(w === current.window ? current.nonce : nonceFor(w));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }

  function keyOf(device: DeviceKey): Promise<CryptoKey> {
    let key = keys.get(device.jkt);
    if (!key) {
      if (keys.size >= KEY_CACHE_LIMIT) keys.clear();
      key = importJWK(device.jwk, 'ES256') as Promise<CryptoKey>;
      keys.set(device.jkt, key);
    }
    return key;
  }

  /** The P-256 public key in a proof's header, if its thumbprint is `jkt`; checked before its signature is. */
  async function keyNamedBy(proof: string, jkt: string): Promise<DeviceKey | undefined> {
    let jwk: unknown;
    try {
      jwk = decodeProtectedHeader(proof).jwk;
    } catch {
      return undefined;
    }
    if (typeof jwk !== 'object' || jwk === null) return undefined;
    const { kty, crv, x, y } = jwk as Record<string, unknown>;
    if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string' || x.length > 64 || y.length > 64) return undefined;
    const key = { kty, crv, x, y };
    return (await calculateJwkThumbprint(key, 'sha256')) === jkt ? { jkt, jwk: key } : undefined;
  }

  /** Remembers a proof's id until its nonce expires; false when it was already used. */
  function firstUse(sessionId: string, jti: string): boolean {
    const now = clock.now().getTime();
    const id = `${sessionId}/${jti}`;
    if ((seen.get(id) ?? 0) > now) return false;
    if (seen.size >= JTI_LIMIT) {
      for (const [k, until] of seen) if (until <= now) seen.delete(k);
      // Still full: the oldest are within a window of expiring anyway.
      for (const k of seen.keys()) {
        if (seen.size < JTI_LIMIT / 2) break;
        seen.delete(k);
      }
    }
    seen.set(id, now + 2 * NONCE_WINDOW_MS);
    return true;
  }

  return {
    /** The nonce proofs must carry now; sent in `DPoP-Nonce` on admin responses. */
    nonce,
    /** Null when the proof is good for this request from this session's device; otherwise why not. */
    async check(r: ProofRequest): Promise<ProofRefusal | null> {
      if (r.proof === undefined || r.proof === '') return { stale: false, reason: 'no DPoP proof: the request did not come from the browser this session was started in' };
      if (r.proof.length > MAX_PROOF_CHARS) return { stale: false, reason: 'DPoP proof too large' };
      const device = r.device.jwk === null ? await keyNamedBy(r.proof, r.device.jkt) : r.device;
      if (!device) return { stale: false, reason: 'DPoP proof names another key than the one this session was started with' };
      let claims: Claims;
      let jwk: Record<string, unknown> | undefined;
      try {
        const verified = await jwtVerify<Claims>(r.proof, await keyOf(device), { typ: 'dpop+jwt', algorithms: ['ES256'] });
        claims = verified.payload;
        jwk = verified.protectedHeader.jwk as Record<string, unknown> | undefined;
      } catch {
        return { stale: false, reason: 'DPoP proof not signed by this session\'s device key' };
      }
      if (jwk?.['x'] !== device.jwk['x'] || jwk?.['y'] !== device.jwk['y']) return { stale: false, reason: 'DPoP proof names another key' };
      if (claims.htm !== r.method || claims.htu !== r.url) return { stale: false, reason: 'DPoP proof was made for another request' };
      if (typeof claims.jti !== 'string' || claims.jti.length < 8 || claims.jti.length > 128 || typeof claims.iat !== 'number') return { stale: false, reason: 'DPoP proof lacks jti or iat' };
      if (!nonceAccepted(claims.nonce)) return { stale: true, reason: 'DPoP proof without the current nonce' };
      if (!firstUse(r.sessionId, claims.jti)) return { stale: false, reason: 'DPoP proof replayed' };
      return null;
    },
  };
}

export type ProofChecker = ReturnType<typeof createProofChecker>;
