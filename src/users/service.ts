import type { Executor, Tx } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import { newSecret } from '#src/lib/secrets.ts';
import { addUserToGroups, removeUserFromAllGroups } from '#src/groups/service.ts';
import { mayActOn } from '#src/roles/permissions.ts';
import { roleTypesOf } from '#src/roles/service.ts';
import type { Clock } from '#src/lib/clock.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { AuditContext, EventInput, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { issueEnrollmentLink, type EnrollmentLink } from '#src/authn/enrollment-links.ts';
import { issueRecoveryLink, type RecoveryLink } from '#src/authn/recovery-links.ts';
import { clearSessionsOfUser } from '#src/sessions/service.ts';
import { revokeTokensOfUser } from '#src/tokens/service.ts';
import { authorizeReset, refusalsLogged, type VerifiedAction } from '#src/verification/gate.ts';
import { LIFECYCLE_EVENTS, mayTransition, targetStatus, type LifecycleOp, type UserStatus } from './lifecycle.ts';
import { hashPassword } from './password.ts';
import { passwordHashFor } from './password-policy-check.ts';
import { clearFailedLogins } from './sign-in.ts';
import { displayNameOf } from './profile.ts';
import { SELF_EDITABLE, standardProfileProperties } from './schemas.ts';
import { deleteUserRow, findUser, insertUser, loginTaken, rememberPasswordHash, saveUser, type UserRow } from './store.ts';

export type Profile = Record<string, unknown>;
export type { UserRow };
export { newPasswordProblem, passwordHashFor, passwordHashForNewTenant } from './password-policy-check.ts';
export { existingUserIds, usersByIds } from './store.ts';

/** Keeps a replaced password's hash for the history rule; inside the transaction that replaces it. */
export function rememberPreviousPassword(tx: Tx, tenantId: string, userId: string, hash: string, at: Date): Promise<void> {
  return rememberPasswordHash(tx, tenantId, userId, hash, at);
}

export function userTarget(user: UserRow): LogTarget {
  return { id: user.id, type: 'User', alternateId: String(user.profile['login'] ?? ''), displayName: displayNameOf(user.profile), detailEntry: null };
}

const loginExists = () =>
  OktaErrors.validation('login', ['login: An object with this field already exists in the current organization']);

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}

/** Runs `work` in a transaction and turns a lost race on the unique login into Okta's validation error. */
async function inTransaction<T>(ctx: ServiceContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.transaction().execute(work);
  } catch (err) {
    if (isUniqueViolation(err)) throw loginExists();
    throw err;
  }
}

export type CreateUserInput = {
  profile: Profile;
  password?: string;
  groupIds?: string[];
  activate: boolean;
  expirePassword: boolean;
};

/** Creates a user (STAGED, or activated at once), adds it to groups, and logs create (+ activate). */
export async function createUser(ctx: ServiceContext, input: CreateUserInput): Promise<UserRow> {
  // Hashing is slow by design, so it happens before the transaction takes any lock.
  const passwordHash = await passwordHashFor(ctx.db, ctx.tenantId, input.password, String(input.profile['login']));
  return inTransaction(ctx, (tx) => insertNewUser(tx, ctx, input, passwordHash));
}

/** The transactional half of createUser, for callers that create a user as part of a larger change. */
export async function insertNewUser(tx: Tx, ctx: ServiceContext, input: CreateUserInput, passwordHash: string | undefined): Promise<UserRow> {
  if (await loginTaken(tx, ctx.tenantId, String(input.profile['login']))) throw loginExists();
  const now = ctx.clock.now();
  let status: UserStatus = 'STAGED';
  if (input.activate) status = passwordHash === undefined ? 'PROVISIONED' : input.expirePassword ? 'PASSWORD_EXPIRED' : 'ACTIVE';
  const user: UserRow = {
    id: newId('00u'),
    status,
    profile: input.profile,
    passwordHash: passwordHash ?? null,
    created: now,
    activated: status === 'STAGED' ? null : now,
    statusChanged: status === 'STAGED' ? null : now,
    lastLogin: null,
    lastUpdated: now,
    passwordChanged: passwordHash === undefined ? null : now,
  };
  await insertUser(tx, ctx.tenantId, user);
  const target = userTarget(user);
  const events: EventInput[] = [{ eventType: 'user.lifecycle.create', displayMessage: 'Create Okta user', target: [target] }];
  if (input.activate) events.push({ eventType: 'user.lifecycle.activate', displayMessage: 'Activate Okta user', target: [target] });
  events.push(...(await addUserToGroups(tx, ctx, target, input.groupIds ?? [])));
  await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, events);
  return user;
}


