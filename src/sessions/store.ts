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
};

const columns = ['id', 'user_id', 'amr', 'created', 'last_password_verification', 'last_factor_verification', 'last_seen', 'expires_at', 'ip_address', 'user_agent', 'asn', 'as_org', 'country'] as const;

type Selected = {
  id: string; user_id: string; amr: string[]; created: Date; last_password_verification: Date | null; last_factor_verification: Date | null;
  last_seen: Date; expires_at: Date; ip_address: string | null; user_agent: string | null; asn: number | null; as_org: string | null; country: string | null;
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
  };
}

export type SessionTokenRow = { userId: string; amr: string[]; created: Date; expiresAt: Date };

export async function insertSessionToken(tx: Tx, tenantId: string, tokenHash: string, t: SessionTokenRow): Promise<void> {
  await tx.insertInto('session_tokens').values({ tenant_id: tenantId, token_hash: tokenHash, user_id: t.userId, amr: t.amr, created: t.created, expires_at: t.expiresAt }).execute();
}

/** Deletes the sessionToken and returns what it stood for: a second caller with the same token gets nothing. */
export async function takeSessionToken(tx: Tx, tenantId: string, tokenHash: string): Promise<SessionTokenRow | undefined> {
  const row = await tx.deleteFrom('session_tokens').where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash)
    .returning(['user_id', 'amr', 'created', 'expires_at']).executeTakeFirst();
  return row && { userId: row.user_id, amr: row.amr, created: row.created, expiresAt: row.expires_at };
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
  }).execute();
  await tx.insertInto('sign_in_networks').values({
    tenant_id: tenantId, user_id: s.userId, session_id: s.id, ip_address: s.ipAddress, asn: s.asn, country: s.country, seen_at: s.created,
  }).execute();
}

/** The AS numbers (0: none known) and countries a user's sessions were started from since `since`, but for one session. */
export async function networksSeen(db: Executor, tenantId: string, userId: string, since: Date, exceptSessionId: string): Promise<{ asns: Set<number>; countries: Set<string> }> {
  const rows = await db.selectFrom('sign_in_networks').select(['asn', 'country'])
    .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('seen_at', '>=', since).where('session_id', '<>', exceptSessionId)
    .execute();
  return {
    asns: new Set(rows.map((r) => r.asn ?? 0)),
    countries: new Set(rows.map((r) => r.country).filter((c): c is string => c !== null)),
  };
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
