import type { Db, Tx } from '#src/db/database.ts';
import { OktaErrors } from '#src/http/errors.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newId } from '#src/lib/ids.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import type { AuditContext, LogTarget } from '#src/syslog/log-event.ts';
import { auditNetwork, type NetworkInfo } from '#src/network/resolver.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { ADMIN_CONSOLE, appTarget, isPhishingResistant } from '#src/policy/sign-on.ts';
import { endHelpCenterSessionsOfUser } from '#src/helpcenter/sessions.ts';
import { revokeStaffTokens } from '#src/support-access/service.ts';
import {
  anySignIn, deleteSession, deleteSessionsOfUser, findSessionById, liveSessionsOfUser, findSessionByTokenHash, insertSession, insertSessionToken, networksSeen, setSessionStepUp, setSessionTimes, takeSessionToken,
  type DeviceKey, type NetworksSeen, type SessionGrant, type SessionRow, type SessionTokenRow,
} from './store.ts';

export type { DeviceKey, SessionGrant, SessionRow };

/** A sessionToken is exchanged once, within five minutes, or never. */
const SESSION_TOKEN_TTL_MS = 5 * 60_000;
/** `last_seen` is written at most once a minute per session: a page load must not cost a write. */
const TOUCH_EVERY_MS = 60_000;

/** The `amr` values (RFC 8176) a session records, and what Okta's System Log calls the credential. */
const CREDENTIAL_TYPE: Record<string, string> = { pwd: 'PASSWORD', otp: 'OTP', hwk: 'ASSERTION', swk: 'ASSERTION' };

function tokenHash(value: string): string {
  return sha256Hex(value);
}

/** When a session seen at `lastSeen` stops being valid: after its idle time, and never past its maximum. */
function expiryOf(session: Pick<SessionRow, 'created' | 'lastSeen' | 'idleMinutes' | 'maxMinutes'>): Date {
  const idle = session.lastSeen.getTime() + session.idleMinutes * 60_000;
  const max = session.created.getTime() + session.maxMinutes * 60_000;
  return new Date(Math.min(idle, max));
}

export function sessionTarget(session: Pick<SessionRow, 'id'>): LogTarget {
  return { alternateId: 'unknown', detailEntry: null, displayName: 'Okta session', id: session.id, type: 'Session' };
}

/**
 * Issues the one-time sessionToken of a finished sign-in, inside the sign-in's transaction, carrying what the
 * sign-on rule granted. Returns the value, which is never stored: only its SHA-256 is.
 */
export async function issueSessionToken(tx: Tx, tenantId: string, userId: string, amr: readonly string[], grant: SessionGrant, now: Date): Promise<{ value: string; expiresAt: Date }> {
  const value = newSecret(32);
  const expiresAt = new Date(now.getTime() + SESSION_TOKEN_TTL_MS);
  await insertSessionToken(tx, tenantId, tokenHash(value), { userId, amr: [...amr], created: now, expiresAt, app: grant.app, idleMinutes: grant.idleMinutes, maxMinutes: grant.maxMinutes });
  return { value, expiresAt };
}

export type SessionServiceContext = {
  db: Db;
  clock: Clock;
  tenantId: string;
  /** The request's audit context with the given actor: sign-in requests have no principal yet. */
  audit(actor: AuditContext['actor']): AuditContext;
  userAgent: string | null;
  /** The client's address and network. */
  network: NetworkInfo;
};

export type StartedSession = { session: SessionRow; cookie: string };

/**
 * What makes a session an admin console session: the browser's device key, and the tenant's admin session
 * lifetimes, which cap the ones the sign-on rule gave (the stricter of the two wins).
 */
export type AdminBinding = { device: DeviceKey; idleMinutes: number; maxMinutes: number };

