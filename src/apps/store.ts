import { sql, type RawBuilder } from 'kysely';
import { prepare, runPrepared, type Executor } from '#src/db/database.ts';
import { applyPage, type Page } from '#src/db/paging.ts';

export type AppStatus = 'ACTIVE' | 'INACTIVE';
export type AuthMethod = 'client_secret_basic' | 'private_key_jwt' | 'none';
export type ApplicationType = 'web' | 'native' | 'browser';
export type ConsentMethod = 'REQUIRED' | 'TRUSTED';
export type PublicJwks = { keys: Record<string, unknown>[] };

/** What an admin sets on an OIDC client: Okta's `credentials.oauthClient` and `settings.oauthClient`. */
export type ClientSettings = {
  tokenEndpointAuthMethod: AuthMethod;
  autoKeyRotation: boolean;
  applicationType: ApplicationType;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  consentMethod: ConsentMethod;
  initiateLoginUri: string | null;
  jwks: PublicJwks | null;
};

export type AppRow = ClientSettings & {
  id: string;
  clientId: string;
  label: string;
  status: AppStatus;
  created: Date;
  lastUpdated: Date;
};

const appColumns = [
  'id', 'client_id', 'label', 'status', 'token_endpoint_auth_method', 'auto_key_rotation', 'application_type', 'redirect_uris',
  'post_logout_redirect_uris', 'grant_types', 'response_types', 'consent_method', 'initiate_login_uri', 'jwks', 'created', 'last_updated',
] as const;

type AppSelected = {
  id: string; client_id: string; label: string; status: string; token_endpoint_auth_method: string; auto_key_rotation: boolean;
  application_type: string; redirect_uris: string[]; post_logout_redirect_uris: string[]; grant_types: string[]; response_types: string[];
  consent_method: string; initiate_login_uri: string | null; jwks: PublicJwks | null; created: Date; last_updated: Date;
};

function toAppRow(r: AppSelected): AppRow {
  return {
    id: r.id,
    clientId: r.client_id,
    label: r.label,
    status: r.status as AppStatus,
    tokenEndpointAuthMethod: r.token_endpoint_auth_method as AuthMethod,
    autoKeyRotation: r.auto_key_rotation,
    applicationType: r.application_type as ApplicationType,
    redirectUris: r.redirect_uris,
    postLogoutRedirectUris: r.post_logout_redirect_uris,
    grantTypes: r.grant_types,
    responseTypes: r.response_types,
    consentMethod: r.consent_method as ConsentMethod,
    initiateLoginUri: r.initiate_login_uri,
    jwks: r.jwks,
    created: r.created,
    lastUpdated: r.last_updated,
  };
}

function settingsColumns(a: AppRow) {
  return {
    label: a.label,
    status: a.status,
    token_endpoint_auth_method: a.tokenEndpointAuthMethod,
    auto_key_rotation: a.autoKeyRotation,
    application_type: a.applicationType,
    redirect_uris: a.redirectUris,
    post_logout_redirect_uris: a.postLogoutRedirectUris,
    grant_types: a.grantTypes,
    response_types: a.responseTypes,
    consent_method: a.consentMethod,
    initiate_login_uri: a.initiateLoginUri,
    jwks: a.jwks === null ? null : JSON.stringify(a.jwks),
    last_updated: a.lastUpdated,
  };
}

export async function insertApp(db: Executor, tenantId: string, a: AppRow): Promise<void> {
  await db.insertInto('apps').values({ tenant_id: tenantId, id: a.id, client_id: a.clientId, created: a.created, ...settingsColumns(a) }).execute();
}

/** Writes everything but the id, the client_id and `created`, which never change. */
export async function saveApp(db: Executor, tenantId: string, a: AppRow): Promise<void> {
  await db.updateTable('apps').set(settingsColumns(a)).where('tenant_id', '=', tenantId).where('id', '=', a.id).execute();
}

export async function findApp(db: Executor, tenantId: string, id: string, lock = false): Promise<AppRow | undefined> {
  let q = db.selectFrom('apps').select(appColumns).where('tenant_id', '=', tenantId).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toAppRow(row);
}

export async function findAppByClientId(db: Executor, tenantId: string, clientId: string): Promise<AppRow | undefined> {
  const row = await db.selectFrom('apps').select(appColumns).where('tenant_id', '=', tenantId).where('client_id', '=', clientId).executeTakeFirst();
  return row && toAppRow(row);
}

