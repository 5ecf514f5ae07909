/**
 * The simulator's event factory. Events are planned as (time, tenant, audit context, EventInput), the same pair
 * every Bulwark service hands to the System Log, and become LogEvents through the System Log's own buildEvent,
 * so they have exactly the shape Bulwark writes. Actors and targets use Bulwark's own builders where those take
 * plain values, and mirror them field for field where those need a database row.
 */
import { hash } from 'node:crypto';
import { derivedId } from '#src/lib/ids.ts';
import { base62, type Rand } from '#src/lib/random.ts';
import { ADMIN_CONSOLE, appTarget, policyTarget, ruleTarget } from '#src/policy/sign-on.ts';
import { sessionTarget } from '#src/sessions/service.ts';
import { buildEvent } from '#src/syslog/build-event.ts';
import type { AuditContext, EventInput, LogActor, LogEvent, LogTarget } from '#src/syslog/log-event.ts';
import type { App, Factor, Network, Person } from './simulate-world.ts';

/** One event to be: when, in which tenant's log, who did it from where, and what the service said. */
export type Planned = { at: number; seq: number; tenant: string; uuid: string; ctx: AuditContext; input: EventInput };

export type Timeline = {
  /** Plans events of one transaction: same tenant, same time, same context, in this order. */
  add(tenant: string, at: number, ctx: AuditContext, inputs: readonly EventInput[]): void;
  readonly events: Planned[];
};

/**
 * Event uuids are a hash of the seed and the event's number in planning order: the same run gives the same
 * uuids, and another seed's are unrelated to them (draws from a 32-bit PRNG could run into another seed's stream).
 */
function uuidOf(seed: number, n: number): string {
  const h = hash('sha256', `bulwark-simulate:${seed}:${n}`, 'hex');
  // RFC 9562 version 4 layout: version nibble 4, variant bits 10.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((Number.parseInt(h[16] as string, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function createTimeline(seed: number): Timeline {
  const events: Planned[] = [];
  return {
    events,
    add(tenant, at, ctx, inputs) {
      for (const input of inputs) {
        const seq = events.length;
        events.push({ at: Math.floor(at), seq, tenant, uuid: uuidOf(seed, seq), ctx, input });
      }
    },
  };
}

/** Time order; events of one transaction (same time) keep the order they were written in. */
export const byTime = (a: Planned, b: Planned): number => a.at - b.at || a.seq - b.seq;

export function toLogEvent(p: Planned): LogEvent {
  const event = buildEvent(p.ctx, p.input, new Date(p.at));
  // Assigned, not spread: the key keeps its place in buildEvent's order.
  event.uuid = p.uuid;
  return event;
}

/** A request id as Bulwark's request ids look (25 characters). */
const requestId = (rand: Rand): string => base62(rand, 25);

/** The audit context of one web request from `network`, in the shape request-context.ts builds. */
export function webContext(rand: Rand, actor: LogActor, network: Network, userAgent: string, requestUri: string, extra: { sessionId?: string; detail?: Record<string, unknown> } = {}): AuditContext {
  return {
    actor,
    ipAddress: network.ip,
    userAgent,
    transaction: { detail: extra.detail ?? {}, id: requestId(rand), type: 'WEB' },
    requestUri,
    network: { asNumber: network.asNumber, asOrg: network.asOrg, country: network.country },
    ...(extra.sessionId === undefined ? {} : { sessionId: extra.sessionId }),
  };
}

// Actor and target keys in RFC 8785 order, as build-event.ts explains.

export function userActor(p: Pick<Person, 'id' | 'login' | 'displayName'>): LogActor {
  return { alternateId: p.login, detailEntry: null, displayName: p.displayName, id: p.id, type: 'User' };
}

/** users/service.ts userTarget */
export function userTarget(p: Pick<Person, 'id' | 'login' | 'displayName'>): LogTarget {
  return { alternateId: p.login, detailEntry: null, displayName: p.displayName, id: p.id, type: 'User' };
}

/** factors/service.ts factorTarget */
export function factorTarget(f: Factor): LogTarget {
  return { alternateId: 'unknown', detailEntry: { methodTypeUsed: f.factorType }, displayName: f.provider === 'GOOGLE' ? 'Google Authenticator' : f.provider, id: f.id, type: 'AuthenticatorEnrollment' };
}

/** groups/service.ts groupTarget */
export function groupTarget(g: { id: string; name: string }): LogTarget {
  return { alternateId: 'unknown', detailEntry: null, displayName: g.name, id: g.id, type: 'UserGroup' };
}

/** apps/lookup.ts appTarget */
export function appInstanceTarget(app: App): LogTarget {
  return { alternateId: app.label, detailEntry: { signOnMode: 'OPENID_CONNECT' }, displayName: app.label, id: app.id, type: 'AppInstance' };
}

