import type { RawBuilder } from 'kysely';
import { prepare, runPrepared, type Executor } from '#src/db/database.ts';
import { applyPage, type Page } from '#src/db/paging.ts';
import { isOktaId } from '#src/lib/ids.ts';
import type { UserStatus } from './lifecycle.ts';

export type UserRow = {
  id: string;
  status: UserStatus;
  profile: Record<string, unknown>;
  passwordHash: string | null;
  created: Date;
  activated: Date | null;
  statusChanged: Date | null;
  lastLogin: Date | null;
  lastUpdated: Date;
  passwordChanged: Date | null;
};

const columns = ['id', 'status', 'profile', 'password_hash', 'created', 'activated', 'status_changed', 'last_login', 'last_updated', 'password_changed'] as const;

type Selected = {
  id: string; status: string; profile: Record<string, unknown>; password_hash: string | null; created: Date; activated: Date | null;
  status_changed: Date | null; last_login: Date | null; last_updated: Date; password_changed: Date | null;
};

function toRow(r: Selected): UserRow {
  return {
    id: r.id,
    status: r.status as UserStatus,
    profile: r.profile,
    passwordHash: r.password_hash,
    created: r.created,
    activated: r.activated,
    statusChanged: r.status_changed,
    lastLogin: r.last_login,
    lastUpdated: r.last_updated,
    passwordChanged: r.password_changed,
  };
}

export function loginKey(login: string): string {
  return login.toLowerCase();
}

export async function insertUser(db: Executor, tenantId: string, user: UserRow): Promise<void> {
  await db.insertInto('users').values({
    tenant_id: tenantId,
    id: user.id,
    status: user.status,
    login_lower: loginKey(String(user.profile['login'])),
    profile: JSON.stringify(user.profile),
    password_hash: user.passwordHash,
    created: user.created,
    activated: user.activated,
    status_changed: user.statusChanged,
    last_login: user.lastLogin,
    last_updated: user.lastUpdated,
    password_changed: user.passwordChanged,
  }).execute();
}

/** One user by id or by login, plain or locked FOR UPDATE: compiled once and prepared on each connection. */
function userBy(column: 'id' | 'login_lower', lock: boolean) {
  return prepare(`users.by-${column}${lock ? '.lock' : ''}`, (db, param: (key: 'tenantId' | 'key') => string) => {
    const q = db.selectFrom('users').select(columns).where('tenant_id', '=', param('tenantId')).where(column, '=', param('key'));
    return lock ? q.forUpdate() : q;
  });
}

const byId = { plain: userBy('id', false), locked: userBy('id', true) };
const byLogin = { plain: userBy('login_lower', false), locked: userBy('login_lower', true) };

/**
 * Looks a user up by id or, failing that, by login (case-insensitive), as Okta's `{idOrLogin}` does. An
 * id-shaped key tries the primary key first, so the common read is a single index probe.
 */
export async function findUser(db: Executor, tenantId: string, idOrLogin: string, lock = false): Promise<UserRow | undefined> {
  const mode = lock ? 'locked' : 'plain';
  const [row] = isOktaId(idOrLogin) ? await runPrepared(db, byId[mode], { tenantId, key: idOrLogin }) : [];
  const found = row ?? (await runPrepared(db, byLogin[mode], { tenantId, key: loginKey(idOrLogin) }))[0];
  return found && toRow(found);
}

/**
 * A user and their failed-password count, locked FOR UPDATE, by id or by login: one statement, which runs
 * (and finds nothing) for an unknown login too, so that sign-in does the same work either way.
 */
export async function lockForSignIn(tx: Executor, tenantId: string, by: 'id' | 'login', key: string): Promise<(UserRow & { failedLogins: number }) | undefined> {
  const row = await tx.selectFrom('users').select([...columns, 'failed_logins'])
    .where('tenant_id', '=', tenantId).where(by === 'id' ? 'id' : 'login_lower', '=', by === 'id' ? key : loginKey(key))
    .forUpdate().executeTakeFirst();
  return row && { ...toRow(row), failedLogins: row.failed_logins };
}

