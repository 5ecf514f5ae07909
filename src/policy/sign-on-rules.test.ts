import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NetworkInfo } from '#src/network/resolver.ts';
import {
  amrSatisfies, anyConditions, builtInRules, factorQualifies, matchingRule, policyProblem, reachesAdminConsole, rulesDemandingFactors, signOnPolicyId, supportPlaneProblem,
  type SignOnRequest, type SignOnRule,
} from './sign-on-rules.ts';
import { inZone, type ZoneRow } from './zones.ts';

const TENANT = '00oAAAAAAAAAAAAAAAAA';
const [ADMIN_RULE, DEFAULT_RULE] = builtInRules(TENANT, { idleMinutes: 120, maxMinutes: 720 }) as [SignOnRule, SignOnRule];
const net = (ip: string | null, asn: number | null = null, country: string | null = null): NetworkInfo => ({ ip, asn, asOrg: null, country });

function zone(over: Partial<ZoneRow>): ZoneRow {
  return { id: 'nzoAAAAAAAAAAAAAAAAA', name: 'z', type: 'IP', status: 'ACTIVE', gateways: [], asns: [], countries: [], created: new Date(0), lastUpdated: new Date(0), ...over };
}

function rule(over: Partial<Omit<SignOnRule, 'conditions'>> & { conditions?: Partial<SignOnRule['conditions']> }): SignOnRule {
  return {
    ...DEFAULT_RULE,
    id: '0prCUSTOMAAAAAAAAAAA',
    name: 'custom',
    priority: 1,
    system: null,
    ...over,
    conditions: { ...anyConditions(), ...over.conditions },
    actions: over.actions ?? { signon: { ...DEFAULT_RULE.actions.signon, access: 'DENY' } },
  };
}

function request(over: Partial<SignOnRequest> = {}): SignOnRequest {
  return { app: 'dashboard', userId: '00uUSER', groupIds: new Set(), network: net('10.0.0.1'), zones: new Map(), ...over };
}