/** A sessionToken that is still good, taken (deleted) inside `tx`. */
async function takeLiveToken(tx: Tx, tenantId: string, sessionToken: string, now: Date): Promise<SessionTokenRow | undefined> {
  const token = await takeSessionToken(tx, tenantId, tokenHash(sessionToken));
  return token && token.expiresAt.getTime() > now.getTime() ? token : undefined;
}

/**
 * Exchanges a sessionToken for a session, consuming the token: it works once at most. An unknown or expired
 * token changes nothing. A session's cookie value is a fresh 256-bit secret, unrelated to its id; only its
 * hash is kept. A sign-in for the admin console becomes an admin session only, bound to a device key
 * (`admin`); any other sign-in becomes an ordinary session only, so neither cookie can stand in for the other.
 */
export async function startSession(
  ctx: SessionServiceContext, sessionToken: string, actorOf: (userId: string) => Promise<AuditContext['actor'] | undefined>, admin?: AdminBinding,
): Promise<StartedSession> {
  const now = ctx.clock.now();
  const started = await ctx.db.transaction().execute(async (tx) => {
    const token = await takeLiveToken(tx, ctx.tenantId, sessionToken, now);
    const forAdmin = token?.app === ADMIN_CONSOLE;
    const actor = token && forAdmin === (admin !== undefined) ? await actorOf(token.userId) : undefined;
    if (!token || !actor) throw OktaErrors.authenticationFailed();
    const cookie = newSecret(32);
    const idleMinutes = Math.min(token.idleMinutes, admin?.idleMinutes ?? Infinity);
    const maxMinutes = Math.min(token.maxMinutes, admin?.maxMinutes ?? Infinity);
    const base = { created: now, lastSeen: now, idleMinutes, maxMinutes };
    const session: SessionRow = {
      id: newId('102'),
      userId: token.userId,
      amr: token.amr,
      ...base,
      lastPasswordVerification: token.amr.includes('pwd') ? token.created : null,
      lastFactorVerification: token.amr.some((m) => m !== 'pwd') ? token.created : null,
      expiresAt: expiryOf(base),
      app: token.app,
      ipAddress: ctx.network.ip,
      userAgent: ctx.userAgent,
      asn: ctx.network.asn,
      asOrg: ctx.network.asOrg,
      country: ctx.network.country,
      device: admin?.device ?? null,
      lastPhishingResistant: isPhishingResistant(token.amr) ? token.created : null,
    };
    await insertSession(tx, ctx.tenantId, tokenHash(cookie), session);
    const credential = token.amr.map((m) => CREDENTIAL_TYPE[m]).find((c) => c !== undefined) ?? null;
    const audit = { ...ctx.audit(actor), network: auditNetwork(ctx.network) };
    const authenticationContext = { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: credential, externalSessionId: session.id, rootSessionId: session.id };
    await recordEvents(tx, ctx.clock, ctx.tenantId, audit, [
      {
        eventType: 'user.session.start',
        displayMessage: 'User login to Okta',
        legacyEventType: 'core.user_auth.login_success',
        target: [sessionTarget(session)],
        authenticationContext,
        debugData: { amr: session.amr.join(' ') },
      },
      ...(admin ? [{
        eventType: 'user.session.access_admin_app',
        displayMessage: 'User accessing Okta admin app',
        target: [appTarget(ADMIN_CONSOLE), sessionTarget(session)],
        authenticationContext,
        debugData: { deviceKeyThumbprint: admin.device.jkt, idleMinutes, maxMinutes },
      }] : []),
    ]);
    return { session, cookie };
  });
  return started;
}

/**
 * Steps an admin session up with a fresh passkey sign-in of its own user for the admin console (the
 * sessionToken it ended in, consumed here), and gives the session a new cookie: the one a protected action
 * was refused under stops working, and the stepped-up session cannot be ridden by a copy of it.
 */
