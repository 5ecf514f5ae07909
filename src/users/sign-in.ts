import type { Tx } from '#src/db/database.ts';
import { findUser, saveUser, type UserRow } from './store.ts';

/** What the sign-in path reads of a user: the row, and the wrong passwords since the last good one. */
export type SignInUser = UserRow & { failedLogins: number };

/** Lockout as configured: wrong passwords in a row before the account locks, minutes until it unlocks (0: never by itself). */
export type LockoutRule = Readonly<{ attempts: number; minutes: number }>;

/** The user named at sign-in (id or login), locked FOR UPDATE until the transaction ends. */
export async function lockUserForSignIn(tx: Tx, tenantId: string, idOrLogin: string): Promise<SignInUser | undefined> {
  const user = await findUser(tx, tenantId, idOrLogin, true);
  if (!user) return undefined;
  const row = await tx.selectFrom('users').select('failed_logins').where('tenant_id', '=', tenantId).where('id', '=', user.id).executeTakeFirstOrThrow();
  return { ...user, failedLogins: row.failed_logins };
}

async function saveSignInUser(tx: Tx, tenantId: string, user: SignInUser): Promise<void> {
  await saveUser(tx, tenantId, user);
  await tx.updateTable('users').set({ failed_logins: user.failedLogins }).where('tenant_id', '=', tenantId).where('id', '=', user.id).execute();
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
export async function unlockAfterLockout(tx: Tx, tenantId: string, user: SignInUser, now: Date): Promise<SignInUser> {
  const updated: SignInUser = { ...user, status: 'ACTIVE', statusChanged: now, lastUpdated: now, failedLogins: 0 };
  await saveSignInUser(tx, tenantId, updated);
  return updated;
}

/** Counts a wrong password; the one that reaches the limit locks the account. */
export async function countWrongPassword(tx: Tx, tenantId: string, user: SignInUser, rule: LockoutRule, now: Date): Promise<{ user: SignInUser; locked: boolean }> {
  const failedLogins = user.failedLogins + 1;
  const locked = failedLogins >= rule.attempts && user.status !== 'LOCKED_OUT';
  const updated: SignInUser = locked
    ? { ...user, failedLogins, status: 'LOCKED_OUT', statusChanged: now, lastUpdated: now }
    : { ...user, failedLogins };
  await saveSignInUser(tx, tenantId, updated);
  return { user: updated, locked };
}

/** A good password: the count is cleared, `lastLogin` set, and the hash replaced when it was rehashed. */
export async function recordGoodPassword(tx: Tx, tenantId: string, user: SignInUser, now: Date, rehashed: string | undefined): Promise<SignInUser> {
  const updated: SignInUser = { ...user, failedLogins: 0, lastLogin: now, ...(rehashed === undefined ? {} : { passwordHash: rehashed }) };
  await saveSignInUser(tx, tenantId, updated);
  return updated;
}

/** A new password chosen at sign-in (an expired one replaced): ACTIVE again. */
export async function recordNewPassword(tx: Tx, tenantId: string, user: SignInUser, now: Date, passwordHash: string): Promise<SignInUser> {
  const updated: SignInUser = { ...user, passwordHash, passwordChanged: now, status: 'ACTIVE', statusChanged: now, lastUpdated: now, failedLogins: 0 };
  await saveSignInUser(tx, tenantId, updated);
  return updated;
}
