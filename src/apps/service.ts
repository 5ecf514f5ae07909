import { sql } from 'kysely';
import type { Executor, Tx } from '#src/db/database.ts';
import { splitPage } from '#src/db/paging.ts';
import { checkListQuery } from '#src/http/list-query.ts';
import { compileSearchCriteria } from '#src/http/search-criteria.ts';
import { newId } from '#src/lib/ids.ts';
import type { CompareOp } from '#src/lib/filter/ast.ts';
import type { FilterRules } from '#src/lib/filter/rules.ts';
import type { FieldSql } from '#src/lib/filter/sql.ts';
import { safeEqualHex } from '#src/lib/secrets.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { EventInput } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { groupsOfUserAmong } from '#src/groups/service.ts';
import { clientSettingsOf, type OauthClientCredentialsInput, type OauthClientSettingsInput } from './client-settings.ts';
import { hashClientSecret, issueSecret } from './client-secrets.ts';
import { AppErrors } from './errors.ts';
import { appTarget, loadApp } from './lookup.ts';
import {
  activeSecretHashes, appIdsAmong, assignedGroupIds, deleteAppRow, findAppByClientId, findUserAssignment, insertApp, labelStartsWith, queryApps, saveApp,
  type AppQuery, type AppRow, type AppStatus, type ClientSettings,
} from './store.ts';

export type { AppRow };
export { appIdsAmong };
export { appTarget, loadApp };

/** An Okta `oidc_client` Application as it arrives on POST and PUT, through the JSON schema. */
export type AppInput = {
  label: string;
  credentials?: { oauthClient?: OauthClientCredentialsInput };
  settings: { oauthClient: OauthClientSettingsInput };
};

export function getApp(ctx: ServiceContext, id: string): Promise<AppRow> {
  return loadApp(ctx.db, ctx, id);
}

export type CreatedApp = { app: AppRow; clientSecret: string | null };

/**
 * Registers an OIDC client. Its client_id is its app id, as in Okta. A `client_secret_basic` client gets its
 * first secret here: the value is in the result and nowhere else, ever. `activate` is Okta's query
 * parameter, true by default.
 */
export async function createApp(ctx: ServiceContext, input: AppInput, activate: boolean): Promise<CreatedApp> {
  const settings = await clientSettingsOf(input.credentials?.oauthClient, input.settings.oauthClient);
  if (input.credentials?.oauthClient?.client_id !== undefined) throw AppErrors.clientIdChanged();
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const id = newId('0oa');
    const app: AppRow = { ...settings, id, clientId: id, label: input.label, status: activate ? 'ACTIVE' : 'INACTIVE', created: now, lastUpdated: now };
    await insertApp(tx, ctx.tenantId, app);
    const events: EventInput[] = [{ eventType: 'application.lifecycle.create', displayMessage: 'Create application', target: [appTarget(app)] }];
    if (activate) events.push({ eventType: 'application.lifecycle.activate', displayMessage: 'Activate application', target: [appTarget(app)] });
    let clientSecret: string | null = null;
    if (app.tokenEndpointAuthMethod === 'client_secret_basic') {
      const issued = await issueSecret(tx, ctx, app);
      clientSecret = issued.value;
      events.push(issued.event);
    }
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, events);
    return { app, clientSecret };
  });
}

/** What PUT may change, by the name the event gives it: the Application's own field paths. */
const CHANGEABLE = {
  label: 'label',
  tokenEndpointAuthMethod: 'credentials.oauthClient.token_endpoint_auth_method',
  autoKeyRotation: 'credentials.oauthClient.autoKeyRotation',
  applicationType: 'settings.oauthClient.application_type',
  redirectUris: 'settings.oauthClient.redirect_uris',
  postLogoutRedirectUris: 'settings.oauthClient.post_logout_redirect_uris',
  grantTypes: 'settings.oauthClient.grant_types',
  responseTypes: 'settings.oauthClient.response_types',
  consentMethod: 'settings.oauthClient.consent_method',
  initiateLoginUri: 'settings.oauthClient.initiate_login_uri',
  jwks: 'settings.oauthClient.jwks',
} as const;

/**
 * Okta's PUT: the label and the client's settings are replaced as a whole; the client_id, the status and the
 * secrets stay. Nothing changed: no event and no new `lastUpdated`.
 */
export async function replaceApp(ctx: ServiceContext, id: string, input: AppInput): Promise<AppRow> {
  const settings = await clientSettingsOf(input.credentials?.oauthClient, input.settings.oauthClient);
  return ctx.db.transaction().execute(async (tx) => {
    const app = await loadApp(tx, ctx, id, true);
    const clientId = input.credentials?.oauthClient?.client_id;
    if (clientId !== undefined && clientId !== app.clientId) throw AppErrors.clientIdChanged();
    const next: AppRow = { ...app, ...settings, label: input.label };
    const changed = (Object.keys(CHANGEABLE) as (keyof typeof CHANGEABLE)[]).filter((k) => JSON.stringify(app[k]) !== JSON.stringify(next[k]));
    if (changed.length === 0) return app;
    next.lastUpdated = ctx.clock.now();
    await saveApp(tx, ctx.tenantId, next);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: 'application.lifecycle.update', displayMessage: 'Update application', target: [appTarget(next)], debugData: { changedAttributes: changed.map((k) => CHANGEABLE[k]).join(',') },
    }]);
    return next;
  });
}

