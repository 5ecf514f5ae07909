import { hash, verify } from '@node-rs/argon2';

/** OWASP's argon2id minimum: 19 MiB, two passes, one lane. */
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export function verifyPassword(hashed: string, password: string): Promise<boolean> {
  return verify(hashed, password).catch(() => false);
}

/**
 * Okta's default password policy: at least 8 characters with a lower-case letter, an upper-case letter and a
 * number, and no part of the login's local part. Returns the unmet rule, or null.
 */
export function passwordProblem(password: string, login: string): string | null {
  if (password.length < 8) return 'Password requirements: at least 8 characters.';
  if (password.length > 256) return 'Password requirements: at most 256 characters.';
  if (!/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/[0-9]/.test(password)) {
    return 'Password requirements: a lowercase letter, an uppercase letter and a number.';
  }
  const local = login.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 3 && password.toLowerCase().includes(local)) return 'Password requirements: no parts of your username.';
  return null;
}
