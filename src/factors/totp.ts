import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30-second steps, 160-bit secrets. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, issuer: string, label: string): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });
}

/** The otpauth:// URI an authenticator app scans, and the same as a PNG data URL. */
export async function enrollmentUri(secretBase32: string, issuer: string, label: string): Promise<{ uri: string; qrCode: string }> {
  const uri = totp(secretBase32, issuer, label).toString();
  return { uri, qrCode: await QRCode.toDataURL(uri) };
}

/**
 * The time step a code belongs to, if it is right for the step now or one step either side (clock drift),
 * else undefined. The caller refuses a step it has already accepted, so a code works once.
 */
export function matchingStep(secretBase32: string, code: string, now: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secretBase32, 'x', 'x').validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS) + delta;
}
