import { dictionary } from '@zxcvbn-ts/language-common';

/** Okta's PASSWORD policy settings (`settings.password`), the parts Bulwark enforces. */
export type PasswordSettings = {
  complexity: {
    minLength: number;
    minLowerCase: 0 | 1;
    minUpperCase: 0 | 1;
    minNumber: 0 | 1;
    minSymbol: 0 | 1;
    excludeUsername: boolean;
    dictionary: { common: { exclude: boolean } };
  };
  age: { historyCount: number };
  lockout: { maxAttempts: number; autoUnlockMinutes: number; showLockoutFailures: false };
};

/**
 * The installation's default: Okta's default complexity, common passwords refused, the last four passwords
 * remembered, and the configured lockout.
 */
export function defaultPasswordSettings(lockout: { attempts: number; minutes: number }): PasswordSettings {
  return {
    complexity: { minLength: 8, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 0, excludeUsername: true, dictionary: { common: { exclude: true } } },
    age: { historyCount: 4 },
    lockout: { maxAttempts: lockout.attempts, autoUnlockMinutes: lockout.minutes, showLockoutFailures: false },
  };
}

/**
 * About 30,000 of the most common passwords (zxcvbn's list, shipped in `@zxcvbn-ts/language-common`),
 * compared without case: "Password1" is as guessable as "password1".
 */
const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

export const MAX_PASSWORD_LENGTH = 256;

/** The first rule of `settings` that `password` breaks, as Okta words its requirements, or null. */
export function passwordRuleProblem(settings: PasswordSettings, password: string, login: string): string | null {
  const c = settings.complexity;
  if (password.length < c.minLength) return `Password requirements: at least ${c.minLength} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Password requirements: at most ${MAX_PASSWORD_LENGTH} characters.`;
  const missing = [
    c.minLowerCase > 0 && !/[a-z]/.test(password) ? 'a lowercase letter' : null,
    c.minUpperCase > 0 && !/[A-Z]/.test(password) ? 'an uppercase letter' : null,
    c.minNumber > 0 && !/[0-9]/.test(password) ? 'a number' : null,
    c.minSymbol > 0 && !/[^A-Za-z0-9]/.test(password) ? 'a symbol' : null,
  ].filter((m): m is string => m !== null);
  if (missing.length > 0) return `Password requirements: ${missing.join(', ')}.`;
  if (c.excludeUsername) {
    const local = login.split('@')[0]?.toLowerCase() ?? '';
    if (local.length >= 3 && password.toLowerCase().includes(local)) return 'Password requirements: no parts of your username.';
  }
  if (c.dictionary.common.exclude && COMMON.has(password.toLowerCase())) return 'Password requirements: not a commonly used password.';
  return null;
}