/**
 * A user by id or login, for callers that act before anyone is authenticated (sign-in, sessions): no actor,
 * no permission check, only the tenant's own users.
 */
export function lookupUser(db: Executor, tenantId: string, idOrLogin: string): Promise<UserRow | undefined> {
  return findUser(db, tenantId, idOrLogin);
}

/** Finds a user by id, login or `me`; absent users and users of other tenants look exactly alike. */
export async function getUser(ctx: ServiceContext, idOrLogin: string): Promise<UserRow> {
  const key = idOrLogin === 'me' && ctx.actor.userId ? ctx.actor.userId : idOrLogin;
  const user = await findUser(ctx.db, ctx.tenantId, key);
  if (!user) throw OktaErrors.notFound(`${idOrLogin} (User)`);
  return user;
}

/**
 * Loads and locks the user, and checks the actor may change this user at all: an admin by their roles over
 * the user's, a user changing themselves (`self`) only themselves.
 */
async function lockForChange(tx: Tx, ctx: ServiceContext, idOrLogin: string, self = false): Promise<UserRow> {
  const user = await findUser(tx, ctx.tenantId, idOrLogin, true);
  if (!user) throw OktaErrors.notFound(`${idOrLogin} (User)`);
  if (self ? ctx.actor.userId !== user.id : !mayActOn(ctx.actor.roles, await roleTypesOf(tx, ctx.tenantId, user.id))) throw OktaErrors.forbidden();
  return user;
}

/** lockForChange for a caller that changes the user through other capabilities inside its own transaction. */
export function lockUserForChange(tx: Tx, ctx: ServiceContext, idOrLogin: string): Promise<UserRow> {
  return lockForChange(tx, ctx, idOrLogin);
}

/**
 * Loads and locks the user for an admin's reset of their password, which a help-desk admin may do to a user who
 * holds an admin role only with a verification of the person (verification/gate.ts). Returns what the reset's
 * event carries of the verification used, if any.
 */
async function lockForReset(tx: Tx, ctx: ServiceContext, id: string, action: VerifiedAction): Promise<{ user: UserRow; verified: Record<string, string> }> {
  const user = await findUser(tx, ctx.tenantId, id, true);
  if (!user) throw OktaErrors.notFound(`${id} (User)`);
  return { user, verified: await authorizeReset(tx, ctx, userTarget(user), action) };
}

/** `self`: the user's own change (MyAccount), which no admin role governs. */
export type UpdateUserInput = { profile?: Profile; password?: string; replace: boolean; self?: true };

const REQUIRED = ['login', 'email', 'firstName', 'lastName'] as const;

