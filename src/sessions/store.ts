import type { Executor, Tx } from '#src/db/database.ts';

export type SessionRow = {
  id: string;
  userId: string;
  amr: string[];
  created: Date;
  lastPasswordVerification: Date | null;
  lastFactorVerification: Date | null;
  lastSeen: Date;
  expiresAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
  /** The network the session was started from. */
  asn: number | null;
  asOrg: string | null;
  country: string | null;
  /** An admin session's device key, whose proofs its requests carry; null for any other session. */
  device: DeviceKey | null;
  /** When the session's user last proved a passkey (the sign-in, or a step-up since). */
  lastPhishingResistant: Date | null;
} & SessionGrant;

/** A browser's public key (JWK) and its RFC 7638 thumbprint. */
export type DeviceKey = { jkt: string; jwk: Record<string, string> };

/** What a sign-in's sign-on rule gave the session it ends in: the app it is for, and how long it may last. */
export type SessionGrant = { app: string; idleMinutes: number; maxMinutes: number };

const columns = [
  'id', 'user_id', 'amr', 'created', 'last_password_verification', 'last_factor_verification', 'last_seen', 'expires_at', 'ip_address', 'user_agent', 'asn', 'as_org', 'country',
  'app', 'idle_minutes', 'max_minutes', 'device_jkt', 'device_jwk', 'last_phishing_resistant',
] as const;

type Selected = {
  id: string; user_id: string; amr: string[]; created: Date; last_password_verification: Date | null; last_factor_verification: Date | null;
  last_seen: Date; expires_at: Date; ip_address: string | null; user_agent: string | null; asn: number | null; as_org: string | null; country: string | null;
  app: string; idle_minutes: number; max_minutes: number; device_jkt: string | null; device_jwk: Record<string, string> | null; last_phishing_resistant: Date | null;
};

function toRow(r: Selected): SessionRow {
  return {
    id: r.id,
    userId: r.user_id,
    amr: r.amr,
    created: r.created,
    lastPasswordVerification: r.last_password_verification,
    lastFactorVerification: r.last_factor_verification,
    lastSeen: r.last_seen,
    expiresAt: r.expires_at,
    ipAddress: r.ip_address,
    userAgent: r.user_agent,
    asn: r.asn,
    asOrg: r.as_org,
    country: r.country,
    app: r.app,
    idleMinutes: r.idle_minutes,
    maxMinutes: r.max_minutes,
    device: r.device_jkt !== null && r.device_jwk !== null ? { jkt: r.device_jkt, jwk: r.device_jwk } : null,
    lastPhishingResistant: r.last_phishing_resistant,
  };
}

export type SessionTokenRow = { userId: string; amr: string[]; created: Date; expiresAt: Date } & SessionGrant;

export async function insertSessionToken(tx: Tx, tenantId: string, tokenHash: string, t: SessionTokenRow): Promise<void> {
  await tx.insertInto('session_tokens').values({
    tenant_id: tenantId, token_hash: tokenHash, user_id: t.userId, amr: t.amr, created: t.created, expires_at: t.expiresAt, app: t.app, idle_minutes: t.idleMinutes, max_minutes: t.maxMinutes,
  }).execute();
}

/** Deletes the sessionToken and returns what it stood for: a second caller with the same token gets nothing. */
export async function takeSessionToken(tx: Tx, tenantId: string, tokenHash: string): Promise<SessionTokenRow | undefined> {
  const row = await tx.deleteFrom('session_tokens').where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash)
    .returning(['user_id', 'amr', 'created', 'expires_at', 'app', 'idle_minutes', 'max_minutes']).executeTakeFirst();
  return row && { userId: row.user_id, amr: row.amr, created: row.created, expiresAt: row.expires_at, app: row.app, idleMinutes: row.idle_minutes, maxMinutes: row.max_minutes };
}