/** What a sign-in may change on a user. */
export type SignInState = Pick<UserRow, 'status' | 'statusChanged' | 'lastUpdated' | 'lastLogin' | 'passwordHash' | 'passwordChanged'> & { failedLogins: number };

/** Writes a sign-in's changes in one statement; an id that names no user (an unknown login) updates nothing. */
export async function writeSignInState(tx: Executor, tenantId: string, id: string, s: SignInState): Promise<void> {
  await tx.updateTable('users').set({
    status: s.status,
    status_changed: s.statusChanged,
    last_updated: s.lastUpdated,
    last_login: s.lastLogin,
    password_hash: s.passwordHash,
    password_changed: s.passwordChanged,
    failed_logins: s.failedLogins,
  }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function loginTaken(db: Executor, tenantId: string, login: string, exceptId?: string): Promise<boolean> {
  let q = db.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('login_lower', '=', loginKey(login));
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function saveUser(db: Executor, tenantId: string, user: UserRow): Promise<void> {
  await db.updateTable('users').set({
    status: user.status,
    login_lower: loginKey(String(user.profile['login'])),
    profile: JSON.stringify(user.profile),
    password_hash: user.passwordHash,
    activated: user.activated,
    status_changed: user.statusChanged,
    last_login: user.lastLogin,
    last_updated: user.lastUpdated,
    password_changed: user.passwordChanged,
  }).where('tenant_id', '=', tenantId).where('id', '=', user.id).execute();
}

export async function deleteUserRow(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export type UserQuery = Page & {
  where?: RawBuilder<boolean>;
  includeDeprovisioned: boolean;
};

/** A page of users (see db/paging.ts), one row beyond `limit` telling whether more exist. */
export async function queryUsers(db: Executor, tenantId: string, query: UserQuery): Promise<UserRow[]> {
  let q = db.selectFrom('users').select(columns).where('tenant_id', '=', tenantId);
  if (!query.includeDeprovisioned) q = q.where('status', '<>', 'DEPROVISIONED');
  if (query.where) q = q.where(query.where);
  const rows = await applyPage(q, query).execute();
  return rows.map(toRow);
}

/** Keeps at most this many earlier hashes per user: Okta's largest history count. */
const HISTORY_KEPT = 24;

/** The user's earlier password hashes, newest first. */
export async function earlierPasswordHashes(db: Executor, tenantId: string, userId: string, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const rows = await db.selectFrom('password_history').select('password_hash').where('tenant_id', '=', tenantId).where('user_id', '=', userId)
    .orderBy('created', 'desc').limit(limit).execute();
  return rows.map((r) => r.password_hash);
}

/** Remembers a password hash that is being replaced, and forgets the oldest beyond what any policy asks for. */
export async function rememberPasswordHash(db: Executor, tenantId: string, userId: string, hash: string, at: Date): Promise<void> {
  await db.insertInto('password_history').values({ tenant_id: tenantId, user_id: userId, password_hash: hash, created: at })
    .onConflict((oc) => oc.doNothing()).execute();
  await db.deleteFrom('password_history').where('tenant_id', '=', tenantId).where('user_id', '=', userId)
    .where('created', 'not in', (eb) => eb.selectFrom('password_history').select('created').where('tenant_id', '=', tenantId).where('user_id', '=', userId).orderBy('created', 'desc').limit(HISTORY_KEPT))
    .execute();
}

/** Which of `ids` are users of the tenant. */
export async function existingUserIds(db: Executor, tenantId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('id', 'in', [...ids]).execute();
  return new Set(rows.map((r) => r.id));
}

/** The users of the tenant among `ids`, in no particular order. */
export async function usersByIds(db: Executor, tenantId: string, ids: readonly string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('users').select(columns).where('tenant_id', '=', tenantId).where('id', 'in', [...ids]).execute();
  return rows.map(toRow);
}
