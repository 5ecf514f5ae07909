/**
 * A tenant's ordinary days: its people signing in (now and then with a wrong password), using their apps,
 * changing their passwords and setting up factors themselves, its admins at work in the admin console, and its
 * help desk resetting passwords and factors. Each activity writes what the Bulwark service behind it writes.
 */
import { base62, between, chance, pick, prng, subSeed, weighted, type Rand } from '#src/lib/random.ts';
import { passwordPolicyId } from '#src/policy/service.ts';
import { sessionTarget } from '#src/sessions/service.ts';
import type { AuditContext, EventInput } from '#src/syslog/log-event.ts';
import {
  appInstanceTarget, clearSessionsEvent, failedSignIn, factorTarget, groupTarget, resetFactorsEvent, resetPasswordEvent, signInEvents, userActor, userTarget,
  webContext, type Timeline,
} from './simulate-events.ts';
import { adminOf, helpDeskOf, memberOf, personOf, workTime, type Factor, type Person, type SimTenant } from './simulate-world.ts';

const PASSWORD_AUTH = { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' } as const;

export type Period = { start: number; end: number };

type Activity = 'signIn' | 'failedSignIn' | 'adminWork' | 'changePassword' | 'recoverPassword' | 'enrollFactor' | 'helpDesk' | 'sso' | 'signOut';

const MIX: readonly (readonly [Activity, number])[] = [
  ['signIn', 46], ['sso', 12], ['failedSignIn', 8], ['adminWork', 9], ['changePassword', 5], ['recoverPassword', 3], ['enrollFactor', 6], ['helpDesk', 4], ['signOut', 7],
];

const newSession = (rand: Rand): string => `102${base62(rand, 17)}`;

/** Context of a person's own request, in a session of theirs when `sessionId` is given. */
function own(rand: Rand, p: Person, uri: string, sessionId?: string): AuditContext {
  return webContext(rand, userActor(p), p.network, p.userAgent, uri, sessionId === undefined ? {} : { sessionId });
}

/** One tenant's background for the period; stops once it has written at least `budget` events and returns how many it wrote. */
export function planTenantActivity(tl: Timeline, tenant: SimTenant, period: Period, budget: number): number {
  const rand = prng(subSeed(tenant.seed, 0xb9));
  const before = tl.events.length;
  let hires = 0;
  const when = () => workTime(rand, tenant.utcOffset, period.start, period.end);
  // Later steps of one activity stay inside the period.
  const after = (t: number, minMinutes: number, maxMinutes: number) => Math.min(t + between(rand, minMinutes * 60, maxMinutes * 60) * 1000, period.end - 1);

  const signIn = (p: Person, at: number, admin = false): string => {
    const sessionId = newSession(rand);
    tl.add(tenant.id, at, own(rand, p, '/api/v1/authn'), signInEvents(tenant.id, p, sessionId, { admin, newIp: chance(rand, 0.05) }));
    return sessionId;
  };

  const activities: Record<Activity, () => void> = {
    signIn() {
      const p = chance(rand, 0.05) ? adminOf(tenant, rand) : memberOf(tenant, rand);
      const at = when();
      const sessionId = signIn(p, at);
      if (chance(rand, 0.5)) {
        const app = pick(rand, tenant.apps);
        tl.add(tenant.id, after(at, 0, 20), own(rand, p, '/oauth2/v1/authorize', sessionId), [{
          eventType: 'user.authentication.sso', displayMessage: 'User single sign on to app', outcome: { result: 'SUCCESS', reason: null },
          target: [{ alternateId: app.label, detailEntry: null, displayName: app.label, id: app.id, type: 'AppInstance' }], debugData: { clientId: app.clientId },
        }]);
      }
    },
    sso() {
      const p = memberOf(tenant, rand);
      const app = pick(rand, tenant.apps);
      tl.add(tenant.id, when(), own(rand, p, '/oauth2/v1/authorize', newSession(rand)), [{
        eventType: 'user.authentication.sso', displayMessage: 'User single sign on to app', outcome: { result: 'SUCCESS', reason: null },
        target: [{ alternateId: app.label, detailEntry: null, displayName: app.label, id: app.id, type: 'AppInstance' }], debugData: { clientId: app.clientId },
      }]);
    },
    failedSignIn() {
      const p = memberOf(tenant, rand);
      const at = when();
      if (chance(rand, 0.25)) {
        // A name no one has: the actor is the name typed (authn/transaction.ts unknownActor).
        const typed = p.login.replace('.', '');
        tl.add(tenant.id, at, webContext(rand, { alternateId: typed, detailEntry: null, displayName: 'Unknown', id: 'unknown', type: 'User' }, p.network, p.userAgent, '/api/v1/authn'), [failedSignIn('VERIFICATION_ERROR')]);
      } else {
        tl.add(tenant.id, at, own(rand, p, '/api/v1/authn'), [failedSignIn('INVALID_CREDENTIALS')]);
      }
      if (chance(rand, 0.6)) signIn(p, after(at, 0, 3));
    },
    signOut() {
      const p = memberOf(tenant, rand);
      const sessionId = newSession(rand);
      tl.add(tenant.id, when(), own(rand, p, `/api/v1/sessions/${sessionId}`, sessionId), [{
        eventType: 'user.session.end', displayMessage: 'User logout from Okta', legacyEventType: 'core.user_auth.logout_success',
        target: [userTarget(p), sessionTarget({ id: sessionId })], authenticationContext: { externalSessionId: sessionId, rootSessionId: sessionId },
      }]);
    },
    changePassword() {
      const p = memberOf(tenant, rand);
      const at = when();
      const sessionId = signIn(p, at);
      tl.add(tenant.id, after(at, 1, 15), own(rand, p, '/api/v1/users/me/credentials/change_password', sessionId), [{
        eventType: 'user.account.update_password', displayMessage: 'User update password for Okta', target: [userTarget(p)], authenticationContext: PASSWORD_AUTH,
      }]);
    },
    recoverPassword() {
      // authn/recovery-password.ts: the self-service reset, the new password, and every session ended.
      const p = memberOf(tenant, rand);
      const ended = chance(rand, 0.5) ? [newSession(rand)] : [];
      const ctx = own(rand, p, '/api/v1/authn/credentials/reset_password');
      tl.add(tenant.id, when(), ctx, [
        { eventType: 'user.account.reset_password', displayMessage: 'Reset Okta user password', target: [userTarget(p)], debugData: { recoveryType: 'PASSWORD', amr: 'email' } },
        { eventType: 'user.account.update_password', displayMessage: 'User update password for Okta', target: [userTarget(p)], authenticationContext: PASSWORD_AUTH },
        ...(ended.length > 0 ? [clearSessionsEvent(p, 'lifecycle', ended)] : []),
      ]);
    },
    enrollFactor() {
      const p = memberOf(tenant, rand);
      const at = when();
      const sessionId = signIn(p, at);
      const totp = chance(rand, 0.6);
      const factor: Factor = totp ? { id: `uft${base62(rand, 17)}`, factorType: 'token:software:totp', provider: 'GOOGLE' } : { id: `fwf${base62(rand, 17)}`, factorType: 'webauthn', provider: 'FIDO' };
      const t = after(at, 1, 10);
      const ctx = own(rand, p, `/api/v1/users/me/factors${totp ? '' : '/webauthn'}`, sessionId);
      if (totp) tl.add(tenant.id, t, ctx, [{ eventType: 'user.mfa.factor.update', displayMessage: 'Update factor for user', target: [userTarget(p), factorTarget(factor)], debugData: { factorType: factor.factorType, provider: factor.provider, factorStatus: 'PENDING_ACTIVATION' } }]);
      const activated = after(t, 0, 2);
      tl.add(tenant.id, activated, own(rand, p, `/api/v1/users/me/factors/${factor.id}/lifecycle/activate`, sessionId), [{
        eventType: 'user.mfa.factor.activate', displayMessage: 'User set up MFA factor', target: [userTarget(p), factorTarget(factor)],
        debugData: { factorType: factor.factorType, provider: factor.provider, ...(totp ? {} : { deviceType: pick(rand, ['singleDevice', 'multiDevice']), backedUp: chance(rand, 0.5), aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd' }) },
      }]);
    },
    adminWork() {
      const admin = adminOf(tenant, rand);
      let at = when();
      const sessionId = signIn(admin, at, true);
      const ctx = (uri: string) => webContext(rand, userActor(admin), admin.network, admin.userAgent, uri, { sessionId });
      for (let i = between(rand, 1, 4); i > 0; i--) {
        at = after(at, 1, 20);
        const work = weighted(rand, [['create', 3], ['group', 4], ['app', 4], ['policy', 1]] as const);
        if (work === 'create') {
          const hire = personOf(tenant, tenant.employees + hires++);
          const group = pick(rand, tenant.groups.slice(1));
          tl.add(tenant.id, at, ctx('/api/v1/users'), [
            { eventType: 'user.lifecycle.create', displayMessage: 'Create Okta user', target: [userTarget(hire)] },
            { eventType: 'user.lifecycle.activate', displayMessage: 'Activate Okta user', target: [userTarget(hire)] },
            { eventType: 'group.user_membership.add', displayMessage: 'Add user to group membership', target: [userTarget(hire), groupTarget(group)] },
          ]);
        } else if (work === 'group') {
          const p = memberOf(tenant, rand);
          const group = pick(rand, tenant.groups.slice(1));
          tl.add(tenant.id, at, ctx(`/api/v1/groups/${group.id}/users/${p.id}`), [{ eventType: 'group.user_membership.add', displayMessage: 'Add user to group membership', target: [userTarget(p), groupTarget(group)] }]);
        } else if (work === 'app') {
          const p = memberOf(tenant, rand);
          const app = pick(rand, tenant.apps);
          tl.add(tenant.id, at, ctx(`/api/v1/apps/${app.id}/users`), [{ eventType: 'application.user_membership.add', displayMessage: 'Add user to application membership', target: [userTarget(p), appInstanceTarget(app)] }]);
        } else {
          const complexity = { minLength: 8, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 0, excludeUsername: true, dictionary: { common: { exclude: true } } };
          const from = { complexity, age: { historyCount: 4 }, lockout: { maxAttempts: 10, autoUnlockMinutes: 60, showLockoutFailures: false } };
          const to = { ...from, complexity: { ...complexity, minLength: pick(rand, [10, 12, 14]), minSymbol: 1 } };
          const id = passwordPolicyId(tenant.id);
          tl.add(tenant.id, at, ctx(`/api/v1/policies/${id}`), [{
            eventType: 'policy.lifecycle.update', displayMessage: 'Update policy',
            target: [{ alternateId: 'unknown', detailEntry: { policyType: 'PASSWORD' }, displayName: 'Default Policy', id, type: 'PasswordPolicy', changeDetails: { from, to } }],
          }]);
        }
      }
    },
    helpDesk() {
      // A person who called the help desk: the password or the factors are reset (docs/privileged-verification.md).
      const agent = helpDeskOf(tenant, rand);
      const at = when();
      const sessionId = signIn(agent, at, true);
      const p = memberOf(tenant, rand);
      const t = after(at, 1, 10);
      const ctx = (uri: string) => webContext(rand, userActor(agent), agent.network, agent.userAgent, uri, { sessionId });
      const password = chance(rand, 0.55);
      const events: EventInput[] = password
        ? [resetPasswordEvent(p), ...(chance(rand, 0.5) ? [clearSessionsEvent(p, 'lifecycle', [newSession(rand)])] : [])]
        : [resetFactorsEvent(p)];
      tl.add(tenant.id, t, ctx(`/api/v1/users/${p.id}/lifecycle/${password ? 'reset_password' : 'reset_factors'}`), events);
    },
  };

  do activities[weighted(rand, MIX)]();
  while (tl.events.length - before < budget);
  return tl.events.length - before;
}

/** The smallest share a tenant gets: one sign-in and a little more. */
export const MIN_TENANT_EVENTS = 4;

/** Activity weights: a tenant's share of the events grows with its size, a little less than in proportion. */
export const activityWeight = (tenant: SimTenant): number => tenant.employees ** 0.9;
