import type { Executor } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { defaultPasswordPolicySettings, passwordPolicyOf, passwordRuleProblem } from '#src/policy/service.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { earlierPasswordHashes, type UserRow } from './store.ts';

/**
 * A new password against the tenant's policy: its rules, the common-password list and, for an existing user,
 * the history (the current password and the ones before it, as many as the policy remembers). Returns the
 * unmet requirement, or null.
 */
export async function newPasswordProblem(db: Executor, tenantId: string, password: string, login: string, user?: Pick<UserRow, 'id' | 'passwordHash'>): Promise<string | null> {
  const { settings } = await passwordPolicyOf(db, tenantId);
  const rule = passwordRuleProblem(settings, password, login);
  if (rule || !user) return rule;
  const remembered = settings.age.historyCount;
  if (remembered === 0) return null;
  const earlier = await earlierPasswordHashes(db, tenantId, user.id, remembered - (user.passwordHash === null ? 0 : 1));
  const hashes = [...(user.passwordHash === null ? [] : [user.passwordHash]), ...earlier].slice(0, remembered);
  for (const hash of hashes) {
    if (await verifyPassword(hash, password)) return `Password requirements: not one of your last ${remembered} passwords.`;
  }
  return null;
}

/** A tenant being created has the default policy and no users yet: the defaults are checked without a query. */
export async function passwordHashForNewTenant(password: string, login: string): Promise<string> {
  const problem = passwordRuleProblem(defaultPasswordPolicySettings(), password, login);
  if (problem) throw OktaErrors.passwordPolicy(problem);
  return hashPassword(password);
}

/** Checks the tenant's password policy (and history, for an existing user) and hashes; undefined when no password was given. */
export async function passwordHashFor(db: Executor, tenantId: string, password: string | undefined, login: string, user?: Pick<UserRow, 'id' | 'passwordHash'>): Promise<string | undefined> {
  if (password === undefined) return undefined;
  const problem = await newPasswordProblem(db, tenantId, password, login, user);
  if (problem) throw OktaErrors.passwordPolicy(problem);
  return hashPassword(password);
}