/** Partial (merge) or full (replace) update of profile and password; no event when nothing changed. */
export async function updateUser(ctx: ServiceContext, id: string, input: UpdateUserInput): Promise<UserRow> {
  const current = await getUser(ctx, id);
  const merged = input.replace ? { ...input.profile } : { ...current.profile, ...input.profile };
  const missing = REQUIRED.filter((k) => merged[k] === undefined || merged[k] === null || merged[k] === '');
  if (missing.length > 0) throw OktaErrors.validation(missing.join(', '), missing.map((k) => `${k}: The field cannot be left blank`));
  const passwordHash = await passwordHashFor(ctx.db, ctx.tenantId, input.password, String(merged['login']), current);
  return inTransaction(ctx, async (tx) => {
    const user = await lockForChange(tx, ctx, current.id, input.self);
    const profile = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== null || !input.replace));
    const changed = [...new Set([...Object.keys(user.profile), ...Object.keys(profile)])]
      .filter((k) => JSON.stringify(user.profile[k]) !== JSON.stringify(profile[k]))
      .sort();
    if (changed.includes('login') && (await loginTaken(tx, ctx.tenantId, String(profile['login']), user.id))) throw loginExists();
    if (changed.length === 0 && passwordHash === undefined) return user;
    const now = ctx.clock.now();
    const updated: UserRow = {
      ...user,
      profile,
      lastUpdated: now,
      ...(passwordHash === undefined ? {} : { passwordHash, passwordChanged: now }),
    };
    await saveUser(tx, ctx.tenantId, updated);
    if (passwordHash !== undefined && user.passwordHash !== null) await rememberPasswordHash(tx, ctx.tenantId, user.id, user.passwordHash, now);
    const target = userTarget(updated);
    const events: EventInput[] = [];
    if (changed.length > 0) {
      events.push({ eventType: 'user.account.update_profile', displayMessage: 'Update user profile for Okta', target: [target], debugData: { changedAttributes: changed.join(',') } });
    }
    if (changed.includes('email')) events.push({ eventType: 'user.account.update_primary_email', displayMessage: 'Update primary email', target: [target] });
    if (passwordHash !== undefined) events.push({ eventType: 'user.account.update_password', displayMessage: 'Update password for Okta user', target: [target] });
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, events);
    return updated;
  });
}

const SELF_EDITABLE_SET: ReadonlySet<string> = new Set(SELF_EDITABLE);

/** Two attribute values alike, an absent attribute and a null one too (a client sends back what GET left out as null). */
const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The user's own profile change (MyAccount's PUT): `sent` is the whole profile, so its self-editable
 * attributes replace the user's (one left out is removed), while every other attribute must come back as it
 * is. A changed `login`, `email` or other attribute the organization keeps, or one the profile does not have,
 * is refused by name and nothing changes. Logged by updateUser as `user.account.update_profile`.
 */
export async function replaceOwnProfile(ctx: ServiceContext, userId: string, sent: Profile): Promise<UserRow> {
  const current = await getUser(ctx, userId);
  const has = (k: string) => Object.hasOwn(current.profile, k);
  const causes = Object.keys(sent).filter((k) => !SELF_EDITABLE_SET.has(k) && !sameValue(sent[k], has(k) ? current.profile[k] : undefined)).sort().map((k) => (
    has(k) || Object.hasOwn(standardProfileProperties, k)
      ? `profile.${k}: This attribute cannot be changed here; ask an administrator`
      : `profile.${k}: This attribute is not part of the profile`));
  if (causes.length > 0) throw OktaErrors.validation('profile', causes);
  const kept = Object.entries(current.profile).filter(([k]) => !SELF_EDITABLE_SET.has(k));
  const own = SELF_EDITABLE.filter((k) => sent[k] !== undefined && sent[k] !== null).map((k) => [k, sent[k]] as const);
  return updateUser(ctx, userId, { profile: Object.fromEntries([...kept, ...own]), replace: true, self: true });
}

export type LifecycleResult = { user: UserRow; tempPassword?: string; enrollment?: EnrollmentLink; recovery?: RecoveryLink };

function refuseTransition(op: LifecycleOp, status: UserStatus): never {
  if (op === 'activate' && status !== 'PROVISIONED') throw OktaErrors.alreadyActive();
  if (op === 'unlock') throw OktaErrors.unlockNotAllowed();
  if (op === 'expire_password' || op === 'reset_password') throw OktaErrors.wrongStatus();
  throw OktaErrors.wrongTransition(`Cannot ${op.replace('_', ' ')} a user whose status is ${status}`);
}