const PASSWORD_AUTH = { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' } as const;
const PASSKEY_AUTH = { authenticationProvider: 'FACTOR_PROVIDER', credentialType: 'ASSERTION' } as const;
const OTP_AUTH = { authenticationProvider: 'FACTOR_PROVIDER', credentialType: 'OTP' } as const;

/** The rule of the tenant's built-in sign-on policy (policy/sign-on-rules.ts builtInRules) a sign-in matched, as its target. */
function ruleOf(tenantId: string, admin: boolean): LogTarget {
  const detailEntry = { policyType: 'OKTA_SIGN_ON', policyId: policyTarget(tenantId).id };
  return admin
    ? { ...ruleTarget({ id: derivedId('0pr', `${tenantId}:ADMIN_CONSOLE`), name: 'Admin Console: passkey at every sign-in' }), detailEntry }
    : { ...ruleTarget({ id: derivedId('0pr', `${tenantId}:DEFAULT`), name: 'Default Rule' }), detailEntry };
}

const KNOWN = '{New Geo-Location=NEGATIVE, New IP=NEGATIVE, New Country=NEGATIVE}';
const NEW_IP = '{New Geo-Location=NEGATIVE, New IP=POSITIVE, New Country=NEGATIVE}';

/**
 * The events of a successful sign-in (authn/password.ts, sign-on evaluation, MFA, sessions/service.ts
 * startSession): a password (and the person's factor, if any), or a passkey alone for the admin console.
 */
export function signInEvents(tenantId: string, person: Person, sessionId: string, opts: { admin?: boolean; newIp?: boolean } = {}): EventInput[] {
  const user = userTarget(person);
  const passkey = opts.admin === true && person.factor?.factorType === 'webauthn';
  const amr = passkey ? ['hwk'] : person.factor === null ? ['pwd'] : ['pwd', person.factor.factorType === 'webauthn' ? 'hwk' : 'otp'];
  const credentialType = amr[0] === 'pwd' ? 'PASSWORD' : 'ASSERTION';
  const events: EventInput[] = [
    passkey && person.factor
      ? { eventType: 'user.authentication.verify', displayMessage: 'Verify user identity', target: [user, factorTarget(person.factor)], authenticationContext: PASSKEY_AUTH }
      : { eventType: 'user.authentication.verify', displayMessage: 'Verify user identity', target: [user], authenticationContext: PASSWORD_AUTH },
    {
      eventType: 'policy.evaluate_sign_on', displayMessage: 'Evaluation of sign-on policy',
      outcome: { result: 'ALLOW', reason: 'Sign-on policy evaluation resulted in ALLOW' },
      target: [appTarget(opts.admin ? ADMIN_CONSOLE : 'dashboard'), user, ruleOf(tenantId, opts.admin === true)],
      debugData: {
        behaviors: opts.newIp ? NEW_IP : KNOWN, matchedRule: opts.admin ? 'Admin Console: passkey at every sign-in' : 'Default Rule', access: 'ALLOW',
        requirement: opts.admin ? 'PHISHING_RESISTANT' : 'PASSWORD', amr: amr.join(' '), satisfied: true,
      },
    },
  ];
  if (!passkey && person.factor) {
    events.push({
      eventType: 'user.authentication.auth_via_mfa', displayMessage: 'Authentication of user via MFA', outcome: { result: 'SUCCESS' },
      target: [user, factorTarget(person.factor)], authenticationContext: person.factor.factorType === 'webauthn' ? PASSKEY_AUTH : OTP_AUTH,
    });
  }
  const authenticationContext = { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType, externalSessionId: sessionId, rootSessionId: sessionId };
  events.push({
    eventType: 'user.session.start', displayMessage: 'User login to Okta', legacyEventType: 'core.user_auth.login_success',
    target: [sessionTarget({ id: sessionId })], authenticationContext, debugData: { amr: amr.join(' ') },
  });
  if (opts.admin) {
    events.push({
      eventType: 'user.session.access_admin_app', displayMessage: 'User accessing Okta admin app', target: [appTarget(ADMIN_CONSOLE), sessionTarget({ id: sessionId })],
      authenticationContext,
      // The admin's browser key (docs/admin-sessions.md): one per person here, as a JWK thumbprint looks.
      debugData: { deviceKeyThumbprint: hash('sha256', `device:${person.id}`, 'base64url'), idleMinutes: 15, maxMinutes: 720 },
    });
  }
  return events;
}

/** authn/transaction.ts failure(): a wrong password, or a name no one has. */
export function failedSignIn(reason: 'INVALID_CREDENTIALS' | 'VERIFICATION_ERROR'): EventInput {
  return { eventType: 'user.session.start', displayMessage: 'User login to Okta', legacyEventType: 'core.user_auth.login_failed', outcome: { result: 'FAILURE', reason }, authenticationContext: PASSWORD_AUTH };
}

/** users/service.ts, op reset_password (by an admin, the help desk or support under a grant): the user must choose a new password. */
export const resetPasswordEvent = (p: Person): EventInput => ({ eventType: 'user.account.reset_password', displayMessage: 'Reset Okta user password', target: [userTarget(p)] });

/** factors/service.ts resetAllFactors */
export const resetFactorsEvent = (p: Person): EventInput => ({
  eventType: 'user.mfa.factor.reset_all', displayMessage: 'Reset all factors for user', target: [userTarget(p), ...(p.factor ? [factorTarget(p.factor)] : [])],
});

/** sessions/service.ts clearSessionsOfUser */
export function clearSessionsEvent(p: Pick<Person, 'id' | 'login' | 'displayName'>, why: 'admin' | 'self' | 'lifecycle', ended: string[], revokedSupportTokenIds: string[] = []): EventInput {
  return {
    eventType: 'user.session.clear', displayMessage: 'Clear user sessions', target: [userTarget(p)],
    debugData: { reason: why, endedSessionIds: ended.join(','), endedHelpCenterSessionIds: '', revokedSupportTokenIds: revokedSupportTokenIds.join(',') },
  };
}
