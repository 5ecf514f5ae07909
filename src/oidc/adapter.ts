import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import type { EventInput, LogActor, LogTarget } from '#src/syslog/log-event.ts';
import { recordChangeWithEvents } from '#src/syslog/service.ts';
import { userTarget } from '#src/users/service.ts';
import { clientMetadataOf, type ClientLookup } from './clients.ts';
import { oidcRequestScope, type OidcRequestScope } from './scope.ts';
import { consumeModel, consumeModelQuery, deleteByGrant, deleteModel, findModel, findModelByUid, upsertIfConsumedQuery, upsertModelQuery, type ModelKey, type ModelRow } from './store.ts';

/** The stored models whose issuing is an Okta System Log event, with how Okta names it. */
const ISSUED: Record<string, { eventType: string; displayMessage: string; kind: string; name: string }> = {
  AuthorizationCode: { eventType: 'app.oauth2.authorize.code', displayMessage: 'OIDC authorization code request', kind: 'code', name: 'Authorization Code' },
  AccessToken: { eventType: 'app.oauth2.token.grant.access_token', displayMessage: 'OAuth2 access token is granted', kind: 'access_token', name: 'Access Token' },
  RefreshToken: { eventType: 'app.oauth2.token.grant.refresh_token', displayMessage: 'OAuth2 refresh token is granted', kind: 'refresh_token', name: 'Refresh Token' },
};

/** A token's id is the token itself for opaque tokens: events name it by a digest, never by its value. */
export function tokenReference(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, 22);
}

/**
 * oidc-provider saves its session on every request that reads it, only to slide its expiry: an unchanged
 * session is written back at most this often, as Bulwark's own sessions are (their idle clock).
 */
const SESSION_TOUCH_S = 60;

/**
 * What one request read from `oidc_models`. `sessions`: sessions as stored, what a save is compared with.
 * `ahead`: reads started before oidc-provider asks for them. A code, a token or a session names the grant,
 * session and account oidc-provider will load next, one after the other; started together they reach the
 * database in one pipeline write and one round trip. Any write by the request drops what was read ahead.
 */
type RequestReads = { sessions: Map<string, AdapterPayload>; ahead: Map<string, Promise<ModelRow | undefined>>; consuming: ModelKey | undefined };

const requestReads = new WeakMap<OidcRequestScope, RequestReads>();

function readsOf(scope: OidcRequestScope): RequestReads {
  let reads = requestReads.get(scope);
  if (!reads) requestReads.set(scope, reads = { sessions: new Map(), ahead: new Map(), consuming: undefined });
  return reads;
}

/** Settled by whoever awaits it; read ahead and never awaited, a failure must not become an unhandled rejection. */
function quietly<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

function unchangedSession(stored: AdapterPayload | undefined, next: AdapterPayload): boolean {
  if (!stored || typeof stored.exp !== 'number' || typeof next.exp !== 'number' || next.exp - stored.exp >= SESSION_TOUCH_S) return false;
  return isDeepStrictEqual({ ...stored, exp: 0 }, { ...next, exp: 0 });
}

export type AdapterDeps = { db: Db; clock: Clock; tenantId: string; clients: ClientLookup };

/**
 * oidc-provider's storage for one tenant, in PostgreSQL (`oidc_models`). Expiry is judged by Bulwark's clock.
 * Issuing a code or token writes its Okta event in the same transaction, with the requester from the scope.
 */