export async function stepUpSession(ctx: SessionServiceContext, session: SessionRow, sessionToken: string, actor: LogTarget): Promise<StartedSession> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const token = await takeLiveToken(tx, ctx.tenantId, sessionToken, now);
    if (!token || token.userId !== session.userId || token.app !== ADMIN_CONSOLE || !isPhishingResistant(token.amr)) throw OktaErrors.authenticationFailed();
    const cookie = newSecret(32);
    await setSessionStepUp(tx, ctx.tenantId, session.id, tokenHash(cookie), token.created);
    forget(ctx.tenantId, session.userId);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit(actor), [{
      eventType: 'bulwark.admin_session.step_up',
      displayMessage: 'Admin session stepped up with a passkey',
      target: [actor, sessionTarget(session)],
      authenticationContext: { externalSessionId: session.id, rootSessionId: session.id },
      debugData: { amr: token.amr.join(' ') },
    }]);
    return { session: { ...session, lastPhishingResistant: token.created, lastFactorVerification: token.created }, cookie };
  });
}

/**
 * Cookie → session, cached for two seconds per process (as API tokens are, docs/adr/0004): a signed-in page
 * then checks its session without a query. Ending sessions in this process drops them from the cache at once
 * and keeps their user out of it for a TTL, so that a lookup racing the ending transaction cannot put them
 * back; another process stops honouring them within the TTL.
 *
 * The cache is keyed by the cookie itself, not its SHA-256: hashing it on every request cost a tenth of a
 * signed-in request (bench session-check). So that the secrets it holds are not kept longer than the
 * request's own header strings are, the whole cache is dropped two seconds after its first entry.
 */
const CACHE_TTL_MS = 2_000;
const CACHE_LIMIT = 10_000;
const cache = new Map<string, { session: SessionRow; at: number }>();
const uncachedUntil = new Map<string, number>();
let dropCache: NodeJS.Timeout | undefined;

/** Drops a user's cached sessions; `endingAt` (when sessions end) also keeps them out of the cache for a TTL. */
function forget(tenantId: string, userId: string, endingAt?: number): void {
  for (const [key, entry] of cache) if (entry.session.userId === userId && key.startsWith(`${tenantId}/`)) cache.delete(key);
  if (endingAt === undefined) return;
  if (uncachedUntil.size >= CACHE_LIMIT) uncachedUntil.clear();
  uncachedUntil.set(`${tenantId}/${userId}`, endingAt + CACHE_TTL_MS);
}

function remember(key: string, tenantId: string, session: SessionRow, now: number): void {
  if ((uncachedUntil.get(`${tenantId}/${session.userId}`) ?? 0) > now) return;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, { session, at: now });
  dropCache ??= setTimeout(() => {
    cache.clear();
    dropCache = undefined;
  }, CACHE_TTL_MS).unref();
}

/**
 * The session a cookie value stands for when the cache has it live and it needs no write: most signed-in
 * requests, answered without a promise. Undefined means "ask sessionForCookie", not "no session".
 */
export function cachedSessionForCookie(clock: Clock, tenantId: string, cookie: string | undefined, cap?: LifetimeCap): SessionRow | undefined {
  const hit = cookie === undefined ? undefined : cache.get(`${tenantId}/${cookie}`);
  if (!hit) return undefined;
  const now = clock.now().getTime();
  const s = hit.session;
  return now - hit.at < CACHE_TTL_MS && liveAt(s, now, cap) && now - s.lastSeen.getTime() < TOUCH_EVERY_MS ? s : undefined;
}

/**
 * Lifetimes that may be shorter than the ones a session started with (an admin session under its tenant's
 * settings as they are now).
 */
export type LifetimeCap = { idleMinutes: number; maxMinutes: number };

function liveAt(s: SessionRow, now: number, cap: LifetimeCap | undefined): boolean {
  if (s.expiresAt.getTime() <= now) return false;
  return cap === undefined || (now - s.lastSeen.getTime() < cap.idleMinutes * 60_000 && now - s.created.getTime() < cap.maxMinutes * 60_000);
}

