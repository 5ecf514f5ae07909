/**
 * Each built-in rule over a constructed sequence of LogEvents, built by the System Log's own buildEvent as
 * Bulwark's services describe them (and, where the rule reads Okta's logs too, as Okta writes them): it fires
 * on the pattern, and not on its near miss, a sequence that differs in the one thing that decides.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildEvent } from '#src/syslog/build-event.ts';
import type { AuditContext, EventInput, LogActor, LogTarget } from '#src/syslog/log-event.ts';
import { createEngine, type Alert, type DetectionEvent } from './engine.ts';
import { DEFAULT_THRESHOLDS, parseThresholds } from './thresholds.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const MIN = 60_000;

const person = (id: string, login = `${id}@acme.example`): LogActor => ({ id, type: 'User', alternateId: login, displayName: id, detailEntry: null });
const staff = (id: string, cell = 'commercial'): LogActor => ({ id, type: 'SupportStaff', alternateId: `${id}@support.example`, displayName: id, detailEntry: { supportPlane: cell } });
const userTarget = (id: string): LogTarget => ({ ...person(id) });

type Net = { asn: number; country: string };
const HOME: Net = { asn: 64500, country: 'Netherlands' };
const AWAY: Net = { asn: 64999, country: 'Romania' };

/** One event of `tenant` at `minute` past T0, parsed as the live stream hands it over. */
function ev(tenant: string | null, minute: number, actor: LogActor, input: EventInput, opts: { net?: Net; session?: string } = {}): DetectionEvent {
  const audit: AuditContext = {
    actor, ipAddress: '198.51.100.7', userAgent: 'Mozilla/5.0', transaction: { type: 'WEB', id: `req${minute}`, detail: {} }, requestUri: '/api/v1/x',
    ...(opts.net ? { network: { asNumber: opts.net.asn, asOrg: `AS${opts.net.asn} org`, country: opts.net.country } } : {}),
    ...(opts.session ? { sessionId: opts.session } : {}),
  };
  const time = T0 + minute * MIN;
  return { tenant, time, event: JSON.parse(JSON.stringify(buildEvent(audit, input, new Date(time)))) as Record<string, unknown> };
}

const signIn = (tenant: string, minute: number, user: string, net: Net, session: string) =>
  ev(tenant, minute, person(user), { eventType: 'user.session.start', displayMessage: 'User login to Okta', authenticationContext: { externalSessionId: session } }, { net, session });

const run = (events: DetectionEvent[], rule: string, thresholds = DEFAULT_THRESHOLDS): Alert[] =>
  createEngine({ thresholds, isSupportPlane: (t) => t === 'plane' }).process(events).filter((a) => a.rule === rule);

const uuidOf = (e: DetectionEvent) => e.event['uuid'] as string;

describe('support-principal-many-tenants', () => {
  const read = (tenant: string, minute: number, who = 'sam') => ev(tenant, minute, staff(who), { eventType: 'bulwark.support.api.read', displayMessage: 'Support staff read data' });

  it('fires when one support staff member acts on five tenants within an hour, linking an event of each', () => {
    const events = ['t1', 't2', 't3', 't4', 't5'].map((t, i) => read(t, i * 10));
    const alerts = run(events, 'support-principal-many-tenants');
    assert.equal(alerts.length, 1);
    const [alert] = alerts as [Alert];
    assert.equal(alert.tenant, null);
    assert.equal(alert.user, 'sam');
    assert.equal(alert.severity, 'high');
    assert.deepEqual(alert.events, events.map(uuidOf));
    assert.deepEqual(alert.details['tenants'], ['t1', 't2', 't3', 't4', 't5']);
    assert.equal(alert.details['cell'], 'commercial');
  });

  it('raises one alert per window, however many more tenants follow', () => {
    const events = ['t1', 't2', 't3', 't4', 't5', 't6', 't7'].map((t, i) => read(t, i * 5));
    assert.equal(run(events, 'support-principal-many-tenants').length, 1);
  });

  it('does not fire for five tenants spread over more than an hour', () => {
    assert.deepEqual(run(['t1', 't2', 't3', 't4', 't5'].map((t, i) => read(t, i * 16)), 'support-principal-many-tenants'), []);
  });

  it('does not fire for four tenants, the support plane and a second staff member', () => {
    const events = [read('t1', 0), read('t2', 1), read('t3', 2), read('t4', 3), read('plane', 4), read('t5', 5, 'kim')];
    assert.deepEqual(run(events, 'support-principal-many-tenants'), []);
  });

  it('does not count a customer admin acting on many tenants of their own', () => {
    const events = ['t1', 't2', 't3', 't4', 't5'].map((t, i) => ev(t, i, person('amy'), { eventType: 'user.account.update_profile', displayMessage: 'Update user profile' }));
    assert.deepEqual(run(events, 'support-principal-many-tenants'), []);
  });

  it('takes its numbers from the thresholds', () => {
    const parsed = parseThresholds('supportTenants=3,supportWindowMinutes=5');
    assert.ok(parsed.ok);
    assert.equal(run([read('t1', 0), read('t2', 2), read('t3', 4)], 'support-principal-many-tenants', parsed.value).length, 1);
    assert.equal(run([read('t1', 0), read('t2', 3), read('t3', 6)], 'support-principal-many-tenants', parsed.value).length, 0);
  });
});

