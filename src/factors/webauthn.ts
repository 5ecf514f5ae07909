import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Tx } from '#src/db/database.ts';
import { AppError, OktaErrors } from '#src/http/errors.ts';
import { newId } from '#src/lib/ids.ts';
import type { LogTarget } from '#src/syslog/log-event.ts';
import { recordEvents } from '#src/syslog/service.ts';
import type { FactorContext } from './service.ts';
import { activatedEvent, factorTarget } from './service.ts';
import {
  credentialsOfUser, findFactor, insertFactor, insertWebauthnCredential, lockCredentialById, setFactorSecret, setSignCount, updateFactor, type FactorRow,
} from './store.ts';

export const WEBAUTHN = 'webauthn';

/** The relying party a tenant's host makes: its name and RP ID (the host name), and the origin answers must come from. */
export type RelyingParty = { name: string; id: string; origin: string };

/** Passkeys only: a discoverable credential, verified by the user (PIN, biometrics), no attestation asked. */
const SELECTION = { residentKey: 'required', userVerification: 'required' } as const;
const TIMEOUT_MS = 5 * 60_000;

export const passkeyRefused = (cause: string) => new AppError(403, 'E0000068', 'Invalid Passcode/Answer', [`credential: ${cause}`]);

function sealContext(tenantId: string, factorId: string): string {
  return `webauthn-challenge:${tenantId}/${factorId}`;
}

export type PasskeyEnrollment = { factor: FactorRow; options: PublicKeyCredentialCreationOptionsJSON };

/** Starts a passkey registration: a pending factor holding its challenge, and the options for navigator.credentials.create. */
export async function enrollPasskey(ctx: FactorContext, user: LogTarget, rp: RelyingParty): Promise<PasskeyEnrollment> {
  const existing = await credentialsOfUser(ctx.db, ctx.tenantId, user.id);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.alternateId ?? user.id,
    userID: new TextEncoder().encode(user.id),
    userDisplayName: user.displayName ?? user.alternateId ?? user.id,
    timeout: TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
    authenticatorSelection: SELECTION,
  });
  const factor = await ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const id = newId('fwf');
    const row: FactorRow = {
      id, userId: user.id, factorType: WEBAUTHN, provider: 'FIDO', status: 'PENDING_ACTIVATION',
      secret: ctx.secrets.seal(options.challenge, sealContext(ctx.tenantId, id)), lastTimeStep: null, created: now, lastUpdated: now,
    };
    await insertFactor(tx, ctx.tenantId, row);
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [{
      eventType: 'user.mfa.factor.update', displayMessage: 'Update factor for user', target: [user, factorTarget(row)],
      debugData: { factorType: WEBAUTHN, provider: 'FIDO', factorStatus: 'PENDING_ACTIVATION' },
    }]);
    return row;
  });
  return { factor, options };
}

/**
 * Finishes a passkey registration with the authenticator's answer: verified, stored, ACTIVE. Used once.
 * `alsoInTransaction` runs inside the transaction that activates it (an enrollment link finishing a sign-in).
 */