/**
 * The live session a cookie value stands for, or undefined. Idle and maximum lifetimes (the session's own, and
 * `cap`'s) are enforced here; the idle clock restarts on use, written back at most once a minute.
 */
export async function sessionForCookie(db: Db, clock: Clock, tenantId: string, cookie: string | undefined, cap?: LifetimeCap): Promise<SessionRow | undefined> {
  if (cookie === undefined || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
  const key = `${tenantId}/${cookie}`;
  const now = clock.now().getTime();
  const hit = cache.get(key);
  let session = hit && now - hit.at < CACHE_TTL_MS ? hit.session : undefined;
  if (!session) {
    session = await findSessionByTokenHash(db, tenantId, tokenHash(cookie));
    if (session) remember(key, tenantId, session, now);
  }
  if (!session || !liveAt(session, now, cap)) return undefined;
  if (now - session.lastSeen.getTime() < TOUCH_EVERY_MS) return session;
  const touched = { ...session, lastSeen: new Date(now) };
  touched.expiresAt = expiryOf(touched);
  await setSessionTimes(db, tenantId, session.id, touched.lastSeen, touched.expiresAt);
  remember(key, tenantId, touched, now);
  return touched;
}

/**
 * The session a cookie value stands for, live or not (expired rows stay until purged): for telling the holder
 * of a refused cookie which limit it reached. Signed-out and cleared sessions are gone.
 */
export async function anySessionForCookie(db: Db, tenantId: string, cookie: string | undefined): Promise<SessionRow | undefined> {
  if (cookie === undefined || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
  return findSessionByTokenHash(db, tenantId, tokenHash(cookie));
}

/** The user's live sessions, newest first (their own list of where they are signed in). */
export function liveSessionsOf(db: Db, clock: Clock, tenantId: string, userId: string): Promise<SessionRow[]> {
  return liveSessionsOfUser(db, tenantId, userId, clock.now());
}

/** A live session by id (the admin API); an expired one is as absent as one that never existed. */
export async function liveSession(db: Db, clock: Clock, tenantId: string, id: string): Promise<SessionRow> {
  const session = await findSessionById(db, tenantId, id);
  if (!session || session.expiresAt.getTime() <= clock.now().getTime()) throw OktaErrors.notFound(`${id} (Session)`);
  return session;
}

/** Restarts the idle clock now (Okta's session refresh). */
export async function refreshSession(db: Db, clock: Clock, tenantId: string, session: SessionRow): Promise<SessionRow> {
  const refreshed = { ...session, lastSeen: clock.now() };
  refreshed.expiresAt = expiryOf(refreshed);
  await setSessionTimes(db, tenantId, session.id, refreshed.lastSeen, refreshed.expiresAt);
  forget(tenantId, session.userId);
  return refreshed;
}

/** Ends one session: the user signing out, or an admin revoking it. `userTarget` names its owner in the log. */
export async function endSession(db: Db, clock: Clock, tenantId: string, audit: AuditContext, session: SessionRow, userTarget: LogTarget): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if (!(await deleteSession(tx, tenantId, session.id))) throw OktaErrors.notFound(`${session.id} (Session)`);
    forget(tenantId, session.userId, clock.now().getTime());
    await recordEvents(tx, clock, tenantId, audit, [{
      eventType: 'user.session.end',
      displayMessage: 'User logout from Okta',
      legacyEventType: 'core.user_auth.logout_success',
      target: [userTarget, sessionTarget(session)],
      authenticationContext: { externalSessionId: session.id, rootSessionId: session.id },
    }]);
  });
}

/** Why a request was refused the session it presented, as `user.session.context.change` records it. */
export type ContextRefusal = { reason: string; debugData: Record<string, unknown>; endSession: boolean };

/**
 * Records that a session was presented from a context it is not good in (another device, another network):
 * `user.session.context.change` with outcome DENY, Okta's event for a session whose context changed. With
 * `endSession`, the session ends in the same transaction, and its user must sign in again.
 */
