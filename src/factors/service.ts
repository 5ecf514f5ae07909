import type { Db, Tx } from '#src/db/database.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import type { Clock } from '#src/lib/clock.ts';
import { newId } from '#src/lib/ids.ts';
import type { SecretBox } from '#src/lib/secret-box.ts';
import { rulesDemandingFactorsOf } from '#src/policy/sign-on.ts';
import { factorQualifies } from '#src/policy/sign-on-rules.ts';
import { roleTypesOf } from '#src/roles/service.ts';
import type { AuditContext, EventInput, LogTarget } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { RECOVERY_CODE, RECOVERY_CODE_PROVIDER, newRecoveryCodes, recoveryCodeHash } from './recovery-codes.ts';
import {
  countRecoveryCodes, deleteFactor, deleteFactorsOfUser, factorsOfUser, findFactor, insertFactor, insertRecoveryCodes, takeRecoveryCode, updateFactor, type FactorRow,
} from './store.ts';
import { enrollmentUri, matchingStep, newTotpSecret } from './totp.ts';

export type { FactorRow };

export const TOTP = 'token:software:totp';
export const TOTP_PROVIDERS = ['GOOGLE', 'OKTA'] as const;
export type TotpProvider = (typeof TOTP_PROVIDERS)[number];

/** What factor operations run with: the tenant, the secrets key, and who is acting for the System Log. */
export type FactorContext = { db: Db; clock: Clock; tenantId: string; secrets: SecretBox; audit: AuditContext };

const DISPLAY: Record<string, string> = { GOOGLE: 'Google Authenticator', OKTA: 'Okta Verify', [RECOVERY_CODE_PROVIDER]: 'Recovery codes' };

export const invalidPasscode = () => new AppError(403, 'E0000068', 'Invalid Passcode/Answer', ['passCode: Your passcode doesn\'t match our records. Please try again.']);

export function factorTarget(f: FactorRow): LogTarget {
  return { alternateId: 'unknown', detailEntry: { methodTypeUsed: f.factorType }, displayName: DISPLAY[f.provider] ?? f.provider, id: f.id, type: 'AuthenticatorEnrollment' };
}

/** Seal context: a sealed secret opens only on its own tenant's row of its own factor. */
function sealContext(tenantId: string, factorId: string): string {
  return `factor:${tenantId}/${factorId}`;
}

/** A factor as it is shown: a set of recovery codes says how many of its codes are left. */
export type ListedFactor = FactorRow & { remaining?: number };

async function withRemaining(db: Db | Tx, tenantId: string, factors: FactorRow[]): Promise<ListedFactor[]> {
  const counts = await countRecoveryCodes(db, tenantId, factors.filter((f) => f.factorType === RECOVERY_CODE).map((f) => f.id));
  return factors.map((f) => (f.factorType === RECOVERY_CODE ? { ...f, remaining: counts.get(f.id) ?? 0 } : f));
}

export async function listFactors(db: Db, tenantId: string, userId: string): Promise<ListedFactor[]> {
  return withRemaining(db, tenantId, await factorsOfUser(db, tenantId, userId));
}

export async function getFactor(db: Db, tenantId: string, userId: string, factorId: string): Promise<ListedFactor> {
  const f = await findFactor(db, tenantId, userId, factorId);
  if (!f) throw OktaErrors.notFound(`${factorId} (UserFactor)`);
  return (await withRemaining(db, tenantId, [f]))[0] as ListedFactor;
}

/** The factors a user can answer with: ACTIVE, and for recovery codes, with a code left. */
export async function activeFactors(db: Db | Tx, tenantId: string, userId: string): Promise<FactorRow[]> {
  const active = await withRemaining(db, tenantId, (await factorsOfUser(db, tenantId, userId)).filter((f) => f.status === 'ACTIVE'));
  return active.filter((f) => f.remaining !== 0);
}

/** `user.mfa.factor.activate`: a factor is ready to use. */
export function activatedEvent(user: LogTarget, factor: FactorRow, details: Record<string, unknown> = {}): EventInput {
  return {
    eventType: 'user.mfa.factor.activate', displayMessage: 'User set up MFA factor', target: [user, factorTarget(factor)],
    debugData: { factorType: factor.factorType, provider: factor.provider, ...details },
  };
}

/** `user.mfa.factor.deactivate`: a factor is gone. */
function deactivatedEvent(user: LogTarget, factor: FactorRow, details: Record<string, unknown> = {}): EventInput {
  return {
    eventType: 'user.mfa.factor.deactivate', displayMessage: 'Reset factor for user', target: [user, factorTarget(factor)], debugData: { factorType: factor.factorType, provider: factor.provider, ...details },
  };
}

export type TotpEnrollment = { factor: FactorRow; sharedSecret: string; uri: string; qrCode: string };

/**
 * Starts a TOTP enrollment for `user` (by the user themselves: see docs/authentication.md for why admins
 * cannot). A pending enrollment of the same kind is replaced; an active one must be removed first.
 */
