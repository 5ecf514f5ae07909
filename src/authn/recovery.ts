import type { Db, Tx } from '#src/db/database.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import { newSecret, sha256Hex } from '#src/lib/secrets.ts';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { RECOVERY_CODE } from '#src/factors/recovery-codes.ts';
import { activeFactors, TOTP, type FactorRow } from '#src/factors/service.ts';
import { passkeyChallenge, WEBAUTHN } from '#src/factors/webauthn.ts';
import { roleTypesOf } from '#src/roles/service.ts';
import type { EventInput } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { lookupUser, userTarget, type UserRow } from '#src/users/service.ts';
import { lockUserForSignIn } from '#src/users/sign-in.ts';
import { deleteLinksOf, findRecoveryTransaction, insertRecoveryTransaction, lockLink, type RecoveryTransactionRow } from './store.ts';
import { STATE_TOKEN_TTL_MS, type SignInContext } from './transaction.ts';

/**
 * Where a recovery stands, as its transaction object shows it. A self-service RECOVERY_CHALLENGE names no user
 * and no factors (`user` null): it looks the same whoever was named, so that it tells nobody who exists. One
 * opened by an admin's recovery token for a privileged user names the user and the factors that may answer.
 */
export type RecoveryOutcome =
  | { status: 'RECOVERY_CHALLENGE'; stateToken: string; expiresAt: Date; factorType: string | null; user: UserRow | null; factors: FactorRow[]; challenge: PublicKeyCredentialRequestOptionsJSON | null }
  | { status: 'RECOVERY'; stateToken: string; expiresAt: Date; user: UserRow };

/** The statuses a password can be recovered from: a locked account too (recovery unlocks it), never a suspended or deactivated one. */
export const RECOVERABLE: ReadonlySet<string> = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY', 'LOCKED_OUT']);

/** The factor types that may answer a recovery: Bulwark's (Okta's EMAIL, SMS and CALL need a delivery Bulwark does not have). */
export const RECOVERY_FACTOR_TYPES = [TOTP, WEBAUTHN, RECOVERY_CODE] as const;

const privilegedRefused = () => new AppError(403, 'E0000006', 'You do not have permission to perform the requested action', [
  'recoveryToken: an administrator\'s password is recovered only together with one of their factors, and this account has none. Ask another administrator for an enrollment link.',
]);

/** `bulwark.user.recovery_token.use`: a recovery token was opened, or refused to an administrator without a factor. */
function tokenUsedEvent(user: UserRow, refused: boolean): EventInput {
  return {
    eventType: 'bulwark.user.recovery_token.use',
    displayMessage: 'Open a password recovery link',
    severity: refused ? 'WARN' : 'INFO',
    outcome: refused ? { result: 'DENY', reason: 'Privileged account without a factor' } : { result: 'SUCCESS' },
    target: [userTarget(user)],
  };
}

async function openRecovery(tx: Tx, ctx: SignInContext, t: Omit<RecoveryTransactionRow, 'created' | 'expiresAt'>, now: Date): Promise<{ stateToken: string; expiresAt: Date }> {
  const stateToken = `00${newSecret(30)}`;
  const expiresAt = new Date(now.getTime() + STATE_TOKEN_TTL_MS);
  await insertRecoveryTransaction(tx, ctx.tenant.id, sha256Hex(stateToken), { ...t, created: now, expiresAt });
  return { stateToken, expiresAt };
}

/** The live recovery a stateToken names, or Okta's invalid-token error. */
export async function liveRecovery(db: Db | Tx, ctx: SignInContext, stateToken: string, lock: boolean): Promise<RecoveryTransactionRow> {
  const t = await findRecoveryTransaction(db, ctx.tenant.id, sha256Hex(stateToken), lock);
  if (!t || t.expiresAt.getTime() <= ctx.clock.now().getTime()) throw OktaErrors.invalidToken();
  return t;
}

/** A RECOVERY_CHALLENGE as its requester may see it: a self-service one shows nothing of the user. */
export async function challengeOutcome(db: Db | Tx, ctx: SignInContext, t: RecoveryTransactionRow, stateToken: string, challenge: PublicKeyCredentialRequestOptionsJSON | null): Promise<RecoveryOutcome> {
  const base = { status: 'RECOVERY_CHALLENGE' as const, stateToken, expiresAt: t.expiresAt, factorType: t.factorType, challenge };
  const user = t.selfService || t.userId === null ? undefined : await lookupUser(db, ctx.tenant.id, t.userId);
  if (!user) return { ...base, user: null, factors: [] };
  return { ...base, user, factors: await activeFactors(db, ctx.tenant.id, user.id) };
}

