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

/** Where a finished sign-in goes: the cookie redirect, then the page that asked (on this origin only). */
export function finish(sessionToken: string): void {
  const next = new URLSearchParams(window.location.search).get('next') ?? '/account';
  const target = next.startsWith('/') && !next.startsWith('//') ? next : '/account';
  window.location.assign(`/login/sessionCookieRedirect?token=${encodeURIComponent(sessionToken)}&redirectUrl=${encodeURIComponent(target)}`);
}