describe('sign-on rules', () => {
  it('gives the built-in objects ids derived from the tenant, the same every time and different per tenant', () => {
    assert.equal(signOnPolicyId(TENANT), signOnPolicyId(TENANT));
    assert.notEqual(signOnPolicyId(TENANT), signOnPolicyId('00oBBBBBBBBBBBBBBBBB'));
    assert.match(signOnPolicyId(TENANT), /^00p[0-9A-Za-z]{17}$/);
    assert.match(ADMIN_RULE.id, /^0pr[0-9A-Za-z]{17}$/);
    assert.notEqual(ADMIN_RULE.id, DEFAULT_RULE.id);
  });

  it('sends the admin console to its rule and everything else to the default rule', () => {
    const rules = [ADMIN_RULE, DEFAULT_RULE];
    assert.equal(matchingRule(rules, request({ app: 'admin_console' })).id, ADMIN_RULE.id);
    assert.equal(matchingRule(rules, request({ app: 'dashboard' })).id, DEFAULT_RULE.id);
    assert.equal(matchingRule(rules, request({ app: 'help_center' })).id, DEFAULT_RULE.id);
  });

  it('matches groups and users by include and exclude, and skips inactive rules', () => {
    const byGroup = rule({ conditions: { people: { groups: { include: ['00gA'], exclude: [] }, users: { include: [], exclude: ['00uOUT'] } } } });
    const rules = [byGroup, DEFAULT_RULE];
    assert.equal(matchingRule(rules, request({ groupIds: new Set(['00gA']) })).id, byGroup.id);
    assert.equal(matchingRule(rules, request({ groupIds: new Set(['00gB']) })).id, DEFAULT_RULE.id);
    assert.equal(matchingRule(rules, request({ groupIds: new Set(['00gA']), userId: '00uOUT' })).id, DEFAULT_RULE.id);
    assert.equal(matchingRule([{ ...byGroup, status: 'INACTIVE' }, DEFAULT_RULE], request({ groupIds: new Set(['00gA']) })).id, DEFAULT_RULE.id);
  });

  it('matches network zones, and an inactive or unknown zone matches nothing', () => {
    const office = zone({ id: 'nzoOFFICE', gateways: [{ type: 'CIDR', value: '203.0.113.0/24' }] });
    const inOffice = rule({ conditions: { network: { connection: 'ZONE', include: ['nzoOFFICE'], exclude: [] } } });
    const outsideOffice = rule({ id: '0prOUTSIDE', conditions: { network: { connection: 'ZONE', include: [], exclude: ['nzoOFFICE'] } } });
    const zones = new Map([[office.id, office]]);
    assert.equal(matchingRule([inOffice, DEFAULT_RULE], request({ zones, network: net('203.0.113.9') })).id, inOffice.id);
    assert.equal(matchingRule([inOffice, DEFAULT_RULE], request({ zones, network: net('203.0.114.9') })).id, DEFAULT_RULE.id);
    assert.equal(matchingRule([outsideOffice, DEFAULT_RULE], request({ zones, network: net('203.0.113.9') })).id, DEFAULT_RULE.id);
    assert.equal(matchingRule([outsideOffice, DEFAULT_RULE], request({ zones, network: net('8.8.8.8') })).id, outsideOffice.id);
    const off = new Map([[office.id, { ...office, status: 'INACTIVE' as const }]]);
    assert.equal(matchingRule([inOffice, DEFAULT_RULE], request({ zones: off, network: net('203.0.113.9') })).id, DEFAULT_RULE.id);
    assert.equal(matchingRule([inOffice, DEFAULT_RULE], request({ network: net('203.0.113.9') })).id, DEFAULT_RULE.id);
  });

  it('puts addresses in IP zones by CIDR and range, IPv4 and IPv6, and never a request without an address', () => {
    const z = zone({ gateways: [{ type: 'CIDR', value: '2001:db8::/32' }, { type: 'RANGE', value: '198.51.100.10-198.51.100.20' }] });
    assert.equal(inZone(z, net('2001:db8::1')), true);
    assert.equal(inZone(z, net('2001:db9::1')), false);
    assert.equal(inZone(z, net('198.51.100.15')), true);
    assert.equal(inZone(z, net('198.51.100.21')), false);
    assert.equal(inZone(z, net(null)), false);
  });

  it('puts requests in DYNAMIC zones when every kind of condition the zone sets matches', () => {
    const cloudflareInGermany = zone({ type: 'DYNAMIC', asns: ['13335'], countries: ['DE'] });
    assert.equal(inZone(cloudflareInGermany, net('1.1.1.1', 13335, 'DE')), true);
    assert.equal(inZone(cloudflareInGermany, net('1.1.1.1', 13335, 'US')), false);
    assert.equal(inZone(cloudflareInGermany, net('1.1.1.1', 13335, null)), false);
    assert.equal(inZone(zone({ type: 'DYNAMIC', asns: ['13335'] }), net('1.1.1.1', 13335, null)), true);
    assert.equal(inZone(zone({ type: 'DYNAMIC', asns: ['13335'] }), net('8.8.8.8', 15169, null)), false);
  });

  it('judges methods: a passkey for phishing resistance, anything beyond a password for a factor', () => {
    const pr = ADMIN_RULE.actions.signon;
    const anyFactor = { ...DEFAULT_RULE.actions.signon, requireFactor: true };
    assert.equal(amrSatisfies(['pwd', 'otp'], pr), false);
    assert.equal(amrSatisfies(['hwk', 'mfa'], pr), true);
    assert.equal(amrSatisfies(['pwd', 'swk', 'mfa'], pr), true);
    assert.equal(amrSatisfies(['pwd'], anyFactor), false);
    assert.equal(amrSatisfies(['pwd', 'otp'], anyFactor), true);
    assert.equal(amrSatisfies(['pwd'], DEFAULT_RULE.actions.signon), true);
    assert.equal(factorQualifies('token:software:totp', pr), false);
    assert.equal(factorQualifies('webauthn', pr), true);
    assert.equal(factorQualifies('token:software:totp', anyFactor), true);
  });

  it('refuses, in a support plane, any rule that lets someone in without a passkey, whatever its conditions', () => {
    const passkey = { ...DEFAULT_RULE.actions.signon, access: 'ALLOW' as const, requireFactor: true, phishingResistant: 'REQUIRED' as const };
    const passkeyDefault = { ...DEFAULT_RULE, actions: { signon: passkey } };
    assert.equal(supportPlaneProblem([ADMIN_RULE, passkeyDefault]), null);
    assert.match(supportPlaneProblem([ADMIN_RULE, DEFAULT_RULE]) ?? '', /support staff sign in with a passkey only/);
    const narrow = rule({ actions: { signon: { ...passkey, phishingResistant: 'OPTIONAL' } }, conditions: { app: { include: ['dashboard'], exclude: [] } } });
    assert.match(supportPlaneProblem([narrow, ADMIN_RULE, passkeyDefault]) ?? '', /^[^:]+: actions.signon: support staff/);
    assert.equal(supportPlaneProblem([{ ...narrow, status: 'INACTIVE' }, ADMIN_RULE, passkeyDefault]), null, 'an inactive rule lets nobody in');
    assert.equal(supportPlaneProblem([rule({ actions: { signon: { ...passkey, access: 'DENY', requireFactor: false, phishingResistant: 'OPTIONAL' } } }), ADMIN_RULE, passkeyDefault]), null, 'a deny rule lets nobody in');
  });

  it('refuses rule lists that would let anything but a passkey into the admin console, or make no sense', () => {
    const passwordOnly = { ...DEFAULT_RULE.actions.signon, access: 'ALLOW' as const, requireFactor: false };
    const before = (r: SignOnRule) => [r, { ...ADMIN_RULE, priority: 2 }, { ...DEFAULT_RULE, priority: 3 }];
    assert.match(policyProblem(before(rule({ actions: { signon: passwordOnly } }))) ?? '', /comes before the admin console's/);
    const passwordAndCode = { ...passwordOnly, requireFactor: true };
    assert.match(policyProblem(before(rule({ actions: { signon: passwordAndCode } }))) ?? '', /always asks for a passkey/);
    assert.equal(policyProblem(before(rule({ actions: { signon: { ...passwordAndCode, phishingResistant: 'REQUIRED' } } }))), null);
    assert.equal(policyProblem(before(rule({ actions: { signon: passwordOnly }, conditions: { app: { include: ['dashboard'], exclude: [] } } }))), null);
    assert.equal(policyProblem(before(rule({ actions: { signon: passwordOnly }, conditions: { app: { include: [], exclude: ['admin_console'] } } }))), null);
    assert.equal(policyProblem(before(rule({ actions: { signon: passwordOnly }, status: 'INACTIVE' }))), null);
    assert.equal(policyProblem([ADMIN_RULE, rule({ priority: 2, actions: { signon: passwordOnly } }), DEFAULT_RULE]), null, 'after the admin console rule, a rule never sees an admin console sign-in');
    assert.equal(policyProblem([ADMIN_RULE, DEFAULT_RULE]), null);
    const denyAdmins = { ...ADMIN_RULE, actions: { signon: { ...ADMIN_RULE.actions.signon, access: 'DENY' as const } } };
    assert.match(policyProblem([denyAdmins, DEFAULT_RULE]) ?? '', /built-in admin console rule allows/);
    const adminPasswordOnly = { ...ADMIN_RULE, actions: { signon: { ...ADMIN_RULE.actions.signon, requireFactor: false, phishingResistant: 'OPTIONAL' as const } } };
    assert.match(policyProblem([adminPasswordOnly, DEFAULT_RULE]) ?? '', /always asks for a passkey/);
    const adminWithCode = { ...ADMIN_RULE, actions: { signon: { ...ADMIN_RULE.actions.signon, phishingResistant: 'OPTIONAL' as const } } };
    assert.match(policyProblem([adminWithCode, DEFAULT_RULE]) ?? '', /always asks for a passkey/);
    const longIdle = { ...ADMIN_RULE, actions: { signon: { ...ADMIN_RULE.actions.signon, session: { ...ADMIN_RULE.actions.signon.session, maxSessionIdleMinutes: 800 } } } };
    assert.match(policyProblem([longIdle, DEFAULT_RULE]) ?? '', /maxSessionIdleMinutes/);
    const prWithoutFactor = rule({ actions: { signon: { ...passwordOnly, phishingResistant: 'REQUIRED' } }, conditions: { app: { include: ['dashboard'], exclude: [] } } });
    assert.match(policyProblem(before(prWithoutFactor)) ?? '', /phishing-resistant factor is a factor/);
  });

  it('knows which conditions can reach the admin console', () => {
    assert.equal(reachesAdminConsole(anyConditions()), true);
    assert.equal(reachesAdminConsole({ ...anyConditions(), app: { include: ['dashboard'], exclude: [] } }), false);
    assert.equal(reachesAdminConsole({ ...anyConditions(), app: { include: ['admin_console', 'dashboard'], exclude: [] } }), true);
  });

  it('finds the rules a user\'s factors must keep meeting: theirs, for the apps they reach, from any network, until a rule for every network', () => {
    const anyFactor = { ...DEFAULT_RULE.actions.signon, access: 'ALLOW' as const, requireFactor: true };
    const group = (id: string) => ({ people: { groups: { include: [id], exclude: [] }, users: { include: [], exclude: [] } } });
    const forGroup = rule({ id: '0prGROUPAAAAAAAAAAAA', actions: { signon: anyFactor }, conditions: group('00gMINE') });
    const otherGroup = rule({ id: '0prOTHERAAAAAAAAAAAA', actions: { signon: anyFactor }, conditions: group('00gOTHER') });
    const inactive = rule({ id: '0prOFFAAAAAAAAAAAAAA', status: 'INACTIVE', actions: { signon: anyFactor } });
    const fromZone = rule({ id: '0prZONEAAAAAAAAAAAAA', actions: { signon: anyFactor }, conditions: { network: { connection: 'ZONE', include: ['nzoX'], exclude: [] } } });
    const ids = (rules: SignOnRule[], apps: string[]) => rulesDemandingFactors(rules, { apps, userId: '00uME', groupIds: new Set(['00gMINE']) }).map((r) => r.id).sort();
    assert.deepEqual(ids([ADMIN_RULE, DEFAULT_RULE], ['dashboard']), [], 'the default rule asks for nothing');
    assert.deepEqual(ids([ADMIN_RULE, DEFAULT_RULE], ['dashboard', 'admin_console']), [ADMIN_RULE.id], 'an admin\'s admin console rule');
    assert.deepEqual(ids([otherGroup, inactive, forGroup, DEFAULT_RULE], ['dashboard']), [forGroup.id], 'not another group\'s, not an inactive one');
    assert.deepEqual(ids([fromZone, DEFAULT_RULE], ['dashboard']), [fromZone.id], 'a rule for one zone applies when the user is there');
    const allowAnywhere = rule({ id: '0prFIRSTAAAAAAAAAAAA', actions: { signon: { ...anyFactor, requireFactor: false } } });
    assert.deepEqual(ids([allowAnywhere, forGroup, DEFAULT_RULE], ['dashboard']), [], 'a rule for every network before it: the later rule never decides');
  });
});