describe('factor-from-new-location', () => {
  const activate = (minute: number, user: string, net: Net, session: string) => ev('t1', minute, person(user), {
    eventType: 'user.mfa.factor.activate', displayMessage: 'User set up MFA factor', target: [userTarget(user)], debugData: { factorType: 'token:software:totp' },
  }, { net, session });

  it('fires when a factor is set up from an AS and country the user never signed in from, in a session begun there', () => {
    const events = [signIn('t1', 0, 'ann', HOME, 's1'), signIn('t1', 60, 'ann', AWAY, 's2'), activate(61, 'ann', AWAY, 's2')];
    const alerts = run(events, 'factor-from-new-location');
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]?.user, 'ann');
    assert.equal(alerts[0]?.details['basis'], 'STREAM');
    assert.deepEqual(alerts[0]?.details['knownAsns'], [HOME.asn]);
    assert.deepEqual(alerts[0]?.events, [uuidOf(events[2] as DetectionEvent)]);
  });

  it('does not fire from a network the user signed in from in another session', () => {
    const events = [signIn('t1', 0, 'ann', AWAY, 's1'), signIn('t1', 60, 'ann', AWAY, 's2'), activate(61, 'ann', AWAY, 's2')];
    assert.deepEqual(run(events, 'factor-from-new-location'), []);
  });

  it('does not judge a user with no other sign-in in the stream', () => {
    assert.deepEqual(run([signIn('t1', 60, 'ann', AWAY, 's2'), activate(61, 'ann', AWAY, 's2')], 'factor-from-new-location'), []);
  });

  it("takes Bulwark's own refusal as the verdict, and says Bulwark raised its alert already", () => {
    const refused = ev('t1', 5, person('ann'), {
      eventType: 'user.mfa.factor.activate', displayMessage: 'User set up MFA factor', outcome: { result: 'DENY', reason: 'New factor from a new location' },
      target: [userTarget('ann')], debugData: { factorType: 'webauthn', asn: AWAY.asn, country: AWAY.country },
    }, { net: AWAY });
    const alerts = run([refused], 'factor-from-new-location');
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]?.details['basis'], 'BULWARK_VERDICT');
    assert.equal(alerts[0]?.raisedByBulwark, 'NEW_FACTOR_FROM_NEW_LOCATION');
  });

  it('does not take a refusal for another reason as that verdict', () => {
    const refused = ev('t1', 5, person('ann'), {
      eventType: 'user.mfa.factor.activate', displayMessage: 'User set up MFA factor', outcome: { result: 'DENY', reason: 'Invalid code' }, target: [userTarget('ann')],
    }, { net: AWAY });
    assert.deepEqual(run([refused], 'factor-from-new-location'), []);
  });
});

describe('session-new-asn', () => {
  const use = (minute: number, net: Net, session: string) => ev('t1', minute, person('ann'), { eventType: 'user.session.access_admin_app', displayMessage: 'User accessing Okta admin app' }, { net, session });

  it('fires when a session is used from a second AS, linking its first event', () => {
    const events = [signIn('t1', 0, 'ann', HOME, 's1'), use(10, HOME, 's1'), use(20, AWAY, 's1'), use(21, AWAY, 's1')];
    const alerts = run(events, 'session-new-asn');
    assert.equal(alerts.length, 1, 'once per new AS');
    assert.deepEqual(alerts[0]?.events, [uuidOf(events[0] as DetectionEvent), uuidOf(events[2] as DetectionEvent)]);
    assert.equal(alerts[0]?.details['startedOnAsn'], HOME.asn);
    assert.equal(alerts[0]?.details['newAsn'], AWAY.asn);
  });

  it('does not fire for two sessions on two networks, nor for the same session id in two tenants', () => {
    assert.deepEqual(run([signIn('t1', 0, 'ann', HOME, 's1'), signIn('t1', 5, 'ann', AWAY, 's2'), signIn('t2', 6, 'ann', AWAY, 's1')], 'session-new-asn'), []);
  });

  it("fires on Bulwark's ASN_CHANGED refusal of a session that began before the stream did", () => {
    const refusal = ev('t1', 30, person('ann'), {
      eventType: 'user.session.context.change', displayMessage: 'User session context changed', outcome: { result: 'DENY', reason: 'ASN_CHANGED' },
      authenticationContext: { externalSessionId: 's9' }, debugData: { sessionAsNumber: HOME.asn, requestAsNumber: AWAY.asn },
    }, { net: AWAY, session: 's9' });
    const alerts = run([refusal], 'session-new-asn');
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]?.details['startedOnAsn'], HOME.asn);
  });

  it('forgets the least recently seen sessions past maxKeys', () => {
    const parsed = parseThresholds('maxKeys=100');
    assert.ok(parsed.ok);
    const events = [signIn('t1', 0, 'ann', HOME, 'first'), ...Array.from({ length: 100 }, (_, i) => signIn('t1', 1, `u${i}`, HOME, `s${i}`)), use(2, AWAY, 'first')];
    assert.deepEqual(run(events, 'session-new-asn', parsed.value), []);
    assert.equal(run(events, 'session-new-asn').length, 1, 'remembered with the default cap');
  });
});