export async function insertSession(tx: Tx, tenantId: string, tokenHash: string, s: SessionRow): Promise<void> {
  await tx.insertInto('sessions').values({
    tenant_id: tenantId,
    id: s.id,
    token_hash: tokenHash,
    user_id: s.userId,
    amr: s.amr,
    created: s.created,
    last_password_verification: s.lastPasswordVerification,
    last_factor_verification: s.lastFactorVerification,
    last_seen: s.lastSeen,
    expires_at: s.expiresAt,
    ip_address: s.ipAddress,
    user_agent: s.userAgent,
    asn: s.asn,
    as_org: s.asOrg,
    country: s.country,
    app: s.app,
    idle_minutes: s.idleMinutes,
    max_minutes: s.maxMinutes,
    device_jkt: s.device?.jkt ?? null,
    device_jwk: s.device ? JSON.stringify(s.device.jwk) : null,
    last_phishing_resistant: s.lastPhishingResistant,
  }).execute();
  await tx.insertInto('sign_in_networks').values({
    tenant_id: tenantId, user_id: s.userId, session_id: s.id, ip_address: s.ipAddress, asn: s.asn, country: s.country, seen_at: s.created,
  }).execute();
}

export type NetworksSeen = { ips: Set<string>; asns: Set<number>; countries: Set<string> };

/** The addresses, AS numbers (0: none known) and countries a user's sessions were started from since `since`, but for one session. */
export async function networksSeen(db: Executor, tenantId: string, userId: string, since: Date, exceptSessionId: string | null): Promise<NetworksSeen> {
  let q = db.selectFrom('sign_in_networks').select(['ip_address', 'asn', 'country'])
    .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('seen_at', '>=', since);
  if (exceptSessionId !== null) q = q.where('session_id', '<>', exceptSessionId);
  const rows = await q.execute();
  return {
    ips: new Set(rows.map((r) => r.ip_address).filter((ip): ip is string => ip !== null)),
    asns: new Set(rows.map((r) => r.asn ?? 0)),
    countries: new Set(rows.map((r) => r.country).filter((c): c is string => c !== null)),
  };
}

export async function anySignIn(db: Executor, tenantId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('sign_in_networks').select('session_id').where('tenant_id', '=', tenantId).where('user_id', '=', userId).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function findSessionByTokenHash(db: Executor, tenantId: string, tokenHash: string): Promise<SessionRow | undefined> {
  const row = await db.selectFrom('sessions').select(columns).where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).executeTakeFirst();
  return row && toRow(row);
}

export async function findSessionById(db: Executor, tenantId: string, id: string, lock = false): Promise<SessionRow | undefined> {
  const q = db.selectFrom('sessions').select(columns).where('tenant_id', '=', tenantId).where('id', '=', id);
  const row = await (lock ? q.forUpdate() : q).executeTakeFirst();
  return row && toRow(row);
}

export async function setSessionTimes(db: Executor, tenantId: string, id: string, lastSeen: Date, expiresAt: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen: lastSeen, expires_at: expiresAt }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** A stepped-up session: a new cookie (its hash) and the time of the passkey that did it. */
export async function setSessionStepUp(tx: Tx, tenantId: string, id: string, tokenHash: string, at: Date): Promise<void> {
  await tx.updateTable('sessions').set({ token_hash: tokenHash, last_phishing_resistant: at, last_factor_verification: at })
    .where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function deleteSession(tx: Tx, tenantId: string, id: string): Promise<boolean> {
  const result = await tx.deleteFrom('sessions').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Ends every session of a user, and voids their unused sessionTokens; the ids of the sessions ended. */
export async function deleteSessionsOfUser(tx: Tx, tenantId: string, userId: string): Promise<string[]> {
  await tx.deleteFrom('session_tokens').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
  const rows = await tx.deleteFrom('sessions').where('tenant_id', '=', tenantId).where('user_id', '=', userId).returning('id').execute();
  return rows.map((r) => r.id).sort();
}

/** A user's live sessions, newest first. */
export async function liveSessionsOfUser(db: Executor, tenantId: string, userId: string, now: Date): Promise<SessionRow[]> {
  const rows = await db.selectFrom('sessions').select(columns).where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('expires_at', '>', now)
    .orderBy('created', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toRow);
}
