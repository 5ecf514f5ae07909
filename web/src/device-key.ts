import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';

/**
 * A session's device key (docs/admin-sessions.md; support staff's Help Center sessions, docs/help-center.md):
 * an ECDSA P-256 key pair made by WebCrypto at sign-in with a private key that cannot be exported, kept in
 * IndexedDB on this origin only, under `dbName`. The server binds the session to its public key; every call
 * carries a proof signed with it (RFC 9449's DPoP proof), so the session cookie alone, copied elsewhere, opens
 * nothing.
 */
const STORE = 'keys';
const KEY_ID = 'device';

type DeviceKey = { privateKey: CryptoKey; publicJwk: JWK };

/** What `method` a call was made with; the proof names it. */
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export function deviceKeyStore(dbName: string) {
  function openStore(): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open(dbName, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }

  async function inStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest): Promise<T> {
    const db = await openStore();
    try {
      return await new Promise<T>((resolve, reject) => {
        const request = work(db.transaction(STORE, mode).objectStore(STORE));
        request.onsuccess = () => resolve(request.result as T);
        request.onerror = () => reject(request.error);
      });
    } finally {
      db.close();
    }
  }

  let current: Promise<DeviceKey | undefined> | undefined;
  /** The server's latest DPoP nonce; a proof without the current one is answered with a fresh one. */
  let nonce: string | null = null;

  /** A new key pair for a new session, replacing any earlier one; its public key as a JWK. */
  async function newDeviceKey(): Promise<JWK> {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const key: DeviceKey = { privateKey: pair.privateKey, publicJwk: { kty, crv, x, y } as JWK };
    await inStore('readwrite', (s) => s.put(key, KEY_ID));
    current = Promise.resolve(key);
    return key.publicJwk;
  }

  /** Forgets the key (signing out): a later session starts with a new one. */
  async function dropDeviceKey(): Promise<void> {
    current = Promise.resolve(undefined);
    await inStore('readwrite', (s) => s.delete(KEY_ID));
  }

  function deviceKey(): Promise<DeviceKey | undefined> {
    current ??= inStore<DeviceKey | undefined>('readonly', (s) => s.get(KEY_ID));
    return current;
  }

  /**
   * The `DPoP` header for one request (RFC 9449's proof JWT): method, URL without query, a unique id, the time,
   * and the server's nonce. Undefined when this browser holds no key (no session was started here).
   */
  async function proofFor(method: string, url: string): Promise<string | undefined> {
    const key = await deviceKey();
    if (!key) return undefined;
    const target = new URL(url, window.location.origin);
    return new SignJWT({ htm: method, htu: `${target.origin}${target.pathname}`, jti: crypto.randomUUID(), ...(nonce ? { nonce } : {}) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
      .setIssuedAt()
      .sign(key.privateKey);
  }

  async function send(method: Method, path: string, init: RequestInit & { headers: Record<string, string> }): Promise<Response> {
    const proof = await proofFor(method, path);
    const res = await fetch(path, { ...init, method, credentials: 'same-origin', headers: { ...init.headers, ...(proof ? { dpop: proof } : {}) } });
    nonce = res.headers.get('dpop-nonce') ?? nonce;
    return res;
  }

  /**
   * A fetch of this origin carrying a proof by the device key, when there is one; a stale nonce is retried once
   * with the fresh one the server sent.
   */
  async function provedFetch(method: Method, path: string, init: RequestInit & { headers: Record<string, string> }): Promise<Response> {
    const res = await send(method, path, init);
    const stale = res.status === 401 && (res.headers.get('www-authenticate') ?? '').includes('use_dpop_nonce');
    return stale ? send(method, path, init) : res;
  }

  return { newDeviceKey, dropDeviceKey, provedFetch };
}

/** The RFC 7638 thumbprint of a public key, as a sign-in names the key its session is to be bound to. */
export function thumbprintOf(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(jwk, 'sha256');
}
