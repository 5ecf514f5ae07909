/**
 * A live-like System Log stream for the detection benchmark: LogEvents built by the production `buildEvent`
 * in a mix of event types modelled on the real ones in shared/data (sign-ins, SSO, MFA, policy evaluations,
 * token grants, admin changes, and the rare events the SigmaHQ Okta rules look for), each JSON round-tripped
 * so that it has the shape `JSON.parse` gives the live stream.
 */
import { buildEvent } from '../../src/syslog/build-event.ts';
import type { AuditContext, EventInput, LogActor } from '../../src/syslog/log-event.ts';
import { pick, prng, type Rand } from '../../src/lib/random.ts';

const chance = (rand: Rand, p: number): boolean => rand() < p;

const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Okta Verify/9.31.0 (Android 14; Pixel 8)',
  'okta-sdk-java/8.2.5 java/17.0.9 Linux/6.5.0',
];
const FIRST = ['jane', 'ahmed', 'priya', 'wei', 'olga', 'tom', 'lucia', 'jose', 'soren', 'amara'];
const LAST = ['smith', 'khan', 'patel', 'chen', 'ivanova', 'garcia', 'muller', 'sato', 'okafor', 'nielsen'];
const APPS = ['Salesforce', 'Slack', 'GitHub', 'Workday', 'AWS IAM Identity Center', 'Zoom', 'Okta Dashboard', 'Okta Admin Console'];

const entity = (type: string, id: string, alternateId: string, displayName: string): LogActor => ({ id, type, alternateId, displayName, detailEntry: null });
function hex(rand: Rand, n: number): string {
  let s = '';
  while (s.length < n) s += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, n);
}

function person(rand: Rand): LogActor {
  const name = `${pick(rand, FIRST)}.${pick(rand, LAST)}${Math.floor(rand() * 100)}`;
  return entity('User', `00u${hex(rand, 17)}`, `${name}@acme.example`, name);
}

const behaviors = (rand: Rand) => `{New Geo-Location=${chance(rand, 0.05) ? 'POSITIVE' : 'NEGATIVE'}, New Device=${chance(rand, 0.1) ? 'POSITIVE' : 'NEGATIVE'}, New IP=${chance(rand, 0.15) ? 'POSITIVE' : 'NEGATIVE'}, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}`;

/**
 * One kind of event: how often it occurs in a tenant's log (a relative weight), how it is described (`other` is a
 * second person, the target of admin actions), who acts when not an ordinary user, and how often through an
 * anonymising proxy.
 */
type Kind = { weight: number; requestUri: string; input(rand: Rand, other: LogActor): EventInput; actor?: (rand: Rand) => LogActor; proxy?: number };

function failedSignIn(): EventInput {
  return {
    eventType: 'user.session.start', displayMessage: 'User login to Okta', legacyEventType: 'core.user_auth.login_failed', severity: 'WARN',
    outcome: { result: 'FAILURE', reason: 'VERIFICATION_ERROR' }, debugData: { threatSuspected: 'false', loginResult: 'VERIFICATION_ERROR' },
  };
}