/** Okta's lifecycle/activate and lifecycle/deactivate: idempotent, logging only an actual change. */
export async function setAppStatus(ctx: ServiceContext, id: string, status: AppStatus): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const app = await loadApp(tx, ctx, id, true);
    if (app.status === status) return;
    const next: AppRow = { ...app, status, lastUpdated: ctx.clock.now() };
    await saveApp(tx, ctx.tenantId, next);
    const verb = status === 'ACTIVE' ? 'activate' : 'deactivate';
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: `application.lifecycle.${verb}`, displayMessage: status === 'ACTIVE' ? 'Activate application' : 'Deactivate application', target: [appTarget(next)],
    }]);
  });
}

/** Deletes a deactivated app with its secrets and assignments; an active one is refused, as in Okta. */
/** Deletes an INACTIVE app; `beforeDelete` refuses, inside the transaction, while something still names it. */
export async function deleteApp(ctx: ServiceContext, id: string, beforeDelete: (tx: Tx, appId: string) => Promise<void>): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const app = await loadApp(tx, ctx, id, true);
    if (app.status !== 'INACTIVE') throw AppErrors.deleteActiveApp();
    await beforeDelete(tx, app.id);
    await deleteAppRow(tx, ctx.tenantId, app.id);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{ eventType: 'application.lifecycle.delete', displayMessage: 'Delete application', target: [appTarget(app)] }]);
  });
}

export type ListAppsQuery = { q?: string; filter?: string; limit?: number; after?: string };
export type AppPage = { apps: AppRow[]; next: string | null };

/** Okta pages apps by 20 by default and at most 200. */
const DEFAULT_PAGE = 20;
const MAX_PAGE = 200;

const FIELDS: Record<string, FieldSql> = {
  status: { kind: 'scalar', expr: sql.ref('status'), type: 'text' },
  name: { kind: 'scalar', expr: sql`'oidc_client'`, type: 'text' },
};
const EQ: ReadonlySet<CompareOp | 'pr'> = new Set(['eq']);
/** Okta's app `filter` over the fields Bulwark's apps have: `status eq "ACTIVE"`, `name eq "oidc_client"`. */
const filterRules: FilterRules = { allowNot: false, operatorsFor: (path) => (Object.hasOwn(FIELDS, path) ? EQ : null) };

/** Okta's app list: plain, `q` (label prefix, case-insensitive) or `filter`, paged by id. */
export async function listApps(ctx: ServiceContext, query: ListAppsQuery): Promise<AppPage> {
  checkListQuery(query);
  const spec: AppQuery = { limit: Math.min(query.limit ?? DEFAULT_PAGE, MAX_PAGE) };
  if (query.q !== undefined) spec.where = labelStartsWith(query.q);
  else if (query.filter !== undefined) spec.where = compileSearchCriteria(query.filter, filterRules, (p) => FIELDS[p] ?? null, false);
  if (query.after !== undefined) spec.after = query.after;
  const { items, next } = splitPage(await queryApps(ctx.db, ctx.tenantId, spec), spec);
  return { apps: items, next };
}

/** What the OpenID Connect provider (src/oidc) knows of a client: its settings, who it is, whether it is on. */
export type OidcClient = Omit<ClientSettings, 'autoKeyRotation'> & { appId: string; clientId: string; status: AppStatus; label: string };

/**
 * The client of a tenant with this client_id, whatever its status (the provider refuses an INACTIVE one), or
 * undefined. Another tenant's client_id finds nothing.
 */
export async function findOidcClient(db: Executor, tenantId: string, clientId: string): Promise<OidcClient | undefined> {
  const app = await findAppByClientId(db, tenantId, clientId);
  if (!app) return undefined;
  return {
    appId: app.id,
    clientId: app.clientId,
    status: app.status,
    label: app.label,
    tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
    applicationType: app.applicationType,
    redirectUris: [...app.redirectUris],
    postLogoutRedirectUris: [...app.postLogoutRedirectUris],
    grantTypes: [...app.grantTypes],
    responseTypes: [...app.responseTypes],
    consentMethod: app.consentMethod,
    jwks: app.jwks === null ? null : structuredClone(app.jwks),
    initiateLoginUri: app.initiateLoginUri,
  };
}

/**
 * Whether `presented` is one of the client's ACTIVE secrets. Every active hash is compared in constant time
 * (no early exit), so timing tells nothing about which secret came close.
 */
export async function clientSecretMatches(db: Executor, tenantId: string, clientId: string, presented: string): Promise<boolean> {
  return secretMatchesAny(await clientSecretHashes(db, tenantId, clientId), presented);
}

/** The SHA-256 hashes of the active secrets of the app with this client_id. */
export function clientSecretHashes(db: Executor, tenantId: string, clientId: string): Promise<string[]> {
  return activeSecretHashes(db, tenantId, clientId);
}

/** Whether `presented` is one of the secrets stored as `hashes`, comparing with every one of them in constant time. */
export function secretMatchesAny(hashes: readonly string[], presented: string): boolean {
  const candidate = hashClientSecret(presented);
  let matched = false;
  for (const hash of hashes) matched = safeEqualHex(hash, candidate) || matched;
  return matched;
}

/**
 * Whether the user may sign in to the app: assigned directly, or a member of an assigned group (the built-in
 * Everyone group counts for every user).
 */
export async function isAssigned(db: Executor, tenantId: string, appId: string, userId: string): Promise<boolean> {
  if (await findUserAssignment(db, tenantId, appId, userId)) return true;
  const groups = await assignedGroupIds(db, tenantId, appId);
  return (await groupsOfUserAmong(db, tenantId, userId, groups)).size > 0;
}