export function pgAdapter(deps: AdapterDeps): (model: string) => Adapter {
  const { db, clock, tenantId } = deps;

  const live = (row: ModelRow | undefined): AdapterPayload | undefined =>
    row && (row.expiresAt === null || row.expiresAt > clock.now()) ? (row.payload as AdapterPayload) : undefined;

  async function issuedEvents(scope: OidcRequestScope, model: string, id: string, payload: AdapterPayload): Promise<{ actor: LogActor; events: EventInput[] } | undefined> {
    const issued = ISSUED[model];
    if (!issued || typeof payload.clientId !== 'string') return undefined;
    const client = await deps.clients.find(payload.clientId);
    const actor: LogActor = { id: payload.clientId, type: 'PublicClientApp', alternateId: payload.clientId, displayName: client?.label ?? payload.clientId, detailEntry: null };
    const user = typeof payload.accountId === 'string' ? await scope.user(payload.accountId) : undefined;
    const userTargets: LogTarget[] = user ? [userTarget(user)] : [];
    const debugData = {
      grantType: payload.gty ?? 'authorization_code',
      grantedScopes: payload.scope ?? null,
      ...(typeof payload.redirectUri === 'string' ? { redirectUri: payload.redirectUri } : {}),
      ...(typeof payload.grantId === 'string' ? { grantId: payload.grantId } : {}),
    };
    const event = (e: typeof issued, ref: string): EventInput => ({
      eventType: e.eventType, displayMessage: e.displayMessage, debugData,
      target: [...userTargets, { id: ref, type: e.kind, alternateId: null, displayName: e.name, detailEntry: null }],
    });
    const events = [event(issued, tokenReference(id))];
    // The ID token is not stored, but it is issued with the access token whenever `openid` was granted.
    if (model === 'AccessToken' && String(payload.scope ?? '').split(' ').includes('openid')) {
      events.push(event({ eventType: 'app.oauth2.token.grant.id_token', displayMessage: 'OIDC id token is granted', kind: 'id_token', name: 'ID Token' }, tokenReference(`${id}.id_token`)));
    }
    return { actor, events };
  }

  /**
   * A code used a second time: oidc-provider checks `consumed` before it consumes, so this is a concurrent
   * replay that passed that check together with the genuine exchange. Nothing was issued for it; everything
   * issued under its grant is revoked, as for any replay.
   */
  async function refuseReuse(used: ModelKey): Promise<never> {
    const payload = (await findModel(db, used))?.payload;
    if (typeof payload?.['grantId'] === 'string') await deleteByGrant(db, tenantId, payload['grantId']);
    throw new errors.InvalidGrant('grant request is invalid');
  }

  /** The row read ahead for `k` (used once), or read now. */
  function readOnce(scope: OidcRequestScope | undefined, k: string, read: () => Promise<ModelRow | undefined>): Promise<ModelRow | undefined> {
    const ahead = scope && readsOf(scope).ahead;
    const early = ahead?.get(k);
    if (!early) return read();
    ahead?.delete(k);
    return early;
  }

  function dropReadAhead(): void {
    const scope = oidcRequestScope.getStore();
    if (scope) readsOf(scope).ahead.clear();
  }

  /** Starts reading what `payload` points at and oidc-provider will ask for next. */
  function readAheadFrom(scope: OidcRequestScope, payload: AdapterPayload): void {
    const { ahead } = readsOf(scope);
    const start = (k: string, read: () => Promise<ModelRow | undefined>) => {
      if (!ahead.has(k)) ahead.set(k, quietly(read()));
    };
    if (typeof payload.accountId === 'string') quietly(scope.user(payload.accountId));
    const grantId = typeof payload.grantId === 'string'
      ? payload.grantId
      : scope.clientId === undefined ? undefined : (payload.authorizations as Record<string, { grantId?: unknown }> | undefined)?.[scope.clientId]?.grantId;
    if (typeof grantId === 'string') start(`Grant ${grantId}`, () => findModel(db, { tenantId, model: 'Grant', id: grantId }));
    const sessionUid = payload.sessionUid;
    if (typeof sessionUid === 'string') start(`Session uid ${sessionUid}`, () => findModelByUid(db, tenantId, 'Session', sessionUid));
  }

  return (model: string): Adapter => {
    const key = (id: string) => ({ tenantId, model, id });
    if (model === 'Client') {
      return {
        async find(id) {
          return clientMetadataOf(await deps.clients.find(id), deps.clients.internalSecret(id));
        },
        upsert: async () => { throw new Error('clients are managed through /api/v1/apps'); },
        findByUid: async () => undefined,
        findByUserCode: async () => undefined,
        consume: async () => undefined,
        destroy: async () => undefined,
        revokeByGrantId: async () => undefined,
      };
    }
    return {
      async upsert(id, payload, expiresIn) {
        const scope = oidcRequestScope.getStore();
        const reads = scope && readsOf(scope);
        if (model === 'Session' && reads && unchangedSession(reads.sessions.get(id), payload)) return;
        reads?.ahead.clear();
        const expiresAt = expiresIn ? new Date(clock.now().getTime() + expiresIn * 1000) : null;
        const batches = scope ? scope.pending.splice(0) : [];
        const issued = scope ? await issuedEvents(scope, model, id, payload) : undefined;
        if (issued) batches.push(issued);
        const events = scope ? batches.map((b) => ({ audit: scope.audit(b.actor), inputs: b.events })) : [];
        const used = reads?.consuming;
        if (reads) reads.consuming = undefined;
        const row = payload as Record<string, unknown>;
        const changes = used === undefined
          ? [['change', upsertModelQuery(db, key(id), row, expiresAt)] as const]
          : [['consumed', consumeModelQuery(used, clock.now())] as const, ['change', upsertIfConsumedQuery(key(id), row, expiresAt, 'consumed')] as const];
        if (!(await recordChangeWithEvents(db, clock, tenantId, changes, events)) && used !== undefined) await refuseReuse(used);
      },
      async find(id) {
        const scope = oidcRequestScope.getStore();
        const found = live(await readOnce(scope, `${model} ${id}`, () => findModel(db, key(id))));
        if (scope && found) {
          // A copy: oidc-provider changes the objects inside the payload it was given (a session's authorizations).
          if (model === 'Session') readsOf(scope).sessions.set(id, structuredClone(found));
          readAheadFrom(scope, found);
        }
        return found;
      },
      async findByUid(uid) {
        const scope = oidcRequestScope.getStore();
        return live(await readOnce(scope, `${model} uid ${uid}`, () => findModelByUid(db, tenantId, model, uid)));
      },
      async findByUserCode() {
        return undefined;
      },
      async consume(id) {
        dropReadAhead();
        const scope = oidcRequestScope.getStore();
        if (!scope) {
          if (!(await consumeModel(db, key(id), clock.now()))) await refuseReuse(key(id));
          return;
        }
        // Written with what the code is exchanged for (the request's next write), in one statement; a request
        // that fails before writing anything uses the code up at its end.
        const reads = readsOf(scope);
        reads.consuming = key(id);
        scope.atEnd(async () => {
          const left = reads.consuming;
          reads.consuming = undefined;
          if (left !== undefined && !(await consumeModel(db, left, clock.now()))) await refuseReuse(left).catch(() => undefined);
        });
      },
      async destroy(id) {
        dropReadAhead();
        await deleteModel(db, key(id));
      },
      async revokeByGrantId(grantId) {
        dropReadAhead();
        await deleteByGrant(db, tenantId, grantId);
      },
    };
  };
}
