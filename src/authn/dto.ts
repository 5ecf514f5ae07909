import { OktaErrors } from '#src/http/errors.ts';
import { activationOf } from '#src/factors/dto.ts';
import type { UserRow } from '#src/users/service.ts';
import type { AuthnOutcome } from './transaction.ts';

/** The password rules an expired-password screen shows (Okta's default policy, as users/password.ts checks it). */
const PASSWORD_POLICY = {
  expiration: { passwordExpireDays: 0 },
  complexity: { minLength: 8, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 0, excludeUsername: true },
  age: { minAgeMinutes: 0, historyCount: 0 },
};

/** The user as an authentication transaction embeds it: identity and names only, never credentials. */
export function embeddedUser(user: UserRow) {
  const p = user.profile;
  return {
    id: user.id,
    passwordChanged: user.passwordChanged?.toISOString() ?? null,
    profile: {
      login: p['login'] ?? null,
      firstName: p['firstName'] ?? null,
      lastName: p['lastName'] ?? null,
      locale: p['locale'] ?? 'en_US',
      timeZone: p['timezone'] ?? 'America/Los_Angeles',
    },
  };
}

/** Okta's authentication transaction object (Classic Authentication API). */
export function toAuthnTransaction(outcome: AuthnOutcome, base: string, relayState: string | undefined) {
  // A refusal is written to the System Log with the rest of the step; only then does it become the error.
  if (outcome.status === 'DENIED') throw OktaErrors.policyDenied(outcome.cause);
  const common = { expiresAt: outcome.expiresAt.toISOString(), status: outcome.status, ...(relayState === undefined ? {} : { relayState }) };
  if (outcome.status === 'SUCCESS') {
    return { ...common, sessionToken: outcome.sessionToken, _embedded: { user: embeddedUser(outcome.user) } };
  }
  if (outcome.status === 'MFA_ENROLL_ACTIVATE') {
    return {
      stateToken: outcome.stateToken,
      ...common,
      factorResult: 'WAITING',
      _embedded: {
        user: embeddedUser(outcome.user),
        factor: {
          id: outcome.factor.id, factorType: outcome.factor.factorType, provider: outcome.factor.provider, vendorName: outcome.factor.provider, status: 'PENDING_ACTIVATION',
          _embedded: { activation: activationOf(outcome.enrollment) },
        },
      },
      _links: { next: { name: 'activate', href: `${base}/api/v1/authn/factors/${outcome.factor.id}/lifecycle/activate`, hints: { allow: ['POST'] } } },
    };
  }
  if (outcome.status === 'MFA_CHALLENGE') {
    const verify = outcome.factor === null ? `${base}/api/v1/authn/passkey/verify` : `${base}/api/v1/authn/factors/${outcome.factor.id}/verify`;
    return {
      stateToken: outcome.stateToken,
      ...common,
      _embedded: {
        ...(outcome.user === null ? {} : { user: embeddedUser(outcome.user) }),
        ...(outcome.factor === null ? {} : { factor: { id: outcome.factor.id, factorType: outcome.factor.factorType, provider: outcome.factor.provider, vendorName: outcome.factor.provider } }),
        challenge: outcome.challenge,
      },
      _links: { next: { name: 'verify', href: verify, hints: { allow: ['POST'] } } },
    };
  }
  if (outcome.status === 'MFA_ENROLL') {
    return {
      stateToken: outcome.stateToken,
      ...common,
      _embedded: {
        user: embeddedUser(outcome.user),
        factors: outcome.factorTypes.map((f) => ({
          factorType: f.factorType,
          provider: f.provider,
          vendorName: f.provider,
          status: 'NOT_SETUP',
          enrollment: 'REQUIRED',
          _links: { enroll: { href: `${base}/api/v1/authn/factors`, hints: { allow: ['POST'] } } },
        })),
      },
    };
  }
  if (outcome.status === 'MFA_REQUIRED') {
    const login = String(outcome.user.profile['login'] ?? '');
    return {
      stateToken: outcome.stateToken,
      ...common,
      _embedded: {
        user: embeddedUser(outcome.user),
        factors: outcome.factors.map((f) => ({
          id: f.id,
          factorType: f.factorType,
          provider: f.provider,
          vendorName: f.provider,
          profile: { credentialId: login },
          _links: { verify: { href: `${base}/api/v1/authn/factors/${f.id}/verify`, hints: { allow: ['POST'] } } },
        })),
        policy: { allowRememberDevice: false, rememberDeviceLifetimeInMinutes: 0, rememberDeviceByDefault: false },
      },
    };
  }
  return {
    stateToken: outcome.stateToken,
    ...common,
    _embedded: { user: embeddedUser(outcome.user), policy: PASSWORD_POLICY },
    _links: {
      next: { name: 'changePassword', href: `${base}/api/v1/authn/credentials/change_password`, hints: { allow: ['POST'] } },
    },
  };
}