export async function enrollTotp(ctx: FactorContext, user: LogTarget, provider: TotpProvider, issuer: string): Promise<TotpEnrollment> {
  const sharedSecret = newTotpSecret();
  const { uri, qrCode } = await enrollmentUri(sharedSecret, issuer, user.alternateId ?? user.id);
  const factor = await ctx.db.transaction().execute(async (tx) => {
    const same = (await factorsOfUser(tx, ctx.tenantId, user.id)).find((f) => f.factorType === TOTP && f.provider === provider);
    if (same?.status === 'ACTIVE') throw OktaErrors.validation('factorType', ['factorType: A factor of this type is already set up for this user']);
    if (same) await deleteFactor(tx, ctx.tenantId, same.id);
    const now = ctx.clock.now();
    const id = newId('uft');
    const row: FactorRow = {
      id, userId: user.id, factorType: TOTP, provider, status: 'PENDING_ACTIVATION',
      secret: ctx.secrets.seal(sharedSecret, sealContext(ctx.tenantId, id)), lastTimeStep: null, created: now, lastUpdated: now,
    };
    await insertFactor(tx, ctx.tenantId, row);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: 'user.mfa.factor.update', displayMessage: 'Update factor for user', target: [user, factorTarget(row)],
      debugData: { factorType: TOTP, provider, factorStatus: 'PENDING_ACTIVATION' },
    }]);
    return row;
  });
  return { factor, sharedSecret, uri, qrCode };
}

/**
 * Checks a TOTP code against a locked factor row and moves its last accepted step on. A code is good once:
 * a step at or before the last one accepted is refused even when the code is right.
 */
async function acceptCode(tx: Tx, ctx: Pick<FactorContext, 'clock' | 'tenantId' | 'secrets'>, factor: FactorRow, passCode: string): Promise<FactorRow | undefined> {
  if (factor.secret === null) return undefined;
  const now = ctx.clock.now();
  const step = matchingStep(ctx.secrets.open(factor.secret, sealContext(ctx.tenantId, factor.id)), passCode, now);
  if (step === undefined || (factor.lastTimeStep !== null && step <= factor.lastTimeStep)) return undefined;
  const updated: FactorRow = { ...factor, lastTimeStep: step, lastUpdated: now };
  await updateFactor(tx, ctx.tenantId, updated);
  return updated;
}

/**
 * Activates a pending TOTP factor with a current code from the user's app. `alsoInTransaction` runs in the
 * same transaction once the factor is active (a sign-in that set the factor up finishes there).
 */
export async function activateTotp(ctx: FactorContext, user: LogTarget, factorId: string, passCode: string, alsoInTransaction?: (tx: Tx, factor: FactorRow) => Promise<void>): Promise<FactorRow> {
  return ctx.db.transaction().execute(async (tx) => {
    const factor = await findFactor(tx, ctx.tenantId, user.id, factorId, true);
    if (!factor) throw OktaErrors.notFound(`${factorId} (UserFactor)`);
    if (factor.status !== 'PENDING_ACTIVATION') throw OktaErrors.wrongTransition('The factor is already active');
    const accepted = await acceptCode(tx, ctx, factor, passCode);
    if (!accepted) throw invalidPasscode();
    const active: FactorRow = { ...accepted, status: 'ACTIVE' };
    await updateFactor(tx, ctx.tenantId, active);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [activatedEvent(user, active)]);
    await alsoInTransaction?.(tx, active);
    return active;
  });
}

/**
 * A sign-in's second step: the code against one of the user's ACTIVE factors (a TOTP code, or one of a set
 * of recovery codes, which is used up), inside the caller's transaction. Returns the factor on success; the
 * caller logs the outcome either way.
 */
export async function verifyFactorCode(tx: Tx, ctx: Pick<FactorContext, 'clock' | 'tenantId' | 'secrets'>, userId: string, factorId: string, passCode: string): Promise<{ factor: FactorRow | undefined; ok: boolean }> {
  const factor = await findFactor(tx, ctx.tenantId, userId, factorId, true);
  if (!factor || factor.status !== 'ACTIVE') return { factor: undefined, ok: false };
  if (factor.factorType === RECOVERY_CODE) {
    const hash = recoveryCodeHash(passCode);
    return { factor, ok: hash !== undefined && (await takeRecoveryCode(tx, ctx.tenantId, factor.id, hash)) };
  }
  const accepted = await acceptCode(tx, ctx, factor, passCode);
  return { factor, ok: accepted !== undefined };
}

export type RecoveryCodeSet = { factor: ListedFactor; codes: string[] };

/**
 * Gives the user a new set of recovery codes, shown this once (only their hashes are kept), and ACTIVE at
 * once: there is nothing to confirm, the user has just been handed the codes. An earlier set is replaced: its
 * factor is removed, codes and all, and a new one made, so the System Log tells the two sets apart.
 */
