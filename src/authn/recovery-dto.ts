import { embeddedUser } from './dto.ts';
import type { RecoveryOutcome } from './recovery.ts';

const POST = { allow: ['POST'] };

/**
 * A recovery as Okta's authentication transaction object. RECOVERY links to the new password. A
 * RECOVERY_CHALLENGE links to the verify route of the factor type asked for, or (none asked for) to the
 * route templated by type; only one opened by an admin's token shows its user and the factors that may answer.
 */
export function toRecoveryTransaction(outcome: RecoveryOutcome, base: string, relayState: string | undefined) {
  const common = {
    stateToken: outcome.stateToken,
    expiresAt: outcome.expiresAt.toISOString(),
    status: outcome.status,
    recoveryType: 'PASSWORD',
    ...(relayState === undefined ? {} : { relayState }),
  };
  if (outcome.status === 'RECOVERY') {
    return {
      ...common,
      _embedded: { user: embeddedUser(outcome.user) },
      _links: { next: { name: 'resetPassword', href: `${base}/api/v1/authn/credentials/reset_password`, hints: POST } },
    };
  }
  const verify = (factorType: string) => `${base}/api/v1/authn/recovery/factors/${factorType}/verify`;
  const known = outcome.user === null ? {} : {
    user: embeddedUser(outcome.user),
    factors: outcome.factors.map((f) => ({
      id: f.id, factorType: f.factorType, provider: f.provider, vendorName: f.provider, _links: { verify: { href: verify(f.factorType), hints: POST } },
    })),
  };
  return {
    ...common,
    factorResult: 'WAITING',
    ...(outcome.factorType === null ? {} : { factorType: outcome.factorType }),
    _embedded: { ...known, ...(outcome.challenge === null ? {} : { challenge: outcome.challenge }) },
    _links: {
      next: outcome.factorType === null
        ? { name: 'verify', href: verify('{factorType}'), templated: true, hints: POST }
        : { name: 'verify', href: verify(outcome.factorType), hints: POST },
    },
  };
}
