import type { Tx } from '#src/db/database.ts';
import { newId } from '#src/lib/ids.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import type { ServiceContext } from '#src/service-context.ts';
import type { EventInput } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { AppErrors } from './errors.ts';
import { appTarget, loadApp } from './lookup.ts';
import { deleteSecretRow, findSecret, insertSecret, listSecrets, setSecretStatus, type AppRow, type AppStatus, type SecretRow } from './store.ts';

export type { SecretRow };

/** Okta lets a client hold two active secrets: the one in use and the one replacing it. */
const MAX_ACTIVE = 2;

/**
 * A client secret is 48 CSPRNG bytes (384 bits; 64 base64url characters, the length of Okta's). Only its
 * SHA-256 is stored: a fast hash is right for a value this random, which no one can guess or brute-force
 * from its hash, and unlike a password hash it costs the token endpoint nothing per request.
 */
export function hashClientSecret(value: string): string {
  return sha256Hex(value);
}

/** The last four characters: enough for an admin to tell two secrets apart, nothing toward guessing one. */
const hintOf = (value: string) => value.slice(-4);

function secretEvent(verb: 'create' | 'activate' | 'deactivate' | 'delete', app: AppRow, secret: SecretRow): EventInput {
  const messages = { create: 'Create OAuth client secret', activate: 'Activate OAuth client secret', deactivate: 'Deactivate OAuth client secret', delete: 'Delete OAuth client secret' };
  return {
    eventType: `app.oauth2.credentials.lifecycle.${verb}`,
    displayMessage: messages[verb],
    target: [appTarget(app), { id: secret.id, type: 'ClientSecret', alternateId: app.clientId, displayName: `…${secret.hint}`, detailEntry: null }],
  };
}

/** Makes an ACTIVE secret for `app` in the caller's transaction; returns its value once, and its event to record. */
export async function issueSecret(tx: Tx, ctx: ServiceContext, app: AppRow): Promise<{ secret: SecretRow; value: string; event: EventInput }> {
  const value = newSecret(48);
  const now = ctx.clock.now();
  const secret: SecretRow = { id: newId('ocs'), appId: app.id, hint: hintOf(value), status: 'ACTIVE', created: now, lastUpdated: now };
  await insertSecret(tx, ctx.tenantId, secret, hashClientSecret(value));
  return { secret, value, event: secretEvent('create', app, secret) };
}

export async function listAppSecrets(ctx: ServiceContext, appId: string): Promise<SecretRow[]> {
  const app = await loadApp(ctx.db, ctx, appId);
  return listSecrets(ctx.db, ctx.tenantId, app.id);
}

export async function getAppSecret(ctx: ServiceContext, appId: string, secretId: string): Promise<SecretRow> {
  const app = await loadApp(ctx.db, ctx, appId);
  const secret = await findSecret(ctx.db, ctx.tenantId, app.id, secretId);
  if (!secret) throw AppErrors.secretNotFound(secretId);
  return secret;
}

/** The app is locked first, so two concurrent rotations cannot both pass the two-active check. */
async function lockedAppAndActiveCount(tx: Tx, ctx: ServiceContext, appId: string): Promise<{ app: AppRow; active: number }> {
  const app = await loadApp(tx, ctx, appId, true);
  const active = (await listSecrets(tx, ctx.tenantId, app.id)).filter((s) => s.status === 'ACTIVE').length;
  return { app, active };
}

/** Okta's POST …/credentials/secrets: a new ACTIVE secret, its value in the answer and nowhere else. */
export async function createAppSecret(ctx: ServiceContext, appId: string): Promise<{ secret: SecretRow; value: string }> {
  return ctx.db.transaction().execute(async (tx) => {
    const { app, active } = await lockedAppAndActiveCount(tx, ctx, appId);
    if (app.tokenEndpointAuthMethod !== 'client_secret_basic') throw AppErrors.noSecretAuth();
    if (active >= MAX_ACTIVE) throw AppErrors.tooManyActiveSecrets();
    const { secret, value, event } = await issueSecret(tx, ctx, app);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [event]);
    return { secret, value };
  });
}

/** Activates or deactivates a secret: idempotent, logging only a change; a third active secret is refused. */
export async function setSecretStatusOf(ctx: ServiceContext, appId: string, secretId: string, status: AppStatus): Promise<SecretRow> {
  return ctx.db.transaction().execute(async (tx) => {
    const { app, active } = await lockedAppAndActiveCount(tx, ctx, appId);
    const secret = await findSecret(tx, ctx.tenantId, app.id, secretId);
    if (!secret) throw AppErrors.secretNotFound(secretId);
    if (secret.status === status) return secret;
    if (status === 'ACTIVE' && active >= MAX_ACTIVE) throw AppErrors.tooManyActiveSecrets();
    const next: SecretRow = { ...secret, status, lastUpdated: ctx.clock.now() };
    await setSecretStatus(tx, ctx.tenantId, secret.id, status, next.lastUpdated);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [secretEvent(status === 'ACTIVE' ? 'activate' : 'deactivate', app, next)]);
    return next;
  });
}

/** Deletes an INACTIVE secret; an active one must be deactivated first, so no client loses its secret by a slip. */
export async function deleteAppSecret(ctx: ServiceContext, appId: string, secretId: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const app = await loadApp(tx, ctx, appId, true);
    const secret = await findSecret(tx, ctx.tenantId, app.id, secretId);
    if (!secret) throw AppErrors.secretNotFound(secretId);
    if (secret.status === 'ACTIVE') throw AppErrors.deleteActiveSecret();
    await deleteSecretRow(tx, ctx.tenantId, secret.id);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [secretEvent('delete', app, secret)]);
  });
}