describe('oversized-export', () => {
  const download = (debugData: Record<string, unknown>) => ev('plane', 0, staff('sam'), {
    eventType: 'bulwark.support.report.download.complete', displayMessage: 'Report download sent', debugData: { template: 'support-users', downloadId: 'rdl1', ...debugData },
  });

  it('fires on a download without the organization filter, whatever its size', () => {
    const alerts = run([download({ filters: { userType: 'ADMIN' }, rows: 40, bytes: 4_000, approvedBy: null })], 'oversized-export');
    assert.equal(alerts.length, 1);
    assert.deepEqual(alerts[0]?.details['reasons'], ['UNFILTERED']);
    assert.equal(alerts[0]?.severity, 'high');
    assert.equal(alerts[0]?.user, 'sam');
  });

  it('fires on a filtered download above the rows or bytes threshold, medium once approved', () => {
    const alerts = run([download({ filters: { organization: 't1' }, rows: 18_400, bytes: 2_500_000, approvedBy: 'Sec Officer' })], 'oversized-export');
    assert.deepEqual(alerts[0]?.details['reasons'], ['ROWS', 'BYTES']);
    assert.equal(alerts[0]?.severity, 'medium');
  });

  it('does not fire on a small download of one organization', () => {
    assert.deepEqual(run([download({ filters: { organization: 't1' }, rows: 500, bytes: 1_000_000 })], 'oversized-export'), []);
  });

  it("marks a download whose only finding is Bulwark's own oversize verdict as alerted already", () => {
    const alerts = run([download({ filters: { organization: 't1' }, rows: 30, bytes: 900_000, oversize: true })], 'oversized-export');
    assert.equal(alerts[0]?.raisedByBulwark, 'SUPPORT_EXPORT_OVERSIZE');
  });
});

describe('privilege-after-reset', () => {
  const admin = person('boss');
  const reset = (minute: number, user: string) => ev('t1', minute, admin, { eventType: 'user.account.reset_password', displayMessage: 'Reset Okta user password', target: [userTarget(user)] });
  const grant = (minute: number, user: string, debugData: Record<string, unknown> = { privilegeGranted: 'Super Administrator', roleType: 'SUPER_ADMIN' }) =>
    ev('t1', minute, admin, { eventType: 'user.account.privilege.grant', displayMessage: 'Grant user privilege', target: [userTarget(user)], debugData });

  it('fires when a user is granted a role within 24 hours of a reset, linking both', () => {
    const events = [reset(0, 'ann'), grant(23 * 60, 'ann')];
    const alerts = run(events, 'privilege-after-reset');
    assert.equal(alerts.length, 1);
    assert.deepEqual(alerts[0]?.events, events.map(uuidOf));
    assert.equal(alerts[0]?.details['role'], 'SUPER_ADMIN');
    assert.equal(alerts[0]?.details['minutesBetween'], 23 * 60);
  });

  it('does not fire 25 hours after, for another user, or for a revocation Bulwark logs as a grant of what remains', () => {
    assert.deepEqual(run([reset(0, 'ann'), grant(25 * 60, 'ann')], 'privilege-after-reset'), []);
    assert.deepEqual(run([reset(0, 'ann'), grant(5, 'bob')], 'privilege-after-reset'), []);
    assert.deepEqual(run([reset(0, 'ann'), grant(5, 'ann', { privilegeRevoked: 'Super Administrator', roleType: 'SUPER_ADMIN', remainingRoles: 'ORG_ADMIN' })], 'privilege-after-reset'), []);
  });

  it("counts an admin's setting of the password as a reset, not the user's own change", () => {
    const set = (actor: LogActor) => ev('t1', 0, actor, { eventType: 'user.account.update_password', displayMessage: 'Update password for Okta user', target: [userTarget('ann')] });
    assert.equal(run([set(admin), grant(10, 'ann')], 'privilege-after-reset').length, 1);
    assert.deepEqual(run([set(person('ann')), grant(10, 'ann')], 'privilege-after-reset'), []);
  });
});

