/** How the account page words what the API answers: devices, times, sign-in methods and factors. */

const BROWSERS: readonly [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\//, 'Opera'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\b(?:Headless)?Chrom(?:e|ium)\/|\bCriOS\//, 'Chrome'],
  [/\bVersion\/[\d.]+ .*Safari\//, 'Safari'],
];

const SYSTEMS: readonly [RegExp, string][] = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/**
 * "Chrome on macOS" from a User-Agent header: enough to tell one's own devices apart, not a fingerprint. A
 * client that is no browser (a script, an SDK) is named by its first product token.
 */
export function deviceOf(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  if (browser) return system ? `${browser} on ${system}` : browser;
  return /^[^\s/]+/.exec(userAgent)?.[0] ?? 'Unknown device';
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export const dateTime = (iso: string) => dateTimeFormat.format(new Date(iso));
export const date = (iso: string) => dateFormat.format(new Date(iso));

/** "2 minutes ago", "yesterday": how long since a moment, in the largest unit that fits. */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const units: readonly [Intl.RelativeTimeFormatUnit, number][] = [['day', 86_400], ['hour', 3_600], ['minute', 60]];
  for (const [unit, size] of units) if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  return 'just now';
}

/** RFC 8176 method names as a person reads them. */
const METHODS: Record<string, string> = { pwd: 'password', otp: 'authenticator code', hwk: 'passkey', swk: 'passkey', mfa: '' };

export function methodsOf(amr: readonly string[]): string {
  const words = [...new Set(amr.map((m) => METHODS[m] ?? m).filter((w) => w !== ''))];
  return words.length === 0 ? 'unknown' : words.join(' and ');
}

export const TOTP = 'token:software:totp';
export const WEBAUTHN = 'webauthn';
export const RECOVERY_CODE = 'recovery_code';

const PROVIDERS: Record<string, string> = { GOOGLE: 'Google Authenticator', OKTA: 'Okta Verify' };

/** A factor's kind, and what kind of app or device it is. */
export function factorName(factorType: string, provider: string): { kind: string; detail: string } {
  if (factorType === WEBAUTHN) return { kind: 'Passkey', detail: 'Phishing-resistant: answers only this site' };
  if (factorType === TOTP) return { kind: 'Authenticator app', detail: PROVIDERS[provider] ?? provider };
  if (factorType === RECOVERY_CODE) return { kind: 'Recovery codes', detail: 'One-time codes for when your other methods are out of reach' };
  return { kind: factorType, detail: provider };
}