export const KINDS: Kind[] = [
  { weight: 280, requestUri: '/idp/idx/identify', proxy: 0.005, input: (rand) => ({
    eventType: 'user.session.start', displayMessage: 'User login to Okta', legacyEventType: 'core.user_auth.login_success',
    target: [entity('AuthenticatorEnrollment', `pfd${hex(rand, 17)}`, 'unknown', 'Password')], debugData: { behaviors: behaviors(rand), threatSuspected: 'false' },
    authenticationContext: { credentialType: 'PASSWORD', externalSessionId: `idx${hex(rand, 20)}` },
  }) },
  { weight: 40, requestUri: '/idp/idx/identify', input: failedSignIn },
  // A password typed into the user-name field, which one rule looks for.
  { weight: 1, requestUri: '/idp/idx/identify', input: failedSignIn, actor: (rand) => entity('User', 'unknown', `Summer${Math.floor(rand() * 100)}!`, 'unknown') },
  { weight: 200, requestUri: '/app/salesforce/exk1a2b3c4d5e6f7g8h9/sso/saml', input: (rand) => ({
    eventType: 'user.authentication.sso', displayMessage: 'User single sign on to app', legacyEventType: 'app.auth.sso',
    target: [entity('AppInstance', `0oa${hex(rand, 17)}`, pick(rand, APPS), pick(rand, APPS))], debugData: { initiationType: 'IDP_INITIATED', signOnMode: 'SAML 2.0' },
  }) },
  { weight: 80, requestUri: '/idp/idx/challenge/answer', input: (rand) => {
    const phished = chance(rand, 0.002);
    return {
      eventType: 'user.authentication.auth_via_mfa', displayMessage: 'Authentication of user via MFA', legacyEventType: phished ? 'core.user.factor.attempt_fail' : 'core.user.factor.attempt_success',
      outcome: phished ? { result: 'FAILURE', reason: 'FastPass declined phishing attempt' } : { result: 'SUCCESS' },
      target: [entity('AuthenticatorEnrollment', `pfd${hex(rand, 17)}`, 'unknown', pick(rand, ['Okta Verify', 'Google Authenticator', 'Security Key or Biometric']))],
    };
  } },
  { weight: 100, requestUri: '/idp/idx/identify', input: (rand) => ({
    eventType: 'policy.evaluate_sign_on', displayMessage: 'Evaluation of sign-on policy', outcome: { result: chance(rand, 0.3) ? 'CHALLENGE' : 'ALLOW', reason: 'Sign-on policy evaluation resulted in ALLOW' },
    target: [entity('AppInstance', `0oa${hex(rand, 17)}`, 'unknown', pick(rand, APPS)), entity('PolicyEntity', `00p${hex(rand, 17)}`, 'unknown', 'Default Policy')],
    debugData: { behaviors: behaviors(rand), risk: '{level=LOW}' },
  }) },
  { weight: 60, requestUri: '/oauth2/default/v1/token', input: (rand) => ({
    eventType: 'app.oauth2.as.token.grant.access_token', displayMessage: 'OAuth2 access token is granted',
    target: [entity('access_token', `AT.${hex(rand, 24)}`, 'unknown', 'Access Token')], debugData: { grantType: 'authorization_code', grantedScopes: 'openid profile email' },
  }) },
  { weight: 40, requestUri: '/login/signout', input: () => ({ eventType: 'user.session.end', displayMessage: 'User logout from Okta', legacyEventType: 'core.user_auth.logout_success' }) },
  { weight: 30, requestUri: '/admin/users', proxy: 0.01, input: () => ({ eventType: 'user.session.access_admin_app', displayMessage: 'User accessing Okta admin app' }) },
  { weight: 30, requestUri: '/api/v1/users', input: (_rand, other) => ({
    eventType: 'user.account.update_profile', displayMessage: 'Update user profile for Okta', target: [{ ...other, changeDetails: { from: { title: 'Engineer' }, to: { title: 'Senior Engineer' } } }],
  }) },
  { weight: 25, requestUri: '/api/v1/groups/00g1a2b3c4d5e6f7g8h9/users', input: (_rand, other) => ({
    eventType: 'group.user_membership.add', displayMessage: 'Add user to group membership', legacyEventType: 'core.user_group_member.user_add',
    target: [other, entity('UserGroup', '00g1a2b3c4d5e6f7g8h9', 'unknown', 'Engineering')],
  }) },
  { weight: 10, requestUri: '/api/v1/org/ratelimit', input: () => ({ eventType: 'system.org.rate_limit.warning', displayMessage: 'Rate limit warning', legacyEventType: 'core.framework.ratelimit.warning', severity: 'WARN' }) },
  { weight: 10, requestUri: '/idp/myaccount/authenticators', input: (rand) => ({
    eventType: 'user.mfa.factor.activate', displayMessage: 'Activate factor or authenticator', target: [entity('AuthenticatorEnrollment', `pfd${hex(rand, 17)}`, 'unknown', 'Okta Verify')],
  }) },
  { weight: 5, requestUri: '/api/v1/users/lifecycle/activate', input: (_rand, other) => ({ eventType: 'user.lifecycle.activate', displayMessage: 'Activate Okta user', target: [other] }) },
  { weight: 5, requestUri: '/api/v1/users', input: (_rand, other) => ({ eventType: 'user.lifecycle.create', displayMessage: 'Create okta user', target: [other] }) },
  { weight: 3, requestUri: '/api/v1/apps/0oa1a2b3c4d5e6f7g8h9', input: (rand) => ({
    eventType: 'application.lifecycle.update', displayMessage: 'Update application', legacyEventType: 'app.generic.config.app_updated', target: [entity('AppInstance', `0oa${hex(rand, 17)}`, 'unknown', pick(rand, APPS))],
  }) },
  { weight: 3, requestUri: '/api/v1/authn', input: () => ({
    eventType: 'security.threat.detected', displayMessage: 'Request from suspicious actor', severity: 'WARN', outcome: { result: 'DENY', reason: 'Password Spray' },
  }) },
  { weight: 2, requestUri: '/api/v1/users/lifecycle/reset_factors', input: (_rand, other) => ({ eventType: 'user.mfa.factor.deactivate', displayMessage: 'Reset factor for user', target: [other] }) },
  { weight: 2, requestUri: '/idp/idx/identify', input: () => ({
    eventType: 'user.account.lock', displayMessage: 'Max sign in attempts exceeded', legacyEventType: 'core.user_auth.account_locked', severity: 'WARN', outcome: { result: 'FAILURE', reason: 'LOCKED_OUT' },
  }) },
  { weight: 2, requestUri: '/app/workday/exk9z8y7x6w5v4u3t2s1/sso/saml', input: () => ({
    eventType: 'app.generic.unauth_app_access_attempt', displayMessage: 'User attempted unauthorized access to app', outcome: { result: 'FAILURE' },
  }) },
  { weight: 1, requestUri: '/api/internal/tokens', input: () => ({ eventType: 'system.api_token.create', displayMessage: 'Create API token', legacyEventType: 'api.token.create' }) },
];

/** `count` distinct events, the same ones for the same seed, each parsed from its JSON text. */
export function oktaEventStream(count: number, seed: number): Record<string, unknown>[] {
  const rand = prng(seed);
  const total = KINDS.reduce((sum, k) => sum + k.weight, 0);
  const pool: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    let roll = rand() * total;
    const kind = KINDS.find((k) => (roll -= k.weight) < 0) ?? (KINDS[0] as Kind);
    const input = kind.input(rand, person(rand));
    const ctx: AuditContext = {
      actor: kind.actor?.(rand) ?? person(rand),
      ipAddress: `${Math.floor(rand() * 223) + 1}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 254) + 1}`,
      userAgent: pick(rand, AGENTS),
      transaction: { type: 'WEB', id: hex(rand, 24), detail: {} },
      requestUri: kind.requestUri,
      network: { asNumber: 64496 + Math.floor(rand() * 100), asOrg: 'example transit', country: pick(rand, ['Netherlands', 'United States', 'India', 'Japan']) },
    };
    const event = buildEvent(ctx, input, new Date(1_790_000_000_000 + i * 250));
    event.securityContext.isProxy = chance(rand, kind.proxy ?? 0);
    pool.push(JSON.parse(JSON.stringify(event)) as Record<string, unknown>);
  }
  return pool;
}