export async function activatePasskey(ctx: FactorContext, user: LogTarget, factorId: string, response: RegistrationResponseJSON, rp: RelyingParty, alsoInTransaction?: (tx: Tx, factor: FactorRow, backedUp: boolean) => Promise<void>): Promise<FactorRow> {
  const pending = await findFactor(ctx.db, ctx.tenantId, user.id, factorId);
  if (!pending || pending.factorType !== WEBAUTHN) throw OktaErrors.notFound(`${factorId} (UserFactor)`);
  if (pending.status !== 'PENDING_ACTIVATION' || pending.secret === null) throw OktaErrors.wrongTransition('The factor is already active');
  if (pending.created.getTime() + TIMEOUT_MS <= ctx.clock.now().getTime()) throw passkeyRefused('the registration has expired; start it again');
  const challenge = ctx.secrets.open(pending.secret, sealContext(ctx.tenantId, pending.id));
  let verified;
  try {
    verified = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true });
  } catch (err) {
    throw passkeyRefused(err instanceof Error ? err.message : 'not a valid registration');
  }
  if (!verified.verified) throw passkeyRefused('not a valid registration');
  const info = verified.registrationInfo;
  return ctx.db.transaction().execute(async (tx) => {
    const factor = await findFactor(tx, ctx.tenantId, user.id, factorId, true);
    if (!factor || factor.status !== 'PENDING_ACTIVATION' || factor.secret !== pending.secret) throw OktaErrors.wrongTransition('The factor is already active');
    const active: FactorRow = { ...factor, status: 'ACTIVE', secret: null, lastUpdated: ctx.clock.now() };
    await updateFactor(tx, ctx.tenantId, active);
    await setFactorSecret(tx, ctx.tenantId, factor.id, null);
    await insertWebauthnCredential(tx, ctx.tenantId, {
      factorId: factor.id, credentialId: info.credential.id, publicKey: Buffer.from(info.credential.publicKey), signCount: info.credential.counter,
      transports: response.response.transports ?? [], deviceType: info.credentialDeviceType, backedUp: info.credentialBackedUp, aaguid: info.aaguid,
    });
    await recordEvents(tx, ctx.clock, ctx.tenantId, ctx.audit, [
      activatedEvent(user, active, { deviceType: info.credentialDeviceType, backedUp: info.credentialBackedUp, aaguid: info.aaguid }),
    ]);
    if (alsoInTransaction) await alsoInTransaction(tx, active, info.credentialBackedUp);
    return active;
  }).catch(async (err: unknown) => {
    // A credential id already registered in this tenant: the same authenticator twice.
    if ((err as { code?: string }).code === '23505') throw passkeyRefused('this passkey is already registered');
    throw err;
  });
}

/** Options for navigator.credentials.get: any of the user's passkeys, or (no user yet) any discoverable one. */
export async function passkeyChallenge(ctx: Pick<FactorContext, 'db' | 'tenantId'>, rp: RelyingParty, userId: string | null, challenge?: string, factorId?: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const allow = userId === null ? [] : (await credentialsOfUser(ctx.db, ctx.tenantId, userId)).filter((c) => c.factorStatus === 'ACTIVE' && (factorId === undefined || c.factorId === factorId));
  return generateAuthenticationOptions({
    rpID: rp.id, userVerification: 'required', timeout: TIMEOUT_MS, allowCredentials: allow.map((c) => ({ id: c.credentialId, transports: c.transports })),
    // The options carry a challenge as base64url; the library takes its bytes (a string would be encoded again).
    ...(challenge === undefined ? {} : { challenge: new Uint8Array(Buffer.from(challenge, 'base64url')) }),
  });
}

export type PasskeyAssertion = { userId: string; factor: FactorRow; backedUp: boolean };

/**
 * Checks an authenticator's answer to `challenge` inside the caller's transaction: a known, ACTIVE passkey of
 * this tenant (of `userId`, when the sign-in already knows its user), a valid signature by the user-verified
 * authenticator, and a sign counter that moved forward (a counter that goes back means a cloned
 * authenticator). The counter and backup state are kept. Undefined when the answer does not hold.
 */
export async function verifyPasskey(tx: Tx, tenantId: string, response: AuthenticationResponseJSON, challenge: string, rp: RelyingParty, userId: string | null): Promise<PasskeyAssertion | undefined> {
  const credential = await lockCredentialById(tx, tenantId, response.id);
  if (!credential || credential.factorStatus !== 'ACTIVE' || (userId !== null && credential.userId !== userId)) return undefined;
  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true,
      credential: { id: credential.credentialId, publicKey: new Uint8Array(credential.publicKey), counter: credential.signCount, transports: credential.transports as never },
    });
  } catch {
    return undefined;
  }
  if (!verified.verified) return undefined;
  await setSignCount(tx, tenantId, credential.factorId, verified.authenticationInfo.newCounter, verified.authenticationInfo.credentialBackedUp);
  const factor = await findFactor(tx, tenantId, credential.userId, credential.factorId);
  return factor && { userId: credential.userId, factor, backedUp: verified.authenticationInfo.credentialBackedUp };
}
