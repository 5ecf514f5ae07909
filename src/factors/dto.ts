import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { RECOVERY_CODE } from './recovery-codes.ts';
import type { ListedFactor, TotpEnrollment } from './service.ts';
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from './totp.ts';

type Link = { href: string; hints: { allow: string[] } };

/** What only an enrollment answer carries: a TOTP secret or a set of recovery codes (once), or a passkey's creation options. */
export type Enrollment = { totp: TotpEnrollment } | { passkey: PublicKeyCredentialCreationOptionsJSON } | { recoveryCodes: string[] };

/** The `activation` object Okta embeds in an enrollment answer. */
export function activationOf(e: Enrollment) {
  if ('passkey' in e) return e.passkey;
  if ('recoveryCodes' in e) return { recoveryCodes: e.recoveryCodes };
  return {
    timeStep: TOTP_PERIOD_SECONDS,
    sharedSecret: e.totp.sharedSecret,
    encoding: 'base32',
    keyLength: TOTP_DIGITS,
    _links: { qrcode: { href: e.totp.qrCode, type: 'image/png' } },
  };
}

/**
 * Okta's UserFactor. `base` is the factor collection's URL as the caller addresses it (`…/users/me/factors`
 * or `…/users/{id}/factors`). A TOTP shared secret or a set of recovery codes appears only in the enrollment
 * answer, once; afterwards a set of recovery codes shows only how many are left.
 */
export function toPublicFactor(f: ListedFactor, base: string, login: string, enrollment?: Enrollment) {
  const self = `${base}/${f.id}`;
  const links: Record<string, Link> = { self: { href: self, hints: { allow: ['GET', 'DELETE'] } } };
  if (f.status === 'PENDING_ACTIVATION') links['activate'] = { href: `${self}/lifecycle/activate`, hints: { allow: ['POST'] } };
  return {
    id: f.id,
    factorType: f.factorType,
    provider: f.provider,
    vendorName: f.provider,
    status: f.status,
    created: f.created.toISOString(),
    lastUpdated: f.lastUpdated.toISOString(),
    profile: f.factorType === RECOVERY_CODE ? { remaining: f.remaining ?? 0 } : { credentialId: login },
    _links: links,
    ...(enrollment === undefined ? {} : { _embedded: { activation: activationOf(enrollment) } }),
  };
}