/**
 * One lifecycle operation with Okta's legal transitions only. `withTempPassword` (expire_password) sets a
 * generated temporary password, returned once and stored only as its hash. With `tenantOrigin`, activating
 * a user without a password issues their enrollment link, and reset_password their recovery link.
 */
export async function changeLifecycle(ctx: ServiceContext, id: string, op: LifecycleOp, opts: { withTempPassword?: boolean; tenantOrigin?: string } = {}): Promise<LifecycleResult> {
  const current = await getUser(ctx, id);
  if (!mayTransition(op, current.status)) refuseTransition(op, current.status);
  if ((op === 'deactivate' || op === 'suspend') && current.id === ctx.actor.userId) {
    throw OktaErrors.wrongTransition(`Cannot ${op} your own account`);
  }
  const tempPassword = opts.withTempPassword ? `${newSecret(9)}aA1` : undefined;
  const tempHash = tempPassword === undefined ? undefined : await hashPassword(tempPassword);
  const result = await refusalsLogged(ctx.db, ctx, () => inTransaction(ctx, (tx) => applyLifecycle(tx, ctx, current.id, op, tempHash, opts.tenantOrigin)));
  ctx.authChanged();
  return {
    user: result.updated,
    ...(tempPassword === undefined ? {} : { tempPassword }),
    ...(result.enrollment === undefined ? {} : { enrollment: result.enrollment }),
    ...(result.recovery === undefined ? {} : { recovery: result.recovery }),
  };
}

type LifecycleChange = { updated: UserRow; enrollment: EnrollmentLink | undefined; recovery: RecoveryLink | undefined };

/** A lifecycle operation inside `tx`: the user locked, the actor's right to it checked, the change and its events. */
async function applyLifecycle(tx: Tx, ctx: ServiceContext, userId: string, op: LifecycleOp, tempHash: string | undefined, tenantOrigin: string | undefined): Promise<LifecycleChange> {
  // Taking the password away, or setting one the admin knows, is a password reset; expiring it alone is not.
  const reset = op === 'reset_password' || tempHash !== undefined;
  const { user, verified } = reset ? await lockForReset(tx, ctx, userId, 'RESET_PASSWORD') : { user: await lockForChange(tx, ctx, userId), verified: {} };
  if (!mayTransition(op, user.status)) refuseTransition(op, user.status);
  const now = ctx.clock.now();
  const status = targetStatus(op, user.passwordHash !== null);
  const updated: UserRow = {
    ...user,
    status,
    statusChanged: now,
    lastUpdated: now,
    ...(status === 'ACTIVE' && user.activated === null ? { activated: now } : {}),
    // A reset password stops working at once: the user must set a new one through recovery.
    ...(op === 'reset_password' ? { passwordHash: null } : {}),
    ...(tempHash === undefined ? {} : { passwordHash: tempHash, passwordChanged: now }),
  };
  await saveUser(tx, ctx.tenantId, updated);
  if (op === 'unlock') await clearFailedLogins(tx, ctx.tenantId, updated.id);
  if (updated.passwordHash !== user.passwordHash && user.passwordHash !== null) await rememberPasswordHash(tx, ctx.tenantId, user.id, user.passwordHash, now);
  const target = userTarget(updated);
  const events: EventInput[] = [{ ...LIFECYCLE_EVENTS[op], target: [target], ...(Object.keys(verified).length === 0 ? {} : { debugData: verified }) }];
  if (op === 'deactivate') events.push(...(await revokeTokensOfUser(tx, ctx, target)));
  await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, events);
  // A user who may no longer sign in, or whose password was taken away, keeps no session either.
  if (op === 'deactivate' || op === 'suspend' || op === 'reset_password') await clearSessionsOfUser(tx, ctx.clock, ctx.tenantId, ctx.audit, target, 'lifecycle');
  // An activated user without a password is invited: their way in is a link to enroll a passkey. Reactivating
  // them (Okta's resend of an invitation) issues a new one, which voids the old.
  const enrollment = (op === 'activate' || op === 'reactivate') && status === 'PROVISIONED' && tenantOrigin !== undefined
    ? await issueEnrollmentLink(tx, ctx.clock, ctx.tenantId, ctx.audit, target, tenantOrigin)
    : undefined;
  const recovery = op === 'reset_password' && tenantOrigin !== undefined
    ? await issueRecoveryLink(tx, ctx.clock, ctx.tenantId, updated.id, tenantOrigin)
    : undefined;
  return { updated, enrollment, recovery };
}

