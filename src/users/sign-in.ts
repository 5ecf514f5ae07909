import type { Tx } from '#src/db/database.ts';
import { lockForSignIn, writeSignInState, type UserRow } from './store.ts';

/** What the sign-in path reads of a user: the row, and the wrong passwords since the last good one. */
export type SignInUser = UserRow & { failedLogins: number };

/** Lockout as configured: wrong passwords in a row before the account locks, minutes until it unlocks (0: never by itself). */
export type LockoutRule = Readonly<{ attempts: number; minutes: number }>;

/** The user named at sign-in, by login (or by id when a transaction already knows it), locked until the transaction ends. */
export function lockUserForSignIn(tx: Tx, tenantId: string, by: 'id' | 'login', key: string): Promise<SignInUser | undefined> {
  return lockForSignIn(tx, tenantId, by, key);
}

async function save(tx: Tx, tenantId: string, user: SignInUser): Promise<SignInUser> {
  await writeSignInState(tx, tenantId, user.id, user);
  return user;
}

/** An admin's unlock starts the count afresh. */
export async function clearFailedLogins(tx: Tx, tenantId: string, userId: string): Promise<void> {
  await tx.updateTable('users').set({ failed_logins: 0 }).where('tenant_id', '=', tenantId).where('id', '=', userId).execute();
}

/** Whether a LOCKED_OUT account has waited out its lockout and may be unlocked by the system. */
export function lockoutExpired(user: UserRow, rule: LockoutRule, now: Date): boolean {
  return user.status === 'LOCKED_OUT' && rule.minutes > 0 && user.statusChanged !== null
    && user.statusChanged.getTime() + rule.minutes * 60_000 <= now.getTime();
}

/** Unlocks an account whose lockout has run out: ACTIVE again, count cleared. */
export function unlockAfterLockout(tx: Tx, tenantId: string, user: SignInUser, now: Date): Promise<SignInUser> {
  return save(tx, tenantId, { ...user, status: 'ACTIVE', statusChanged: now, lastUpdated: now, failedLogins: 0 });
}

/**
 * Counts a failed attempt in one UPDATE, whatever failed: for an unknown login (`user` undefined) the same
 * statement runs and matches no row, so a failure for a name that does not exist costs what one for a real
 * account does. The attempt that reaches the limit locks an ACTIVE or PASSWORD_EXPIRED account.
 */
export async function countFailedAttempt(tx: Tx, tenantId: string, user: SignInUser | undefined, rule: LockoutRule, now: Date): Promise<{ locked: boolean }> {
  if (!user) {
    await writeSignInState(tx, tenantId, '', { status: 'ACTIVE', statusChanged: now, lastUpdated: now, lastLogin: null, passwordHash: null, passwordChanged: null, failedLogins: 0 });
    return { locked: false };
  }
  const failedLogins = user.failedLogins + 1;
  const locked = failedLogins >= rule.attempts && (user.status === 'ACTIVE' || user.status === 'PASSWORD_EXPIRED');
  await save(tx, tenantId, locked ? { ...user, failedLogins, status: 'LOCKED_OUT', statusChanged: now, lastUpdated: now } : { ...user, failedLogins });
  return { locked };
}

/** A good password: the count is cleared, `lastLogin` set, and the hash replaced when it was rehashed. */
export function recordGoodPassword(tx: Tx, tenantId: string, user: SignInUser, now: Date, rehashed: string | undefined): Promise<SignInUser> {
  return save(tx, tenantId, { ...user, failedLogins: 0, lastLogin: now, ...(rehashed === undefined ? {} : { passwordHash: rehashed }) });
}

/** A new password chosen at sign-in (an expired one replaced): ACTIVE again. */
export function recordNewPassword(tx: Tx, tenantId: string, user: SignInUser, now: Date, passwordHash: string): Promise<SignInUser> {
  return save(tx, tenantId, { ...user, passwordHash, passwordChanged: now, status: 'ACTIVE', statusChanged: now, lastUpdated: now, failedLogins: 0 });
}
