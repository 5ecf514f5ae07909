import { sql } from 'kysely';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Db, Tx } from '#src/db/database.ts';
import type { Clock } from '#src/lib/clock.ts';
import type { SecretBox } from '#src/lib/secret-box.ts';
import type { AuditContext } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { dropRetiredKeys, insertSigningKey, retireSigningKeys, signingKeys, type SigningKeyRow } from './store.ts';

/** RS256: what every relying party must accept (OpenID Connect Core 15.1), so what ID tokens are signed with. */
const ALG = 'RS256';

/** How long a rotated-out key stays published, so tokens it signed still verify and cached key sets refresh. */
export const KEY_GRACE_MS = 24 * 3_600_000;

const sealContext = (tenantId: string, kid: string) => `oidc-signing-key:${tenantId}:${kid}`;

async function newKey(now: Date, box: SecretBox, tenantId: string): Promise<SigningKeyRow> {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true, modulusLength: 2048 });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG, use: 'sig' };
  return { kid, alg: ALG, publicJwk: { ...publicJwk, kid, alg: ALG, use: 'sig' }, privateJwkSealed: box.seal(JSON.stringify(privateJwk), sealContext(tenantId, kid)), created: now, retireAfter: null };
}

/** One writer at a time per tenant, so two processes starting its provider together make one key, not two. */
async function lockKeys(tx: Tx, tenantId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`oidc-keys:${tenantId}`}))`.execute(tx);
}

/**
 * The tenant's signing keys as private JWKs, the signing key first (oidc-provider signs with the first one of
 * the algorithm): made on first use, retired ones dropped once their grace period is over.
 */
export async function tenantSigningKeys(db: Db, clock: Clock, box: SecretBox, tenantId: string): Promise<JWK[]> {
  let rows = (await signingKeys(db, tenantId)).filter((k) => k.retireAfter === null || k.retireAfter > clock.now());
  if (!rows.some((k) => k.retireAfter === null)) {
    rows = await db.transaction().execute(async (tx) => {
      await lockKeys(tx, tenantId);
      await dropRetiredKeys(tx, tenantId, clock.now());
      const current = await signingKeys(tx, tenantId);
      if (!current.some((k) => k.retireAfter === null)) await insertSigningKey(tx, tenantId, await newKey(clock.now(), box, tenantId));
      return signingKeys(tx, tenantId);
    });
  }
  const ordered = [...rows.filter((k) => k.retireAfter === null), ...rows.filter((k) => k.retireAfter !== null)];
  return ordered.map((k) => JSON.parse(box.open(k.privateJwkSealed, sealContext(tenantId, k.kid))) as JWK);
}

/**
 * A new signing key for the tenant; the previous ones keep verifying for KEY_GRACE_MS. Logged as Okta's
 * `app.oauth2.key.rollover`.
 */
export async function rotateSigningKey(db: Db, clock: Clock, box: SecretBox, tenantId: string, audit: AuditContext): Promise<{ kid: string; retiredUntil: Date }> {
  return db.transaction().execute(async (tx) => {
    await lockKeys(tx, tenantId);
    const now = clock.now();
    const retiredUntil = new Date(now.getTime() + KEY_GRACE_MS);
    await retireSigningKeys(tx, tenantId, retiredUntil);
    const key = await newKey(now, box, tenantId);
    await insertSigningKey(tx, tenantId, key);
    await recordEvents(tx, clock, tenantId, audit, [{
      eventType: 'app.oauth2.key.rollover',
      displayMessage: 'OAuth2 signing key rollover',
      target: [{ id: key.kid, type: 'Key', alternateId: key.alg, displayName: 'ID token signing key', detailEntry: null }],
      debugData: { previousKeysValidUntil: retiredUntil.toISOString() },
    }]);
    return { kid: key.kid, retiredUntil };
  });
}
