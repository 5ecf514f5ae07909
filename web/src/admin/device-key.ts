import { SignJWT, type JWK } from 'jose';

/**
 * The admin session's device key (docs/admin-sessions.md): an ECDSA P-256 key pair made by WebCrypto at
 * sign-in with a private key that cannot be exported, kept in IndexedDB on this origin only. The server binds
 * the session to its public key; every admin API call carries a proof signed with it, so the session cookie
 * alone, copied elsewhere, opens nothing.
 */
const DB_NAME = 'bulwark-admin';
const STORE = 'keys';
const KEY_ID = 'device';

function openStore(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, 1);
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

type DeviceKey = { privateKey: CryptoKey; publicJwk: JWK };

let current: Promise<DeviceKey | undefined> | undefined;

/** A new key pair for a new admin session, replacing any earlier one; its public key as a JWK. */
export async function newDeviceKey(): Promise<JWK> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const key: DeviceKey = { privateKey: pair.privateKey, publicJwk: { kty, crv, x, y } as JWK };
  await inStore('readwrite', (s) => s.put(key, KEY_ID));
  current = Promise.resolve(key);
  return key.publicJwk;
}

/** Forgets the key (signing out): a later session starts with a new one. */
export async function dropDeviceKey(): Promise<void> {
  current = Promise.resolve(undefined);
  await inStore('readwrite', (s) => s.delete(KEY_ID));
}

function deviceKey(): Promise<DeviceKey | undefined> {
  current ??= inStore<DeviceKey | undefined>('readonly', (s) => s.get(KEY_ID));
  return current;
}

/**
 * The `DPoP` header for one request (RFC 9449's proof JWT): method, URL without query, a unique id, the time,
 * and the server's nonce. Undefined when this browser holds no key (no admin session was started here).
 */
export async function proofFor(method: string, url: string, nonce: string | null): Promise<string | undefined> {
  const key = await deviceKey();
  if (!key) return undefined;
  const target = new URL(url, window.location.origin);
  return new SignJWT({ htm: method, htu: `${target.origin}${target.pathname}`, jti: crypto.randomUUID(), ...(nonce ? { nonce } : {}) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
    .setIssuedAt()
    .sign(key.privateKey);
}
