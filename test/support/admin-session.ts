/**
 * An admin console session as the browser makes one (docs/admin-sessions.md): a passkey sign-in for the admin
 * console, a device key made here (P-256, as WebCrypto makes it), the admin session bound to it, and every
 * later call carrying a DPoP proof signed with it and the server's latest nonce.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { grant, newPasskeyUser, ok, type Fixture, type UserRef, type WebFixture } from './fixtures.ts';
import type { HostClient } from './host-client.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

export type DeviceKey = { privateKey: KeyObject; publicJwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string } };

export function newDeviceKey(): DeviceKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' });
  return { privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x: x as string, y: y as string } };
}

export type ProofClaims = { htm: string; htu: string; jti?: string; nonce?: string | null };

/** A DPoP proof JWT, signed by `key`; `claims` may lie (another method, URL, or none of the nonce). */
export function proofOf(key: DeviceKey, claims: ProofClaims, header: Record<string, unknown> = {}): Promise<string> {
  const { nonce, ...rest } = claims;
  return new SignJWT({ jti: randomUUID(), ...rest, ...(nonce ? { nonce } : {}) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk, ...header })
    .setIssuedAt()
    .sign(key.privateKey);
}

/**
 * A browser holding an admin session's cookie and device key: a HostClient whose every call carries a good
 * proof and is placed on the network set by `setFrom` (X-Forwarded-For), and is made again once with the
 * fresh nonce when the server says the last one is stale, as the admin console's client does.
 */
export type AdminBrowser = HostClient & {
  web: HostClient;
  key: DeviceKey;
  /** The nonce the server last sent. */
  nonce(): string | null;
  /** The full URL a proof names for `path` (its `htu`). */
  htu(path: string): string;
  setFrom(ip: string | null): void;
};

export function adminBrowser(web: HostClient, key: DeviceKey, firstNonce: string | null, from: string | null = null): AdminBrowser {
  let nonce = firstNonce;
  let ip = from;
  const htu = (path: string) => `http://${web.host}${path.split('?')[0]}`;
  const send = async (method: string, path: string, body: unknown, extra: Record<string, string>) => {
    const dpop = await proofOf(key, { htm: method, htu: htu(path), nonce });
    const headers = { dpop, ...(method === 'GET' ? {} : { origin: `http://${web.host}` }), ...(ip ? { 'x-forwarded-for': ip } : {}), ...extra };
    const res = await web(method, path, body, headers);
    nonce = res.headers.get('dpop-nonce') ?? nonce;
    return res;
  };
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const res = await send(method, path, body, extra);
    const stale = res.status === 401 && (res.headers.get('www-authenticate') ?? '').includes('use_dpop_nonce');
    return stale ? send(method, path, body, extra) : res;
  };
  return Object.assign(call, { cookies: web.cookies, host: web.host, web, key, nonce: () => nonce, htu, setFrom: (next: string | null) => { ip = next; } });
}

/** A finished passkey sign-in for the admin console in `web`: its sessionToken. */
export async function adminSignIn(web: HostClient, authenticator: SoftAuthenticator, from: string | null = null): Promise<string> {
  const headers: Record<string, string> = from ? { 'x-forwarded-for': from } : {};
  const start = ok(await web('POST', '/api/v1/authn/passkey', { audience: 'admin_console' }, headers), 'start passkey sign-in');
  const credential = authenticator.get(start.body._embedded.challenge, `http://${web.host}`);
  const done = ok(await web('POST', '/api/v1/authn/passkey/verify', { stateToken: start.body.stateToken, credential }, headers), 'verify passkey');
  assert.equal(done.body.status, 'SUCCESS', done.text);
  return done.body.sessionToken as string;
}

/** A new admin session in `web` of the admin who has a passkey on `authenticator`, from `from` if given. */
export async function startAdminSession(web: HostClient, authenticator: SoftAuthenticator, from: string | null = null): Promise<AdminBrowser> {
  const sessionToken = await adminSignIn(web, authenticator, from);
  const key = newDeviceKey();
  const started = await web('POST', '/api/v1/admin/session', { sessionToken, publicKey: key.publicJwk }, from ? { 'x-forwarded-for': from } : undefined);
  assert.equal(started.status, 200, started.text);
  return adminBrowser(web, key, started.headers.get('dpop-nonce'), from);
}

/** A new super admin with a passkey, signed in to the admin console in a new browser of the fixture's tenant. */
export async function newAdminBrowser(f: WebFixture): Promise<AdminBrowser & { authenticator: SoftAuthenticator }> {
  const authenticator = new SoftAuthenticator();
  await newPasskeyAdmin(f, authenticator);
  return Object.assign(await startAdminSession(f.web(), authenticator), { authenticator });
}

/** A new ACTIVE user with a passkey on `authenticator` and the given admin role. */
export async function newPasskeyAdmin(f: Fixture, authenticator: SoftAuthenticator, role = 'SUPER_ADMIN'): Promise<UserRef> {
  const user = await newPasskeyUser(f, authenticator);
  await grant(f, user.id, role);
  return user;
}