export async function refuseSessionContext(db: Db, clock: Clock, tenantId: string, audit: AuditContext, session: SessionRow, user: LogTarget, refusal: ContextRefusal): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const ended = refusal.endSession && (await deleteSession(tx, tenantId, session.id));
    if (ended) forget(tenantId, session.userId, clock.now().getTime());
    await recordEvents(tx, clock, tenantId, audit, [{
      eventType: 'user.session.context.change',
      displayMessage: 'User session context changed',
      outcome: { result: 'DENY', reason: refusal.reason },
      target: [user, sessionTarget(session)],
      authenticationContext: { externalSessionId: session.id, rootSessionId: session.id },
      debugData: { ...refusal.debugData, sessionEnded: ended },
    }]);
  });
}

/**
 * Ends every session of a user and voids their unused sessionTokens, inside the caller's transaction: their
 * sessions in the tenant, their Help Center sessions started through it, and, for support staff (a user of a
 * support plane), the support tokens they hold in other tenants. An admin's (or the user's own) explicit clear
 * is logged as `user.session.clear` even when there was nothing to end (the decision is what is audited); a
 * clear that comes with another change (deactivation, suspension, a role granted or revoked) is logged only
 * when it ended something. Returns the ended session ids (of the tenant's own sessions).
 */
export async function clearSessionsOfUser(tx: Tx, clock: Clock, tenantId: string, audit: AuditContext, userTarget: LogTarget, why: 'admin' | 'self' | 'lifecycle' | 'privilege'): Promise<string[]> {
  const ended = await deleteSessionsOfUser(tx, tenantId, userTarget.id);
  forget(tenantId, userTarget.id, clock.now().getTime());
  const helpCenter = await endHelpCenterSessionsOfUser(tx, clock, tenantId, userTarget.id);
  const supportTokens = await revokeStaffTokens(tx, clock, tenantId, userTarget.id, audit);
  if ((why === 'lifecycle' || why === 'privilege') && ended.length + helpCenter.length + supportTokens.length === 0) return ended;
  await recordEvents(tx, clock, tenantId, audit, [{
    eventType: 'user.session.clear',
    displayMessage: 'Clear user sessions',
    target: [userTarget],
    debugData: { reason: why, endedSessionIds: ended.join(','), endedHelpCenterSessionIds: helpCenter.join(','), revokedSupportTokenIds: supportTokens.join(',') },
  }]);
  return ended;
}

/**
 * The networks (AS numbers, 0 for none known; countries) a user's sessions were started from in the last
 * `days`, leaving out `session` itself: what the user is known to sign in from, apart from the sign-in
 * being judged.
 */
export function knownNetworks(db: Db | Tx, clock: Clock, tenantId: string, session: Pick<SessionRow, 'id' | 'userId'> | { id: null; userId: string }, days: number): Promise<NetworksSeen> {
  return networksSeen(db, tenantId, session.userId, new Date(clock.now().getTime() - days * 86_400_000), session.id);
}

/** Whether the user has ever started a session. */
export function hasSignedIn(db: Db | Tx, tenantId: string, userId: string): Promise<boolean> {
  return anySignIn(db, tenantId, userId);
}

/**
 * Okta's sign-in behaviours, as its System Log writes them in `debugData.behaviors`, for the networks Bulwark
 * knows: whether the address and country are new for the user within the `known` window. Detection content
 * for Okta (Sigma's "Okta New Admin Console Behaviours") looks for POSITIVE in it.
 */
export function behaviorsOf(network: { ip: string | null; country: string | null }, known: NetworksSeen): string {
  const flag = (isNew: boolean) => (isNew ? 'POSITIVE' : 'NEGATIVE');
  const newCountry = network.country !== null && !known.countries.has(network.country);
  return `{New Geo-Location=${flag(newCountry)}, New IP=${flag(network.ip !== null && !known.ips.has(network.ip))}, New Country=${flag(newCountry)}}`;
}