/**
 * changeLifecycle inside the caller's transaction, for a change that is one part of a larger one (a remediation
 * item commits with its own mark of done). No temporary password: its value would have to leave the
 * transaction. The caller calls `ctx.authChanged()` once it commits.
 */
export async function changeLifecycleIn(tx: Tx, ctx: ServiceContext, userId: string, op: LifecycleOp, opts: { tenantOrigin?: string } = {}): Promise<UserRow> {
  return (await applyLifecycle(tx, ctx, userId, op, undefined, opts.tenantOrigin)).updated;
}

/**
 * An invited (PROVISIONED) user who has just enrolled a passkey through their link becomes ACTIVE, inside
 * that enrollment's transaction; anyone else is returned as they are.
 */
export async function activateInvitedUser(tx: Tx, clock: Clock, tenantId: string, audit: AuditContext, userId: string): Promise<UserRow> {
  const user = await findUser(tx, tenantId, userId, true);
  if (!user) throw OktaErrors.notFound(`${userId} (User)`);
  if (user.status !== 'PROVISIONED') return user;
  const now = clock.now();
  const active: UserRow = { ...user, status: 'ACTIVE', activated: user.activated ?? now, statusChanged: now, lastUpdated: now };
  await saveUser(tx, tenantId, active);
  await recordEvents(tx, clock, tenantId, audit, [{ eventType: 'user.lifecycle.activate', displayMessage: 'Activate Okta user', target: [userTarget(active)] }]);
  return active;
}

/** Ends every session of the user (DELETE /api/v1/users/{id}/sessions), if the actor may act on them. */
export async function clearUserSessions(ctx: ServiceContext, id: string): Promise<void> {
  const current = await getUser(ctx, id);
  await inTransaction(ctx, async (tx) => {
    const user = await lockForChange(tx, ctx, current.id);
    await clearSessionsOfUser(tx, ctx.clock, ctx.tenantId, ctx.audit, userTarget(user), 'admin');
  });
}

/**
 * Okta's DELETE: the first call deactivates, a call on a deactivated user deletes it for good. `beforeDelete`
 * runs in the deleting transaction and may refuse (a sign-on rule that names the user).
 */
export async function deleteUser(ctx: ServiceContext, id: string, beforeDelete: (tx: Tx, userId: string) => Promise<void>): Promise<'deactivated' | 'deleted'> {
  const current = await getUser(ctx, id);
  if (current.status !== 'DEPROVISIONED') {
    await changeLifecycle(ctx, id, 'deactivate');
    return 'deactivated';
  }
  await inTransaction(ctx, async (tx) => {
    const user = await lockForChange(tx, ctx, current.id);
    if (user.status !== 'DEPROVISIONED') throw OktaErrors.wrongTransition('Only a deactivated user can be deleted');
    await beforeDelete(tx, user.id);
    const target = userTarget(user);
    const revoked = await revokeTokensOfUser(tx, ctx, target);
    const memberships = await removeUserFromAllGroups(tx, ctx, target);
    await deleteUserRow(tx, ctx.tenantId, user.id);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [
      ...revoked,
      ...memberships,
      { eventType: 'user.lifecycle.delete.initiated', displayMessage: 'Delete Okta user initiated', target: [target] },
      { eventType: 'user.lifecycle.delete.completed', displayMessage: 'Delete Okta user completed', target: [target] },
    ]);
  });
  ctx.authChanged();
  return 'deleted';
}