/** Which of `ids` are apps of the tenant (what a sign-on rule may name). */
export async function appIdsAmong(db: Executor, tenantId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('apps').select('id').where('tenant_id', '=', tenantId).where('id', 'in', [...ids]).execute();
  return new Set(rows.map((r) => r.id));
}

/** Secrets and assignments go with the app (foreign keys `on delete cascade`). */
export async function deleteAppRow(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('apps').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export type AppQuery = Page & { where?: RawBuilder<boolean> };

/** A page of apps (see db/paging.ts), one row beyond `limit` telling whether more exist. */
export async function queryApps(db: Executor, tenantId: string, query: AppQuery): Promise<AppRow[]> {
  let q = db.selectFrom('apps').select(appColumns).where('tenant_id', '=', tenantId);
  if (query.where) q = q.where(query.where);
  return (await applyPage(q, query).execute()).map(toAppRow);
}

export type SecretRow = { id: string; appId: string; hint: string; status: AppStatus; created: Date; lastUpdated: Date };

const secretColumns = ['id', 'app_id', 'hint', 'status', 'created', 'last_updated'] as const;

function toSecretRow(r: { id: string; app_id: string; hint: string; status: string; created: Date; last_updated: Date }): SecretRow {
  return { id: r.id, appId: r.app_id, hint: r.hint, status: r.status as AppStatus, created: r.created, lastUpdated: r.last_updated };
}

export async function insertSecret(db: Executor, tenantId: string, s: SecretRow, secretHash: string): Promise<void> {
  await db.insertInto('app_client_secrets').values({
    tenant_id: tenantId, id: s.id, app_id: s.appId, secret_hash: secretHash, hint: s.hint, status: s.status, created: s.created, last_updated: s.lastUpdated,
  }).execute();
}

/** The app's secrets, oldest first; never their hashes. */
export async function listSecrets(db: Executor, tenantId: string, appId: string): Promise<SecretRow[]> {
  const rows = await db.selectFrom('app_client_secrets').select(secretColumns)
    .where('tenant_id', '=', tenantId).where('app_id', '=', appId).orderBy('created').orderBy('id').execute();
  return rows.map(toSecretRow);
}

export async function findSecret(db: Executor, tenantId: string, appId: string, id: string): Promise<SecretRow | undefined> {
  const row = await db.selectFrom('app_client_secrets').select(secretColumns)
    .where('tenant_id', '=', tenantId).where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
  return row && toSecretRow(row);
}

export async function setSecretStatus(db: Executor, tenantId: string, id: string, status: AppStatus, at: Date): Promise<void> {
  await db.updateTable('app_client_secrets').set({ status, last_updated: at }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function deleteSecretRow(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('app_client_secrets').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** The hashes of the ACTIVE secrets of the client with this client_id. */
/** Read by every token request that authenticates with a secret: compiled once, prepared per connection. */
const activeSecrets = prepare('app_client_secrets.active-by-client', (db, param: (key: 'tenantId' | 'clientId') => string) => db.selectFrom('app_client_secrets as s')
  .innerJoin('apps as a', (j) => j.onRef('a.tenant_id', '=', 's.tenant_id').onRef('a.id', '=', 's.app_id'))
  .select('s.secret_hash')
  .where('s.tenant_id', '=', param('tenantId')).where('a.client_id', '=', param('clientId')).where('s.status', '=', 'ACTIVE'));

export async function activeSecretHashes(db: Executor, tenantId: string, clientId: string): Promise<string[]> {
  return (await runPrepared(db, activeSecrets, { tenantId, clientId })).map((r) => r.secret_hash);
}

export type UserAssignmentRow = { userId: string; created: Date; lastUpdated: Date };

export async function insertUserAssignment(db: Executor, tenantId: string, appId: string, userId: string, at: Date): Promise<boolean> {
  const r = await db.insertInto('app_user_assignments').values({ tenant_id: tenantId, app_id: appId, user_id: userId, created: at, last_updated: at })
    .onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/** Read by every authorization to the app: compiled once, prepared per connection. */
const userAssignment = prepare('app_user_assignments.by-user', (db, param: (key: 'tenantId' | 'appId' | 'userId') => string) => db.selectFrom('app_user_assignments')
  .select(['user_id', 'created', 'last_updated']).where('tenant_id', '=', param('tenantId')).where('app_id', '=', param('appId')).where('user_id', '=', param('userId')));

export async function findUserAssignment(db: Executor, tenantId: string, appId: string, userId: string): Promise<UserAssignmentRow | undefined> {
  const [row] = await runPrepared(db, userAssignment, { tenantId, appId, userId });
  return row && { userId: row.user_id, created: row.created, lastUpdated: row.last_updated };
}

export async function deleteUserAssignment(db: Executor, tenantId: string, appId: string, userId: string): Promise<boolean> {
  const r = await db.deleteFrom('app_user_assignments').where('tenant_id', '=', tenantId).where('app_id', '=', appId).where('user_id', '=', userId).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/**
 * A predicate over the users table for the users capability's own query: "is assigned to this app directly".
 * Users are read only through that capability; this is the one piece of app knowledge it needs.
 */
export function assignedTo(appId: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from app_user_assignments x where x.tenant_id = users.tenant_id and x.app_id = ${appId} and x.user_id = users.id)`;
}

/** The app's direct assignments of these users, by user id. */
export async function userAssignmentsAmong(db: Executor, tenantId: string, appId: string, userIds: readonly string[]): Promise<Map<string, UserAssignmentRow>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.selectFrom('app_user_assignments').select(['user_id', 'created', 'last_updated'])
    .where('tenant_id', '=', tenantId).where('app_id', '=', appId).where('user_id', 'in', [...userIds]).execute();
  return new Map(rows.map((r) => [r.user_id, { userId: r.user_id, created: r.created, lastUpdated: r.last_updated }]));
}

export type GroupAssignmentRow = { groupId: string; priority: number; created: Date; lastUpdated: Date };

const groupAssignmentColumns = ['group_id', 'priority', 'created', 'last_updated'] as const;

const toGroupAssignment = (r: { group_id: string; priority: number; created: Date; last_updated: Date }): GroupAssignmentRow =>
  ({ groupId: r.group_id, priority: r.priority, created: r.created, lastUpdated: r.last_updated });

/** Adds the assignment, or sets the priority of the one there is. */
export async function upsertGroupAssignment(db: Executor, tenantId: string, appId: string, groupId: string, priority: number, at: Date): Promise<void> {
  await db.insertInto('app_group_assignments').values({ tenant_id: tenantId, app_id: appId, group_id: groupId, priority, created: at, last_updated: at })
    .onConflict((oc) => oc.columns(['tenant_id', 'app_id', 'group_id']).doUpdateSet({ priority, last_updated: at })).execute();
}

export async function findGroupAssignment(db: Executor, tenantId: string, appId: string, groupId: string): Promise<GroupAssignmentRow | undefined> {
  const row = await db.selectFrom('app_group_assignments').select(groupAssignmentColumns)
    .where('tenant_id', '=', tenantId).where('app_id', '=', appId).where('group_id', '=', groupId).executeTakeFirst();
  return row && toGroupAssignment(row);
}

export async function deleteGroupAssignment(db: Executor, tenantId: string, appId: string, groupId: string): Promise<boolean> {
  const r = await db.deleteFrom('app_group_assignments').where('tenant_id', '=', tenantId).where('app_id', '=', appId).where('group_id', '=', groupId).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** A page of an app's group assignments, by group id. */
export async function queryGroupAssignments(db: Executor, tenantId: string, appId: string, page: Page): Promise<(GroupAssignmentRow & { id: string })[]> {
  let q = db.selectFrom('app_group_assignments').select(groupAssignmentColumns).where('tenant_id', '=', tenantId).where('app_id', '=', appId);
  if (page.after) q = q.where('group_id', '>', page.after);
  const rows = await q.orderBy('group_id').limit(page.limit + 1).execute();
  return rows.map((r) => ({ id: r.group_id, ...toGroupAssignment(r) }));
}

/** Every group the app is assigned to. */
export async function assignedGroupIds(db: Executor, tenantId: string, appId: string): Promise<string[]> {
  const rows = await db.selectFrom('app_group_assignments').select('group_id').where('tenant_id', '=', tenantId).where('app_id', '=', appId).execute();
  return rows.map((r) => r.group_id);
}

/** `label` starts with `prefix`, case-insensitively: Okta's `q` on apps. */
export function labelStartsWith(prefix: string): RawBuilder<boolean> {
  return sql<boolean>`starts_with(lower(label), ${prefix.toLowerCase()})`;
}