export async function enrollRecoveryCodes(ctx: FactorContext, user: LogTarget): Promise<RecoveryCodeSet> {
  const codes = newRecoveryCodes();
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const events: EventInput[] = [];
    for (const earlier of (await factorsOfUser(tx, ctx.tenantId, user.id)).filter((f) => f.factorType === RECOVERY_CODE)) {
      await deleteFactor(tx, ctx.tenantId, earlier.id);
      events.push(deactivatedEvent(user, earlier));
    }
    const factor: FactorRow = {
      id: newId('rcf'), userId: user.id, factorType: RECOVERY_CODE, provider: RECOVERY_CODE_PROVIDER, status: 'ACTIVE', secret: null, lastTimeStep: null, created: now, lastUpdated: now,
    };
    await insertFactor(tx, ctx.tenantId, factor);
    await insertRecoveryCodes(tx, ctx.tenantId, factor.id, codes.map((c) => recoveryCodeHash(c) as string));
    events.push(activatedEvent(user, factor, { codes: codes.length }));
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, events);
    return { factor: { ...factor, remaining: codes.length }, codes };
  }).catch((err: unknown) => {
    // Two sets made at the same moment: the one-set-per-user index lets one of them through.
    if ((err as { code?: string }).code === '23505') throw OktaErrors.validation('factorType', ['factorType: recovery codes are being made for this user; try again']);
    throw err;
  });
}

const keepFactor = (cause: string) => new AppError(403, 'E0000006', 'You do not have permission to perform the requested action', [cause]);

/**
 * Why the user may not remove `factor` themselves, or null: it is their last passkey and a rule that applies
 * to them asks for one (an admin's admin console always does), or their last factor and a rule asks for a
 * second factor. Removing it would lock them out of what they sign in to, or leave them to set up a weaker
 * factor at their next sign-in. A pending factor never counts, so it may always go.
 */
async function removalProblem(tx: Tx, tenantId: string, user: LogTarget, factor: FactorRow): Promise<string | null> {
  if (factor.status !== 'ACTIVE') return null;
  const others = (await activeFactors(tx, tenantId, user.id)).filter((f) => f.id !== factor.id);
  const isAdmin = (await roleTypesOf(tx, tenantId, user.id)).size > 0;
  const rules = await rulesDemandingFactorsOf(tx, tenantId, user.id, isAdmin);
  // A passkey rule first: its advice (another passkey) is the narrower one.
  const byStrictness = [...rules].sort((a, b) => Number(b.actions.signon.phishingResistant === 'REQUIRED') - Number(a.actions.signon.phishingResistant === 'REQUIRED'));
  for (const rule of byStrictness) {
    const a = rule.actions.signon;
    if (!factorQualifies(factor.factorType, a) || others.some((f) => factorQualifies(f.factorType, a))) continue;
    return a.phishingResistant === 'REQUIRED'
      ? `factor: This is your last passkey, and the sign-on rule "${rule.name}" asks for one. Add another passkey first, then remove this one.`
      : `factor: This is your last security method, and the sign-on rule "${rule.name}" asks for one at sign-in. Add another method first, then remove this one.`;
  }
  return null;
}

/**
 * An admin's reset decided inside its own transaction (verification/gate.ts): throws if it may not happen, else
 * returns what the reset's event carries of it.
 */
export type AdminReset = (tx: Tx) => Promise<Record<string, unknown>>;

/**
 * Removes one factor: the user's own removal (`by` 'self'), or an admin's reset, which `by` allows or refuses
 * first, in the same transaction. The user's own is refused, with nothing changed or logged, when it would
 * leave them unable to meet a sign-on rule that applies to them (see removalProblem); an admin's is not, since
 * it exists for a user who lost their factor.
 */
export async function removeFactor(ctx: FactorContext, user: LogTarget, factorId: string, by: 'self' | AdminReset): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const self = by === 'self';
    let details: Record<string, unknown> = {};
    // All the user's factors locked, in one order: two removals at once cannot each leave the other's as the last.
    if (self) await factorsOfUser(tx, ctx.tenantId, user.id, true);
    else details = await by(tx);
    const factor = await findFactor(tx, ctx.tenantId, user.id, factorId, true);
    if (!factor) throw OktaErrors.notFound(`${factorId} (UserFactor)`);
    const problem = self ? await removalProblem(tx, ctx.tenantId, user, factor) : null;
    if (problem !== null) throw keepFactor(problem);
    await deleteFactor(tx, ctx.tenantId, factor.id);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [deactivatedEvent(user, factor, details)]);
  });
}

/**
 * Removes every factor of a user inside the caller's transaction (an admin's reset of all factors); `details`
 * go into the event (the verification of the person it used, if any).
 */
export async function resetAllFactors(tx: Tx, clock: Clock, tenantId: string, audit: AuditContext, user: LogTarget, details: Record<string, unknown> = {}): Promise<number> {
  const removed = await deleteFactorsOfUser(tx, tenantId, user.id);
  const event: EventInput = {
    eventType: 'user.mfa.factor.reset_all', displayMessage: 'Reset all factors for user', target: [user, ...removed.map(factorTarget)],
    ...(Object.keys(details).length === 0 ? {} : { debugData: details }),
  };
  await recordEvents(tx, clock, tenantId, audit, [event]);
  return removed.length;
}
