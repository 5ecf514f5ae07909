import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Db, Tx } from '#src/db/database.ts';
import { passkeyChallenge, verifyPasskey, type RelyingParty } from '#src/factors/webauthn.ts';
import type { TenantRef } from '#src/http/tenant-host.ts';
import type { Clock } from '#src/lib/clock.ts';
import { sha256Hex } from '#src/lib/secrets.ts';
import type { AuditContext, LogActor } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import { lookupUser, userTarget, type UserRow } from '#src/users/service.ts';
import { VerificationErrors } from './errors.ts';
import { verificationTarget } from './gate.ts';
import { statusOf, USABLE_FOR_MS, type VerificationRow } from './service.ts';
import { decideVerification, findByLink, setChallenge } from './store.ts';

/** What the user's page runs with: no principal, only the tenant its host names and the link's token. */
export type LinkContext = { db: Db; clock: Clock; tenant: TenantRef; rp: RelyingParty; audit(actor: LogActor): AuditContext };

/**
 * The verification a link's token stands for, locked, still waiting for its user, with that user. A token that
 * names nothing in this organization is 404; one whose verification is over (verified, denied, used, expired) 400.
 */
async function openLink(tx: Tx, ctx: LinkContext, token: string): Promise<{ v: VerificationRow; user: UserRow }> {
  const v = await findByLink(tx, ctx.tenant.id, sha256Hex(token), true);
  const user = v && (await lookupUser(tx, ctx.tenant.id, v.userId));
  if (!v || !user) throw VerificationErrors.linkNotFound();
  const status = statusOf(v, ctx.clock.now());
  if (status !== 'PENDING') throw VerificationErrors.invalid('token', `this verification is ${status}; if you are still asked to verify, ask for a new link`);
  return { v, user };
}

export type LinkChallenge = { verification: VerificationRow; user: UserRow; challenge: PublicKeyCredentialRequestOptionsJSON };

/**
 * The user's page opens the link: a WebAuthn challenge for the user's own passkeys, kept on the verification (a
 * step of the ceremony, not logged; its answer is). A new one replaces the one before.
 */
export async function challengeLink(ctx: LinkContext, token: string): Promise<LinkChallenge> {
  return ctx.db.transaction().execute(async (tx) => {
    const { v, user } = await openLink(tx, ctx, token);
    const challenge = await passkeyChallenge({ db: ctx.db, tenantId: ctx.tenant.id }, ctx.rp, user.id);
    if ((challenge.allowCredentials ?? []).length === 0) throw VerificationErrors.invalid('token', 'your account has no passkey any more; ask your help desk for another way to verify');
    await setChallenge(tx, ctx.tenant.id, v.id, challenge.challenge);
    return { verification: v, user, challenge };
  });
}

/**
 * The user answers the challenge with one of their own passkeys: the verification is VERIFIED, by the user, and
 * good for USABLE_FOR_MS. A wrong answer changes nothing but the System Log (outcome DENY): the link stays
 * usable by its user, and whoever else holds it learns nothing.
 */
export async function answerLink(ctx: LinkContext, token: string, credential: AuthenticationResponseJSON): Promise<VerificationRow> {
  const outcome = await ctx.db.transaction().execute(async (tx): Promise<{ verified: VerificationRow } | { failed: true }> => {
    const { v, user } = await openLink(tx, ctx, token);
    if (v.challenge === null) throw VerificationErrors.invalid('token', 'ask for a challenge first');
    const asserted = await verifyPasskey(tx, ctx.tenant.id, credential, v.challenge, ctx.rp, user.id);
    const actor = userTarget(user);
    const base = { target: [actor, verificationTarget(v)], authenticationContext: { authenticationProvider: 'FACTOR_PROVIDER', credentialType: 'ASSERTION' } };
    const debugData = { verificationId: v.id, action: v.action, method: v.method, requestedBy: v.requestedBy.name };
    if (!asserted) {
      await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(actor), [{
        ...base, eventType: 'bulwark.user.verification.verify', displayMessage: 'Verification of the person by passkey refused', severity: 'WARN',
        outcome: { result: 'DENY', reason: 'PASSKEY_NOT_VERIFIED' }, debugData,
      }]);
      return { failed: true };
    }
    const now = ctx.clock.now();
    const decision = { by: { id: user.id, name: actor.displayName ?? actor.alternateId ?? user.id }, at: now, statement: null };
    const useBy = new Date(now.getTime() + USABLE_FOR_MS);
    await decideVerification(tx, ctx.tenant.id, v.id, { status: 'VERIFIED', ...decision, useBy });
    await recordEvents(tx, ctx.clock, ctx.tenant.id, ctx.audit(actor), [{
      ...base, eventType: 'bulwark.user.verification.verify', displayMessage: 'The person verified themselves with their passkey',
      debugData: { ...debugData, factorId: asserted.factor.id, useBy: useBy.toISOString() },
    }]);
    return { verified: { ...v, status: 'VERIFIED', decision, useBy, challenge: null } };
  });
  if ('failed' in outcome) throw VerificationErrors.passkeyRefused();
  return outcome.verified;
}