describe('helpdesk-reset-on-admin', () => {
  const grant = (minute: number, user: string, debugData: Record<string, unknown>) =>
    ev('t1', minute, person('boss'), { eventType: 'user.account.privilege.grant', displayMessage: 'Grant user privilege', target: [userTarget(user)], debugData });
  const resetBy = (minute: number, actor: LogActor, user: string, debugData?: Record<string, unknown>) =>
    ev('t1', minute, actor, { eventType: 'user.mfa.factor.reset_all', displayMessage: 'Reset all factors for user', target: [userTarget(user)], ...(debugData ? { debugData } : {}) });

  it('fires on a reset of an admin by a help-desk admin, both roles seen granted in the stream (Okta labels)', () => {
    const events = [
      grant(0, 'ann', { privilegeGranted: 'Organization administrator, Application administrator (all)' }),
      grant(1, 'hd', { privilegeGranted: 'Help Desk administrator' }),
      resetBy(2, person('hd'), 'ann'),
    ];
    const alerts = run(events, 'helpdesk-reset-on-admin');
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]?.severity, 'high');
    assert.equal(alerts[0]?.details['basis'], 'STREAM');
  });

  it('fires on a reset of an admin by support staff', () => {
    assert.equal(run([grant(0, 'ann', { roleType: 'ORG_ADMIN' }), resetBy(2, staff('sam'), 'ann')], 'helpdesk-reset-on-admin').length, 1);
  });

  it('does not fire once the admin role was revoked, for a reset by a super admin, or on a user without a role', () => {
    const revoke = ev('t1', 1, person('boss'), { eventType: 'user.account.privilege.revoke', displayMessage: 'Revoke user privilege', target: [userTarget('ann')], debugData: { privilegeRevoked: 'Organizational Administrator', roleType: 'ORG_ADMIN', remainingRoles: '' } });
    assert.deepEqual(run([grant(0, 'ann', { roleType: 'ORG_ADMIN' }), revoke, resetBy(2, staff('sam'), 'ann')], 'helpdesk-reset-on-admin'), []);
    assert.deepEqual(run([grant(0, 'ann', { roleType: 'ORG_ADMIN' }), grant(0, 'boss', { roleType: 'SUPER_ADMIN' }), resetBy(2, person('boss'), 'ann')], 'helpdesk-reset-on-admin'), []);
    assert.deepEqual(run([grant(1, 'hd', { roleType: 'HELP_DESK_ADMIN' }), resetBy(2, person('hd'), 'ann')], 'helpdesk-reset-on-admin'), []);
  });

  it("reads Bulwark's verdicts: a verified reset (medium) and a refused one (high)", () => {
    const verified = resetBy(0, person('hd'), 'ann', { verificationId: 'pvf123' });
    const refused = ev('t1', 1, person('hd'), {
      eventType: 'bulwark.user.verification.use', displayMessage: 'Reset of a privileged user refused', outcome: { result: 'DENY', reason: 'VERIFICATION_REQUIRED' },
      target: [userTarget('ann')], debugData: { action: 'RESET_FACTORS' },
    });
    const alerts = run([verified, refused], 'helpdesk-reset-on-admin');
    assert.deepEqual(alerts.map((a) => [a.severity, a.details['verified'], a.details['refused']]), [['medium', true, false], ['high', false, true]]);
  });
});

describe('the engine', () => {
  it('never treats its own alert events as evidence', () => {
    const own = ev('t1', 0, person('x'), { eventType: 'bulwark.detection.alert', displayMessage: 'Detection rule raised an alert', target: [userTarget('ann')] });
    assert.deepEqual(createEngine().process([own]), []);
  });

  it('lists its rules, built-in first', () => {
    assert.deepEqual(createEngine().rules.map((r) => r.id), [
      'support-principal-many-tenants', 'factor-from-new-location', 'session-new-asn', 'oversized-export', 'privilege-after-reset', 'helpdesk-reset-on-admin',
    ]);
    assert.deepEqual(createEngine({ builtin: false }).rules, []);
  });
});

describe('thresholds', () => {
  it('refuses an unknown name, a value out of range and a pair without =, naming them', () => {
    assert.deepEqual(parseThresholds('supportTenants=1'), { ok: false, reason: 'supportTenants must be an integer from 2 to 100000, got "1"' });
    assert.deepEqual(parseThresholds('tenants=5'), { ok: false, reason: 'unknown threshold "tenants" (known: supportTenants, supportWindowMinutes, resetWindowHours, exportRows, exportBytes, maxKeys)' });
    assert.deepEqual(parseThresholds('supportTenants'), { ok: false, reason: '"supportTenants" is not name=value' });
    assert.deepEqual(parseThresholds(''), { ok: true, value: DEFAULT_THRESHOLDS });
  });
});
