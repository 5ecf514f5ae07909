import { call } from './api.ts';
import { newDeviceKey } from './admin/device-key.ts';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';

/** A factor as a transaction lists it. */
export type Factor = { id?: string; factorType: string; provider: string; status?: string };

/** Okta's authentication transaction, the parts the sign-in page reads. */
export type Transaction = {
  status: 'SUCCESS' | 'MFA_REQUIRED' | 'MFA_CHALLENGE' | 'MFA_ENROLL' | 'MFA_ENROLL_ACTIVATE' | 'PASSWORD_EXPIRED';
  stateToken?: string;
  sessionToken?: string;
  _embedded?: {
    user?: { profile: { login: string; firstName: string | null } };
    factors?: Factor[];
    factor?: Factor & { _embedded?: { activation?: { sharedSecret?: string; _links?: { qrcode?: { href: string } } } & Partial<PublicKeyCredentialCreationOptionsJSON> } };
    challenge?: PublicKeyCredentialRequestOptionsJSON;
  };
};

export const TOTP = 'token:software:totp';
export const WEBAUTHN = 'webauthn';

/** The page that asked for the sign-in (`?next=`), on this origin only. */
function nextPage(fallback: string): string {
  const next = new URLSearchParams(window.location.search).get('next') ?? fallback;
  return next.startsWith('/') && !next.startsWith('//') ? next : fallback;
}

/**
 * Where a finished sign-in goes. An admin console sign-in becomes an admin session bound to a new device key
 * of this browser (docs/admin-sessions.md); any other goes through the cookie redirect. Then the page that asked.
 */
export async function finish(sessionToken: string, app: string | undefined): Promise<void> {
  if (app === 'admin_console') {
    const publicKey = await newDeviceKey();
    await call('POST', '/api/v1/admin/session', { sessionToken, publicKey });
    window.location.assign(nextPage('/admin'));
    return;
  }
  window.location.assign(`/login/sessionCookieRedirect?token=${encodeURIComponent(sessionToken)}&redirectUrl=${encodeURIComponent(nextPage('/account'))}`);
}