/**
 * Opens an admin's recovery token (POST /api/v1/authn/recovery/token). For most users the token is enough:
 * RECOVERY, a new password next. A user who holds any admin role must also answer one of their factors
 * (RECOVERY_CHALLENGE): a link alone, mailed or handed over by a help desk, must never be enough to take
 * over an administrator. One without any factor is refused, the token left as it was and the attempt logged.
 */
export async function openRecoveryToken(ctx: SignInContext, recoveryToken: string): Promise<RecoveryOutcome> {
  const attempt = await ctx.db.transaction().execute(async (tx): Promise<{ outcome: RecoveryOutcome } | { refused: true }> => {
    const now = ctx.clock.now();
    const link = await lockLink(tx, 'recovery_tokens', ctx.tenant.id, sha256Hex(recoveryToken));
    const user = link && link.expiresAt.getTime() > now.getTime() ? await lookupUser(tx, ctx.tenant.id, link.userId) : undefined;
    if (!user || !RECOVERABLE.has(user.status)) throw OktaErrors.invalidToken();
    const privileged = (await roleTypesOf(tx, ctx.tenant.id, user.id)).size > 0;
    const factors = privileged ? await activeFactors(tx, ctx.tenant.id, user.id) : [];
    const audit = ctx.audit(userTarget(user));
    if (privileged && factors.length === 0) {
      await recordEvents(tx, ctx.clock, ctx.tenant.id, audit, [tokenUsedEvent(user, true)]);
      return { refused: true };
    }
    await deleteLinksOf(tx, 'recovery_tokens', ctx.tenant.id, user.id);
    await recordEvents(tx, ctx.clock, ctx.tenant.id, audit, [tokenUsedEvent(user, false)]);
    const status = privileged ? 'RECOVERY_CHALLENGE' : 'RECOVERY';
    const opened = await openRecovery(tx, ctx, { userId: user.id, status, selfService: false, factorType: null, amr: [], challenge: null }, now);
    if (status === 'RECOVERY') return { outcome: { status, user, ...opened } };
    return { outcome: { status, user, factors, factorType: null, challenge: null, ...opened } };
  });
  if ('refused' in attempt) throw privilegedRefused();
  return attempt.outcome;
}

/**
 * Starts a self-service recovery (POST /api/v1/authn/recovery/password). The answer is the same
 * RECOVERY_CHALLENGE whether the username names a user or not, whatever their state or factors, after the
 * same work (one locking lookup, one insert): the transaction remembers whom it found, and only a right answer
 * from one of that user's factors moves it on. Nothing is logged yet; the answer is.
 */
export async function startSelfServiceRecovery(ctx: SignInContext, username: string, factorType: string | null): Promise<RecoveryOutcome> {
  return ctx.db.transaction().execute(async (tx) => {
    const user = await lockUserForSignIn(tx, ctx.tenant.id, 'login', username);
    const opened = await openRecovery(tx, ctx, { userId: user?.id ?? null, status: 'RECOVERY_CHALLENGE', selfService: true, factorType, amr: [], challenge: null }, ctx.clock.now());
    return { status: 'RECOVERY_CHALLENGE', factorType, user: null, factors: [], challenge: null, ...opened };
  });
}

/**
 * The current state of a recovery (POST /api/v1/authn with its stateToken), or undefined when the stateToken
 * is not a recovery's. A passkey challenge already issued is shown again, the same one.
 */
export async function recoveryState(ctx: SignInContext, stateToken: string): Promise<RecoveryOutcome | undefined> {
  const t = await findRecoveryTransaction(ctx.db, ctx.tenant.id, sha256Hex(stateToken));
  if (!t) return undefined;
  if (t.expiresAt.getTime() <= ctx.clock.now().getTime()) throw OktaErrors.invalidToken();
  if (t.status === 'RECOVERY') {
    const user = t.userId === null ? undefined : await lookupUser(ctx.db, ctx.tenant.id, t.userId);
    if (!user) throw OktaErrors.invalidToken();
    return { status: 'RECOVERY', stateToken, expiresAt: t.expiresAt, user };
  }
  const challenge = t.challenge === null ? null : await passkeyChallenge({ db: ctx.db, tenantId: ctx.tenant.id }, ctx.rp, t.selfService ? null : t.userId, t.challenge);
  return challengeOutcome(ctx.db, ctx, t, stateToken, challenge);
}
